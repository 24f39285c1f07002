import { describe, expect, it } from 'vitest';
import { deliveryClaimFinding, type DeliveryClaimInput } from './delivery-claims.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 8);
const DC = { id: 'DC2', geofence: { kind: 'circle' as const, center: { lat: 51.95, lon: 4.45 }, radiusM: 500 } };
const related = { devices: ['T-1'], zones: [], batches: ['B-1'], shipments: ['SH-1'], orders: ['O-1'] };
/** T-1 at DC2 from T0 to T0 + 20 min (left: its first fix outside), fixes every 5 min from 30 min before to 2 h after. */
const fixes = Array.from({ length: 31 }, (_, i) => {
  const t = T0 - 30 * MIN + i * 5 * MIN;
  const at = t >= T0 && t < T0 + 20 * MIN;
  return { device: 'T-1', t, lat: at ? 51.95 : 51.95 + (t - T0) / (60 * MIN) * 0.1, lon: 4.45 };
});
const base: DeliveryClaimInput = {
  shipment: 'SH-1', claims: [], destination: DC, tracked: true, fixes, placedAtDestinationMs: [], nowMs: T0 + 10 * 60 * MIN, related,
  visits: [{ place: 'DC2', kind: 'destination', device: 'T-1', arrivedMs: T0, departedMs: T0 + 20 * MIN }],
};
const claim = (afterMin: number) => ({ timeMs: T0 + afterMin * MIN, carrier: 'coldline', code: 'Delivered_001', text: 'Signed for' });

describe('a delivery claim against the evidence (window 30 min)', () => {
  it.each([
    ['while the tracker was there', 10, false],
    ['29 min after it left', 20 + 29, false],
    ['exactly 30 min after it left (inclusive)', 20 + 30, false],
    ['31 min after it left', 20 + 31, true],
    ['25 min before it arrived', -25, false],
    ['35 min before it arrived', -35, true],
  ] as const)('%s: flagged %s', (_, afterMin, flagged) => {
    expect(deliveryClaimFinding({ ...base, claims: [claim(afterMin)] }) !== undefined).toBe(flagged);
  });

  it('says how far the nearest fix in time was, and when', () => {
    const f = deliveryClaimFinding({ ...base, claims: [claim(60)] })!;
    expect(f).toMatchObject({
      rule: 'claim/delivered/30', subject: { kind: 'shipment', id: 'SH-1' }, severity: 'major', startMs: T0 + 60 * MIN, metAtMs: T0 + 90 * MIN, active: true, related,
      figures: { claims: 1, claimCode: 'Delivered_001', claimText: 'Signed for', nearestFixMs: T0 + 60 * MIN, nearestFixMinFromClaim: 0 },
    });
    // 0.1° of latitude an hour away from the centre: 11.1 km.
    expect(f.figures['nearestFixKm']).toBeCloseTo(11.1, 1);
  });

  it('a tracker silent around the claim cannot confirm it: flagged, as silent', () => {
    const f = deliveryClaimFinding({ ...base, visits: [], fixes: fixes.filter((x) => x.t < T0 - 20 * MIN), claims: [claim(60)] })!;
    expect(f.figures).toMatchObject({ trackerSilent: 'yes' });
  });

  it('judged only once the window has passed: the tracker may still arrive', () => {
    expect(deliveryClaimFinding({ ...base, claims: [claim(60)], nowMs: T0 + 89 * MIN })).toBeUndefined();
    expect(deliveryClaimFinding({ ...base, claims: [claim(60)], nowMs: T0 + 90 * MIN })).toBeDefined();
  });

  it('without a tracker, custody: the goods placed at the destination within the window', () => {
    const untracked = { ...base, tracked: false, visits: [], fixes: [] };
    expect(deliveryClaimFinding({ ...untracked, claims: [claim(60)], placedAtDestinationMs: [T0 + 75 * MIN] })).toBeUndefined();
    expect(deliveryClaimFinding({ ...untracked, claims: [claim(60)], placedAtDestinationMs: [T0 + 95 * MIN] })?.figures).toMatchObject({ trackerSilent: 'no tracker' });
  });

  it('the same claims in any order give the same finding', () => {
    const claims = [claim(60), claim(120), claim(10)];
    expect(deliveryClaimFinding({ ...base, claims: [...claims].reverse() })).toEqual(deliveryClaimFinding({ ...base, claims }));
    expect(deliveryClaimFinding({ ...base, claims })?.figures['claims']).toBe(2);
  });
});
