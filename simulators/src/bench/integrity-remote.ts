/**
 * What chaining costs ingest into a remote store (issue #17, docs/security.md "Readings in a remote store"): the
 * gateway with its spool in front of a real InfluxDB 1.6.7 (Debian's), chaining on and off, interleaved, a fresh data
 * directory and database per run. The chain is made where the spool commits a message's readings, so the cost falls
 * on the acknowledged rate (readings/s and the gateway's CPU per reading); the end-to-end rate (acknowledged until the
 * spool is empty) is reported too. After each run with chaining on, GET /api/v1/integrity/verify re-derives every
 * link from what InfluxDB answers: its time and readings per second.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from '../load/index.js';
import { cpuSeconds } from './proc.js';
import { spawnGateway, startInfluxd } from './processes.js';
import { shapes, type BenchMode } from './shapes.js';
import { onOffFigures, r3, type OnOffFigures } from './on-off.js';
import { SpooledTelemetryStore, type TelemetryStore } from '@coldtrace/gateway';
import { measureStoreChainCost, type StoreChainCost } from './integrity-store.js';

const SHAPES = ['single-qos1', 'batch-50'];
const SIZES: Record<BenchMode, { durationMs?: number; repetitions: number }> = {
  smoke: { repetitions: 1 },
  quick: { repetitions: 2 },
  full: { durationMs: 20_000, repetitions: 3 },
};

export interface RemoteIntegrityRun {
  readonly chain: 'on' | 'off';
  /** Acknowledged (spooled) readings per second. */
  readonly readingsPerS: number;
  readonly cpuUsPerReading: number;
  readonly acked: number;
  /** Acknowledged readings per second from the load's start until the spool was empty (all in InfluxDB). */
  readonly endToEndReadingsPerS: number;
  /** Chaining on: the verification over HTTP after the spool drained. */
  readonly verify?: { readonly ok: boolean; readonly seconds: number; readonly links: number; readonly readingsPerS: number };
}

export interface RemoteIntegrityShape extends OnOffFigures {
  readonly shape: string;
  readonly durationS: number;
  /** End-to-end on / off. */
  readonly endToEndRatio: number;
  readonly runs: readonly RemoteIntegrityRun[];
}

async function spooled(httpUrl: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/health`)).text();
  return Number(/(\d+) readings spooled/.exec(text)?.[1] ?? Number.NaN);
}

async function drain(httpUrl: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await spooled(httpUrl)) !== 0) {
    if (performance.now() > deadline) throw new Error(`the spool did not drain within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function verifyOver(httpUrl: string, readings: number): Promise<NonNullable<RemoteIntegrityRun['verify']>> {
  const t = performance.now();
  const report = await (await fetch(`${httpUrl}/api/v1/integrity/verify`)).json() as { ok: boolean; readings: { length?: number } };
  const seconds = (performance.now() - t) / 1000;
  return { ok: report.ok, seconds: r3(seconds), links: report.readings.length ?? 0, readingsPerS: Math.round(readings / seconds) };
}

/** A remote store that is never written to: the spool below holds every commit (nothing forwarded while measured). */
const idle: TelemetryStore = {
  write: () => Promise.resolve({ inserted: 0, duplicates: 0 }), query: () => Promise.resolve([]), series: () => Promise.resolve([]), close: () => Promise.resolve(),
};

/**
 * The chain on the spool's path alone (where it is made: a commit spooled and its link appended in one transaction),
 * as integrity-store.ts measures the embedded store's: the same commits to a chained and an unchained spool in
 * alternating rounds, CPU per reading. Nothing is forwarded meanwhile (the linger outlasts the run).
 */
export function measureSpoolChainCost(mode: BenchMode, log: (s: string) => void): Promise<StoreChainCost[]> {
  return measureStoreChainCost(mode, log, (path, chain) => SpooledTelemetryStore.open(path, idle, {
    chain: chain ? 'exact' : undefined, lingerMs: 1e9, batchSize: 1e9, maxPendingRows: 1e9, maxPendingBytes: 1e12, idlePollMs: 1e9,
  }), 'spool alone');
}

export async function measureRemoteChainCost(mode: BenchMode, log: (s: string) => void): Promise<RemoteIntegrityShape[]> {
  const size = SIZES[mode];
  const influx = await startInfluxd();
  const out: RemoteIntegrityShape[] = [];
  let n = 0;
  try {
    for (const spec of shapes(mode).filter((s) => SHAPES.includes(s.name))) {
      const load = size.durationMs === undefined ? spec.load : { ...spec.load, durationMs: size.durationMs };
      const runs: RemoteIntegrityRun[] = [];
      for (let rep = 0; rep < size.repetitions; rep++) {
        for (const chain of ['on', 'off'] as const) {
          const dir = await mkdtemp(join(tmpdir(), `ct-bench-remote-chain-${chain}-`));
          try {
            const gw = await spawnGateway({
              COLDTRACE_DATA_DIR: dir, COLDTRACE_CUSTODY: 'off', COLDTRACE_RULES: 'off', COLDTRACE_INTEGRITY_CHAIN: chain,
              COLDTRACE_STORE: 'influx-v1', COLDTRACE_INFLUX_URL: influx.url, COLDTRACE_INFLUX_DB: `bench_chain_${++n}`,
            });
            const httpUrl = gw.ready['httpUrl']!;
            let run: RemoteIntegrityRun;
            try {
              const cpu0 = cpuSeconds(gw.pid);
              const t0 = performance.now();
              const result = await runLoad({ ...load, url: gw.ready['mqttUrl']! });
              const cpu = cpuSeconds(gw.pid) - cpu0;
              await drain(httpUrl, 300_000);
              const acked = result.acked.live.readings;
              run = {
                chain, readingsPerS: result.ackedReadingsPerS, cpuUsPerReading: Math.round((cpu / Math.max(1, acked)) * 1e8) / 100, acked,
                endToEndReadingsPerS: Math.round(acked / ((performance.now() - t0) / 1000)),
              };
              if (chain === 'on') run = { ...run, verify: await verifyOver(httpUrl, acked) };
            } finally {
              await gw.stop();
            }
            runs.push(run);
            log(`  ${spec.name} into InfluxDB, chaining ${chain} (${rep + 1}/${size.repetitions}): ${run.readingsPerS.toLocaleString('en')} readings/s acked, ` +
              `${run.endToEndReadingsPerS.toLocaleString('en')} end to end, ${run.cpuUsPerReading} µs CPU/reading` +
              `${run.verify !== undefined ? `; verify ${run.verify.ok ? 'ok' : 'FAILED'}: ${run.verify.links} links in ${run.verify.seconds} s (${run.verify.readingsPerS.toLocaleString('en')} readings/s)` : ''}`);
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        }
      }
      const of = (c: 'on' | 'off'): RemoteIntegrityRun[] => runs.filter((r) => r.chain === c);
      const e2e = (c: 'on' | 'off'): number => of(c).reduce((a, r) => a + r.endToEndReadingsPerS, 0) / Math.max(1, of(c).length);
      out.push({ shape: spec.name, durationS: (load.durationMs ?? 10_000) / 1000, ...onOffFigures(of('on'), of('off')), endToEndRatio: r3(e2e('on') / Math.max(1, e2e('off'))), runs });
    }
  } finally {
    await influx.stop();
  }
  return out;
}

const pct = (x: number): string => `${Math.round(x * 1000) / 10} %`;

/** The report's section on the remote store. */
export function remoteChainTable(rows: readonly RemoteIntegrityShape[], spool: readonly StoreChainCost[]): string[] {
  return [
    'The chain on the spool\'s path alone (one process, both spools, alternating rounds, nothing forwarded; CPU time):', '',
    '| commit shape | rounds | on µs CPU/reading | off | the chain |', '|---|---|---|---|---|',
    ...spool.map((x) => `| ${x.shape} | ${x.rounds} | ${x.onCpuUsPerReading} | ${x.offCpuUsPerReading} | ${x.chainCpuUsPerReading} |`), '',
    'Into InfluxDB 1.6.7 through the spool (a fresh data directory and database per run, interleaved; the chain is made where the spool commits):', '',
    '| shape | s/run | on acked readings/s | off | on / off | pairs | by CPU | end to end on / off | verify (on runs) |', '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((s) => `| ${s.shape} | ${s.durationS} | ${s.onReadingsPerS.toLocaleString('en')} | ${s.offReadingsPerS.toLocaleString('en')} | ${pct(s.ratio)} | ${s.pairRatios.map(pct).join(', ')} | ` +
      `${pct(s.cpuRatio)} | ${pct(s.endToEndRatio)} | ${s.runs.filter((x) => x.verify !== undefined).map((x) => `${x.verify!.ok ? 'ok' : 'FAILED'} ${x.verify!.seconds} s, ${x.verify!.readingsPerS.toLocaleString('en')}/s`).join('; ')} |`),
    '',
  ];
}
