import { describe, expect, it } from 'vitest';
import type { StoredReading } from '../reading.js';
import { canonicalReading, canonicalValue, groupBySeries } from './remote-readings.js';

const reading = (over: Partial<StoredReading> = {}): StoredReading => ({
  site: 's', node: 'n', device: 'd1', metric: 'temperature', unit: 'Cel', time: 1_790_000_000_000, value: 4.5, seq: 7, receivedAt: 1_790_000_000_050, flags: 0, ...over,
});

describe('canonicalValue', () => {
  it.each([
    // [value, precision, held]
    [0.1 + 0.2, 'exact', 0.30000000000000004],
    [-0, 'exact', -0],
    [0.1 + 0.2, 'decimal', 0.3],
    [-0, 'decimal', 0],
    [-123.45678901234568, 'decimal', -123.456789],
    [51.50735091234, 'decimal', 51.5073509],
    [1.23456789e-8, 'decimal', 0],
    [-4e-8, 'decimal', 0],
    [6e-8, 'decimal', 1e-7],
    [9_007_199_254_740_991, 'decimal', 9_007_199_254_740_991],
    [12_345_678_901.5, 'decimal', 12_345_678_900],
    [Number.NaN, 'decimal', Number.NaN],
  ] as const)('holds %s as %s -> %s', (value, precision, held) => {
    expect(Object.is(canonicalValue(value, precision), held)).toBe(true);
  });

  it('is a fixed point on the decimal grid: a value held reads back as itself', () => {
    const moved: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const magnitude = 10 ** ((i % 21) - 9);
      const v = canonicalValue((Math.sin(i * 12.9898) * 43_758.5453 % 1) * magnitude, 'decimal');
      if (canonicalValue(v, 'decimal') !== v) moved.push(v);
    }
    expect(moved).toEqual([]);
  });

  it('gives back the value held when the store returns it off in its last digit', () => {
    expect(canonicalValue(-103.8306837 - 1e-12, 'decimal')).toBe(-103.8306837);
    expect(canonicalValue(0.9999999999999, 'decimal')).toBe(1);
  });
});

describe('canonicalReading', () => {
  it.each([
    ['a whole reading', {}, {}],
    ['a fractional device time', { time: 1_790_000_000_000.7 }, { time: 1_790_000_000_000 }],
    ['fractional seq, receive time and flags', { seq: 7.9, receivedAt: 1_790_000_000_050.2, flags: 2.5 }, { seq: 7, receivedAt: 1_790_000_000_050, flags: 2 }],
  ] as const)('writes %s as line protocol does', (_name, over, want) => {
    expect(canonicalReading(reading(over), 'exact')).toEqual(reading({ ...over, ...want }));
  });

  it('returns the same object when nothing changes', () => {
    const r = reading();
    expect(canonicalReading(r, 'decimal')).toBe(r);
  });
});

describe('groupBySeries', () => {
  it('groups by the whole series name, in order of first appearance, each sorted by device time', () => {
    const groups = groupBySeries([
      reading({ time: 3000, value: 3 }), reading({ metric: 'humidity', unit: '%RH', time: 1000 }), reading({ time: 1000, value: 1 }),
      reading({ node: 'n2', time: 2000 }),
    ]);
    expect(groups.map((g) => [g.series.metric, g.series.node, [...g.values].filter((_, i) => i % 5 === 0)])).toEqual([
      ['temperature', 'n', [1000, 3000]], ['humidity', 'n', [1000]], ['temperature', 'n2', [2000]],
    ]);
    expect([...groups[0]!.values.slice(0, 5)]).toEqual([1000, 1, 7, 1_790_000_000_050, 0]);
  });
});
