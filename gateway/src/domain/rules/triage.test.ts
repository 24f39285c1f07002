import { describe, expect, it } from 'vitest';
import type { Limit, Product } from '../registry/types.js';
import type { BatchInput } from './batch-findings.js';
import { knownFindings, NOTHING_FOUND, thresholdsOf, triage, type KnownFindings } from './triage.js';

const MIN = 60_000;
const limits: Limit[] = [
  { metric: 'temperature', bound: 'upper', value: 8, alarm: 'consecutive', delayMin: 30 },
  { metric: 'temperature', bound: 'lower', value: 2, alarm: 'instant' },
  { metric: 'humidity', bound: 'upper', value: 75, alarm: 'cumulative', budgetMin: 60 },
];
const product = { limits, mkt: [{ windowH: 24, limitC: 6 }] };
const UPPER = 'excursion/temperature/upper/8/consecutive/30';
const MKT = 'mkt/24h/6';
const T0 = 1_800_000_000_000;

/** New readings of device S-1 from T0 to T0 + `spanMin`, holding at most 15 min each. */
const fresh = (r: Record<string, readonly [number, number]>, spanMin = 1, first = T0) => ({
  ranges: new Map(Object.entries(r).map(([m, [min, max]]) => [m, { min, max }])), firstOf: new Map([['S-1', first]]), lastMs: T0 + spanMin * MIN, maxGapMs: 15 * MIN,
});
const known = (found: string[], active: string[] = [], more: Partial<KnownFindings> = {}): KnownFindings => ({ ...NOTHING_FOUND, found: new Set(found), active: new Set(active), ...more });

describe('triage: readings that may change a batch flags at once', () => {
  it('lists the excursion limits and the MKT limits with the rules they prove', () => {
    expect(thresholdsOf(product)).toEqual([
      { rule: UPPER, kind: 'excursion', metric: 'temperature', bound: 'upper', value: 8, delayMs: 30 * MIN },
      { rule: 'excursion/temperature/lower/2/instant', kind: 'excursion', metric: 'temperature', bound: 'lower', value: 2 },
      { rule: 'excursion/humidity/upper/75/cumulative/60', kind: 'excursion', metric: 'humidity', bound: 'upper', value: 75 },
      { rule: MKT, kind: 'mkt', metric: 'temperature', bound: 'upper', value: 6, windowMs: 24 * 60 * MIN },
    ]);
  });

  it.each([
    ['all within every bound, nothing going on', fresh({ temperature: [3, 5.9], humidity: [40, 60] }), NOTHING_FOUND, 'steady'],
    ['at the MKT limit (inclusive: the rules decide), a day of data', fresh({ temperature: [3, 6] }), known([], [], { firstSeenMs: T0 - 24 * 60 * MIN }), 'live'],
    ['above the MKT limit, less than a full window of data', fresh({ temperature: [3, 7] }), known([], [], { firstSeenMs: T0 - 22 * 60 * MIN }), 'steady'],
    ['above the MKT limit, its flag already found', fresh({ temperature: [3, 7] }), known([MKT], [], { firstSeenMs: T0 - 48 * 60 * MIN }), 'steady'],
    ['at the lower limit', fresh({ temperature: [2, 5] }), NOTHING_FOUND, 'live'],
    ['below the lower limit', fresh({ temperature: [-1, 5] }), NOTHING_FOUND, 'live'],
    ['humidity above its cumulative limit, temperature fine', fresh({ temperature: [4, 5], humidity: [50, 80] }), NOTHING_FOUND, 'live'],
    ['a metric the product has no limit on', fresh({ 'shock.peak': [0, 90] }), NOTHING_FOUND, 'steady'],
    ['no readings', { ...fresh({}), firstOf: new Map() }, known([UPPER], [UPPER]), 'steady'],
    // consecutive 30 min: met only once a run has lasted 30 min
    ['above it, a fresh run: 1 min + 15 min hold cannot reach 30 min', fresh({ temperature: [8.5, 9] }), known([MKT]), 'steady'],
    ['above it, a fresh run spanning 15 min: 15 + 15 reaches 30 (inclusive)', fresh({ temperature: [8.5, 9] }, 15), known([MKT]), 'live'],
    ['above it, continuing a run open for 20 min', fresh({ temperature: [8.5, 9] }), known([MKT], [], { openRuns: new Map([[UPPER, T0 - 20 * MIN]]) }), 'live'],
    ['above it, continuing a run open for 10 min', fresh({ temperature: [8.5, 9] }), known([MKT], [], { openRuns: new Map([[UPPER, T0 - 10 * MIN]]) }), 'steady'],
    ['above it, a reading before its device\'s last stretch without a gap (it may fill one and join runs)', fresh({ temperature: [8.5, 9] }), known([MKT], [], { gapFreeSince: new Map([['S-1', T0 + 1]]) }), 'live'],
    ['above it, late by a moment inside that stretch, or in order (it joins nothing)', fresh({ temperature: [8.5, 9] }), known([MKT], [], { gapFreeSince: new Map([['S-1', T0]]) }), 'steady'],
    ['above it, its excursion going on', fresh({ temperature: [8.5, 9] }), known([MKT, UPPER], [UPPER]), 'steady'],
    ['back at the upper limit while its excursion goes on: it may end', fresh({ temperature: [8, 9] }), known([MKT, UPPER], [UPPER]), 'live'],
  ] as const)('%s', (_, r, k, expected) => {
    expect(triage(thresholdsOf(product), r, k)).toBe(expected);
  });

  it('a product without limits never sends its batches to the live lane', () => {
    expect(triage(thresholdsOf({ limits: [], mkt: [] }), fresh({ temperature: [-40, 90] }), NOTHING_FOUND)).toBe('steady');
  });
});

describe('knownFindings: what a judgement leaves for the triage', () => {
  const held = (device: string, samples: [number, number, number][]) => ({
    device, location: { kind: 'zone' as const, id: 'Z' }, placement: 'PL', metric: 'temperature', held: samples.map(([tMin, v, dtMin]) => ({ t: T0 + tMin * MIN, v, dt: dtMin * MIN })),
  });
  const input = (series: ReturnType<typeof held>[]): BatchInput => ({ batch: 'B', product: { ...product, id: 'P' } as unknown as Product, series, orders: [], nowMs: T0 + 60 * MIN });

  it('the earliest open run of a consecutive rule not going on, over every sensor, and where each device\'s last stretch without a gap began', () => {
    const k = knownFindings(input([
      held('S-1', [[0, 9, 5], [5, 5, 5], [10, 9, 5], [15, 9.5, 5]]), // open since 10 (the in-range 5 broke the run)
      held('S-2', [[0, 9, 5], [5, 9, 5], [20, 9, 1]]), // a gap at 10-20: open since 20
      held('S-3', [[0, 9, 5], [5, 4, 5]]), // ends within range: no open run
    ]), []);
    expect(k.openRuns).toEqual(new Map([[UPPER, T0 + 10 * MIN]]));
    // S-2 has a gap at 10-20 (its 5 min holds end at 10): gap-free since 20; the others since their first reading.
    expect(k.gapFreeSince).toEqual(new Map([['S-1', T0], ['S-2', T0 + 20 * MIN], ['S-3', T0]]));
    expect(k.firstSeenMs).toBe(T0);
  });

  it('no open run for a rule whose excursion is going on (its flag is active), and found/active from the findings', () => {
    const f = { rule: UPPER, active: true } as unknown as Parameters<typeof knownFindings>[1][number];
    const k = knownFindings(input([held('S-1', [[0, 9, 40]])]), [f]);
    expect(k.openRuns.size).toBe(0);
    expect([...k.found]).toEqual([UPPER]);
    expect([...k.active]).toEqual([UPPER]);
  });
});
