/** Flags -> the concerns a customer reads: one per kind, episodes merged, our own instruments' flags left out. */
import { describe, expect, it } from 'vitest';
import { concernsOf, type FlagLike } from './concerns.js';

const MIN = 60_000;
const flag = (rule: string, spans: [number, number][], active = false): FlagLike => ({
  rule, startMs: spans[0]![0] * MIN, endMs: spans.at(-1)![1] * MIN, active, episodes: spans.map(([a, b]) => ({ startMs: a * MIN, endMs: b * MIN })),
});

describe('concernsOf', () => {
  it.each([
    ['no flags: no concern', [], []],
    ['the instant, consecutive and cumulative rules of one bound tell one story; the lowest upper limit is named',
      [flag('excursion/temperature/upper/8/instant', [[10, 10]]), flag('excursion/temperature/upper/8/consecutive/30', [[10, 50]]), flag('excursion/temperature/upper/12/instant', [[20, 20], [70, 80]], true)],
      [{ kind: 'warm', startMs: 10 * MIN, latestStartMs: 70 * MIN, endMs: 80 * MIN, totalMs: 50 * MIN, longestMs: 40 * MIN, count: 2, active: true, limitC: 8 }]],
    ['a cold excursion names the highest lower limit; humidity is not told',
      [flag('excursion/temperature/lower/2/instant', [[0, 5]]), flag('excursion/temperature/lower/0/instant', [[1, 2]]), flag('excursion/humidity/upper/80/instant', [[0, 5]])],
      [{ kind: 'cold', startMs: 0, latestStartMs: 0, endMs: 5 * MIN, totalMs: 5 * MIN, longestMs: 5 * MIN, count: 1, active: false, limitC: 2 }]],
    ['a prolonged stop is not a second stop; clock skew and tier-3 reviews are not the customer\'s',
      [flag('unplanned-stop/200/30', [[0, 240]]), flag('prolonged-stop/4h', [[0, 240]]), flag('clock-skew/5', [[0, 1]]), flag('tier3/hub', [[0, 1]])],
      [{ kind: 'stop', startMs: 0, latestStartMs: 0, endMs: 240 * MIN, totalMs: 240 * MIN, longestMs: 240 * MIN, count: 1, active: false }]],
    ['two shock rules on the same knock are one knock; kinds come in a fixed order',
      [flag('route-deviation/5000/10', [[30, 45]]), flag('shock/shock.peak/25/instant', [[5, 5], [9, 9]]), flag('shock/shock.peak/50/instant', [[5, 5]]), flag('mkt/24h/8', [[0, 60]])],
      [
        { kind: 'shelf-life', startMs: 0, latestStartMs: 0, endMs: 60 * MIN, totalMs: 60 * MIN, longestMs: 60 * MIN, count: 1, active: false },
        { kind: 'shock', startMs: 5 * MIN, latestStartMs: 9 * MIN, endMs: 9 * MIN, totalMs: 0, longestMs: 0, count: 2, active: false },
        { kind: 'deviation', startMs: 30 * MIN, latestStartMs: 30 * MIN, endMs: 45 * MIN, totalMs: 15 * MIN, longestMs: 15 * MIN, count: 1, active: false },
      ]],
    ['a flag without episodes counts from its start to its end; zone and shipment silences are one concern',
      [{ rule: 'data-gap/zone', startMs: 0, endMs: 10 * MIN, active: false, episodes: [] }, flag('data-gap/30', [[5, 20]], true)],
      [{ kind: 'silence', startMs: 0, latestStartMs: 0, endMs: 20 * MIN, totalMs: 20 * MIN, longestMs: 20 * MIN, count: 1, active: true }]],
  ] as [string, FlagLike[], unknown[]][])('%s', (_name, flags, expected) => {
    expect(concernsOf(flags)).toEqual(expected);
  });
});
