import { describe, expect, it } from 'vitest';
import { shippedClaimFinding, type ShippedClaimInput } from './shipped-claims.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 8);
const related = { devices: ['T-1'], zones: [], batches: ['B-1'], shipments: ['SH-1'], orders: ['O-1', 'O-2'] };
const base: ShippedClaimInput = { shipment: 'SH-1', origin: 'AMS', shipped: [{ order: 'O-1', atMs: T0 }], nowMs: T0 + 10 * 60 * MIN, related };

describe('"shipped" against the departure (within 30 min)', () => {
  it.each([
    ['left 29 min after', 29, false],
    ['left exactly 30 min after (inclusive)', 30, false],
    ['left before it was set shipped', -45, false],
    ['left 31 min after', 31, true],
    ['not left at all', undefined, true],
  ] as const)('%s: flagged %s', (_, departedMin, flagged) => {
    const f = shippedClaimFinding({ ...base, ...(departedMin !== undefined ? { departedMs: T0 + departedMin * MIN } : {}) });
    expect(f !== undefined).toBe(flagged);
  });

  it('active while the goods have not left; cleared once they have, with how early the status was', () => {
    expect(shippedClaimFinding(base)).toMatchObject({
      rule: 'claim/shipped-not-departed/30', severity: 'major', startMs: T0, metAtMs: T0 + 30 * MIN, active: true, figures: { orders: 'O-1', shippedMs: T0 },
    });
    expect(shippedClaimFinding({ ...base, departedMs: T0 + 3 * 60 * MIN })).toMatchObject({ active: false, endMs: T0 + 3 * 60 * MIN, figures: { departedMs: T0 + 3 * 60 * MIN, minutesEarly: 180 } });
  });

  it('judged once the 30 min have passed; every order set shipped too early named', () => {
    expect(shippedClaimFinding({ ...base, nowMs: T0 + 29 * MIN })).toBeUndefined();
    const two = shippedClaimFinding({ ...base, shipped: [{ order: 'O-2', atMs: T0 + 5 * MIN }, { order: 'O-1', atMs: T0 }] });
    expect(two?.figures['orders']).toBe('O-1,O-2');
    expect(two?.startMs).toBe(T0);
  });
});
