import { describe, expect, it } from 'vitest';
import type { AlarmType, Limit } from '../registry/types.js';
import { PRODUCT_PRESETS } from '../registry/presets.js';
import { beyond, evaluateLimit, type LimitFinding } from './excursions.js';
import { hold, type HeldSample } from './step-hold.js';

const MIN = 60_000;

/** Readings every `stepMin` minutes from 0 (null: none in that slot), each held one step at most: a null is a data gap. */
function series(values: readonly (number | null)[], stepMin = 5): HeldSample[] {
  const samples = values.flatMap((v, i) => (v === null ? [] : [{ t: i * stepMin * MIN, v }]));
  return hold(samples, 0, values.length * stepMin * MIN, stepMin * MIN).held;
}
const rep = (v: number, n: number): number[] => Array<number>(n).fill(v);

function limit(bound: 'upper' | 'lower', value: number, alarm: AlarmType, minutes?: number, metric = 'temperature'): Limit {
  const extra = alarm === 'consecutive' ? { delayMin: minutes } : alarm === 'cumulative' ? { budgetMin: minutes } : {};
  return { metric, bound, value, alarm, ...extra };
}

/** The finding's headline: when it was met (minutes), how many episodes, minutes beyond, whether still active. */
const headline = (f: LimitFinding | undefined) =>
  f && { metAtMin: f.metAtMs / MIN, episodes: f.episodes.length, beyondMin: f.totalBeyondMs / MIN, active: f.active };

describe('beyond', () => {
  it.each([
    ['upper', 30, 30, true], ['upper', 30, 29.9, false], ['upper', 30, 30.1, true],
    ['lower', 2, 2, true], ['lower', 2, 2.1, false], ['lower', 2, 1.9, true],
    ['lower', -0.5, -0.5, true], ['lower', -0.5, -0.4, false],
  ] as const)('%s bound %d: %d is beyond it: %s (bounds are inclusive)', (bound, value, v, expected) => {
    expect(beyond(limit(bound, value, 'instant'), v)).toBe(expected);
  });
});

describe('evaluateLimit: instant', () => {
  it.each([
    ['a reading equal to the upper bound triggers', [20, 30, 20], limit('upper', 30, 'instant'), { metAtMin: 5, episodes: 1, beyondMin: 5, active: false }],
    ['29.9 stays under an upper bound of 30.0', [29.9, 29.9, 25], limit('upper', 30, 'instant'), undefined],
    ['a reading equal to the lower bound triggers', [5, 2, 5], limit('lower', 2, 'instant'), { metAtMin: 5, episodes: 1, beyondMin: 5, active: false }],
    ['2.1 stays above a lower bound of 2', [5, 2.1, 5], limit('lower', 2, 'instant'), undefined],
    ['a reading below the lower bound triggers; every run is an episode', [5, 1, 5, 1.5, 1.5], limit('lower', 2, 'instant'), { metAtMin: 5, episodes: 2, beyondMin: 15, active: true }],
    ['a single offending reading triggers at its time', [31], limit('upper', 30, 'instant'), { metAtMin: 0, episodes: 1, beyondMin: 5, active: true }],
    ['a single reading in range does not', [29], limit('upper', 30, 'instant'), undefined],
    ['an empty series never does', [], limit('upper', 30, 'instant'), undefined],
  ])('%s', (_name, values, l, expected) => {
    expect(headline(evaluateLimit(series(values), l))).toEqual(expected);
  });
});

describe('evaluateLimit: consecutive', () => {
  const up8 = limit('upper', 8, 'consecutive', 30);
  it.each([
    ['25 min beyond is just below a 30 min delay', [5, ...rep(9, 5), 5], up8, undefined],
    ['30 min beyond, the bound itself, reaches the delay exactly', [5, ...rep(8, 6), 5], up8, { metAtMin: 35, episodes: 1, beyondMin: 30, active: false }],
    ['a run reaching the delay at the end of the data is still active', [5, ...rep(9, 6)], up8, { metAtMin: 35, episodes: 1, beyondMin: 30, active: true }],
    ['an in-range reading breaks the run', [...rep(9, 4), 7.9, ...rep(9, 4)], up8, undefined],
    ['the same run without it is met', rep(9, 9), up8, { metAtMin: 30, episodes: 1, beyondMin: 45, active: true }],
    ['a data gap breaks the run (time in it is unknown)', [...rep(9, 4), null, ...rep(9, 4)], up8, undefined],
    ['runs shorter than the delay are not episodes', [9, 9, 5, ...rep(9, 7), 5, 9], up8, { metAtMin: 45, episodes: 1, beyondMin: 35, active: false }],
    ['every run reaching the delay is an episode', [...rep(9, 6), 5, ...rep(9, 6)], up8, { metAtMin: 30, episodes: 2, beyondMin: 60, active: true }],
    ['the lower bound counts at and below it', [5, 2, 1, 2, 5], limit('lower', 2, 'consecutive', 15), { metAtMin: 20, episodes: 1, beyondMin: 15, active: false }],
    ['a single reading never reaches a delay', [9], up8, undefined],
    ['an empty series never does', [], up8, undefined],
  ])('%s', (_name, values, l, expected) => {
    expect(headline(evaluateLimit(series(values), l))).toEqual(expected);
  });
  it('stamps each episode with its start + the delay', () => {
    const f = evaluateLimit(series([9, 9, 5, ...rep(9, 7), 5, 9]), up8);
    expect(f?.episodes.map((e) => [e.startMs / MIN, e.metAtMs / MIN, e.endMs / MIN, e.durationMs / MIN])).toEqual([[15, 45, 50, 35]]);
    expect(f?.firstOffending).toEqual({ t: 15 * MIN, v: 9 });
  });
});

describe('evaluateLimit: cumulative', () => {
  it.each([
    // Beyond 0-20, 30-50, 60-90 min: 20 + 20 = 40, and the remaining 20 min of a 60 min budget at 60 + 20.
    ['reaches the budget across several runs, interpolated', [31, 31, 20, 31, 31, 20, 31, 31, 31], 60, { metAtMin: 80, episodes: 3, beyondMin: 70, active: true }],
    ['reaches it inside one held sample', [31, 31, 31, 20], 25, { metAtMin: 25, episodes: 1, beyondMin: 30, active: false }],
    ['counts the bound itself', [30, 30, 29.9, 30], 30, { metAtMin: 40, episodes: 2, beyondMin: 30, active: true }],
    ['stays under the budget', [31, 31, 20, 31, 20], 40, undefined],
    ['lists runs after the budget too', [31, 31, 31, 20, 31], 20, { metAtMin: 20, episodes: 2, beyondMin: 40, active: true }],
  ])('%s', (_name, values, budgetMin, expected) => {
    expect(headline(evaluateLimit(series(values, 10), limit('upper', 30, 'cumulative', budgetMin)))).toEqual(expected);
  });
  it('never resets: two hours beyond, two days apart, fill a 90 min budget', () => {
    const f = evaluateLimit(series([31, ...rep(20, 48), 31], 60), limit('upper', 30, 'cumulative', 90));
    expect(headline(f)).toEqual({ metAtMin: 49 * 60 + 30, episodes: 2, beyondMin: 120, active: true });
    // The run before the budget was reached is stamped with the instant it was.
    expect(f?.episodes.map((e) => e.metAtMs / MIN)).toEqual([49 * 60 + 30, 49 * 60 + 30]);
  });
});

describe('evaluateLimit: ignore period', () => {
  it.each([
    ['an instant run entirely inside it does nothing', [31, 31, 20, 20], limit('upper', 30, 'instant'), 10, undefined],
    ['an instant run straddling it triggers at its end', [31, 31, 20], limit('upper', 30, 'instant'), 7, { metAtMin: 7, episodes: 1, beyondMin: 3, active: false }],
    ['a consecutive run entirely inside it does nothing', [...rep(9, 6), 5, 5], limit('upper', 8, 'consecutive', 30), 30, undefined],
    ['a consecutive run straddling it counts from its end', rep(9, 10), limit('upper', 8, 'consecutive', 30), 15, { metAtMin: 45, episodes: 1, beyondMin: 35, active: true }],
    ['also from inside a held sample', rep(9, 10), limit('upper', 8, 'consecutive', 30), 17, { metAtMin: 47, episodes: 1, beyondMin: 33, active: true }],
    ['the cumulative total starts at its end', rep(31, 12), limit('upper', 30, 'cumulative', 30), 15, { metAtMin: 45, episodes: 1, beyondMin: 45, active: true }],
  ])('%s', (_name, values, l, ignoreMin, expected) => {
    expect(headline(evaluateLimit(series(values), l, { ignoreBeforeMs: ignoreMin * MIN }))).toEqual(expected);
  });
  it('reports the first offending reading from the end of the ignore period', () => {
    expect(evaluateLimit(series([31, 31, 20]), limit('upper', 30, 'instant'), { ignoreBeforeMs: 7 * MIN })?.firstOffending).toEqual({ t: 7 * MIN, v: 31 });
  });
});

describe('evaluateLimit: WHO PQS E006 type 1 (docs/domain.md §8)', () => {
  const type1 = PRODUCT_PRESETS.find((p) => p.preset === 'who-pqs-type-1')!.profile.limits;
  const [hot, warm, cold] = [type1[0]!, type1[1]!, type1[2]!];
  const day = [...rep(30, 4), ...rep(20, 20)]; // hourly: 4 h at 30 °C, then 20 h in range
  it.each([
    ['≥ 45 °C for 1 h alarms at the hour', hot, [40, ...rep(45, 6), 40], 10, { metAtMin: 70, episodes: 1, beyondMin: 60, active: false }],
    ['≥ 45 °C for 50 min does not', hot, [40, ...rep(45, 5), 40], 10, undefined],
    ['44.9 °C for 2 h does not', hot, rep(44.9, 12), 10, undefined],
    ['≥ 30 °C for 10 h in total alarms on the third day', warm, [...day, ...day, ...day], 60, { metAtMin: 50 * 60, episodes: 3, beyondMin: 12 * 60, active: false }],
    ['≥ 30 °C for 8 h in total does not', warm, [...day, ...day], 60, undefined],
    ['≤ -0.5 °C for 1 h alarms', cold, [2, ...rep(-0.5, 6), 2], 10, { metAtMin: 70, episodes: 1, beyondMin: 60, active: false }],
    ['-0.4 °C for 2 h does not', cold, rep(-0.4, 12), 10, undefined],
  ])('%s', (_name, l, values, stepMin, expected) => {
    expect(headline(evaluateLimit(series(values, stepMin), l))).toEqual(expected);
  });
});

describe('evaluateLimit: evidence', () => {
  // Minutes: 5 held 10, then 9 (10), 12 (5), 8 (15) beyond from 10 to 40, 6 (10) in range, 10 (20) beyond from 50 to 70.
  const held: HeldSample[] = [[0, 5, 10], [10, 9, 10], [20, 12, 5], [25, 8, 15], [40, 6, 10], [50, 10, 20]].map(([t, v, dt]) => ({ t: t! * MIN, v: v!, dt: dt! * MIN }));
  const f = evaluateLimit(held, limit('upper', 8, 'instant'));
  it('records first and last offending readings, min, max and time-weighted mean per episode and overall', () => {
    expect(f?.episodes.map((e) => ({ ...e, mkt: undefined }))).toEqual([
      { startMs: 10 * MIN, endMs: 40 * MIN, metAtMs: 10 * MIN, durationMs: 30 * MIN, firstOffending: { t: 10 * MIN, v: 9 }, lastOffending: { t: 25 * MIN, v: 8 }, min: 8, max: 12, twa: 9, mkt: undefined },
      { startMs: 50 * MIN, endMs: 70 * MIN, metAtMs: 50 * MIN, durationMs: 20 * MIN, firstOffending: { t: 50 * MIN, v: 10 }, lastOffending: { t: 50 * MIN, v: 10 }, min: 10, max: 10, twa: 10, mkt: undefined },
    ]);
    expect({ ...f, episodes: undefined, mkt: undefined }).toEqual({
      metAtMs: 10 * MIN, episodes: undefined, totalBeyondMs: 50 * MIN, firstOffending: { t: 10 * MIN, v: 9 }, lastOffending: { t: 50 * MIN, v: 10 },
      min: 8, max: 12, twa: 9.4, mkt: undefined, active: true,
    });
  });
  it('gives an MKT over the offending time, at least the mean and at most the maximum', () => {
    const [e1, e2] = [f!.episodes[0]!, f!.episodes[1]!];
    expect(e2.mkt).toBeCloseTo(10, 10);
    expect(e1.mkt).toBeGreaterThan(e1.twa);
    expect(e1.mkt).toBeLessThan(e1.max);
    expect(f!.mkt).toBeGreaterThan(f!.twa);
  });
  it.each([
    ['2, 2, 5, 8, 8, 8, 8 °C at equal intervals', series([2, 2, 5, 8, 8, 8, 8], 60), 6.25],
    ['18 h at 5 °C, then 6 h at 14 °C', series([...rep(5, 18), ...rep(14, 6)], 60), 8.29],
    ['29 days at 22 °C, then 1 day at 40 °C', series([...rep(22, 29 * 24), ...rep(40, 24)], 60), 23.6],
  ])('matches the MKT reference of docs/domain.md §6: %s', (_name, s, expected) => {
    expect(evaluateLimit(s, limit('upper', -50, 'instant'))?.mkt).toBeCloseTo(expected, 2);
  });
  it('gives no MKT for a metric that is not a temperature', () => {
    const f2 = evaluateLimit(series([70, 85, 90]), limit('upper', 80, 'instant', undefined, 'humidity'));
    expect([f2?.max, f2?.twa, f2?.mkt]).toEqual([90, 87.5, undefined]);
  });
  it('is a function of the held series: the same input, the same finding', () => {
    const s = series([31, 31, 20, 31, 31, 20, 31, 31, 31], 10);
    const l = limit('upper', 30, 'cumulative', 60);
    expect(evaluateLimit(s, l)).toEqual(evaluateLimit(structuredClone(s), l));
    expect(evaluateLimit(s, l, { ignoreBeforeMs: undefined })).toEqual(evaluateLimit(s, l));
  });
});
