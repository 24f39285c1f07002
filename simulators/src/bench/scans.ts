/**
 * `npm run bench -- --scans`: an RFID portal at 500 tag reads a second resolved into custody (issue #21), with ingest
 * of readings at its closed-loop peak beside it. A gateway process on a fresh data directory (SQLite, durability full,
 * rules on). Items are first read at a door with their lot (a pack's DataMatrix: GTIN, serial, lot), so the gateway
 * knows each SGTIN's batch; then two portals (onto the truck, back into the cold room) read 100 tags every 200 ms,
 * two pallets a message, each message moving both pallets. Reports ingest alone (before and after) and with the
 * portal (the ratio),
 * the scan messages' acknowledgement latency (an acknowledgement comes once every read is judged, applied and
 * logged), the largest number of them in flight, the time to drain after the last, and the reads by outcome.
 * Then the same portal as an LLRP reader through a real edge agent (scans-llrp.ts), beside the same load.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { scanTopic } from '@coldtrace/contract';
import { runLoad } from '../load/index.js';
import { spawnGateway } from './processes.js';
import type { BenchMode } from './shapes.js';
import { runLlrpPortal, type LlrpPortalFigures } from './scans-llrp.js';

const GTIN = '09506000134352';
const PALLETS = 20;
const ITEMS = 100;
const READS_PER_MESSAGE = 100;
const MESSAGE_EVERY_MS = 200;

export const SCAN_BENCH_SIZES: Readonly<Record<BenchMode, { durationMs: number; devices: number }>> = {
  smoke: { durationMs: 2000, devices: 5 }, quick: { durationMs: 10_000, devices: 50 }, full: { durationMs: 30_000, devices: 100 },
};

export interface ScanBenchReport {
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string };
  readonly durationS: number;
  /** Priming: reads of every item with its lot at the door, reads/s. */
  readonly primeReadsPerS: number;
  /** Mean of the runs alone before and after the run beside the portal. */
  readonly ingestAloneReadingsPerS: number;
  readonly ingestWithScansReadingsPerS: number;
  readonly ingestRatio: number;
  readonly readsSent: number;
  readonly readsAcked: number;
  readonly offeredReadsPerS: number;
  readonly ackedReadsPerS: number;
  readonly messageAckP50Ms: number;
  readonly messageAckP99Ms: number;
  readonly messageAckMaxMs: number;
  readonly maxInFlight: number;
  /** From the last publish to the last acknowledgement, ms. */
  readonly drainMs: number;
  readonly outcomes: Record<string, number>;
  /** The portal as an LLRP reader through an edge agent; `outcomes`: the gateway's outcomes of its reads. */
  readonly llrp: LlrpPortalFigures & { readonly outcomes: Record<string, number> };
}

function registry(): Record<string, unknown> {
  const circle = (lat: number, lon: number) => ({ kind: 'circle', center: { lat, lon }, radiusM: 300 });
  const scanner = (id: string, door: Record<string, string>) => ({ id, kind: 'scanner', model: 'bench', intervalS: 3600, scanner: door });
  const now = Date.now();
  return {
    format: 'coldtrace-registry/1',
    sites: [{ id: 'WH', name: 'Warehouse', geofence: circle(52.3, 4.7) }, { id: 'DC', name: 'DC', geofence: circle(51.9, 4.4) }],
    zones: [{ id: 'cold', site: 'WH', name: 'Cold room' }],
    devices: [
      scanner('door', { zone: 'cold', direction: 'in' }), scanner('portal-truck', { shipment: 'SH-B', direction: 'in' }), scanner('portal-cold', { zone: 'cold', direction: 'in' }),
      // The same two portals read by the LLRP reader through an edge agent (scans-llrp.ts).
      scanner('llrp-truck', { shipment: 'SH-B', direction: 'in' }), scanner('llrp-cold', { zone: 'cold', direction: 'in' }),
    ],
    products: [{ id: 'P', name: 'Vaccine', storageTempC: 5, gtins: [GTIN] }],
    batches: Array.from({ length: PALLETS }, (_v, i) => ({ id: `B-${i}`, product: 'P', quantity: ITEMS, producedAt: '2026-10-01', expiresAt: '2029-10-01' })),
    shipments: [{ id: 'SH-B', carrier: 'bench', lane: 'WH-DC', mode: 'road', origin: 'WH', destination: 'DC',
      plannedDeparture: new Date(now).toISOString(), promisedDelivery: new Date(now + 86_400_000).toISOString() }],
  };
}

const serial = (pallet: number, item: number): string => String(pallet * 1000 + item);

function pct(sorted: readonly number[], p: number): number {
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10;
}

async function outcomes(httpUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^coldtrace_scan_reads_total\{outcome="([a-z-]+)"\} (\d+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

export async function runScanBench(o: { mode: BenchMode; startedAt: Date; log: (s: string) => void }): Promise<ScanBenchReport> {
  const size = SCAN_BENCH_SIZES[o.mode];
  const dir = await mkdtemp(join(tmpdir(), 'coldtrace-scan-bench-'));
  const gateway = await spawnGateway({ COLDTRACE_DATA_DIR: dir, COLDTRACE_DURABILITY: 'full' });
  const httpUrl = gateway.ready['httpUrl']!;
  const mqttUrl = gateway.ready['mqttUrl']!;
  const client = await mqtt.connectAsync(mqttUrl, { clientId: 'bench-dock', reconnectPeriod: 0 });
  try {
    const put = await fetch(`${httpUrl}/api/v1/registry`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(registry()) });
    if (!put.ok) throw new Error(`scan bench: registry refused: ${await put.text()}`);
    const seq = new Map<string, number>();
    const publish = (device: string, reads: unknown[]): Promise<unknown> => {
      const s = (seq.get(device) ?? 0) + 1;
      seq.set(device, s);
      return client.publishAsync(scanTopic('bench', 'dock', device), JSON.stringify({ v: 1, seq: s, time: Date.now(), reads }), { qos: 1 });
    };
    // Every item read once at the door with its lot: the gateway learns each SGTIN's batch and puts the pallets in.
    const primeStart = performance.now();
    for (let p = 0; p < PALLETS; p++) {
      await publish('door', Array.from({ length: ITEMS }, (_v, i) => ({ via: 'barcode', raw: `${GTIN}/${serial(p, i)}`, code: { gtin: GTIN, serial: serial(p, i), batch: `B-${p}` } })));
    }
    const primeReadsPerS = Math.round((PALLETS * ITEMS) / ((performance.now() - primeStart) / 1000));
    o.log(`primed ${PALLETS * ITEMS} items: ${primeReadsPerS} reads/s`);
    const load = { url: mqttUrl, devices: size.devices, ratePerDevice: 0, inflightPerDevice: 4, readingsPerMessage: 50, durationMs: size.durationMs, site: 'bench-load' };
    // Alone before and after the run beside the portal: a gateway warming up, or a neighbour on the machine, is
    // on both sides of the comparison.
    const before = await runLoad({ ...load, devicePrefix: 'alone' });
    o.log(`ingest alone: ${Math.round(before.ackedReadingsPerS)} readings/s`);
    // The portal beside the same load: a message every 200 ms by the clock, whatever the acknowledgements do; a
    // timer that fires late (a busy machine) sends the messages it owes at once, so the offered rate holds.
    const latencies: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let sent = 0;
    let lastPublishAt = 0;
    let firstPublishAt = 0;
    let lastAckAt = 0;
    const pending: Promise<unknown>[] = [];
    const withScans = runLoad({ ...load, devicePrefix: 'beside' });
    const started = performance.now();
    const sendOne = (): void => {
      const k = sent++;
      const pair = (k >> 1) % (PALLETS / 2);
      const device = k % 2 === 0 ? 'portal-truck' : 'portal-cold';
      const reads = [2 * pair, 2 * pair + 1].flatMap((p) => Array.from({ length: READS_PER_MESSAGE / 2 }, (_v, i) => {
        const s = serial(p, i);
        return { via: 'rfid', raw: `SGTIN ${GTIN}.${s}`, code: { gtin: GTIN, serial: s } };
      }));
      const t = performance.now();
      if (k === 0) firstPublishAt = t;
      lastPublishAt = t;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      pending.push(publish(device, reads).then(() => {
        inFlight--;
        lastAckAt = performance.now();
        latencies.push(lastAckAt - t);
      }));
    };
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.min(Math.floor(elapsed / MESSAGE_EVERY_MS), Math.floor(size.durationMs / MESSAGE_EVERY_MS));
      while (sent < due) sendOne();
      if (elapsed >= size.durationMs) clearInterval(timer);
    }, MESSAGE_EVERY_MS / 4);
    const beside = await withScans;
    clearInterval(timer);
    await Promise.all(pending);
    const after = await runLoad({ ...load, devicePrefix: 'after' });
    o.log(`ingest alone again: ${Math.round(after.ackedReadingsPerS)} readings/s`);
    const aloneReadingsPerS = (before.ackedReadingsPerS + after.ackedReadingsPerS) / 2;
    const scanSeconds = (lastPublishAt - firstPublishAt) / 1000 + MESSAGE_EVERY_MS / 1000;
    latencies.sort((a, b) => a - b);
    const directOutcomes = await outcomes(httpUrl);
    const total = async (): Promise<number> => Object.values(await outcomes(httpUrl)).reduce((a, b) => a + b, 0);
    const llrp = await runLlrpPortal({
      mqttUrl, readsLogged: total, devices: ['llrp-truck', 'llrp-cold'], gtin: GTIN, companyDigits: 7, tagsPerSecond: READS_PER_MESSAGE * (1000 / MESSAGE_EVERY_MS),
      serials: Array.from({ length: PALLETS * ITEMS }, (_v, k) => Number(serial(Math.floor(k / ITEMS), k % ITEMS))),
      durationMs: size.durationMs, load, log: o.log,
    });
    const afterLlrp = await outcomes(httpUrl);
    const llrpOutcomes = Object.fromEntries(Object.entries(afterLlrp).map(([k, n]) => [k, n - (directOutcomes[k] ?? 0)]).filter(([, n]) => n !== 0));
    const r: ScanBenchReport = {
      mode: o.mode, startedAt: o.startedAt.toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
      durationS: size.durationMs / 1000, primeReadsPerS,
      ingestAloneReadingsPerS: Math.round(aloneReadingsPerS), ingestWithScansReadingsPerS: Math.round(beside.ackedReadingsPerS),
      ingestRatio: Math.round((beside.ackedReadingsPerS / Math.max(1, aloneReadingsPerS)) * 1000) / 1000,
      offeredReadsPerS: Math.round((sent * READS_PER_MESSAGE) / scanSeconds),
      ackedReadsPerS: Math.round((latencies.length * READS_PER_MESSAGE) / ((lastAckAt - firstPublishAt) / 1000 + MESSAGE_EVERY_MS / 1000)),
      readsSent: sent * READS_PER_MESSAGE, readsAcked: latencies.length * READS_PER_MESSAGE,
      messageAckP50Ms: pct(latencies, 0.5), messageAckP99Ms: pct(latencies, 0.99), messageAckMaxMs: Math.round(latencies[latencies.length - 1] ?? 0),
      maxInFlight, drainMs: Math.round(lastAckAt - lastPublishAt), outcomes: directOutcomes, llrp: { ...llrp, outcomes: llrpOutcomes },
    };
    o.log(`portal: ${r.ackedReadsPerS} reads/s acknowledged of ${r.offeredReadsPerS} offered, ack p50 ${r.messageAckP50Ms} ms, p99 ${r.messageAckP99Ms} ms, max in flight ${r.maxInFlight}; ` +
      `ingest ${r.ingestWithScansReadingsPerS} / ${r.ingestAloneReadingsPerS} readings/s = ${Math.round(r.ingestRatio * 1000) / 10} %`);
    return r;
  } finally {
    await client.endAsync();
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function writeScanReport(r: ScanBenchReport, out: string): Promise<{ stem: string; md: string }> {
  await mkdir(out, { recursive: true });
  const stem = join(out, `${r.startedAt.replace(/[:.]/g, '-')}-scans-${r.mode}`);
  const md = [
    `# Scans into custody (#21), ${r.mode}`, '',
    `An RFID portal at ${READS_PER_MESSAGE * (1000 / MESSAGE_EVERY_MS)} tag reads/s (${READS_PER_MESSAGE} SGTIN reads every ${MESSAGE_EVERY_MS} ms, two pallets moved per message) beside ingest at its closed-loop peak ` +
      `(50 readings/msg); gateway process, SQLite, durability full, rules on; ${r.durationS} s; ${r.machine.cpus} × ${r.machine.cpuModel}.`, '',
    '| figure | value |', '|---|---|',
    `| ingest alone, readings/s | ${r.ingestAloneReadingsPerS.toLocaleString('en')} |`,
    `| ingest beside the portal, readings/s | ${r.ingestWithScansReadingsPerS.toLocaleString('en')} (${Math.round(r.ingestRatio * 1000) / 10} %) |`,
    `| tag reads offered / acknowledged, /s | ${r.offeredReadsPerS} / ${r.ackedReadsPerS} |`,
    `| scan message acknowledgement p50 / p99 / max, ms | ${r.messageAckP50Ms} / ${r.messageAckP99Ms} / ${r.messageAckMaxMs} |`,
    `| most scan messages in flight | ${r.maxInFlight} |`,
    `| drain after the last message, ms | ${r.drainMs} |`,
    `| priming (door reads with lot), reads/s | ${r.primeReadsPerS} |`,
    `| reads by outcome | ${Object.entries(r.outcomes).map(([k, n]) => `${k} ${n}`).join(', ')} |`, '',
    `The same portal as an LLRP reader (simulator on llrpjs' server, antennas 1 and 2 = the two portals) through an edge agent (llrp source, no hold time, outbox, MQTT), beside the same load for ${r.durationS} s:`, '',
    '| figure | value |', '|---|---|',
    `| tag reads reported by the reader / logged by the gateway | ${r.llrp.tagsOffered} / ${r.llrp.readsLogged} |`,
    `| reported / logged, reads/s | ${r.llrp.offeredReadsPerS} / ${r.llrp.loggedReadsPerS} |`,
    `| drain after the reader's last report, ms (100 ms polling) | ${r.llrp.drainMs} |`,
    `| ingest beside the LLRP portal, readings/s | ${r.llrp.ingestBesideReadingsPerS.toLocaleString('en')} |`,
    `| reads by outcome | ${Object.entries(r.llrp.outcomes).map(([k, n]) => `${k} ${n}`).join(', ')} |`, '',
  ].join('\n');
  await writeFile(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(`${stem}.md`, md);
  return { stem, md };
}
