/**
 * `npm run bench -- --series`: the downsampled chart query of issue #16 (GET /api/v1/series, TelemetryStore.series)
 * on a store of the size. Builds a SQLite telemetry store (regular devices every 10 s for 60 days, one dense
 * device every second for the last 8 days, chunks of at most 64 readings like live ingest writes them; readings
 * older than 30 days folded into hourly rollups by retention), then times the chart ranges on random devices and
 * prints p50/p99 and the query plans (EXPLAIN QUERY PLAN).
 *
 * Sizes: full ~50M readings (the target: 7-day chart p99 < 100 ms), quick ~5M, smoke ~0.6M (a check that it runs).
 * Queries run in this process against a warm OS page cache (the store was just written), one at a time.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase, SERIES_SQL, SqliteTelemetryStore, type StoredReading } from '@coldtrace/gateway';
import { seededRandom } from '../random.js';
import type { BenchMode } from './shapes.js';

const DAY = 86_400_000;

interface SeriesBenchSize { readonly devices: number; readonly days: number; readonly denseIntervalMs: number; readonly repeats: number }

export const SERIES_BENCH_SIZES: Readonly<Record<BenchMode, SeriesBenchSize>> = {
  smoke: { devices: 2, days: 35, denseIntervalMs: 60_000, repeats: 5 },
  quick: { devices: 8, days: 60, denseIntervalMs: 1000, repeats: 100 },
  full: { devices: 95, days: 60, denseIntervalMs: 1000, repeats: 200 },
};

/** The charts of the dashboard (chart-model.ts CHART_RANGES) and a range that reaches into the rollups. */
const CHARTS = [
  { name: '1 h / 1 min', spanMs: 3_600_000, step: 60_000 },
  { name: '24 h / 10 min', spanMs: DAY, step: 600_000 },
  { name: '7 d / 1 h', spanMs: 7 * DAY, step: 3_600_000 },
  { name: '40 d / 6 h (rollups + raw)', spanMs: 40 * DAY, step: 6 * 3_600_000 },
] as const;

export interface SeriesChartResult {
  readonly chart: string;
  readonly device: 'regular (10 s)' | 'dense (1 s)';
  readonly queries: number;
  readonly readingsPerQuery: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface SeriesBenchReport {
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string };
  readonly readings: number;
  readonly rolledUp: number;
  readonly buildS: number;
  readonly dbMiB: number;
  readonly charts: SeriesChartResult[];
  readonly plans: Record<string, string[]>;
}

export async function runSeriesBench(o: { mode: BenchMode; startedAt: Date; log: (s: string) => void }): Promise<SeriesBenchReport> {
  const size = SERIES_BENCH_SIZES[o.mode];
  const dir = await mkdtemp(join(tmpdir(), 'ct-bench-series-'));
  const path = join(dir, 'telemetry.db');
  const end = Math.floor(Date.now() / DAY) * DAY;
  const store = SqliteTelemetryStore.open(path, { writer: 'inline', durability: 'normal' });
  try {
    const t0 = performance.now();
    const readings = build(store, size, end, o.log);
    const rolledUp = store.retention.apply(end - 30 * DAY).deleted;
    const buildS = Math.round((performance.now() - t0) / 100) / 10;
    o.log(`series: ${readings} readings stored in ${buildS} s, ${rolledUp} folded into hourly rollups`);
    const rand = seededRandom(16);
    const charts: SeriesChartResult[] = [];
    for (const c of CHARTS) {
      for (const dense of [false, true]) {
        if (dense && c.spanMs > 8 * DAY) continue;
        const times: number[] = [];
        let count = 0;
        for (let i = 0; i < size.repeats; i++) {
          const device = dense ? 'dense-0' : `dev-${Math.floor(rand() * size.devices)}`;
          const to = end - Math.floor(rand() * DAY / c.step) * c.step;
          const q = { device, metric: 'temperature', from: to - c.spanMs, to, step: c.step };
          const s = performance.now();
          const buckets = await store.series(q);
          times.push(performance.now() - s);
          count += buckets.reduce((n, b) => n + b.count, 0);
        }
        times.sort((a, b) => a - b);
        const pct = (p: number): number => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 100) / 100;
        const r: SeriesChartResult = { chart: c.name, device: dense ? 'dense (1 s)' : 'regular (10 s)', queries: times.length, readingsPerQuery: Math.round(count / times.length), p50Ms: pct(0.5), p99Ms: pct(0.99), maxMs: pct(1) };
        charts.push(r);
        o.log(`  ${r.chart}, ${r.device}: ${r.readingsPerQuery} readings/query, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
      }
    }
    const db = openDatabase(path, { durability: 'normal' });
    const plan = (sql: string, ...params: unknown[]): string[] => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((p) => p.detail);
    const plans = {
      whole: plan(SERIES_SQL.whole, { id: 1, h0: end - 7 * DAY, h1: end - 3_600_000, from: end - 7 * DAY, to: end, step: 3_600_000, logged: '[]' }),
      chunks: plan(SERIES_SQL.chunks, { id: 1, h0: end - 7 * DAY, h1: end - 3_600_000, from: end - 7 * DAY, to: end, step: 3_600_000, logged: '[]' }),
      rollups: plan(SERIES_SQL.rollups, { id: 1, from: end - 40 * DAY, to: end, step: 6 * 3_600_000 }),
    };
    const dbMiB = Math.round((db.prepare('PRAGMA page_count').pluck().get() as number) * (db.prepare('PRAGMA page_size').pluck().get() as number) / 2 ** 20);
    db.close();
    return { mode: o.mode, startedAt: o.startedAt.toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' }, readings, rolledUp, buildS, dbMiB, charts, plans };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the history oldest first in windows of 64 dense intervals; the regular devices get a window every 64 of
 * their intervals (10 s). Values: a random walk near 4 °C with a rare single-reading spike.
 */
function build(store: SqliteTelemetryStore, size: SeriesBenchSize, end: number, log: (s: string) => void): number {
  const rand = seededRandom(1);
  const start = end - size.days * DAY;
  const denseFrom = end - 8 * DAY;
  const regular = 10_000;
  const value = new Float64Array(size.devices + 1).fill(4);
  const next = (i: number): number => {
    value[i] = value[i]! + (rand() - 0.5) * 0.05;
    return rand() < 0.0005 ? value[i]! + 15 : value[i]!;
  };
  const reading = (device: string, node: string, time: number, v: number): StoredReading =>
    ({ site: 'bench', node, device, metric: 'temperature', unit: 'Cel', time, value: v, seq: 1, receivedAt: time + 50, flags: 0 });
  let n = 0;
  let lastLog = 0;
  for (let w = start; w < end; w += 64 * regular) {
    const batch: StoredReading[] = [];
    for (let d = 0; d < size.devices; d++) {
      for (let k = 0; k < 64 && w + k * regular < end; k++) batch.push(reading(`dev-${d}`, `node-${d % 10}`, w + k * regular, next(d)));
    }
    store.writeSync(batch);
    n += batch.length;
    for (let t = Math.max(w, denseFrom); t < Math.min(w + 64 * regular, end); t += 64 * size.denseIntervalMs) {
      const dense: StoredReading[] = [];
      for (let k = 0; k < 64 && t + k * size.denseIntervalMs < Math.min(w + 64 * regular, end); k++) dense.push(reading('dense-0', 'node-dense', t + k * size.denseIntervalMs, next(size.devices)));
      store.writeSync(dense);
      n += dense.length;
    }
    if (n - lastLog >= 5_000_000) { lastLog = n; log(`series: ${n} readings written`); }
  }
  return n;
}

export async function writeSeriesReport(r: SeriesBenchReport, out: string): Promise<{ stem: string; md: string }> {
  await mkdir(out, { recursive: true });
  const stem = join(out, `${r.startedAt.replace(/[:.]/g, '-')}-series-${r.mode}`);
  const md = [
    `# Downsampled series (#16), ${r.mode}`, '',
    `${r.readings.toLocaleString('en')} readings stored (${r.rolledUp.toLocaleString('en')} of them folded into hourly rollups), built in ${r.buildS} s, database ${r.dbMiB} MiB; ${r.machine.cpus} × ${r.machine.cpuModel}.`, '',
    '| chart | device | queries | readings per query | p50 ms | p99 ms | max ms |', '|---|---|---|---|---|---|---|',
    ...r.charts.map((c) => `| ${c.chart} | ${c.device} | ${c.queries} | ${c.readingsPerQuery.toLocaleString('en')} | ${c.p50Ms} | ${c.p99Ms} | ${c.maxMs} |`), '',
    'Query plans (EXPLAIN QUERY PLAN):', '',
    ...Object.entries(r.plans).map(([k, p]) => `- ${k}: ${p.join('; ')}`), '',
  ].join('\n');
  await writeFile(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(`${stem}.md`, md);
  return { stem, md };
}
