/**
 * Smoke test of `npm run bench -- --photos` (issue #21): a gateway process takes distinct 2 MB photos (the bench
 * checks each is answered 201, each again 200 duplicate, and that the order's timeline shows its 50 photos), and the
 * report is well formed. Speed is NOT asserted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PHOTO_BENCH_SIZES, type PhotoBenchReport } from '../src/bench/photos.js';

const BENCH_MAIN = fileURLToPath(new URL('../dist/bench/main.js', import.meta.url));

describe('npm run bench -- --smoke --photos', () => {
  const out = mkdtempSync(join(tmpdir(), 'coldtrace-photo-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('uploads 2 MB photos and times them, and the order timeline with 50 photos on it', () => {
    if (!existsSync(BENCH_MAIN)) throw new Error(`${BENCH_MAIN} is missing: run 'npm run build' first`);
    const run = spawnSync(process.execPath, [BENCH_MAIN, '--smoke', '--photos', '--out', out], { encoding: 'utf8', timeout: 180_000 });
    expect(run.status, run.stderr).toBe(0);
    const json = readdirSync(out).find((f) => f.endsWith('-photos-smoke.json'));
    expect(json).toBeDefined();
    const report = JSON.parse(readFileSync(join(out, json!), 'utf8')) as PhotoBenchReport;
    expect(report.upload.count).toBe(PHOTO_BENCH_SIZES.smoke.uploads);
    expect(report.photoBytes).toBeGreaterThan(1_500_000);
    expect(report.timeline).toMatchObject({ photos: 50, count: PHOTO_BENCH_SIZES.smoke.timelines, errors: 0 });
    expect(run.stdout).toContain('# Photos as evidence (#21), smoke');
    expect(run.stdout).toContain('| order timeline with 50 photos');
  });
});
