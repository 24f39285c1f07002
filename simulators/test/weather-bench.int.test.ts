/**
 * Smoke test of `npm run bench -- --weather` (issue #20): the generated CAP document is accepted (the bench fails
 * otherwise), every repeat judges the same world to the same answer, and the report is well formed. Speed is NOT
 * asserted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEATHER_BENCH_SIZES, type WeatherBenchReport } from '../src/bench/weather.js';

const BENCH_MAIN = fileURLToPath(new URL('../dist/bench/main.js', import.meta.url));

describe('npm run bench -- --smoke --weather', () => {
  const out = mkdtempSync(join(tmpdir(), 'coldtrace-weather-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('parses the generated document and judges every shipment, the same each time', () => {
    if (!existsSync(BENCH_MAIN)) throw new Error(`${BENCH_MAIN} is missing: run 'npm run build' first`);
    const run = spawnSync(process.execPath, [BENCH_MAIN, '--smoke', '--weather', '--out', out], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const json = readdirSync(out).find((f) => f.endsWith('-weather-smoke.json'));
    expect(json).toBeDefined();
    const report = JSON.parse(readFileSync(join(out, json!), 'utf8')) as WeatherBenchReport;
    expect([report.polygons, report.shipments, report.runs.length]).toEqual([WEATHER_BENCH_SIZES.smoke.polygons, WEATHER_BENCH_SIZES.smoke.shipments, WEATHER_BENCH_SIZES.smoke.repeats]);
    // Some shipments meet a storm cell and most do not (100 cells over western Europe).
    const atRisk = report.runs.map((r) => r.atRisk);
    expect(atRisk.every((n) => n === atRisk[0] && n > 0 && n < report.shipments)).toBe(true);
    expect(run.stdout).toContain('# CAP alerts against shipments (#20), smoke');
  });
});
