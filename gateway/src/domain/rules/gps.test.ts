import { describe, expect, it } from 'vitest';
import type { Related } from '../flags/types.js';
import type { LatLon } from '../registry/types.js';
import { gpsFindings, pairFixes, type Fix, type GpsInput, type KnownPlace } from './gps.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5);
const M_PER_DEG = (Math.PI * 6_371_000) / 180;

/** A point `n` metres north and `e` metres east of (48, 11). */
function at(n: number, e = 0): LatLon {
  const lat = 48 + n / M_PER_DEG;
  return { lat, lon: 11 + e / (M_PER_DEG * Math.cos((lat * Math.PI) / 180)) };
}

/** ['drive', minutes, metres north per minute, metres east per minute]: a fix a minute. ['stay', minutes, every]: fixes jittering ±15 m. */
type Seg = readonly ['drive', number, number?, number?] | readonly ['stay', number, number?];

/** A tracker's fixes: one at `startN` at T0 + `startMin`, then the segments. */
function trip(startN: number, segs: readonly Seg[], device = 'T1', startMin = 0): Fix[] {
  let t = T0 + startMin * MIN;
  let n = startN;
  let e = 0;
  const out: Fix[] = [{ t, ...at(n, e), device }];
  for (const seg of segs) {
    if (seg[0] === 'drive') {
      for (let k = 0; k < seg[1]; k++) {
        t += MIN;
        n += seg[2] ?? 1000;
        e += seg[3] ?? 0;
        out.push({ t, ...at(n, e), device });
      }
    } else {
      const every = seg[2] ?? 1;
      for (let k = every; k <= seg[1]; k += every) {
        t += every * MIN;
        out.push({ t, ...at(n, e + ((k / every) % 2 === 0 ? 15 : -15)), device });
      }
    }
  }
  return out;
}

const related: Related = { devices: ['T1'], zones: [], batches: ['B-1'], shipments: ['SH-1'], orders: ['O-1'] };
const known: KnownPlace[] = [
  { id: 'SITE-A', kind: 'origin', geofence: { kind: 'circle', center: at(0), radiusM: 500 } },
  { id: 'HUB-1', kind: 'hub', geofence: { kind: 'circle', center: at(50_000), radiusM: 300 } },
  { id: 'SITE-B', kind: 'destination', geofence: { kind: 'polygon', points: [at(99_600, -400), at(99_600, 400), at(100_400, 400), at(100_400, -400)] } },
];

function input(fixes: readonly Fix[], over: Partial<GpsInput> = {}): GpsInput {
  return { shipment: 'SH-1', mode: 'road', fixes, route: [at(0), at(100_000)], corridorM: 5000, known, nowMs: T0 + 30 * 24 * 60 * MIN, related, ...over };
}

const rules = (fixes: readonly Fix[], over: Partial<GpsInput> = {}) => gpsFindings(input(fixes, over)).findings.map((f) => f.rule);
const find = (fixes: readonly Fix[], rule: string, over: Partial<GpsInput> = {}) => gpsFindings(input(fixes, over)).findings.find((f) => f.rule.startsWith(rule));

/** Out 6 km east of the route in 3 min, `beyondMin` further minutes there, back in 3. */
const detour = (beyondMin: number): Seg[] => [['drive', 5], ['drive', 3, 500, 2000], ['drive', beyondMin], ['drive', 3, 500, -2000], ['drive', 5]];
/** From 25 km north, 5 min to 30 km (no known place there), stopped `min`, every `every` min, then on. */
const stopAt = (n: number, min: number, every = 1): Fix[] => trip(n - 5000, [['drive', 5], ['stay', min, every], ['drive', 5]]);

describe('gpsFindings: route deviation', () => {
  it.each([
    ['9 min beyond a 5 km corridor is not a deviation', 9, []],
    ['10 min beyond it is (inclusive)', 10, ['route-deviation/5000/10']],
    ['20 min beyond it is', 20, ['route-deviation/5000/10']],
  ])('%s', (_name, beyondMin, expected) => {
    expect(rules(trip(2000, detour(beyondMin)))).toEqual(expected);
  });

  it('records the run: met at its start + 10 min, distances to the route as evidence', () => {
    const f = find(trip(2000, detour(12)), 'route-deviation')!;
    const start = T0 + 8 * MIN;
    expect(f).toMatchObject({
      params: { corridorM: 5000, minDurationMin: 10 }, subject: { kind: 'shipment', id: 'SH-1' }, severity: 'major',
      startMs: start, endMs: start + 12 * MIN, metAtMs: start + 10 * MIN, active: false, related,
      figures: { deviations: 1, maxDistanceM: 6000, longestMin: 12 },
    });
    const e = f.episodes[0]!;
    expect(e).toMatchObject({ device: 'T1', durationMs: 12 * MIN, mkt: undefined, firstOffending: { t: start } });
    expect(e.min).toBeCloseTo(6000, -1);
    expect(e.twa).toBeCloseTo(6000, -1);
  });

  it('is active while the last fix is still beyond', () => {
    expect(find(trip(2000, detour(12).slice(0, 3)), 'route-deviation')?.active).toBe(true);
  });

  it('does not apply without a route', () => {
    expect(rules(trip(2000, detour(20)), { route: [] })).toEqual([]);
  });
});

describe('gpsFindings: stops', () => {
  it.each([
    ['29 min is not a stop', stopAt(30_000, 29), []],
    ['30 min is an unplanned stop (inclusive)', stopAt(30_000, 30), ['unplanned-stop/200/30']],
    ['3 h 55 min is only an unplanned stop', stopAt(30_000, 235, 5), ['unplanned-stop/200/30']],
    ['4 h is also a prolonged stop', stopAt(30_000, 240, 5), ['unplanned-stop/200/30', 'prolonged-stop/4h']],
    ['5 h inside a hub geofence never flags', stopAt(50_000, 300, 5), []],
    ['5 h inside the destination never flags', stopAt(100_000, 300, 5), []],
    ['moving on at 60 km/h is no stop', trip(1000, [['drive', 90]]), []],
  ])('%s', (_name, fixes, expected) => {
    expect(rules(fixes)).toEqual(expected);
  });

  it('flags one stop twice, each met at start + its duration, with the stop location', () => {
    const start = T0 + 5 * MIN;
    const [unplanned, prolonged] = gpsFindings(input(stopAt(30_000, 240, 5))).findings;
    const place = at(30_000);
    const figures = { stops: 1, longestMin: 240, lastStopLat: place.lat, lastStopLon: place.lon };
    expect(unplanned).toMatchObject({ severity: 'warning', params: { radiusM: 200, minDurationMin: 30 }, startMs: start, endMs: start + 240 * MIN, metAtMs: start + 30 * MIN, active: false, figures });
    expect(prolonged).toMatchObject({ severity: 'major', params: { radiusM: 200, minDurationH: 4 }, startMs: start, endMs: start + 240 * MIN, metAtMs: start + 240 * MIN, active: false, figures });
    expect(unplanned!.episodes[0]!.firstOffending).toEqual({ t: start, v: 0 });
    expect(unplanned!.episodes[0]!.max).toBeCloseTo(15, 0);
  });

  it('is active while the tracker is still stopped at the end of the data', () => {
    expect(find(trip(25_000, [['drive', 5], ['stay', 45]]), 'unplanned-stop')?.active).toBe(true);
  });
});

describe('gpsFindings: fix filtering', () => {
  const base = trip(2000, [['drive', 10]]);
  const base5 = base[5]!;
  const clean = gpsFindings(input(base));

  it.each([
    ['(0, 0)', { lat: 0, lon: 0 }, 'zero-position'],
    ['a latitude above 90', { lat: 90.5 }, 'out-of-range'],
    ['a longitude below -180', { lon: -181 }, 'out-of-range'],
    ['a NaN', { lat: Number.NaN }, 'out-of-range'],
    ['a time in the future', { t: T0 + 40 * 24 * 60 * MIN }, 'future'],
    ['a teleport (2000 km/h on the road)', { t: base5.t + 30_000, ...at(7000, 16_667) }, 'speed'],
    ['a second fix at the same time', { lat: base5.lat + 0.0001 }, 'duplicate-time'],
  ])('drops %s and counts it', (_name, change, reason) => {
    const r = gpsFindings(input([...base, { ...base5, ...change }]));
    expect(r.dropped).toEqual([{ reason, count: 1 }]);
    expect(r.findings).toEqual(clean.findings);
    expect(r.visits).toEqual(clean.visits);
  });

  it.each([
    ['road', [{ reason: 'speed', count: 1 }]],
    ['sea', [{ reason: 'speed', count: 1 }]],
    ['rail', [{ reason: 'speed', count: 1 }]],
    ['air', []],
  ] as const)('judges a 400 km/h jump by the mode: %s', (mode, dropped) => {
    const jump = { ...base5, t: base5.t + 30_000, ...at(7000 + 3333) };
    expect(gpsFindings(input([...base, jump], { mode })).dropped).toEqual(dropped);
  });

  it('judges the speed from the previous kept fix, not the dropped one', () => {
    const far = { ...base5, t: base5.t + 30_000, ...at(7000, 50_000) };
    const back = { ...base5, t: base5.t + 40_000, ...at(7300) };
    expect(gpsFindings(input([...base, far, back])).dropped).toEqual([{ reason: 'speed', count: 1 }]);
  });

  it('finds nothing without fixes, or with one', () => {
    expect(gpsFindings(input([]))).toEqual({ findings: [], dropped: [], visits: [] });
    expect(gpsFindings(input([{ t: T0, ...at(30_000), device: 'T1' }]))).toEqual({ findings: [], dropped: [], visits: [] });
    expect(gpsFindings(input([{ t: T0, ...at(0), device: 'T1' }])).visits).toEqual([{ place: 'SITE-A', kind: 'origin', device: 'T1', arrivedMs: T0 }]);
  });
});

describe('gpsFindings: visits', () => {
  it('records arrival and departure at the first fix inside and the first of the exit', () => {
    const fixes = trip(-2000, [['drive', 2], ['stay', 20], ['drive', 100]]);
    const { visits } = gpsFindings(input(fixes));
    expect(visits).toEqual([
      { place: 'SITE-A', kind: 'origin', device: 'T1', arrivedMs: T0 + 2 * MIN, departedMs: T0 + 23 * MIN },
      { place: 'HUB-1', kind: 'hub', device: 'T1', arrivedMs: T0 + 72 * MIN, departedMs: T0 + 73 * MIN },
      { place: 'SITE-B', kind: 'destination', device: 'T1', arrivedMs: T0 + 122 * MIN },
    ]);
  });

  it('keeps a visit open through one fix outside (hysteresis); two in a row end it', () => {
    const hub = at(50_000);
    const fix = (min: number, p: LatLon): Fix => ({ t: T0 + min * MIN, ...p, device: 'T1' });
    const blip = [fix(0, hub), fix(5, at(50_400)), fix(10, hub), fix(15, at(50_400)), fix(20, at(50_400)), fix(25, hub)];
    expect(gpsFindings(input(blip)).visits).toEqual([
      { place: 'HUB-1', kind: 'hub', device: 'T1', arrivedMs: T0, departedMs: T0 + 15 * MIN },
      { place: 'HUB-1', kind: 'hub', device: 'T1', arrivedMs: T0 + 25 * MIN },
    ]);
    expect(gpsFindings(input(blip.slice(0, 4))).visits).toEqual([{ place: 'HUB-1', kind: 'hub', device: 'T1', arrivedMs: T0 }]);
  });
});

describe('gpsFindings: determinism', () => {
  const fixes = [
    ...trip(2000, [...detour(12), ['drive', 10], ['stay', 45, 5], ['drive', 10]]),
    ...trip(55_000, [['drive', 10], ['stay', 300, 10], ['drive', 30]], 'T2', 30),
  ];
  const noisy = [...fixes, { ...fixes[10]!, lon: fixes[10]!.lon - 0.003 }, { ...fixes[7]!, lat: 0, lon: 0 }, { ...fixes[9]!, t: fixes[9]!.t + 20_000, lon: 13 }];
  const expected = gpsFindings(input(noisy));

  it('the scenario flags all three rules on two trackers and drops the noise', () => {
    expect(expected.findings.map((f) => [f.rule, f.episodes.map((e) => e.device)])).toEqual([
      ['route-deviation/5000/10', ['T1']], ['unplanned-stop/200/30', ['T1', 'T2']], ['prolonged-stop/4h', ['T2']],
    ]);
    expect(expected.dropped).toEqual([{ reason: 'zero-position', count: 1 }, { reason: 'duplicate-time', count: 1 }, { reason: 'speed', count: 1 }]);
    // Of two fixes at one time the one with the lower latitude, then longitude, is kept: here the one 223 m nearer the route.
    expect(expected.findings[0]!.episodes[0]!.min).toBeCloseTo(6000 - 223, -1);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('gives the same result in any order (shuffle %i), repeated or not', (seed) => {
    let x = seed;
    const rnd = (): number => (x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    const shuffled = [...noisy, ...fixes.slice(0, 5)].map((f) => ({ f, k: rnd() })).sort((a, b) => a.k - b.k).map((p) => p.f);
    const r = gpsFindings(input(shuffled));
    expect(r.findings).toEqual(expected.findings);
    expect(r.visits).toEqual(expected.visits);
    expect(r.dropped.find((d) => d.reason === 'duplicate-time')?.count).toBe(6);
  });
});

describe('pairFixes', () => {
  it('joins latitude and longitude by time, in time order, leaving unpaired readings out', () => {
    const lat = [{ t: 3, v: 48.3 }, { t: 1, v: 48.1 }, { t: 2, v: 48.2 }];
    const lon = [{ t: 2, v: 11.2 }, { t: 1, v: 11.1 }, { t: 4, v: 11.4 }];
    expect(pairFixes(lat, lon, 'T1')).toEqual([{ t: 1, lat: 48.1, lon: 11.1, device: 'T1' }, { t: 2, lat: 48.2, lon: 11.2, device: 'T1' }]);
  });
});
