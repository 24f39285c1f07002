/**
 * What chaining costs ingest (issue #17, docs/security.md "Tamper evidence"): a load shape against a gateway on a
 * fresh data directory with COLDTRACE_INTEGRITY_CHAIN on, then off, interleaved (on, off, on, off ...) so drift of
 * the machine falls on both; custody and rules off in both, so the ratio is the chain's alone (the hashing runs on the
 * writer thread, inside each commit). After every run with chaining on, the stopped gateway's data directory is
 * verified offline with coldtrace-verify, which must find every link intact; its time is reported too.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad } from '../load/index.js';
import { cpuSeconds } from './proc.js';
import { spawnGateway } from './processes.js';
import { shapes, type BenchMode } from './shapes.js';
import { measureStoreChainCost, type StoreChainCost } from './integrity-store.js';
import { mean, onOffFigures, r3, type OnOffFigures } from './on-off.js';
import { measureRemoteChainCost, measureSpoolChainCost, remoteChainTable, type RemoteIntegrityShape } from './integrity-remote.js';

const VERIFY_CLI = fileURLToPath(new URL('../../../gateway/dist/cli/verify.js', import.meta.url));
const SHAPES = ['single-qos1', 'batch-50'];
/** Per mode: seconds per run (undefined: the shape's own) and on/off pairs. */
const SIZES: Record<BenchMode, { durationMs?: number; repetitions: number }> = {
  smoke: { repetitions: 1 },
  quick: { repetitions: 2 },
  full: { durationMs: 20_000, repetitions: 3 },
};

export interface IntegrityRun {
  readonly chain: 'on' | 'off';
  readonly readingsPerS: number;
  readonly p99Ms: number;
  /** Gateway CPU (all threads) per acknowledged reading, µs. */
  readonly cpuUsPerReading: number;
  readonly acked: number;
  /** Chaining on: coldtrace-verify on the stopped gateway's directory: exit status and seconds. */
  readonly verify?: { readonly ok: boolean; readonly seconds: number; readonly summary: string };
}

export interface IntegrityShape extends OnOffFigures {
  readonly shape: string;
  readonly title: string;
  readonly durationS: number;
  readonly runs: readonly IntegrityRun[];
}

export interface IntegrityBenchReport {
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly loadAvgAtStart: readonly number[]; readonly loadAvgAtEnd: readonly number[] };
  readonly shapes: readonly IntegrityShape[];
  /** The chain's CPU on the store's path alone (integrity-store.ts), and what it leaves of each shape's off runs' CPU per reading. */
  readonly store: readonly StoreChainCost[];
  /** Per shape: off runs' gateway CPU per reading / (that + the chain's store CPU per reading of the matching commit shape). */
  readonly estimatedRatios: readonly { readonly shape: string; readonly ratio: number }[];
  /** The same shapes into InfluxDB through the spool, chaining on / off (integrity-remote.ts). */
  readonly remote: readonly RemoteIntegrityShape[];
  /** The chain on the spool's path alone, as `store` for the embedded store. */
  readonly spool: readonly StoreChainCost[];
}

const pct = (x: number): string => `${Math.round(x * 1000) / 10} %`;

function verifyDir(dir: string): Promise<{ ok: boolean; seconds: number; summary: string }> {
  const t = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [VERIFY_CLI, '--data-dir', dir], { maxBuffer: 1 << 24 }, (error, stdout) => {
      resolve({ ok: error === null, seconds: Math.round(performance.now() - t) / 1000, summary: stdout.trim().split('\n').slice(0, 2).join(' / ') });
    });
  });
}

export async function runIntegrityBench(o: { mode: BenchMode; startedAt: Date; log: (s: string) => void }): Promise<IntegrityBenchReport> {
  const size = SIZES[o.mode];
  const loadAvgAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const out: IntegrityShape[] = [];
  for (const spec of shapes(o.mode).filter((s) => SHAPES.includes(s.name))) {
    const load = size.durationMs === undefined ? spec.load : { ...spec.load, durationMs: size.durationMs };
    const runs: IntegrityRun[] = [];
    for (let rep = 0; rep < size.repetitions; rep++) {
      for (const chain of ['on', 'off'] as const) {
        const dir = await mkdtemp(join(tmpdir(), `ct-bench-integrity-${chain}-`));
        try {
          const gw = await spawnGateway({ COLDTRACE_DATA_DIR: dir, COLDTRACE_DURABILITY: spec.durability, COLDTRACE_CUSTODY: 'off', COLDTRACE_RULES: 'off', COLDTRACE_INTEGRITY_CHAIN: chain });
          let run: IntegrityRun;
          try {
            const cpu0 = cpuSeconds(gw.pid);
            const result = await runLoad({ ...load, url: gw.ready['mqttUrl']! });
            const cpu = cpuSeconds(gw.pid) - cpu0;
            const acked = result.acked.live.readings;
            run = { chain, readingsPerS: result.ackedReadingsPerS, p99Ms: result.latencySteady.p99, cpuUsPerReading: Math.round((cpu / Math.max(1, acked)) * 1e8) / 100, acked };
          } finally {
            await gw.stop();
          }
          if (chain === 'on') run = { ...run, verify: await verifyDir(dir) };
          runs.push(run);
          o.log(`  ${spec.name} chaining ${chain} (${rep + 1}/${size.repetitions}): ${run.readingsPerS.toLocaleString('en')} readings/s, ${run.cpuUsPerReading} µs CPU/reading` +
            `${run.verify !== undefined ? `; coldtrace-verify ${run.verify.ok ? 'ok' : 'FAILED'} in ${run.verify.seconds} s` : ''}`);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
    }
    const of = (c: 'on' | 'off'): IntegrityRun[] => runs.filter((r) => r.chain === c);
    const s: IntegrityShape = { shape: spec.name, title: spec.title, durationS: (load.durationMs ?? 10_000) / 1000, ...onOffFigures(of('on'), of('off')), runs };
    out.push(s);
    o.log(`${spec.name}: chaining on / off ${s.onReadingsPerS.toLocaleString('en')} / ${s.offReadingsPerS.toLocaleString('en')} readings/s = ${pct(s.ratio)} (pairs ${s.pairRatios.map(pct).join(', ')}); by CPU ${pct(s.cpuRatio)}`);
  }
  const store = await measureStoreChainCost(o.mode, o.log);
  const spool = await measureSpoolChainCost(o.mode, o.log);
  const remote = await measureRemoteChainCost(o.mode, o.log);
  const estimatedRatios = out.map((s, i) => {
    const off = mean(s.runs.filter((r) => r.chain === 'off').map((r) => r.cpuUsPerReading));
    const chain = Math.max(0, store[i]?.chainCpuUsPerReading ?? 0);
    return { shape: s.shape, ratio: r3(off / (off + chain)) };
  });
  return {
    mode: o.mode, startedAt: o.startedAt.toISOString(), shapes: out, store, estimatedRatios, remote, spool,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAvgAtStart, loadAvgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
  };
}

export async function writeIntegrityReport(r: IntegrityBenchReport, out: string): Promise<{ stem: string; md: string }> {
  await mkdir(out, { recursive: true });
  const stem = join(out, `${r.startedAt.replace(/[:.]/g, '-')}-integrity-${r.mode}`);
  const md = [
    `# Ingest with chaining on / off (#17), ${r.mode}`, '',
    `Fresh SQLite data directory per run, custody and rules off, runs interleaved; ${r.machine.cpus} × ${r.machine.cpuModel}; load average ${r.machine.loadAvgAtStart.join(' ')} at start, ${r.machine.loadAvgAtEnd.join(' ')} at end. Target: on >= 90 % of off.`, '',
    '| shape | s/run | on readings/s | off readings/s | on / off | pairs | by CPU | verify (on runs) |', '|---|---|---|---|---|---|---|---|',
    ...r.shapes.map((s) => `| ${s.shape} | ${s.durationS} | ${s.onReadingsPerS.toLocaleString('en')} | ${s.offReadingsPerS.toLocaleString('en')} | ${pct(s.ratio)} | ${s.pairRatios.map(pct).join(', ')} | ${pct(s.cpuRatio)} | ` +
      `${s.runs.filter((x) => x.verify !== undefined).map((x) => `${x.verify!.ok ? 'ok' : 'FAILED'} ${x.verify!.seconds} s`).join(', ')} |`), '',
    'The chain on the store\'s path alone (one process, both stores, alternating rounds; CPU time of all threads):', '',
    '| commit shape | rounds | on µs CPU/reading | off | the chain | share left of the gateway\'s off CPU/reading |', '|---|---|---|---|---|---|',
    ...r.store.map((x, i) => `| ${x.shape} | ${x.rounds} | ${x.onCpuUsPerReading} | ${x.offCpuUsPerReading} | ${x.chainCpuUsPerReading} | ${r.estimatedRatios[i] !== undefined ? `${pct(r.estimatedRatios[i].ratio)} (${r.estimatedRatios[i].shape})` : ''} |`), '',
    ...remoteChainTable(r.remote, r.spool),
  ].join('\n');
  await writeFile(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(`${stem}.md`, md);
  return { stem, md };
}
