/**
 * Smoke test of `npm run bench -- --carrier` (issue #20): a gateway process takes every batch, first as new events
 * and then as duplicates (the bench checks each answer's counts and fails otherwise), and the report is well formed.
 * Speed is NOT asserted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CARRIER_BENCH_EVENTS, type CarrierBenchReport } from '../src/bench/carrier.js';

const BENCH_MAIN = fileURLToPath(new URL('../dist/bench/main.js', import.meta.url));

describe('npm run bench -- --smoke --carrier', () => {
  const out = mkdtempSync(join(tmpdir(), 'coldtrace-carrier-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('posts every batch as new and then as duplicates, with one and with several clients', () => {
    if (!existsSync(BENCH_MAIN)) throw new Error(`${BENCH_MAIN} is missing: run 'npm run build' first`);
    const run = spawnSync(process.execPath, [BENCH_MAIN, '--smoke', '--carrier', '--out', out], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const json = readdirSync(out).find((f) => f.endsWith('-carrier-smoke.json'));
    expect(json).toBeDefined();
    const report = JSON.parse(readFileSync(join(out, json!), 'utf8')) as CarrierBenchReport;
    expect(report.runs.map((r) => [r.clients, r.pass, r.events])).toEqual([
      [1, 'new', CARRIER_BENCH_EVENTS.smoke], [1, 'duplicate', CARRIER_BENCH_EVENTS.smoke],
      [4, 'new', CARRIER_BENCH_EVENTS.smoke], [4, 'duplicate', CARRIER_BENCH_EVENTS.smoke],
    ]);
    for (const r of report.runs) expect(r.eventsPerS).toBeGreaterThan(0);
    expect(run.stdout).toContain('# Carrier events in (#20), smoke');
  });
});
