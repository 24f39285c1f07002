/**
 * `npm run bench -- --evidence`: the evidence export of one order (issue #16, docs/evidence.md) whose batch sat in a
 * zone with a 1-minute temperature and humidity sensor for 30 days (smoke: 1 day; full: 90 days). A gateway process
 * on a fresh data directory (SQLite, rules off: the export is measured, not the rules); each of CSV, JSON and PDF is
 * downloaded three times with a fixed cut-off. Reports the time to the last byte, the size, and the gateway's RSS
 * before and at its peak during the downloads (sampled from /proc every 20 ms).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { rssMiB } from './proc.js';
import { spawnGateway } from './processes.js';
import type { BenchMode } from './shapes.js';

const MIN = 60_000;
const DAY = 1440 * MIN;
const PER_MESSAGE = 500;

export const EVIDENCE_BENCH_DAYS: Readonly<Record<BenchMode, number>> = { smoke: 1, quick: 30, full: 90 };

export interface EvidenceRun {
  readonly format: 'csv' | 'json' | 'pdf';
  readonly readings: number;
  readonly bytes: number;
  /** Time to the last byte of each download, s. */
  readonly seconds: number[];
  readonly rssBeforeMiB: number;
  readonly rssPeakMiB: number;
}

export interface EvidenceBenchReport {
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string };
  readonly days: number;
  readonly runs: EvidenceRun[];
}

function registry(t0: number, days: number): unknown {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    format: 'coldtrace-registry/1',
    sites: [{ id: 'WH1', name: 'Warehouse', geofence: { kind: 'circle', center: { lat: 52.37, lon: 4.89 }, radiusM: 400 } }],
    zones: [{ id: 'Z-A', site: 'WH1', name: 'Cold room A' }],
    devices: [{ id: 'S-A', kind: 'zone_sensor', model: 'XY-MD02', intervalS: 60, metrics: ['temperature', 'humidity'] }],
    products: [{ id: 'P-VAX', name: 'Vaccine', preset: 'pharma-2-8' }],
    batches: [{ id: 'B-1', product: 'P-VAX', quantity: 10, producedAt: '2026-01-01', expiresAt: '2028-01-01' }],
    orders: [{ id: 'O-BENCH', customer: 'Bench', lines: [{ batch: 'B-1', quantity: 10 }], shipments: [], promisedDelivery: iso(t0 + days * DAY), minRemainingShelfLifeDays: 1, statuses: [] }],
    placements: [{ id: 'P-SA', device: 'S-A', zone: 'Z-A', from: iso(t0) }, { id: 'P-B1', batch: 'B-1', zone: 'Z-A', from: iso(t0), to: iso(t0 + days * DAY) }],
  };
}

async function publish(mqttUrl: string, t0: number, days: number): Promise<number> {
  const client = await mqtt.connectAsync(mqttUrl, { clientId: 'bench-evidence', reconnectPeriod: 0 });
  let seq = 1;
  for (let t = t0; t < t0 + days * DAY; t += PER_MESSAGE * MIN) {
    const readings = [];
    for (let u = t; u < Math.min(t + PER_MESSAGE * MIN, t0 + days * DAY); u += MIN) {
      const i = (u - t0) / MIN;
      // A sine around 5 °C with a 40-minute excursion to 9 °C every ~2.8 days: the chart has something to shade.
      readings.push({ metric: 'temperature', value: Math.round((5 + Math.sin(i / 300) * 2 + (i % 4000 < 40 ? 4 : 0)) * 100) / 100, unit: 'Cel', time: u });
      readings.push({ metric: 'humidity', value: 50 + (i % 7), unit: '%RH', time: u });
    }
    await client.publishAsync(dataTopic('wh1', 'node-b', 'S-A'), JSON.stringify({ v: 1, seq: seq++, time: t, readings }), { qos: 1 });
  }
  await client.endAsync();
  return days * 1440 * 2;
}

async function download(url: string, pid: number): Promise<{ seconds: number; bytes: number; readings: number; peak: number }> {
  let peak = rssMiB(pid);
  const timer = setInterval(() => { peak = Math.max(peak, rssMiB(pid)); }, 20);
  const t = performance.now();
  const res = await fetch(url);
  if (!res.ok || res.body === null) throw new Error(`evidence bench: ${url}: HTTP ${res.status}`);
  let bytes = 0;
  for await (const c of res.body) bytes += (c as Uint8Array).length;
  const seconds = (performance.now() - t) / 1000;
  clearInterval(timer);
  return { seconds: Math.round(seconds * 1000) / 1000, bytes, readings: Number(res.headers.get('x-coldtrace-evidence-readings') ?? -1), peak: Math.max(peak, rssMiB(pid)) };
}

export async function runEvidenceBench(o: { mode: BenchMode; startedAt: Date; log: (s: string) => void }): Promise<EvidenceBenchReport> {
  const days = EVIDENCE_BENCH_DAYS[o.mode];
  const dir = await mkdtemp(join(tmpdir(), 'coldtrace-evidence-bench-'));
  const gateway = await spawnGateway({ COLDTRACE_DATA_DIR: dir, COLDTRACE_RULES: 'off' });
  const runs: EvidenceRun[] = [];
  try {
    const api = `${gateway.ready['httpUrl']}/api/v1`;
    const t0 = Math.floor(Date.now() / DAY) * DAY - (days + 1) * DAY;
    const put = await fetch(`${api}/registry`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(registry(t0, days)) });
    if (!put.ok) throw new Error(`evidence bench: registry import: HTTP ${put.status} ${await put.text()}`);
    const expected = await publish(gateway.ready['mqttUrl']!, t0, days);
    o.log(`evidence: ${expected} readings published`);
    // Acknowledged at QoS 1 means committed; the cut-off is taken after the last acknowledgement.
    const asOf = Date.now();
    for (const format of ['csv', 'json', 'pdf'] as const) {
      const rssBeforeMiB = Math.round(rssMiB(gateway.pid));
      const got = [];
      for (let i = 0; i < 3; i++) got.push(await download(`${api}/orders/O-BENCH/evidence.${format}?asOf=${asOf}`, gateway.pid));
      const first = got[0]!;
      if (format !== 'pdf' && first.readings !== expected) throw new Error(`evidence bench: ${format} has ${first.readings} readings, expected ${expected}`);
      if (got.some((g) => g.bytes !== first.bytes)) throw new Error(`evidence bench: ${format} downloads differ in size`);
      const run = { format, readings: expected, bytes: first.bytes, seconds: got.map((g) => g.seconds), rssBeforeMiB, rssPeakMiB: Math.round(Math.max(...got.map((g) => g.peak))) };
      o.log(`evidence ${format}: ${run.bytes} bytes in ${run.seconds.join(' / ')} s, RSS ${rssBeforeMiB} -> peak ${run.rssPeakMiB} MiB`);
      runs.push(run);
    }
  } finally {
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return { mode: o.mode, startedAt: o.startedAt.toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' }, days, runs };
}

export async function writeEvidenceReport(r: EvidenceBenchReport, out: string): Promise<{ stem: string; md: string }> {
  await mkdir(out, { recursive: true });
  const stem = join(out, `${r.startedAt.replace(/[:.]/g, '-')}-evidence-${r.mode}`);
  const md = [
    `# Evidence export (#16), ${r.mode}`, '',
    `One order, ${r.days} day(s) of 1-minute temperature and humidity readings (${(r.days * 2880).toLocaleString('en')} readings), SQLite, rules off; ` +
      `three downloads of each with a fixed cut-off; ${r.machine.cpus} × ${r.machine.cpuModel}.`, '',
    '| format | readings | bytes | seconds to last byte | gateway RSS before / peak MiB |', '|---|---|---|---|---|',
    ...r.runs.map((x) => `| ${x.format} | ${x.readings.toLocaleString('en')} | ${x.bytes.toLocaleString('en')} | ${x.seconds.join(' / ')} | ${x.rssBeforeMiB} / ${x.rssPeakMiB} |`), '',
  ].join('\n');
  await writeFile(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(`${stem}.md`, md);
  return { stem, md };
}
