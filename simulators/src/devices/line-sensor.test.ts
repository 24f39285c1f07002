import { describe, expect, it } from 'vitest';
import { LineSensorSimulator } from './line-sensor.js';

describe('LineSensorSimulator', () => {
  it('prints T=<t>;H=<h> with one decimal along a seeded random walk', () => {
    const clock = { now: () => 1_700_000_000_000 };
    const a = new LineSensorSimulator({ path: 'unused', seed: 3, clock });
    const b = new LineSensorSimulator({ path: 'unused', seed: 3, clock });
    const lines = Array.from({ length: 20 }, () => a.emit());
    expect(lines.map((l) => l.line)).toEqual(Array.from({ length: 20 }, () => b.emit().line));
    for (const l of lines) {
      expect(l.line).toMatch(/^T=-?\d+\.\d;H=\d+\.\d$/);
      expect(l.line).toBe(`T=${l.temperature.toFixed(1)};H=${l.humidity.toFixed(1)}`);
    }
    expect(Math.abs((lines[19]?.temperature ?? 0) - 4)).toBeLessThanOrEqual(20 * 0.2 + 1e-9);
  });

  it('takes a custom format', () => {
    const sim = new LineSensorSimulator({ path: 'unused', start: { temperature: -18, humidity: 50 }, step: 0, format: (v) => `temp:${v.temperature}` });
    expect(sim.emit().line).toBe('temp:-18');
  });
});
