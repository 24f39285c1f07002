/**
 * Smoke tests of `npm run bench -- --queries` and `--dashboard` (issue #16): the readings endpoint answers 57,000
 * readings as JSON and as NDJSON (the bench checks the count), and the dashboard with 500 devices is measured in
 * Chromium (first paint, commit to page, with the live stream and without); the reports are well formed. Speed is
 * NOT asserted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QueriesBenchReport } from '../src/bench/queries.js';
import { DASHBOARD_BENCH_SIZES, type DashboardBenchReport } from '../src/bench/dashboard.js';

const BENCH_MAIN = fileURLToPath(new URL('../dist/bench/main.js', import.meta.url));

function bench(flag: string, out: string): string {
  if (!existsSync(BENCH_MAIN)) throw new Error(`${BENCH_MAIN} is missing: run 'npm run build' first`);
  const run = spawnSync(process.execPath, [BENCH_MAIN, '--smoke', flag, '--out', out], { encoding: 'utf8', timeout: 240_000 });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

const report = <T>(out: string, suffix: string): T => {
  const json = readdirSync(out).find((f) => f.endsWith(suffix));
  expect(json).toBeDefined();
  return JSON.parse(readFileSync(join(out, json!), 'utf8')) as T;
};

describe('npm run bench -- --smoke --queries / --dashboard', () => {
  const out = mkdtempSync(join(tmpdir(), 'coldtrace-queries-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('times a 57,000-reading answer of GET /api/v1/readings as JSON and as NDJSON', () => {
    const stdout = bench('--queries', out);
    const r = report<QueriesBenchReport>(out, '-queries-smoke.json');
    expect(r.rows.map((q) => [q.format, q.readings])).toEqual([['json', 57_000], ['ndjson', 57_000]]);
    for (const q of r.rows) expect(q.bytes).toBeGreaterThan(57_000 * 100);
    expect(stdout).toContain('# Readings through HTTP (#16), smoke');
  }, 300_000);

  it('measures the dashboard with 500 devices in Chromium', () => {
    const stdout = bench('--dashboard', out);
    const r = report<DashboardBenchReport>(out, '-dashboard-smoke.json');
    expect(r.devices).toBe(501);
    expect([r.firstPaint.n, r.commitToPage.n, r.commitToPagePolling.n]).toEqual([DASHBOARD_BENCH_SIZES.smoke.loads, DASHBOARD_BENCH_SIZES.smoke.probes, DASHBOARD_BENCH_SIZES.smoke.probes]);
    for (const t of [r.firstPaint, r.commitToPage, r.commitToPagePolling]) expect(t.samplesMs.every((ms) => Number.isFinite(ms))).toBe(true);
    expect(stdout).toContain('# Dashboard with 501 devices (#16), smoke');
  }, 300_000);
});
