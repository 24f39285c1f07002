/**
 * `npm run bench -- --carrier`: carrier tracking events through POST /api/v1/carrier-events (issue #20 asks for
 * 10,000 events a second, batched). A gateway process on a fresh data directory (SQLite, durability full, rules off:
 * carrier events reach no rule yet); clients post batches of 1,000 events (a tracking number every 10 events), one
 * client and then several at once, every batch first as new events and then again as duplicates. Reports events/s
 * and the batch latency p50/p99.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnGateway } from './processes.js';
import type { BenchMode } from './shapes.js';

const BATCH = 1000;

export const CARRIER_BENCH_EVENTS: Readonly<Record<BenchMode, number>> = { smoke: 4000, quick: 100_000, full: 500_000 };

export interface CarrierRun {
  readonly clients: number;
  readonly pass: 'new' | 'duplicate';
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerS: number;
  readonly batchP50Ms: number;
  readonly batchP99Ms: number;
}

export interface CarrierBenchReport {
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string };
  readonly batch: number;
  readonly runs: CarrierRun[];
}

function body(run: number, b: number): string {
  const t0 = Date.UTC(2026, 11, 1) + run * 86_400_000;
  return JSON.stringify({
    carrier: 'bench', vocabulary: 'aftership',
    events: Array.from({ length: BATCH }, (_v, i) => {
      const n = b * BATCH + i;
      return { trackingNumber: `BN${run}-${Math.floor(n / 10)}`, time: new Date(t0 + n * 1000).toISOString(), code: n % 10 === 9 ? 'Delivered_001' : 'InTransit_007',
        text: 'Departed facility', place: 'Amsterdam hub', position: { lat: 52.37, lon: 4.89 } };
    }),
  });
}

function pct(sorted: readonly number[], p: number): number {
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10;
}

async function pass(url: string, bodies: readonly string[], clients: number, kind: CarrierRun['pass']): Promise<CarrierRun> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      const t = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i] });
      const answer = await res.json() as { new?: number; duplicates?: number; message?: string };
      if (!res.ok) throw new Error(`carrier bench: HTTP ${res.status} ${answer.message ?? ''}`);
      if ((kind === 'new' ? answer.new : answer.duplicates) !== BATCH) throw new Error(`carrier bench: a ${kind} batch answered ${JSON.stringify({ new: answer.new, duplicates: answer.duplicates })}`);
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const events = bodies.length * BATCH;
  return { clients, pass: kind, events, seconds: Math.round(seconds * 100) / 100, eventsPerS: Math.round(events / seconds), batchP50Ms: pct(latencies, 0.5), batchP99Ms: pct(latencies, 0.99) };
}

export async function runCarrierBench(o: { mode: BenchMode; startedAt: Date; log: (s: string) => void }): Promise<CarrierBenchReport> {
  const dir = await mkdtemp(join(tmpdir(), 'coldtrace-carrier-bench-'));
  const gateway = await spawnGateway({ COLDTRACE_DATA_DIR: dir, COLDTRACE_RULES: 'off', COLDTRACE_DURABILITY: 'full' });
  const runs: CarrierRun[] = [];
  try {
    const url = `${gateway.ready['httpUrl']}/api/v1/carrier-events`;
    const batches = CARRIER_BENCH_EVENTS[o.mode] / BATCH;
    for (const [run, clients] of [1, 4].entries()) {
      const bodies = Array.from({ length: batches }, (_v, b) => body(run, b));
      for (const kind of ['new', 'duplicate'] as const) {
        const r = await pass(url, bodies, clients, kind);
        o.log(`carrier events, ${clients} client(s), ${kind}: ${r.eventsPerS} events/s, batch p99 ${r.batchP99Ms} ms`);
        runs.push(r);
      }
    }
  } finally {
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return { mode: o.mode, startedAt: o.startedAt.toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' }, batch: BATCH, runs };
}

export async function writeCarrierReport(r: CarrierBenchReport, out: string): Promise<{ stem: string; md: string }> {
  await mkdir(out, { recursive: true });
  const stem = join(out, `${r.startedAt.replace(/[:.]/g, '-')}-carrier-${r.mode}`);
  const md = [
    `# Carrier events in (#20), ${r.mode}`, '',
    `POST /api/v1/carrier-events, batches of ${r.batch.toLocaleString('en')} events, SQLite, durability full; ${r.machine.cpus} × ${r.machine.cpuModel}. Target: 10,000 events/s.`, '',
    '| clients | events | pass | events/s | batch p50 ms | batch p99 ms |', '|---|---|---|---|---|---|',
    ...r.runs.map((x) => `| ${x.clients} | ${x.events.toLocaleString('en')} | ${x.pass} | ${x.eventsPerS.toLocaleString('en')} | ${x.batchP50Ms} | ${x.batchP99Ms} |`), '',
  ].join('\n');
  await writeFile(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(`${stem}.md`, md);
  return { stem, md };
}
