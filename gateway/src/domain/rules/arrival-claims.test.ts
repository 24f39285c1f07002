import { describe, expect, it } from 'vitest';
import { arrivalClaimFinding, type ArrivalClaimInput } from './arrival-claims.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 8);
const related = { devices: ['T-1'], zones: [], batches: [], shipments: ['SH-1'], orders: ['O-1'] };
const base: ArrivalClaimInput = {
  shipment: 'SH-1', destination: 'DC2', visits: [{ place: 'DC2', kind: 'destination', device: 'T-1', arrivedMs: T0 }], confirmations: [],
  lastFix: { t: T0 + 30 * MIN, lat: 51.95, lon: 4.45 }, nowMs: T0 + 10 * 60 * MIN, related,
};

describe('arrival without a delivery confirmation (within 120 min)', () => {
  it.each([
    ['confirmed 119 min after arrival', [T0 + 119 * MIN], false],
    ['confirmed exactly 120 min after (inclusive)', [T0 + 120 * MIN], false],
    ['confirmed before the tracker arrived', [T0 - 15 * MIN], false],
    ['no confirmation at all', [], true],
  ] as const)('%s: flagged %s', (_, confirmations, flagged) => {
    expect(arrivalClaimFinding({ ...base, confirmations: [...confirmations] }) !== undefined).toBe(flagged);
  });

  it('says where the goods were last seen; active until a confirmation comes, which clears it however late', () => {
    expect(arrivalClaimFinding(base)).toMatchObject({
      rule: 'claim/arrival-unconfirmed/120', severity: 'major', startMs: T0, metAtMs: T0 + 120 * MIN, active: true,
      figures: { arrivedMs: T0, lastFixMs: T0 + 30 * MIN, lastFixLat: 51.95, lastFixLon: 4.45 },
    });
    expect(arrivalClaimFinding({ ...base, confirmations: [T0 + 5 * 60 * MIN] })).toMatchObject({ active: false, endMs: T0 + 5 * 60 * MIN, figures: { confirmedMs: T0 + 5 * 60 * MIN } });
  });

  it('not before the 120 min have passed, and not without an arrival', () => {
    expect(arrivalClaimFinding({ ...base, nowMs: T0 + 119 * MIN })).toBeUndefined();
    expect(arrivalClaimFinding({ ...base, nowMs: T0 + 120 * MIN })).toBeDefined();
    expect(arrivalClaimFinding({ ...base, visits: [] })).toBeUndefined();
  });

  it('two trackers: from the first to arrive', () => {
    const f = arrivalClaimFinding({ ...base, visits: [...base.visits, { place: 'DC2', kind: 'destination', device: 'T-2', arrivedMs: T0 - 10 * MIN }] });
    expect(f?.startMs).toBe(T0 - 10 * MIN);
  });
});
