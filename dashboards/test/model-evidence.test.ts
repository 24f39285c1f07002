import { describe, expect, it } from 'vitest';
import type { Flag } from '../web/src/api-orders.js';
import { chartScale, evidenceQuery } from '../web/src/model-evidence.js';

const MIN = 60_000;
const flag = (o: Partial<Flag> = {}): Flag => ({
  id: 'r@batch:B', rule: 'excursion/temperature/upper/8/consecutive/30',
  params: { metric: 'temperature', bound: 'upper', value: 8 }, subject: { kind: 'batch', id: 'B' }, severity: 'major', title: 't',
  startMs: 100 * MIN, endMs: 144 * MIN, metAtMs: 130 * MIN, active: false,
  episodes: [{ startMs: 100 * MIN, endMs: 144 * MIN, device: 'probe' }], figures: {},
  related: { devices: ['probe'], batches: ['B'], shipments: [], orders: ['O'] }, state: 'open', events: [], ...o,
});

describe('evidenceQuery', () => {
  it('reads the flag’s metric of its devices from 30 min before to 30 min after, with its limit and episodes', () => {
    expect(evidenceQuery(flag())).toEqual({ metric: 'temperature', devices: ['probe'], from: 70 * MIN, to: 174 * MIN, limit: 8, spans: [{ from: 100 * MIN, to: 144 * MIN }] });
  });
  it('widens the margin to half the flag’s length for long flags', () => {
    expect(evidenceQuery(flag({ startMs: 0, endMs: 240 * MIN, episodes: [] }))).toMatchObject({ from: -120 * MIN, to: 360 * MIN, spans: [{ from: 0, to: 240 * MIN }] });
  });
  it.each([
    { name: 'a GPS rule has no metric: none', f: flag({ params: { corridorM: 2000 } }) },
    { name: 'a tier-3 review has no devices: none', f: flag({ related: { devices: [], batches: [], shipments: [], orders: [] } }) },
  ])('$name', ({ f }) => expect(evidenceQuery(f)).toBeUndefined());
  it('has no limit for a rule without a numeric bound', () => {
    expect(evidenceQuery(flag({ params: { metric: 'temperature' } }))?.limit).toBeUndefined();
  });
});

describe('chart scale', () => {
  const box = { width: 110, height: 120, left: 10, right: 0, top: 10, bottom: 10 };
  it('maps the window onto the plot width and the values with the limit and 10 % headroom onto its height', () => {
    const s = chartScale({ from: 0, to: 100, limit: 10 }, [[{ time: 0, value: 0 }, { time: 100, value: 5 }]], box);
    expect([s.min, s.max]).toEqual([-1, 11]);
    expect([s.x(0), s.x(50), s.x(100)]).toEqual([10, 60, 110]);
    expect([s.y(11), s.y(-1)]).toEqual([10, 110]);
  });
});
