import { describe, expect, it } from 'vitest';
import { MAX_RUNS_PER_DEVICE, RUN_JOIN_MS, UnlinkedRuns } from './unlinked-runs.js';

describe('UnlinkedRuns', () => {
  it('joins readings less than an hour apart into one run per device, counted', () => {
    const u = new UnlinkedRuns();
    for (const t of [1000, 2000, 1500, 2000 + RUN_JOIN_MS, 10 * RUN_JOIN_MS]) u.add('d', t);
    u.add('e', 5);
    expect(u.list()).toEqual([
      { device: 'd', runs: [{ firstTime: 1000, lastTime: 2000 + RUN_JOIN_MS, readings: 4 }, { firstTime: 10 * RUN_JOIN_MS, lastTime: 10 * RUN_JOIN_MS, readings: 1 }] },
      { device: 'e', runs: [{ firstTime: 5, lastTime: 5, readings: 1 }] },
    ]);
  });

  it('drops what a later placement covers and keeps the rest, uncounted', () => {
    const u = new UnlinkedRuns();
    for (let t = 0; t <= 100_000; t += 10_000) u.add('d', t);
    u.cover('d', [{ fromMs: 30_000, toMs: 60_000 }]);
    expect(u.list()[0]!.runs).toEqual([{ firstTime: 0, lastTime: 29_999, readings: null }, { firstTime: 60_000, lastTime: 100_000, readings: null }]);
    u.cover('d', [{ fromMs: 0, toMs: Infinity }]);
    expect(u.list()).toEqual([]);
  });

  it('keeps at most its bound of runs per device, merging the oldest', () => {
    const u = new UnlinkedRuns();
    for (let i = 0; i <= MAX_RUNS_PER_DEVICE; i++) u.add('d', i * 10 * RUN_JOIN_MS);
    const runs = u.list()[0]!.runs;
    expect(runs).toHaveLength(MAX_RUNS_PER_DEVICE);
    expect(runs[0]).toEqual({ firstTime: 0, lastTime: 10 * RUN_JOIN_MS, readings: 2 });
    expect(runs.reduce((n, r) => n + (r.readings ?? 0), 0)).toBe(MAX_RUNS_PER_DEVICE + 1);
  });
});
