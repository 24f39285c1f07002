import { describe, expect, it } from 'vitest';
import { hold, maxGapMs } from './step-hold.js';

describe('step-hold', () => {
  it('caps the max gap at 3 intervals and 1 h', () => {
    expect(maxGapMs(60)).toBe(180_000);
    expect(maxGapMs(3600)).toBe(3_600_000);
  });

  it.each([
    ['each reading holds until the next', [[0, 1], [10, 2], [30, 3]], 0, 40, 100, [[0, 1, 10], [10, 2, 20], [30, 3, 10]], []],
    ['a reading holds at most the max gap; the rest is a gap', [[0, 1], [50, 2]], 0, 60, 20, [[0, 1, 20], [50, 2, 10]], [[20, 50]]],
    ['the reading before the range holds into it', [[-5, 7], [10, 8]], 0, 20, 100, [[0, 7, 10], [10, 8, 10]], []],
    ['a range with no reading is one gap', [], 0, 20, 100, [], [[0, 20]]],
    ['a single reading', [[5, 4]], 0, 100, 30, [[5, 4, 30]], [[0, 5], [35, 100]]],
    ['duplicates count once, the lowest value, whatever the order', [[10, 9], [0, 1], [10, 3]], 0, 20, 100, [[0, 1, 10], [10, 3, 10]], []],
  ] as const)('%s', (_name, samples, from, to, gap, held, gaps) => {
    const r = hold(samples.map(([t, v]) => ({ t, v })), from, to, gap);
    expect(r.held.map((h) => [h.t, h.v, h.dt])).toEqual(held);
    expect(r.gaps.map((g) => [g.fromMs, g.toMs])).toEqual(gaps);
  });
});
