/**
 * Flags are a function of the data (docs/rules.md): the same readings, in any order and with duplicates (a device
 * re-sending after a lost PUBACK), give the same findings; so does delivering them in pieces, late.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Product } from '../registry/types.js';
import { batchFindings, type LegSeries } from './batch-findings.js';
import { hold, maxGapMs, type Sample } from './step-hold.js';

const MIN = 60_000;
const product: Product = {
  id: 'P', name: 'p', storageTempC: 5, ignoreStartMin: 0,
  limits: [
    { metric: 'temperature', bound: 'upper', value: 8, alarm: 'instant' },
    { metric: 'temperature', bound: 'upper', value: 8, alarm: 'consecutive', delayMin: 30 },
    { metric: 'temperature', bound: 'upper', value: 8, alarm: 'cumulative', budgetMin: 90 },
    { metric: 'temperature', bound: 'lower', value: 2, alarm: 'consecutive', delayMin: 15 },
  ],
  mkt: [{ windowH: 6, limitC: 8 }],
  shelfLife: { model: 'q10', refTempC: 5, refLifeDays: 2, q10: 3 },
};

/** Two sensors, two legs: a zone then a truck, judged from what was delivered (in whatever order). */
function findings(delivered: readonly { device: string; s: Sample }[]) {
  const legs = [
    { device: 'zone-1', placement: 'p1', location: { kind: 'zone' as const, id: 'Z' }, from: 0, to: 12 * 60 * MIN },
    { device: 'truck-1', placement: 'p2', location: { kind: 'shipment' as const, id: 'SH' }, from: 12 * 60 * MIN, to: 24 * 60 * MIN },
  ];
  const series: LegSeries[] = legs.map((l) => ({
    device: l.device, location: l.location, placement: l.placement, metric: 'temperature',
    held: hold(delivered.filter((d) => d.device === l.device).map((d) => d.s), l.from, l.to, maxGapMs(300)).held,
  }));
  return batchFindings({ batch: 'B', product, series, orders: [{ id: 'O', promisedDeliveryMs: 30 * 60 * MIN, minRemainingShelfLifeDays: 0 }], nowMs: 24 * 60 * MIN });
}

const reading = fc.record({
  device: fc.constantFrom('zone-1', 'truck-1'),
  // Every 5 min over the day, so runs, gaps and the max gap (15 min) all occur.
  s: fc.record({ t: fc.integer({ min: 0, max: 24 * 12 - 1 }).map((k) => k * 5 * MIN), v: fc.integer({ min: -20, max: 140 }).map((x) => x / 10) }),
});
/** Readings as a device keeps them: one value per device and time. */
const readings = fc.uniqueArray(reading, { minLength: 1, maxLength: 250, selector: (r) => `${r.device}@${r.s.t}` });

describe('rules are a function of the data', () => {
  it('gives the same findings for the readings shuffled and with duplicates', () => {
    fc.assert(fc.property(readings, fc.infiniteStream(fc.nat()), fc.nat({ max: 50 }), (rs, rand, dups) => {
      const it = rand[Symbol.iterator]();
      const shuffled = [...rs, ...rs.slice(0, dups)];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = it.next().value! % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      expect(findings(shuffled)).toEqual(findings(rs));
    }), { numRuns: 200 });
  });

  it('finds a warm spell somewhere in most random days (the property is not vacuous)', () => {
    const some = fc.sample(readings, 100).filter((rs) => findings(rs).length > 0);
    expect(some.length).toBeGreaterThan(10);
  });
});
