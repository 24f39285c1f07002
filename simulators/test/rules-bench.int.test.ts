/**
 * Smoke test of `npm run bench -- --rules` (issue #15): the smoke size runs end to end (gateway processes, probes,
 * the replay CLI) and writes a report of the expected shape. Speed is NOT asserted: no check depends on how fast
 * the machine is, only on what was counted and found.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RulesBenchReport } from '../src/bench/rules/run.js';

const BENCH_MAIN = fileURLToPath(new URL('../dist/bench/main.js', import.meta.url));

describe('npm run bench -- --rules --smoke', () => {
  const out = mkdtempSync(join(tmpdir(), 'coldtrace-rules-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('measures every part and writes a report of the expected shape', () => {
    if (!existsSync(BENCH_MAIN)) throw new Error(`${BENCH_MAIN} is missing: run 'npm run build' first`);
    const run = spawnSync(process.execPath, [BENCH_MAIN, '--rules', '--smoke', '--out', out], { encoding: 'utf8', timeout: 170_000 });
    expect(run.status, run.stderr).toBe(0);
    const files = readdirSync(out);
    const json = files.find((f) => f.endsWith('-rules-smoke.json'));
    expect(json).toBeDefined();
    expect(files).toContain(json!.replace(/\.json$/, '.md'));
    const r = JSON.parse(readFileSync(join(out, json!), 'utf8')) as RulesBenchReport;
    expect(r.mode).toBe('smoke');

    // Part 1: every family measured; the scenarios hold what each rule looks for, whatever the speed.
    expect(r.throughput.families.map((f) => f.family)).toEqual(['step-hold', 'excursions', 'mkt', 'shelf-life', 'batch (all)', 'transit + data gaps', 'gps', 'all together']);
    for (const f of r.throughput.families) {
      expect(f.calls, f.family).toBeGreaterThan(0);
      expect(f.readingsPerS, f.family).toBeGreaterThan(0);
      expect(f.nsPerReading, f.family).toBeGreaterThan(0);
    }
    const together = r.throughput.families.find((f) => f.family === 'all together')!;
    expect(together.readingsPerCall).toBe(r.throughput.batchReadings + r.throughput.shipmentReadings);
    expect(together.rules).toEqual([
      'data-gap/30', 'excursion/temperature/lower/2/consecutive/15', 'excursion/temperature/upper/8/consecutive/30', 'free-fall/freefall.duration/100/instant',
      'prolonged-stop/4h', 'route-deviation/5000/10', 'shock/shock.peak/25/instant', 'shock/shock.peak/50/instant', 'unplanned-stop/200/30',
      'vibration/vibration.grms/0.73/consecutive/5',
    ]);

    // Part 2: the registry bench's comparison, each variant run, counts agreeing.
    expect(r.ingest.map((x) => x.shape)).toEqual(['single-qos1', 'batch-50']);
    for (const x of r.ingest) {
      expect(x.countsOk, x.shape).toBe(true);
      expect(x.comparison.runs.map((u) => u.custody).sort(), x.shape).toEqual(['off', 'on', 'rules']);
      expect(x.ratio, x.shape).toBeCloseTo(x.rulesReadingsPerS / x.offReadingsPerS, 2);
      expect(x.rulesCpuUsPerReading, x.shape).toBeGreaterThan(0);
      expect(x.offCpuUsPerReading, x.shape).toBeGreaterThan(0);
    }

    // Part 3: every probe's flag showed in the API; the load ran.
    expect(r.latency.probes).toBe(3);
    expect(r.latency.missing).toBe(0);
    expect(r.latency.ackToVisible.count).toBe(3);
    // Every probe notified, and its notifier's share (visible -> notified) measured beside it.
    expect(r.latency.notifyMissing).toBe(0);
    expect(r.latency.visibleToNotified.count).toBe(3);
    // null: a probe's flag never showed (slower than all); none here.
    const { ackToVisible: a, publishToVisible: p } = r.latency;
    expect(a.p50 !== null && a.p99 !== null && p.p50 !== null).toBe(true);
    expect(a.p99!).toBeGreaterThanOrEqual(a.p50!);
    expect(p.p50!).toBeGreaterThanOrEqual(a.p50!);
    expect(r.latency.loadMessagesPerS).toBeGreaterThan(0);

    // Part 4: the replay read every reading and judged every batch of the files it was given.
    expect(r.replay.countsOk).toBe(true);
    expect(r.replay.readings).toBeGreaterThan(0);
    expect(r.replay.flags).toBeGreaterThan(0);

    expect(r.targets.map((t) => t.target)).toEqual(['>= 85 %', '>= 85 %', '< 1 s', '< 2 s', '< 10 s']);
    for (const t of r.targets) expect(typeof t.met).toBe('boolean');
    const md = readFileSync(join(out, json!.replace(/\.json$/, '.md')), 'utf8');
    for (const h of ['## Targets', '## Rule evaluation throughput', '## Ingest with custody and rules on', '## Flag latency at half of peak', '## Replay']) expect(md).toContain(h);
    for (const f of r.throughput.families) expect(md).toContain(`| ${f.family} |`);
  }, 180_000);
});
