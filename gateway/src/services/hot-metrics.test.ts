import { describe, expect, it } from 'vitest';
import { Counter, Histogram, Registry } from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics.js';

const BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 1];
/** Values on, between, below and above the bounds, negative and zero included. */
const VALUES = [0, -1, 0.001, 0.0011, 0.004, 0.005, 0.0099, 0.02, 0.05, 0.07, 0.1, 0.5, 1, 1.0001, 30];

describe('hot-path metrics print what prom-client prints for the same observations', () => {
  it('histogram with a label', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({ name: 'x_seconds', help: 'h', buckets: BUCKETS, labelNames: ['lane'], registers: [theirs] });
    // Series print in declaration order here, in first-use order in prom-client: declared in the order used below.
    const hot = new HotHistogram({ name: 'x_seconds', help: 'h', buckets: BUCKETS, label: 'lane', values: ['backlog', 'live'], registry: ours });
    const live = hot.labels('live');
    const backlog = hot.labels('backlog');
    VALUES.forEach((v, i) => {
      const lane = i % 3 === 0 ? 'backlog' : 'live';
      reference.labels(lane).observe(v);
      (lane === 'live' ? live : backlog).observe(v);
    });
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('histogram without a label, and reset', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({ name: 'y_seconds', help: 'h', buckets: BUCKETS, registers: [theirs] });
    const hot = new HotHistogram({ name: 'y_seconds', help: 'h', buckets: BUCKETS, registry: ours });
    for (const v of VALUES) {
      reference.observe(v);
      hot.observe(v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    reference.reset();
    hot.reset();
    reference.observe(0.02);
    hot.observe(0.02);
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('counter with a label (every value used) and without one', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const refA = new Counter({ name: 'a_total', help: 'a', labelNames: ['outcome'], registers: [theirs] });
    const refB = new Counter({ name: 'b_total', help: 'b', registers: [theirs] });
    const a = new HotCounter({ name: 'a_total', help: 'a', label: 'outcome', values: ['stored', 'status'], registry: ours });
    const b = new HotCounter({ name: 'b_total', help: 'b', registry: ours });
    refA.labels('stored').inc();
    refA.labels('stored').inc(4);
    refA.labels('status').inc();
    refB.inc(2.5);
    a.labels('stored').inc();
    a.labels('stored').inc(4);
    a.labels('status').inc();
    b.inc(2.5);
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('refuses a label value it was not declared with', () => {
    const hot = new HotCounter({ name: 'c_total', help: 'c', label: 'flag', values: ['late'], registry: new Registry() });
    expect(() => hot.labels('early')).toThrow(/unknown flag value 'early'/);
  });

  it('keeps bound children counting after a reset, and ignores values prom-client would refuse', async () => {
    const ours = new Registry();
    const hot = new HotHistogram({ name: 'z_seconds', help: 'h', buckets: BUCKETS, label: 'lane', values: ['live'], registry: ours });
    const counter = new HotCounter({ name: 'z_total', help: 'h', label: 'outcome', values: ['stored'], registry: ours });
    const live = hot.labels('live');
    const stored = counter.labels('stored');
    live.observe(0.02);
    stored.inc();
    await ours.resetMetrics();
    live.observe(0.5);
    live.observe(Number.NaN);
    live.observe(Infinity);
    stored.inc(2);
    stored.inc(-5);
    stored.inc(Number.NaN);
    const text = await ours.metrics();
    expect(text).toMatch(/^z_seconds_count\{lane="live"\} 1$/m);
    expect(text).toMatch(/^z_seconds_sum\{lane="live"\} 0.5$/m);
    expect(text).toMatch(/^z_seconds_bucket\{le="0.1",lane="live"\} 0$/m);
    expect(text).toMatch(/^z_total\{outcome="stored"\} 2$/m);
  });
});
