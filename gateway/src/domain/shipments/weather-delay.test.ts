import { describe, expect, it } from 'vitest';
import { heldBy, latestDelay, weatherDelayOf, type WeatherDelay } from './weather-delay.js';

const H = 3_600_000;
const T = Date.UTC(2026, 11, 7, 12);
const figures = { stoppedMin: 300, alert: 'urn:oid:2.49.0.1.276.0.DWD.PVW.1', event: 'Severe Thunderstorm', alertToMs: T + 6 * H, windowP10Ms: T + 2 * H, windowP50Ms: T + 3 * H, windowP90Ms: T + 8 * H };
const flag = (over: Partial<{ rule: string; active: boolean; withdrawn: boolean; figures: Record<string, string | number> }> = {}) =>
  ({ id: 'weather/stopped/4h@shipment:S1', rule: 'weather/stopped/4h', active: true, withdrawn: false, figures, ...over });

describe('a weather stop flag as a delay', () => {
  it.each([
    ['an active weather stop flag', flag(), { flag: 'weather/stopped/4h@shipment:S1', event: 'Severe Thunderstorm', stoppedMin: 300, p10Ms: T + 2 * H, p90Ms: T + 8 * H }],
    ['another rule', flag({ rule: 'weather/at-risk' }), undefined],
    ['cleared (the truck moved on or the alert ended)', flag({ active: false }), undefined],
    ['withdrawn', flag({ withdrawn: true }), undefined],
    ['without the window figures (an older flag)', flag({ figures: { alert: 'x', event: 'y', alertToMs: T } }), undefined],
    ['a figure that is not a number', flag({ figures: { ...figures, windowP90Ms: 'soon' } }), undefined],
  ])('%s', (_name, f, expected) => {
    const d = weatherDelayOf(f);
    if (expected === undefined) expect(d).toBeUndefined();
    else expect(d).toMatchObject(expected);
  });
});

describe('a window held by a delay', () => {
  const d = weatherDelayOf(flag())!;
  it.each([
    ['earlier than the storm allows: each quantile moved to the delay\'s', [T + 1 * H, T + 2 * H, T + 3 * H], [T + 2 * H, T + 3 * H, T + 8 * H]],
    ['later already at its early end: kept there, late end held to the storm', [T + 2.5 * H, T + 4 * H, T + 5 * H], [T + 2.5 * H, T + 4 * H, T + 8 * H]],
    ['later everywhere: unchanged', [T + 9 * H, T + 10 * H, T + 11 * H], [T + 9 * H, T + 10 * H, T + 11 * H]],
    ['no estimate from the track (no progress): the delay\'s', [Infinity, Infinity, Infinity], [T + 2 * H, T + 3 * H, T + 8 * H]],
  ])('%s', (_name, [p10Ms, p50Ms, p90Ms], expected) => {
    const w = heldBy({ basis: 'this shipment', p10Ms: p10Ms!, p50Ms: p50Ms!, p90Ms: p90Ms! }, d);
    expect([w.p10Ms, w.p50Ms, w.p90Ms]).toEqual(expected);
    expect(w.basis).toBe('this shipment');
    expect(w.p10Ms <= w.p50Ms && w.p50Ms <= w.p90Ms).toBe(true);
  });

  it('of two storms the later hold wins', () => {
    const a: WeatherDelay = { ...d, flag: 'a', p90Ms: T + 8 * H };
    const b: WeatherDelay = { ...d, flag: 'b', p90Ms: T + 9 * H };
    expect(latestDelay([a, b])?.flag).toBe('b');
    expect(latestDelay([b, a])?.flag).toBe('b');
    expect(latestDelay([])).toBeUndefined();
  });
});
