import { describe, expect, it } from 'vitest';
import type { StoredReading } from '../../domain/reading.js';
import { toLineProtocol, toPoint } from './schema.js';

const r = (over: Partial<StoredReading> = {}): StoredReading => ({
  site: 'wh-1', node: 'edge-1', device: 'cold-1', metric: 'temperature', time: 1_790_000_000_000, value: 4.25, unit: 'Cel',
  seq: 17, receivedAt: 1_790_000_000_250, flags: 0, ...over,
});

/** The library's own encoding, reading by reading: the reference the fast encoder is held to. */
const reference = (readings: readonly StoredReading[]): string => readings.map((x) => toPoint(x).toLineProtocol()!).join('\n');

describe('toLineProtocol', () => {
  it.each([
    { name: 'a plain reading', readings: [r()] },
    { name: 'spaces, commas, equals signs and backslashes in ids', readings: [r({ site: 'a b', node: 'c,d', device: 'e=f\\g', unit: '1 2', metric: 'gps.lat, x' })] },
    { name: 'an empty tag value (left out)', readings: [r({ unit: '' })] },
    { name: 'non-ASCII ids', readings: [r({ site: 'entrepôt', device: 'capteur-°C' })] },
    { name: 'integral, negative, tiny and huge values', readings: [r({ value: 1 }), r({ value: -18.5 }), r({ value: 1e-7 }), r({ value: 1.5e300 }), r({ value: 0 })] },
    { name: 'fractional times, seqs and flags (floored)', readings: [r({ time: 1_790_000_000_000.7, seq: 3.9, flags: 2, receivedAt: 5.5 })] },
    { name: 'a message of readings sharing seq and receive time', readings: Array.from({ length: 50 }, (_, i) => r({ metric: i % 2 ? 'humidity' : 'temperature', time: 1_790_000_000_000 + i, value: i / 3 })) },
    { name: 'several devices interleaved, a device moving node', readings: [r(), r({ device: 'd2', seq: 1 }), r({ node: 'edge-9', seq: 18 }), r({ seq: 19, flags: 3 })] },
  ])('writes $name exactly as Point does', ({ readings }) => {
    expect(toLineProtocol(readings)).toBe(reference(readings));
  });

  it.each([
    { name: 'NaN value', reading: r({ value: NaN }) },
    { name: 'infinite value', reading: r({ value: Infinity }) },
    { name: 'NaN seq', reading: r({ seq: NaN }) },
    { name: 'seq beyond int64', reading: r({ seq: 1e19 }) },
  ])('refuses a $name, as Point does', ({ reading }) => {
    expect(() => toPoint(reading).toLineProtocol()).toThrow();
    expect(() => toLineProtocol([reading])).toThrow();
  });
});
