import { describe, expect, it } from 'vitest';
import { mktC, rollingMkt, twaC } from './kinetics.js';
import type { HeldSample } from './step-hold.js';

const H = 3_600_000;
const D = 24 * H;

/** Within the reference table's precision: 0.01 °C either side. */
function expectNear(actual: number | undefined, expected: number, tolerance = 0.01): void {
  expect(actual).toBeGreaterThanOrEqual(expected - tolerance);
  expect(actual).toBeLessThanOrEqual(expected + tolerance);
}

/** Consecutive held samples from [temperature °C, duration ms] pairs, starting at `t0`. */
function series(parts: readonly (readonly [number, number])[], t0 = 0): HeldSample[] {
  let t = t0;
  return parts.map(([v, dt]) => {
    const s = { t, v, dt };
    t += dt;
    return s;
  });
}

/** A seeded generator (mulberry32), so the random series are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Random held samples of -40..+60 °C, 1 to 60 min each, with a data gap now and then. */
function randomSeries(seed: number, n: number): HeldSample[] {
  const r = random(seed);
  const out: HeldSample[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    const dt = Math.round(60_000 + r() * 59 * 60_000);
    out.push({ t, v: -40 + r() * 100, dt });
    t += dt + (r() < 0.05 ? Math.round(r() * 3 * H) : 0);
  }
  return out;
}

/** Brute force: the held time of `held` inside [from, to). */
function clip(held: readonly HeldSample[], from: number, to: number): HeldSample[] {
  return held.flatMap((s) => {
    const a = Math.max(s.t, from);
    const b = Math.min(s.t + s.dt, to);
    return b > a ? [{ t: a, v: s.v, dt: b - a }] : [];
  });
}

describe('mktC', () => {
  it.each([
    { name: 'weighs 2, 2, 5, 8, 8, 8, 8 °C at equal intervals to 6.25 °C', held: series([2, 2, 5, 8, 8, 8, 8].map((v) => [v, H] as const)), mkt: 6.25 },
    { name: 'puts 18 h at 5 °C then 6 h at 14 °C at 8.29 °C', held: series([[5, 18 * H], [14, 6 * H]]), mkt: 8.29 },
    { name: 'puts 29 days at 22 °C then 1 day at 40 °C at 23.60 °C', held: series([[22, 29 * D], [40, D]]), mkt: 23.6 },
    { name: 'converts to kelvin with 273.15 K (an hour at -40 °C, one at 60 °C)', held: series([[-40, H], [60, H]]), mkt: 52.4805, within: 0.0005 },
    { name: 'gives a constant temperature back', held: series([[-18, H], [-18, 5 * H], [-18, 60_000]]), mkt: -18 },
    { name: 'gives a constant 60 °C back', held: series([[60, D]]), mkt: 60 },
    { name: 'weighs by held time, not by reading', held: series([[14, 6 * H], [5, 6 * H], [5, 6 * H], [5, 6 * H]]), mkt: 8.29 },
    { name: 'leaves out samples that hold no time', held: [...series([[5, 18 * H], [14, 6 * H]]), { t: 24 * H, v: 50, dt: 0 }], mkt: 8.29 },
  ])('$name', ({ held, mkt, within }) => {
    expectNear(mktC(held), mkt, within);
  });

  it.each([
    { name: 'no samples', held: [] },
    { name: 'samples that hold no time', held: [{ t: 0, v: 5, dt: 0 }] },
  ])('has no MKT for $name', ({ held }) => {
    expect(mktC(held)).toBeUndefined();
    expect(twaC(held)).toBeUndefined();
  });

  it('stays finite where the plain sum underflows (a large activation energy)', () => {
    // exp(-300 000 / 278.15) underflows to 0: without factoring the largest term out, MKT would be -273.15 °C.
    expect(mktC(series([[5, H], [5, H]]), 300_000)).toBeCloseTo(5, 6);
    expect(mktC(series([[2, H], [8, H]]), 300_000)).toBeGreaterThan(7);
  });

  it('weighs warm time more with a higher activation energy', () => {
    const held = series([[5, 18 * H], [14, 6 * H]]);
    expect(mktC(held, 5_000)!).toBeLessThan(mktC(held, 10_000)!);
    expect(mktC(held, 10_000)!).toBeLessThan(mktC(held, 20_000)!);
  });

  it.each([1, 2, 3, 4, 5])('is never below the time-weighted mean (random series %i)', (seed) => {
    const held = randomSeries(seed, 200);
    expect(mktC(held)!).toBeGreaterThan(twaC(held)!);
  });
});

describe('twaC', () => {
  it.each([
    { name: 'is 7.25 °C for 18 h at 5 °C then 6 h at 14 °C', held: series([[5, 18 * H], [14, 6 * H]]), twa: 7.25 },
    { name: 'is 5.86 °C for 2, 2, 5, 8, 8, 8, 8 °C at equal intervals', held: series([2, 2, 5, 8, 8, 8, 8].map((v) => [v, H] as const)), twa: 41 / 7 },
    { name: 'weighs by held time', held: series([[0, 3 * H], [10, H]]), twa: 2.5 },
  ])('$name', ({ held, twa }) => {
    expectNear(twaC(held), twa);
  });
});

describe('rollingMkt', () => {
  it('finds the warm day among cold ones, ending where the day ends', () => {
    const warm = [6, 7, 8, 9, 10, 11, 12, 12, 11, 10, 9, 8, 7, 6, 6, 7, 8, 9, 10, 11, 12, 11, 10, 9];
    const held = series([...Array<number>(24).fill(2), ...warm, ...Array<number>(24).fill(2)].map((v) => [v, H] as const));
    const { worst } = rollingMkt(held, 24 * H);
    expect(worst?.endMs).toBe(48 * H);
    expect(worst?.mktC).toBeCloseTo(mktC(series(warm.map((v) => [v, H] as const)))!, 6);
  });

  it('fails CCT on a day of 18 h at 5 °C and 6 h at 14 °C inside cold days', () => {
    const hourly = (v: number, hours: number) => Array.from({ length: hours }, () => [v, H] as const);
    const held = series([...hourly(5, 24), ...hourly(5, 18), ...hourly(14, 6), ...hourly(5, 24)]);
    const { worst } = rollingMkt(held, 24 * H);
    expectNear(worst?.mktC, 8.29);
    // Every window that holds all six warm hours is as bad: it ends between 48 h and 66 h.
    expect(worst?.endMs).toBeGreaterThanOrEqual(48 * H);
    expect(worst?.endMs).toBeLessThanOrEqual(66 * H);
  });

  it('counts a sample partly inside the window for the part inside', () => {
    // Windows of 15 h end at 10, 20 and 30 h; the one ending at 20 h holds 5 h at 0 °C and 10 h at 20 °C.
    const held = series([[0, 10 * H], [20, 10 * H], [0, 10 * H]]);
    const { worst } = rollingMkt(held, 15 * H);
    expect(worst?.endMs).toBe(20 * H);
    expect(worst?.mktC).toBeCloseTo(mktC(series([[0, 5 * H], [20, 10 * H]]))!, 6);
  });

  it('judges a series shorter than the window as a whole, and the first windows on what they hold', () => {
    const held = series([[5, 18 * H], [14, 6 * H]]);
    expect(rollingMkt(held, 30 * D).worst?.endMs).toBe(24 * H);
    expectNear(rollingMkt(held, 30 * D).worst?.mktC, 8.29);
    expect(rollingMkt(series([[30, H], [2, 47 * H]]), 24 * H).worst).toEqual({ endMs: H, mktC: expect.closeTo(30, 6) as number });
  });

  it('leaves data gaps out of the window', () => {
    // 20 h of gap: the window ending at 24 h holds 2 h at 5 °C and 2 h at 14 °C.
    const held = [{ t: 0, v: 5, dt: 2 * H }, { t: 22 * H, v: 14, dt: 2 * H }];
    expect(rollingMkt(held, 24 * H).worst?.mktC).toBeCloseTo(mktC(series([[5, 2 * H], [14, 2 * H]]))!, 6);
  });

  it.each([
    { name: 'no samples', held: [], windowMs: D },
    { name: 'samples that hold no time', held: [{ t: 0, v: 5, dt: 0 }], windowMs: D },
    { name: 'a window of no length', held: series([[5, H]]), windowMs: 0 },
  ])('has no worst window for $name', ({ held, windowMs }) => {
    expect(rollingMkt(held, windowMs).worst).toBeUndefined();
  });

  it('stays finite where exp(-H/T) underflows (a large activation energy)', () => {
    expect(rollingMkt(series([[5, H], [5, H]]), D, 300_000).worst?.mktC).toBeCloseTo(5, 6);
    expect(rollingMkt(series([[2, H], [8, H]]), D, 300_000).worst?.mktC).toBeGreaterThan(7);
  });

  it('gives the same worst window whatever the order of the samples', () => {
    const held = randomSeries(7, 300);
    const shuffled = [...held].reverse();
    expect(rollingMkt(shuffled, 24 * H)).toEqual(rollingMkt(held, 24 * H));
  });

  it.each([11, 12, 13])('agrees with the brute-force MKT of every window (random series %i)', (seed) => {
    const held = randomSeries(seed, 300);
    const windowMs = 6 * H;
    let worst = { endMs: NaN, mktC: -Infinity };
    for (const s of held) {
      const end = s.t + s.dt;
      const m = mktC(clip(held, end - windowMs, end))!;
      if (m > worst.mktC) worst = { endMs: end, mktC: m };
    }
    const got = rollingMkt(held, windowMs).worst!;
    expect(got.endMs).toBe(worst.endMs);
    expect(got.mktC).toBeCloseTo(worst.mktC, 9);
  });

  it('stays exact over 100 000 samples of -40..+60 °C', () => {
    const held = randomSeries(21, 100_000);
    const { worst } = rollingMkt(held, 30 * D);
    const end = worst!.endMs;
    expect(worst!.mktC).toBeCloseTo(mktC(clip(held, end - 30 * D, end))!, 9);
    // A month at 60 °C after 100 000 additions and removals is still 60 °C to 1e-9.
    const lastEnd = held.at(-1)!.t + held.at(-1)!.dt;
    const hot = series(Array.from({ length: 31 * 24 }, () => [60, H] as const), lastEnd);
    expect(rollingMkt([...held, ...hot], 30 * D).worst?.mktC).toBeCloseTo(60, 9);
  });

  it('judges only full windows when asked: a warm first hour is not a warm day', () => {
    // 1 h at 20 °C, then 47 h at 5 °C: the first hour alone is "the worst window" unless windows must be full.
    const held = series([[20, H], ...Array.from({ length: 47 }, () => [5, H] as const)], 0);
    expect(rollingMkt(held, 24 * H).worst!.mktC).toBeCloseTo(20, 6);
    const full = rollingMkt(held, 24 * H, undefined, { fullWindowsOnly: true }).worst!;
    expect(full.endMs).toBe(24 * H);
    expect(full.mktC).toBeCloseTo(mktC(clip(held, 0, 24 * H))!, 9);
    expect(rollingMkt(series([[20, H]], 0), 24 * H, undefined, { fullWindowsOnly: true }).worst).toBeUndefined();
  });
});
