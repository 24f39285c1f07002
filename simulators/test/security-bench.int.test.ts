/**
 * Smoke test of `npm run bench -- --security` (issue #17): both variants ingest with every acknowledged reading stored
 * (with credentials on, the load's nodes log in with credentials the gateway issued in one call), and every node of
 * the connection storm is admitted. Speed is NOT asserted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECURITY_SIZES, type SecurityReport } from '../src/bench/security.js';

const BENCH_MAIN = fileURLToPath(new URL('../dist/bench/main.js', import.meta.url));

describe('npm run bench -- --smoke --security', () => {
  const out = mkdtempSync(join(tmpdir(), 'coldtrace-security-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('ingests with identity, ACLs and chaining on and off, nothing lost, and admits every node of the storm', () => {
    if (!existsSync(BENCH_MAIN)) throw new Error(`${BENCH_MAIN} is missing: run 'npm run build' first`);
    const run = spawnSync(process.execPath, [BENCH_MAIN, '--smoke', '--security', '--out', out], { encoding: 'utf8', timeout: 180_000 });
    expect(run.status, run.stderr).toBe(0);
    const json = readdirSync(out).find((f) => f.endsWith('-security-smoke.json'));
    expect(json).toBeDefined();
    const report = JSON.parse(readFileSync(join(out, json!), 'utf8')) as SecurityReport;
    expect(report.ingest.map((x) => x.shape)).toEqual(['single-qos1', 'batch-50']);
    for (const x of report.ingest) {
      expect(x.runs.map((r) => r.variant).sort()).toEqual(['off', 'on']);
      for (const r of x.runs) expect(r.detail).toMatch(/^acked = stored = [1-9]/);
    }
    expect(report.storm).toMatchObject({ nodes: SECURITY_SIZES.smoke.stormNodes, connected: SECURITY_SIZES.smoke.stormNodes, failures: 0 });
    expect(readFileSync(join(out, json!), 'utf8')).not.toMatch(/"password"/);
    expect(run.stdout).toContain('# Device identity, ACLs and chaining (#17), smoke');
  });
});
