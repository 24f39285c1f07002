/**
 * `npm run bench -- --queries`: the readings endpoint of issue #16 (GET /api/v1/readings) through HTTP. Writes a
 * SQLite store with one device of 57,000 readings (the query: one reading a second for 15.8 h, chunks of 64
 * readings as live ingest writes them, beside 20 devices of background), starts a gateway process on it (rules off)
 * and times whole answers, request to last byte, one at a time: JSON and the NDJSON variant
 * (`Accept: application/x-ndjson`). Each answer is checked to hold the 57,000 readings.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteTelemetryStore, type StoredReading } from '@coldtrace/gateway';
import { spawnGateway } from './processes.js';
import type { BenchMode } from './shapes.js';

const READINGS = 57_000;
const HOUR = 3_600_000;

export const QUERIES_BENCH_REPEATS: Readonly<Record<BenchMode, number>> = { smoke: 3, quick: 30, full: 100 };

export interface QueryRow {
  readonly format: 'json' | 'ndjson';
  readonly readings: number;
  readonly bytes: number;
  readonly queries: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface QueriesBenchReport {
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly loadAvg1: number };
  readonly rows: QueryRow[];
}

/** The store: the queried device every second, 20 others every 10 s over the same hours. */
async function build(path: string, t0: number): Promise<void> {
  const store = SqliteTelemetryStore.open(path, { writer: 'inline', durability: 'normal' });
  const reading = (device: string, time: number, value: number): StoredReading =>
    ({ site: 'bench', node: 'node-q', device, metric: 'temperature', unit: 'Cel', time, value, seq: Math.floor(time / 1000) % 1e6, receivedAt: time + 37, flags: 0 });
  for (let i = 0; i < READINGS; i += 64) {
    const batch: StoredReading[] = [];
    for (let k = i; k < Math.min(i + 64, READINGS); k++) batch.push(reading('dev-q', t0 + k * 1000, 4 + Math.sin(k / 600) + (k % 7) / 1000));
    store.writeSync(batch);
  }
  for (let d = 0; d < 20; d++) {
    for (let t = t0; t < t0 + READINGS * 1000; t += 640_000) {
      const batch: StoredReading[] = [];
      for (let k = 0; k < 64; k++) batch.push(reading(`dev-${d}`, t + k * 10_000, 5 + d / 10));
      store.writeSync(batch);
    }
  }
  await store.close();
}

export async function runQueriesBench(o: { mode: BenchMode; startedAt: Date; log: (s: string) => void }): Promise<QueriesBenchReport> {
  const dir = await mkdtemp(join(tmpdir(), 'ct-bench-queries-'));
  const t0 = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
  await build(join(dir, 'telemetry.db'), t0);
  const gateway = await spawnGateway({ COLDTRACE_DATA_DIR: dir, COLDTRACE_RULES: 'off' });
  const rows: QueryRow[] = [];
  try {
    const url = `${gateway.ready['httpUrl']}/api/v1/readings?device=dev-q&from=${t0}&to=${t0 + READINGS * 1000}&limit=100000`;
    for (const format of ['json', 'ndjson'] as const) {
      const accept = format === 'json' ? 'application/json' : 'application/x-ndjson';
      let type = '';
      const get = async (): Promise<string> => {
        const res = await fetch(url, { headers: { accept } });
        if (!res.ok) throw new Error(`queries bench: HTTP ${res.status} ${await res.text()}`);
        type = res.headers.get('content-type') ?? '';
        return res.text();
      };
      const body = await get();
      if (!type.startsWith(accept)) {
        o.log(`queries: ${format}: the gateway answers ${type}, not ${accept}; row skipped`);
        continue;
      }
      const readings = format === 'json' ? (JSON.parse(body) as { readings: unknown[] }).readings.length : body.trimEnd().split('\n').length;
      if (readings !== READINGS) throw new Error(`queries bench: ${format} answer holds ${readings} readings, expected ${READINGS}`);
      const times: number[] = [];
      for (let i = 0; i < QUERIES_BENCH_REPEATS[o.mode]; i++) {
        const s = performance.now();
        await get();
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      const pct = (p: number): number => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 10) / 10;
      const row: QueryRow = { format, readings, bytes: Buffer.byteLength(body), queries: times.length, p50Ms: pct(0.5), p99Ms: pct(0.99), maxMs: pct(1) };
      rows.push(row);
      o.log(`queries: ${format}, ${readings} readings, ${row.bytes} bytes: p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms`);
    }
  } finally {
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return { mode: o.mode, startedAt: o.startedAt.toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAvg1: loadavg()[0]! }, rows };
}

export async function writeQueriesReport(r: QueriesBenchReport, out: string): Promise<{ stem: string; md: string }> {
  await mkdir(out, { recursive: true });
  const stem = join(out, `${r.startedAt.replace(/[:.]/g, '-')}-queries-${r.mode}`);
  const md = [
    `# Readings through HTTP (#16), ${r.mode}`, '',
    `GET /api/v1/readings of one device, ${READINGS.toLocaleString('en')} readings per answer, request to last byte, one at a time; ${r.machine.cpus} × ${r.machine.cpuModel}, load average ${r.machine.loadAvg1.toFixed(1)} at the end.`, '',
    '| format | readings | bytes | queries | p50 ms | p99 ms | max ms |', '|---|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map((q) => `| ${q.format} | ${q.readings.toLocaleString('en')} | ${q.bytes.toLocaleString('en')} | ${q.queries} | ${q.p50Ms} | ${q.p99Ms} | ${q.maxMs} |`), '',
  ].join('\n');
  await writeFile(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(`${stem}.md`, md);
  return { stem, md };
}
