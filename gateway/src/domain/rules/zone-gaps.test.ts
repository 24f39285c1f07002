import { describe, expect, it } from 'vitest';
import type { LegSeries } from './batch-findings.js';
import { uncovered, zoneGapFinding, type ZoneLeg } from './zone-gaps.js';

const MIN = 60_000;
const NOW = 600 * MIN;

/** Held samples of one sensor: a reading every minute over [from, to), each covering `dt`. */
const sensor = (device: string, placement: string, from: number, to: number, dt = MIN): LegSeries => ({
  device, location: { kind: 'zone', id: placement === 'p2' ? 'Z2' : 'Z1' }, placement, metric: 'temperature',
  held: Array.from({ length: Math.max(0, (to - from) / MIN) }, (_, i) => ({ t: from + i * MIN, v: 5, dt })),
});
const leg = (placement: string, fromMs: number, toMs: number): ZoneLeg => ({ placement, zone: placement === 'p2' ? 'Z2' : 'Z1', fromMs, toMs });
const judge = (series: LegSeries[], legs: ZoneLeg[]) => zoneGapFinding({ batch: 'B', series, orders: [{ id: 'O' }], nowMs: NOW }, legs);

describe('uncovered', () => {
  const cases: { name: string; covered: [number, number][]; out: [number, number][] }[] = [
    { name: 'nothing covered', covered: [], out: [[0, 100]] },
    { name: 'exactly covered', covered: [[0, 100]], out: [] },
    { name: 'covered by adjoining intervals', covered: [[50, 100], [0, 50]], out: [] },
    { name: 'a hole between two', covered: [[0, 40], [60, 100]], out: [[40, 60]] },
    { name: 'overlaps and intervals outside the span', covered: [[-50, 10], [5, 30], [120, 200]], out: [[30, 100]] },
    { name: 'holes at both ends', covered: [[20, 80]], out: [[0, 20], [80, 100]] },
    { name: 'one interval inside another', covered: [[0, 90], [10, 20]], out: [[90, 100]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(uncovered(0, 100, c.covered.map(([fromMs, toMs]) => ({ fromMs, toMs }))).map((h) => [h.fromMs, h.toMs])).toEqual(c.out);
    });
  }
});

describe('zone gaps of a batch', () => {
  it('no hole when a sensor covers the whole stay', () => {
    expect(judge([sensor('S', 'p1', 0, 120 * MIN)], [leg('p1', 0, 120 * MIN)])).toBeUndefined();
  });

  it('a second sensor of the zone fills the first one\'s silence', () => {
    expect(judge([sensor('S', 'p1', 0, 60 * MIN), sensor('T', 'p1', 60 * MIN, 120 * MIN)], [leg('p1', 0, 120 * MIN)])).toBeUndefined();
  });

  it('a zone without a sensor is a hole the length of the stay (the blind spot)', () => {
    const f = judge([], [leg('p1', 0, 120 * MIN)]);
    expect(f).toMatchObject({ rule: 'data-gap/zone', active: false, startMs: 0, endMs: 120 * MIN, metAtMs: 0, figures: { holes: 1, longestClosedMin: 120, coveragePercent: 0 } });
    expect(f?.related.devices).toEqual([]);
  });

  it('a silence in the middle of a stay: closed, with its length and the coverage', () => {
    const f = judge([sensor('S', 'p1', 0, 30 * MIN), sensor('S', 'p1', 60 * MIN, 120 * MIN)], [leg('p1', 0, 120 * MIN)]);
    expect(f).toMatchObject({ active: false, startMs: 30 * MIN, endMs: 60 * MIN, figures: { holes: 1, longestClosedMin: 30, coveragePercent: 75 } });
  });

  it('an open stay whose sensor went quiet: active, ending at its start until a reading closes it', () => {
    const f = judge([sensor('S', 'p1', 0, 100 * MIN)], [leg('p1', 0, Infinity)]);
    expect(f).toMatchObject({ active: true, startMs: 100 * MIN, endMs: 100 * MIN, figures: { holes: 1, silentSinceMs: 100 * MIN } });
    expect(f?.figures.coveragePercent).toBeUndefined();
  });

  it('holes in two zones, in time order; a zero-length stay and a stay in the future count for nothing', () => {
    const f = judge([sensor('S', 'p1', 0, 50 * MIN), sensor('U', 'p2', 200 * MIN, 300 * MIN)], [leg('p1', 0, 60 * MIN), leg('p2', 180 * MIN, 300 * MIN), leg('p1', 400 * MIN, 400 * MIN), leg('p1', NOW + MIN, NOW + 60 * MIN)]);
    expect(f).toMatchObject({ startMs: 50 * MIN, endMs: 200 * MIN, figures: { holes: 2, longestClosedMin: 20, zones: 'Z1,Z2' }, related: { devices: ['S', 'U'], zones: ['Z1', 'Z2'], orders: ['O'] } });
  });

  it('a reading covering past the end of the stay does not hide a hole in the next stay', () => {
    expect(judge([sensor('S', 'p1', 0, 60 * MIN, 10 * MIN)], [leg('p1', 0, 60 * MIN), leg('p2', 60 * MIN, 120 * MIN)])).toMatchObject({ startMs: 60 * MIN, figures: { holes: 1, zones: 'Z2' } });
  });
});
