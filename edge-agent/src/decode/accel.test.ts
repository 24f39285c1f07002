import { describe, expect, it } from 'vitest';
import { AccelReducer, accelEventReadings, dropHeightM, magnitude, parseAccelLine, type AccelEvent, type AccelSample } from './accel.js';

const T0 = 1_700_000_040_000; // a multiple of 60 s: windows start here

/** 1 kHz samples at rest (1 g on z) with optional overrides per sample index. */
function stream(n: number, at: (i: number) => Partial<AccelSample> | undefined = () => undefined, t0 = T0): AccelSample[] {
  return Array.from({ length: n }, (_, i) => ({ t: t0 + i, ax: 0, ay: 0, az: 1, ...at(i) }));
}

function run(samples: AccelSample[], opts = {}): { events: AccelEvent[]; reducer: AccelReducer } {
  const reducer = new AccelReducer(opts);
  const events = samples.flatMap((s) => reducer.push(s));
  return { events, reducer };
}

describe('parseAccelLine', () => {
  it.each([
    ['A,12345,0.01,-0.02,1.003', { t: 12345, ax: 0.01, ay: -0.02, az: 1.003 }],
    ['A,0,1e1,+2,-.5\r', { t: 0, ax: 10, ay: 2, az: -0.5 }],
    ['A,1000.625,0,0,1', { t: 1000.625, ax: 0, ay: 0, az: 1 }],
    ['A,1,0,-1000,0', { t: 1, ax: 0, ay: -1000, az: 0 }],
  ])('reads %s', (line, sample) => {
    expect(parseAccelLine(line)).toEqual({ ok: true, sample });
  });
  it.each(['# coldtrace accel sim', ''])('skips comment or blank %j', (line) => {
    expect(parseAccelLine(line)).toEqual({ ok: true });
  });
  // 'A,0,1e999,1e999,0': a number too large for a double reads as Infinity, 1e200 squares to it (found by
  // accel.fuzz.test.ts); past 1000 g (the catalogue's largest shock peak) a sample is garbled.
  it.each(['A,1,2,3', 'A,-1,0,0,1', 'A,1,x,0,1', 'B,1,0,0,1', 'A,1,0,0,1,5', 'A,0,1e999,1e999,0', 'A,0,0,-1e400,1', 'A,0,1e200,0,0', 'A,0,600,600,600'])('rejects %s', (line) => {
    expect(parseAccelLine(line).ok).toBe(false);
  });
});

describe('formulas', () => {
  it.each([
    [400, 0.785],
    [100, 0.049],
    [1000, 4.903],
  ])('a free fall of %s ms is a drop of %s m (h = ½·g·t²)', (ms, h) => {
    expect(dropHeightM(ms)).toBeCloseTo(h, 3);
  });
  it('computes |a| from three axes', () => {
    expect(magnitude({ ax: 3, ay: 4, az: 12 })).toBe(13);
  });
});

describe('AccelReducer', () => {
  it('reports a 40 g half-sine shock with its peak and duration at the trigger level', () => {
    // 10 ms half-sine along z on top of gravity, sample 5 exactly at the peak.
    const pulse = (i: number) => (i >= 1000 && i <= 1010 ? { az: 1 + 39 * Math.sin((Math.PI * (i - 1000)) / 10) } : undefined);
    const { events } = run(stream(2000, pulse));
    const shocks = events.filter((e) => e.kind === 'shock');
    expect(shocks).toHaveLength(1);
    const s = shocks[0];
    if (s?.kind !== 'shock') throw new Error('no shock');
    expect(s.peakG).toBeCloseTo(40, 9);
    // |a| ≥ 3 g from ~0.16 ms to ~9.84 ms of the pulse (crossings interpolated between 1 ms samples).
    expect(s.durationMs).toBeGreaterThan(9);
    expect(s.durationMs).toBeLessThan(10);
    expect(s.time).toBe(T0 + 1000);
  });

  it('counts a pulse below the shock threshold without reporting it', () => {
    const { events, reducer } = run(stream(100, (i) => (i === 50 ? { az: 10 } : undefined)));
    expect(events.filter((e) => e.kind === 'shock')).toHaveLength(0);
    expect(reducer.stats.subThresholdPulses).toBe(1);
  });

  it.each([
    [400, 0.785],
    [150, 0.110],
  ])('reports a free fall of %s ms as a drop of %s m', (ms, h) => {
    const { events } = run(stream(1000, (i) => (i >= 200 && i < 200 + ms ? { az: 0.02, ax: 0.01 } : undefined)));
    const falls = events.filter((e) => e.kind === 'freefall');
    expect(falls).toHaveLength(1);
    const f = falls[0];
    if (f?.kind !== 'freefall') throw new Error('no fall');
    expect(f.durationMs).toBe(ms);
    expect(f.heightM).toBeCloseTo(h, 3);
    expect(f.time).toBe(T0 + 200);
  });

  it('ignores a dip shorter than freefallMinMs', () => {
    const { events, reducer } = run(stream(500, (i) => (i >= 100 && i < 190 ? { az: 0.1 } : undefined)));
    expect(events.filter((e) => e.kind === 'freefall')).toHaveLength(0);
    expect(reducer.stats.shortFalls).toBe(1);
  });

  it('reports the fall before the impact that ends it', () => {
    const at = (i: number) => (i >= 100 && i < 500 ? { az: 0 } : i === 500 ? { az: 30 } : undefined);
    const kinds = run(stream(600, at)).events.map((e) => e.kind);
    expect(kinds).toEqual(['freefall', 'shock']);
  });

  it('abandons a fall interrupted by a gap in the samples', () => {
    const a = stream(300, (i) => (i >= 100 ? { az: 0 } : undefined));
    const b = stream(300, (i) => (i < 50 ? { az: 0 } : undefined), T0 + 1000);
    const { events, reducer } = run([...a, ...b]);
    expect(events.filter((e) => e.kind === 'freefall')).toHaveLength(0);
    expect(reducer.stats.gaps).toBe(1);
  });

  it('computes Grms = √mean((|a| - 1 g)²) per window', () => {
    // |a| alternates 1.5 g and 0.5 g: deviation ±0.5 g, Grms 0.5.
    const at = (i: number) => ({ az: i % 2 === 0 ? 1.5 : 0.5 });
    const { events } = run(stream(2500, at), { vibrationWindowMs: 1000 });
    const v = events.filter((e) => e.kind === 'vibration');
    expect(v).toHaveLength(2);
    expect(v[0]).toMatchObject({ time: T0 + 1000, samples: 1000 });
    if (v[0]?.kind !== 'vibration') throw new Error('no window');
    expect(v[0].grms).toBeCloseTo(0.5, 9);
  });

  it('drops a window with too few samples', () => {
    const { events, reducer } = run(stream(1500, () => undefined, T0 + 700), { vibrationWindowMs: 1000 });
    expect(events.filter((e) => e.kind === 'vibration')).toHaveLength(1);
    expect(reducer.stats.sparseWindows).toBe(1);
  });

  it('drops samples whose time does not advance', () => {
    const r = new AccelReducer();
    r.push({ t: T0, ax: 0, ay: 0, az: 1 });
    expect(r.push({ t: T0, ax: 0, ay: 0, az: 50 })).toEqual([]);
    expect(r.stats.outOfOrder).toBe(1);
  });
});

describe('accelEventReadings', () => {
  it('publishes shock and free fall as alarm, vibration as live, with catalogue units', () => {
    expect(accelEventReadings({ kind: 'shock', time: T0 + 0.4, peakG: 40, durationMs: 9.7 })).toEqual({
      priority: 'alarm',
      readings: [
        { metric: 'shock.peak', value: 40, unit: '[g]', time: T0 },
        { metric: 'shock.duration', value: 9.7, unit: 'ms', time: T0 },
      ],
    });
    expect(accelEventReadings({ kind: 'freefall', time: T0, durationMs: 400, heightM: 0.785 }).priority).toBe('alarm');
    expect(accelEventReadings({ kind: 'vibration', time: T0, grms: 0.4, samples: 10 })).toEqual({
      priority: 'live',
      readings: [{ metric: 'vibration.grms', value: 0.4, unit: '[g]', time: T0 }],
    });
  });
});
