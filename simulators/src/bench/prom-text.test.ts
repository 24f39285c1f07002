import { describe, expect, it } from 'vitest';
import { bucketQuantile, sample } from './prom-text.js';

/** Prometheus text as the gateway prints it: an ack histogram with two lanes. */
function scrape(live: number[], backlog: number[], otherCounter = 0): string {
  const bounds = ['0.001', '0.01', '0.1', '1'];
  const lines = ['# HELP x_seconds h', '# TYPE x_seconds histogram'];
  for (const [lane, counts] of [['live', live], ['backlog', backlog]] as const) {
    bounds.forEach((le, i) => lines.push(`x_seconds_bucket{le="${le}",lane="${lane}"} ${counts[i]}`));
    lines.push(`x_seconds_bucket{le="+Inf",lane="${lane}"} ${counts[4]}`, `x_seconds_sum{lane="${lane}"} 1.5`, `x_seconds_count{lane="${lane}"} ${counts[4]}`);
  }
  lines.push(`x_seconds_other_total ${otherCounter}`);
  return lines.join('\n');
}

describe('Prometheus text between two scrapes', () => {
  it('sums a metric by exact name, over the lines carrying every label asked for', () => {
    const t = scrape([1, 2, 3, 4, 5], [10, 20, 30, 40, 50], 7);
    expect(sample(t, 'x_seconds_count')).toBe(55);
    expect(sample(t, 'x_seconds_count', 'lane="backlog"')).toBe(50);
    expect(sample(t, 'x_seconds_bucket', 'le="0.01"', 'lane="live"')).toBe(2);
    expect(sample(t, 'x_seconds_other')).toBe(0); // a prefix of another name is not that metric
  });

  it('finds the bucket holding a quantile of what was observed in between, per lane', () => {
    // Cumulative counts. Between the scrapes: live got 100 observations, 90 under 1 ms, 9 more under 10 ms, 1 under
    // 100 ms; backlog got 100, all between 0.1 and 1 s.
    const before = scrape([5, 5, 5, 5, 5], [0, 0, 0, 0, 0]);
    const after = scrape([95, 104, 105, 105, 105], [0, 0, 0, 100, 100]);
    expect(bucketQuantile(before, after, 'x_seconds', 0.5, 'lane="live"')).toBe(1);
    expect(bucketQuantile(before, after, 'x_seconds', 0.95, 'lane="live"')).toBe(10);
    expect(bucketQuantile(before, after, 'x_seconds', 1, 'lane="live"')).toBe(100);
    expect(bucketQuantile(before, after, 'x_seconds', 0.5, 'lane="backlog"')).toBe(1000);
    // Beyond the last finite bound.
    expect(bucketQuantile(scrape([0, 0, 0, 0, 0], [0, 0, 0, 0, 0]), scrape([0, 0, 0, 0, 3], [0, 0, 0, 0, 0]), 'x_seconds', 0.5, 'lane="live"')).toBe(Infinity);
  });
});
