import { describe, expect, it } from 'vitest';
import { AccelSimulator } from './accel.js';

function parse(line: string): { t: number; m: number } {
  const [, t, ax, ay, az] = line.split(',').map(Number) as [number, number, number, number, number];
  return { t, m: Math.hypot(ax, ay, az) };
}

describe('AccelSimulator', () => {
  it('writes 1 g at rest with bounded noise and a 1 ms counter', () => {
    const sim = new AccelSimulator({ path: 'unused', noiseG: 0.02 });
    const samples = sim.nextLines(100).map(parse);
    expect(samples[0]?.t).toBe(0);
    expect(samples[99]?.t).toBe(99);
    for (const s of samples) expect(Math.abs(s.m - 1)).toBeLessThan(0.04);
  });

  it('is deterministic for a seed', () => {
    const a = new AccelSimulator({ path: 'unused', seed: 7 }).nextLines(10);
    const b = new AccelSimulator({ path: 'unused', seed: 7 }).nextLines(10);
    const c = new AccelSimulator({ path: 'unused', seed: 8 }).nextLines(10);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it.each(['x', 'z'] as const)('injects a half-sine shock on %s whose |a| peaks at the requested g', (axis) => {
    const sim = new AccelSimulator({ path: 'unused', noiseG: 0 });
    const e = sim.injectShock(40, 10, axis);
    const samples = sim.nextLines(200).map(parse);
    const peak = samples.reduce((best, s) => (s.m > best.m ? s : best));
    expect(peak.m).toBeCloseTo(40, 3);
    expect(peak.t).toBe(e.atMs + 5);
  });

  it('injects a drop of exactly the requested samples near 0 g, after earlier events', () => {
    const sim = new AccelSimulator({ path: 'unused' });
    const shock = sim.injectShock(30);
    const drop = sim.injectDrop(400);
    expect(drop.atMs).toBeGreaterThan(shock.atMs + 10);
    const low = sim.nextLines(1000).map(parse).filter((s) => s.m < 0.5);
    expect(low).toHaveLength(400);
    expect(low[0]?.t).toBe(drop.atMs);
  });

  it('writes fractional counters above 1 kHz', () => {
    const sim = new AccelSimulator({ path: 'unused', sampleRateHz: 1600 });
    expect(sim.nextLines(2).map((l) => l.split(',')[1])).toEqual(['0', '0.625']);
  });
});
