import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../simulators/src/random.js';
import { heldFromHours, heldHours, HOUR_MS } from './held-hours.js';
import { mktC, rollingMkt } from './kinetics.js';
import { consumedFraction } from './shelf-life.js';
import { hold, type Sample } from './step-hold.js';

const MIN = 60_000;
const H0 = Date.UTC(2026, 10, 2, 8);
const bins = (xs: ReturnType<typeof heldHours>) => xs.map((h) => ({ hour: (h.hour - H0) / HOUR_MS, bins: Object.fromEntries([...h.bins].map(([b, ms]) => [b, ms / MIN])) }));

describe('held hours: time held per tenth of a degree, per hour', () => {
  it.each([
    ['a reading a minute for an hour, the next hour following', Array.from({ length: 60 }, (_, i) => ({ t: H0 + i * MIN, v: 5 })), 3 * MIN, H0 + HOUR_MS,
      [{ hour: 0, bins: { 50: 60 } }]],
    ['a silence longer than the max gap counts the max gap only', [{ t: H0, v: 5 }, { t: H0 + MIN, v: 6 }, { t: H0 + 30 * MIN, v: 7 }], 3 * MIN, H0 + 31 * MIN,
      [{ hour: 0, bins: { 50: 1, 60: 3, 70: 1 } }]],
    ['the last reading holds its max gap without a next one', [{ t: H0, v: 5 }], 3 * MIN, undefined, [{ hour: 0, bins: { 50: 3 } }]],
    ['values in tenths: 4.96 and 5.04 share a bin, -18.04 is -180', [{ t: H0, v: 4.96 }, { t: H0 + MIN, v: 5.04 }, { t: H0 + 2 * MIN, v: -18.04 }], 3 * MIN, H0 + 3 * MIN,
      [{ hour: 0, bins: { 50: 2, [-180]: 1 } }]],
    ['time held into the next hour counts in the reading\'s hour', [{ t: H0 + 59 * MIN, v: 5 }, { t: H0 + 61 * MIN, v: 6 }], 3 * MIN, H0 + 62 * MIN,
      [{ hour: 0, bins: { 50: 2 } }, { hour: 1, bins: { 60: 1 } }]],
    ['any order, a duplicate time once (the lower value, as hold keeps it)', [{ t: H0 + MIN, v: 6 }, { t: H0, v: 5 }, { t: H0, v: 4 }], 3 * MIN, H0 + 2 * MIN,
      [{ hour: 0, bins: { 40: 1, 60: 1 } }]],
    ['nothing', [], 3 * MIN, undefined, []],
  ] as const)('%s', (_, samples, gap, next, expected) => {
    expect(bins(heldHours(samples as readonly Sample[], gap, next))).toEqual(expected);
  });

  it('laid out as held samples: per hour, bins in value order from the hour start', () => {
    const hours = heldHours([{ t: H0, v: 7 }, { t: H0 + MIN, v: 5 }, { t: H0 + 2 * MIN, v: 7 }], 3 * MIN, H0 + 3 * MIN);
    expect(heldFromHours(hours)).toEqual([{ t: H0, v: 5, dt: MIN }, { t: H0 + MIN, v: 7, dt: 2 * MIN }]);
  });

  it('keeps MKT and kinetic consumption: a week of 5-minute readings with excursions, judged raw and from its held hours', () => {
    const rnd = seededRandom(7);
    const samples: Sample[] = [];
    for (let t = H0; t < H0 + 7 * 24 * HOUR_MS; t += 5 * MIN) {
      if (rnd() < 0.02) continue; // lost readings: gaps longer than the max gap
      const warm = (t - H0) % (24 * HOUR_MS) < 3 * HOUR_MS ? 6 : 0;
      samples.push({ t, v: Math.round((4 + warm + rnd() * 3) * 100) / 100 });
    }
    const gap = 15 * MIN;
    const raw = hold(samples, H0, H0 + 7 * 24 * HOUR_MS + gap, gap).held;
    const rolled = heldFromHours(heldHours(samples, gap));
    expect(Math.abs(mktC(rolled)! - mktC(raw)!)).toBeLessThan(0.05);
    const model = { model: 'arrhenius' as const, refTempC: 5, refLifeDays: 365, eaKJPerMol: 83.144 };
    expect(Math.abs(consumedFraction(model, rolled) / consumedFraction(model, raw) - 1)).toBeLessThan(0.005);
    const q10 = { model: 'q10' as const, refTempC: 5, refLifeDays: 365, q10: 3 };
    expect(Math.abs(consumedFraction(q10, rolled) / consumedFraction(q10, raw) - 1)).toBeLessThan(0.005);
    // 24 h windows on hour boundaries: the worst window's MKT within a tenth.
    const day = 24 * HOUR_MS;
    expect(Math.abs(rollingMkt(rolled, day, undefined, { fullWindowsOnly: true }).worst!.mktC - rollingMkt(raw, day, undefined, { fullWindowsOnly: true }).worst!.mktC)).toBeLessThan(0.1);
  });
});
