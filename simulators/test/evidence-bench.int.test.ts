/**
 * Smoke test of `npm run bench -- --evidence` (issue #16): a gateway process exports a day of an order's 1-minute
 * readings as CSV, JSON and PDF (the bench checks the reading count and that repeated downloads have the same size),
 * and the report is well formed. Speed is NOT asserted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVIDENCE_BENCH_DAYS, type EvidenceBenchReport } from '../src/bench/evidence.js';

const BENCH_MAIN = fileURLToPath(new URL('../dist/bench/main.js', import.meta.url));

describe('npm run bench -- --smoke --evidence', () => {
  const out = mkdtempSync(join(tmpdir(), 'coldtrace-evidence-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("downloads an order's CSV, JSON and PDF three times each and reports their size and time", () => {
    if (!existsSync(BENCH_MAIN)) throw new Error(`${BENCH_MAIN} is missing: run 'npm run build' first`);
    const run = spawnSync(process.execPath, [BENCH_MAIN, '--smoke', '--evidence', '--out', out], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const json = readdirSync(out).find((f) => f.endsWith('-evidence-smoke.json'));
    expect(json).toBeDefined();
    const report = JSON.parse(readFileSync(join(out, json!), 'utf8')) as EvidenceBenchReport;
    expect(report.runs.map((r) => [r.format, r.readings, r.seconds.length])).toEqual([
      ['csv', EVIDENCE_BENCH_DAYS.smoke * 2880, 3], ['json', EVIDENCE_BENCH_DAYS.smoke * 2880, 3], ['pdf', EVIDENCE_BENCH_DAYS.smoke * 2880, 3],
    ]);
    for (const r of report.runs) expect(r.bytes).toBeGreaterThan(1000);
    expect(run.stdout).toContain('# Evidence export (#16), smoke');
  });
});
