import { describe, expect, it } from 'vitest';
import { clockSkewFinding, type SkewSample } from './clock-skew.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 2, 8);
const related = { devices: ['T-1'], zones: [], batches: ['B-1'], shipments: ['SH-1'], orders: ['O-1'] };
/** A reading received at T0 + `atMin`, its device clock `leadMin` ahead (skewed beyond 5 min, as the gateway stores it). */
const at = (atMin: number, leadMin = 0): SkewSample => ({ receivedAt: T0 + atMin * MIN, time: T0 + (atMin + leadMin) * MIN, skewed: leadMin * MIN > 5 * MIN });

describe('clock skew on a device', () => {
  it('nothing while every reading is on time, including one exactly 5 min ahead (the tolerance is not exceeded)', () => {
    expect(clockSkewFinding('T-1', [at(0), at(1, 5), at(2, -30)], related)).toBeUndefined();
    expect(clockSkewFinding('T-1', [], related)).toBeUndefined();
  });

  it('raised at the first skewed reading, active while the latest is skewed, with its figures', () => {
    const f = clockSkewFinding('T-1', [at(0), at(1, 62), at(2, 63), at(3, 61.5)], related)!;
    expect(f).toMatchObject({
      rule: 'clock-skew/5', subject: { kind: 'device', id: 'T-1' }, severity: 'warning', active: true,
      startMs: T0 + MIN, metAtMs: T0 + MIN, endMs: T0 + 3 * MIN, related,
      figures: { skewedReadings: 3, readings: 4, maxLeadMin: 63, lastLeadMin: 61.5 },
    });
  });

  it('cleared by a reading on time again (the clock corrected), the skewed stretch kept as its evidence', () => {
    const f = clockSkewFinding('T-1', [at(0), at(1, 62), at(2, 63), at(3, 0.2)], related)!;
    expect(f).toMatchObject({ active: false, startMs: T0 + MIN, endMs: T0 + 2 * MIN, figures: { skewedReadings: 2, readings: 4, lastLeadMin: 63 } });
  });

  it('the same finding whatever order the readings come in', () => {
    const readings = [at(0), at(1, 62), at(2, 63), at(3, 0.2), at(4, 7)];
    const f = clockSkewFinding('T-1', readings, related);
    expect(clockSkewFinding('T-1', [...readings].reverse(), related)).toEqual(f);
    expect(clockSkewFinding('T-1', [readings[3]!, readings[0]!, readings[4]!, readings[2]!, readings[1]!], related)).toEqual(f);
    expect(f?.active).toBe(true);
  });
});
