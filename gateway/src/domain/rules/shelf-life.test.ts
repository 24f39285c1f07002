import { describe, expect, it } from 'vitest';
import type { ShelfLifeModel } from '../registry/types.js';
import { consumedFraction, shelfLifeDays, shelfLifeState, type ShelfLifeInput } from './shelf-life.js';
import { hold, maxGapMs, type HeldSample } from './step-hold.js';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 5, 1); // 2026-06-01

/** Consecutive held samples from [temperature °C, duration in days] pairs, starting at T0. */
function days(parts: readonly (readonly [number, number])[]): HeldSample[] {
  let t = T0;
  return parts.map(([v, d]) => {
    const s = { t, v, dt: d * D };
    t += d * D;
    return s;
  });
}

const arrhenius: ShelfLifeModel = { model: 'arrhenius', refTempC: 5, refLifeDays: 21, eaKJPerMol: 100 };
const sqrt: ShelfLifeModel = { model: 'sqrt', refTempC: 5, refLifeDays: 21, tMinC: -10 };
const q10: ShelfLifeModel = { model: 'q10', refTempC: 4, refLifeDays: 14, q10: 2 };
/** Life 10 d at 0 °C, 5 d at 10 °C: one day at 10 °C loses exactly 10 % beyond nominal ageing. */
const tenDays: ShelfLifeModel = { model: 'q10', refTempC: 0, refLifeDays: 10, q10: 2 };
/** Life 4 d at 0 °C, 2 d at 10 °C: one day at 10 °C loses exactly 25 % beyond nominal ageing. */
const fourDays: ShelfLifeModel = { model: 'q10', refTempC: 0, refLifeDays: 4, q10: 2 };

describe('shelfLifeDays', () => {
  it.each([
    { name: 'Arrhenius, Ea 100 kJ/mol: 21 d at 5 °C is 46.34 d at 0 °C', model: arrhenius, tempC: 0, days: 46.34, within: 0.01 },
    { name: 'Arrhenius: the reference life at the reference temperature', model: arrhenius, tempC: 5, days: 21, within: 1e-9 },
    { name: 'Arrhenius: shorter when warmer', model: arrhenius, tempC: 15, days: 21 * Math.exp((100_000 / 8.3144) * (1 / 288.15 - 1 / 278.15)), within: 1e-9 },
    { name: 'square root, T_min -10 °C: 21 d at 5 °C is 47.25 d at 0 °C', model: sqrt, tempC: 0, days: 47.25, within: 1e-9 },
    { name: 'square root: the reference life at the reference temperature', model: sqrt, tempC: 5, days: 21, within: 1e-9 },
    { name: 'square root: a quarter of the life at twice the distance from T_min', model: sqrt, tempC: 20, days: 21 / 4, within: 1e-9 },
    { name: 'Q10 2: half the life 10 °C warmer', model: q10, tempC: 14, days: 7, within: 1e-9 },
    { name: 'Q10 2: twice the life 10 °C colder', model: q10, tempC: -6, days: 28, within: 1e-9 },
    { name: 'Q10 2: the reference life at the reference temperature', model: q10, tempC: 4, days: 14, within: 1e-9 },
  ])('$name', ({ model, tempC, days: expected, within }) => {
    const got = shelfLifeDays(model, tempC);
    expect(got).toBeGreaterThanOrEqual(expected - within);
    expect(got).toBeLessThanOrEqual(expected + within);
  });

  it.each([-10, -10.5, -40])('predicts no spoilage at %d °C, at or below T_min, in the square-root model', (tempC) => {
    expect(shelfLifeDays(sqrt, tempC)).toBe(Infinity);
  });

  it('amounts to a Q10 of 3.08 between 20 and 30 °C with Ea 83.144 kJ/mol (the MKT default)', () => {
    const m: ShelfLifeModel = { model: 'arrhenius', refTempC: 25, refLifeDays: 100, eaKJPerMol: 83.144 };
    expect(shelfLifeDays(m, 20) / shelfLifeDays(m, 30)).toBeCloseTo(3.08, 2);
  });
});

describe('consumedFraction', () => {
  it.each([
    { name: 'is 0.5 for 5 d at 4 °C then 1 d at 14 °C (Q10 2, 14 d at 4 °C)', model: q10, held: days([[4, 5], [14, 1]]), f: 0.5 },
    { name: 'is 0 without readings', model: q10, held: [], f: 0 },
    { name: 'is 0 at or below T_min in the square-root model', model: sqrt, held: days([[-10, 30], [-25, 30]]), f: 0 },
    { name: 'counts only the time above T_min', model: sqrt, held: days([[-10, 30], [5, 7], [-12, 30]]), f: 1 / 3 },
    { name: 'leaves out samples that hold no time', model: q10, held: [...days([[4, 7]]), { t: T0 + 7 * D, v: 40, dt: 0 }], f: 0.5 },
    { name: 'adds up in any order', model: q10, held: days([[14, 1], [4, 5]]), f: 0.5 },
  ])('$name', ({ model, held, f }) => {
    expect(consumedFraction(model, held)).toBeCloseTo(f, 12);
  });

  it('counts a single reading for its capped hold only', () => {
    // One reading at 14 °C from a device with a 5-min interval holds 15 min, not the 10 days asked about.
    const { held } = hold([{ t: T0, v: 14 }], T0, T0 + 10 * D, maxGapMs(300));
    expect(consumedFraction(q10, held)).toBeCloseTo(15 / 1440 / 7, 12);
  });
});

describe('shelfLifeState', () => {
  const base = (over: Partial<ShelfLifeInput>): ShelfLifeInput => ({ model: q10, storageTempC: 4, held: [], nowMs: T0, ...over });

  it('leaves 7.0 d at 4 °C after 5 d at 4 °C then 1 d at 14 °C (Q10 2, 14 d at 4 °C)', () => {
    const s = shelfLifeState(base({ held: days([[4, 5], [14, 1]]), nowMs: T0 + 6 * D }));
    expect(s).toEqual({
      consumed: 0.5, coveredMs: 6 * D, remainingDays: 7, dynamicExpiryMs: T0 + 13 * D, loss: expect.closeTo(0.5 - 6 / 14, 12) as number,
      level: 'ok', reasons: [],
    });
  });

  it('states remaining life at the storage temperature and loss against the reference one', () => {
    // Stored at 0 °C: 14 · 2^0.4 = 18.47 d of life there, half of it left; nominal ageing is still 6 d of 14.
    const s = shelfLifeState(base({ storageTempC: 0, held: days([[4, 5], [14, 1]]), nowMs: T0 + 6 * D }));
    expect(s.remainingDays).toBeCloseTo(7 * 2 ** 0.4, 9);
    expect(s.loss).toBeCloseTo(0.5 - 6 / 14, 12);
  });

  it('has a whole life left and nothing lost without readings', () => {
    expect(shelfLifeState(base({ storageTempC: 14 }))).toEqual({
      consumed: 0, coveredMs: 0, remainingDays: 7, dynamicExpiryMs: T0 + 7 * D, loss: 0, level: 'ok', reasons: [],
    });
  });

  it('covers a single reading for its capped hold only', () => {
    const { held } = hold([{ t: T0, v: 4 }], T0, T0 + 10 * D, maxGapMs(300));
    const s = shelfLifeState(base({ held, nowMs: T0 + 10 * D }));
    expect(s.coveredMs).toBe(15 * 60_000);
    expect(s.remainingDays).toBeCloseTo(14 - 15 / 1440, 9);
    expect(s.loss).toBeCloseTo(0, 12);
  });

  it('loses nothing at or below T_min, and gains against nominal ageing (square-root model)', () => {
    const s = shelfLifeState(base({ model: sqrt, storageTempC: 5, held: days([[-10, 7], [-15, 7]]) }));
    expect(s).toMatchObject({ consumed: 0, coveredMs: 14 * D, remainingDays: 21, level: 'ok' });
    expect(s.loss).toBeCloseTo(-14 / 21, 12);
  });

  it.each([
    { name: 'is ok just below a 10 % loss', model: tenDays, held: days([[10, 0.99]]), level: 'ok', reasons: [] },
    { name: 'warns at a loss of exactly 10 %', model: tenDays, held: days([[10, 1]]), level: 'warning', reasons: ['lost 10 % of its life beyond nominal ageing (warning from 10 %)'] },
    { name: 'warns at 10 % lost in ten steps that round below it', model: tenDays, held: days(Array.from({ length: 10 }, () => [10, 0.1] as const)), level: 'warning', reasons: ['lost 10 % of its life beyond nominal ageing (warning from 10 %)'] },
    { name: 'warns just below a 25 % loss', model: fourDays, held: days([[10, 0.96]]), level: 'warning', reasons: ['lost 24 % of its life beyond nominal ageing (warning from 10 %)'] },
    { name: 'is major at a loss of exactly 25 %', model: fourDays, held: days([[10, 1]]), level: 'major', reasons: ['lost 25 % of its life beyond nominal ageing (major from 25 %)'] },
    { name: 'is critical at a life used up exactly', model: fourDays, held: days([[10, 2]]), level: 'critical', reasons: ['consumed 100 % of its life', 'lost 50 % of its life beyond nominal ageing (major from 25 %)'] },
    { name: 'is critical at a life used up in ten parts that add up to just below 1', model: tenDays, held: days(Array.from({ length: 10 }, () => [0, 1] as const)), level: 'critical', reasons: ['consumed 100 % of its life'] },
    { name: 'is critical past its life, even without a loss', model: q10, held: days([[4, 14.56]]), level: 'critical', reasons: ['consumed 104 % of its life'] },
  ])('$name', ({ model, held, level, reasons }) => {
    const s = shelfLifeState(base({ model, storageTempC: 0, held }));
    expect({ level: s.level, reasons: s.reasons }).toEqual({ level, reasons });
  });

  it('never has less than nothing left, and then expires now', () => {
    const s = shelfLifeState(base({ held: days([[14, 10]]), nowMs: T0 + 10 * D }));
    expect(s).toMatchObject({ remainingDays: 0, dynamicExpiryMs: T0 + 10 * D, level: 'critical' });
    const atTMin = shelfLifeState(base({ model: sqrt, storageTempC: -10, held: days([[5, 21]]) }));
    expect(atTMin.remainingDays).toBe(0);
  });

  it.each([
    { name: 'takes custom thresholds', over: { warningLoss: 0.05 }, level: 'warning', reasons: ['lost 7 % of its life beyond nominal ageing (warning from 5 %)'] },
    { name: 'is ok when it expires after the promised delivery plus the minimum', over: { promisedDeliveryMs: T0 + 10 * D, minRemainingShelfLifeDays: 2 }, level: 'ok', reasons: [] },
    { name: 'is ok when it expires exactly at the promised delivery plus the minimum', over: { promisedDeliveryMs: T0 + 10 * D, minRemainingShelfLifeDays: 3 }, level: 'ok', reasons: [] },
    {
      name: 'is critical when it expires before the promised delivery plus the minimum', over: { promisedDeliveryMs: T0 + 10 * D, minRemainingShelfLifeDays: 4 },
      level: 'critical', reasons: ['dynamic expiry 2026-06-14 before promised delivery 2026-06-11 + 4 d'],
    },
    {
      name: 'is critical when it expires before the promised delivery', over: { promisedDeliveryMs: T0 + 14 * D },
      level: 'critical', reasons: ['dynamic expiry 2026-06-14 before promised delivery 2026-06-15'],
    },
    { name: 'needs a promised delivery to apply a minimum remaining life', over: { minRemainingShelfLifeDays: 400 }, level: 'ok', reasons: [] },
  ])('$name', ({ over, level, reasons }) => {
    // 7 d remain at 4 °C on 2026-06-07: the dynamic expiry is 2026-06-14.
    const s = shelfLifeState(base({ held: days([[4, 5], [14, 1]]), nowMs: T0 + 6 * D, ...over }));
    expect({ level: s.level, reasons: s.reasons }).toEqual({ level, reasons });
  });
});
