import { describe, expect, it } from 'vitest';
import { chartData } from '../web/src/chart-model.js';

const M = 60_000;
const b = (startMin: number, min: number, max: number) => ({ start: startMin * M, firstTime: startMin * M, lastTime: startMin * M + M - 1, count: 2, min, max, mean: (min + max) / 2 });
const win = { from: 0, to: 10 * M, step: M };

describe('the series chart\'s data for uPlot', () => {
  it.each([
    ['no readings: the window\'s ends only, a default range', [], [0, 10 * M], [null, null], [-0.5, 1.5]],
    ['one run: a point per bucket, one at its end, the window\'s ends', [b(2, 4, 5), b(3, 4, 19)], [0, 2 * M, 3 * M, 4 * M, 10 * M], [null, 5, 19, 19, null], [2.8, 20.2]],
    ['a missing bucket is a gap, never bridged', [b(2, 4, 5), b(4, 3, 6)], [0, 2 * M, 3 * M, 3 * M + 1, 4 * M, 5 * M, 10 * M], [null, 5, 5, null, 6, 6, null], [2.5, 6.5]],
    ['a bucket at the window\'s edges: no extra point there', [b(0, 4, 5), b(9, 4, 5)], [0, M, M + 1, 9 * M, 10 * M], [5, 5, null, 5, 5], [3.5, 5.5]],
  ] as const)('%s', (_name, buckets, x, max, yRange) => {
    const d = chartData(buckets, win);
    expect(d.x).toEqual(x);
    expect(d.max).toEqual(max);
    expect(d.yRange.map((v) => Math.round(v * 10) / 10)).toEqual(yRange);
    // min, max and mean are null together: a gap in one is a gap in all.
    expect(d.min.map((v) => v === null)).toEqual(d.max.map((v) => v === null));
    expect(d.mean.map((v) => v === null)).toEqual(d.max.map((v) => v === null));
  });

  it('takes the limits into the y range', () => {
    expect(chartData([b(2, 4, 5)], win, [2, 8]).yRange.map((v) => Math.round(v * 100) / 100)).toEqual([1.5, 8.5]);
  });
});
