import { describe, expect, it } from 'vitest';
import { Xymd02 } from './xymd02.js';

const fixedClock = (t: number) => ({ now: () => t });

describe('Xymd02 register map', () => {
  it('serves temperature as signed int16 tenths at input register 0x0001 and humidity at 0x0002', () => {
    const s = new Xymd02({ clock: fixedClock(1_700_000_000_000) });
    s.set({ temperature: -12.3, humidity: 55.5 });
    expect(s.readInput(0x0001)).toBe(0x10000 - 123);
    expect(s.readInput(0x0002)).toBe(555);
    expect(s.readInput(0x0003)).toBeUndefined();
  });

  it('applies the holding-register offsets (÷ 10, signed) to what it serves', () => {
    const s = new Xymd02({ clock: fixedClock(1_700_000_000_000) });
    s.set({ temperature: 5, humidity: 50 });
    expect(s.writeHolding(0x0103, 0x10000 - 15)).toBe(true);
    expect(s.writeHolding(0x0104, 20)).toBe(true);
    expect(s.valueAt()).toEqual({ temperature: 3.5, humidity: 52 });
    expect(s.readHolding(0x0103)).toBe(0x10000 - 15);
  });

  it('changes its slave address and refuses an invalid one or an unknown register', () => {
    const s = new Xymd02({ unitId: 1 });
    expect(s.writeHolding(0x0101, 7)).toBe(true);
    expect(s.unitId).toBe(7);
    expect(s.readHolding(0x0101)).toBe(7);
    expect(s.writeHolding(0x0101, 0)).toBe(false);
    expect(s.writeHolding(0x0102, 3)).toBe(false);
    expect(s.writeHolding(0x0200, 1)).toBe(false);
  });
});

describe('Xymd02 signal', () => {
  it('is deterministic for a seed and time, and differs between seeds', () => {
    const t = 1_700_000_123_456;
    expect(new Xymd02({ seed: 3 }).valueAt(t)).toEqual(new Xymd02({ seed: 3 }).valueAt(t));
    const a = Array.from({ length: 20 }, (_, i) => new Xymd02({ seed: 3 }).valueAt(t + i * 1000).temperature);
    const b = Array.from({ length: 20 }, (_, i) => new Xymd02({ seed: 4 }).valueAt(t + i * 1000).temperature);
    expect(a).not.toEqual(b);
  });

  it('varies slowly and plausibly around its base', () => {
    const s = new Xymd02({ baseC: 4, amplitudeC: 1.5, noiseC: 0.2 });
    const t0 = 1_700_000_000_000;
    let prev = s.valueAt(t0).temperature;
    for (let i = 1; i < 3600; i++) {
      const v = s.valueAt(t0 + i * 1000);
      expect(v.temperature).toBeGreaterThanOrEqual(2.3);
      expect(v.temperature).toBeLessThanOrEqual(5.7);
      expect(Math.abs(v.temperature - prev)).toBeLessThanOrEqual(0.5);
      expect(v.humidity).toBeGreaterThanOrEqual(0);
      expect(v.humidity).toBeLessThanOrEqual(100);
      prev = v.temperature;
    }
  });

  it('holds the value within a step', () => {
    const s = new Xymd02({ stepMs: 1000 });
    expect(s.valueAt(1_700_000_000_000)).toEqual(s.valueAt(1_700_000_000_999));
  });
});
