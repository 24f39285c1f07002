import { describe, expect, it } from 'vitest';
import type { StoredReading } from '../../domain/reading.js';
import { decodeReadings, encodeReadings } from './spool-codec.js';

const r = (over: Partial<StoredReading> = {}): StoredReading => ({
  site: 'wh-1', node: 'edge-1', device: 'cold-1', metric: 'temperature', time: 1_790_000_000_000, value: 4.25, unit: 'Cel',
  seq: 17, receivedAt: 1_790_000_000_250, flags: 0, ...over,
});

describe('spool codec', () => {
  it.each([
    { name: 'no readings', readings: [] },
    { name: 'one reading', readings: [r()] },
    { name: 'extreme numbers', readings: [r({ value: -273.15, time: 0, seq: Number.MAX_SAFE_INTEGER, receivedAt: 8.64e15, flags: 3 }), r({ value: 1e-300, time: -1 })] },
    { name: 'non-ASCII ids and an empty unit', readings: [r({ site: 'entrepôt', node: 'nœud "1"', device: 'capteur\\°C', unit: '' })] },
    { name: 'many devices sharing strings', readings: Array.from({ length: 1000 }, (_, i) => r({ device: `d-${i % 37}`, metric: i % 2 === 0 ? 'temperature' : 'humidity', unit: i % 2 === 0 ? 'Cel' : '%RH', time: 1_790_000_000_000 + i, value: i / 7 })) },
  ])('decodes $name to exactly what was encoded', ({ readings }) => {
    expect(decodeReadings(encodeReadings(readings))).toEqual(readings);
  });

  it('decodes a body held at an unaligned offset (as SQLite may hand it back)', () => {
    const body = encodeReadings([r(), r({ time: 1 })]);
    const shifted = Buffer.alloc(body.length + 3);
    body.copy(shifted, 3);
    expect(decodeReadings(shifted.subarray(3))).toEqual([r(), r({ time: 1 })]);
  });

  it('costs far less than a row per reading: under 64 bytes each for a typical commit', () => {
    const readings = Array.from({ length: 5000 }, (_, i) => r({ device: `dev-${i % 200}`, time: 1_790_000_000_000 + i }));
    expect(encodeReadings(readings).length / readings.length).toBeLessThan(64);
  });

  it.each([
    { name: 'an unknown version', body: Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) },
    { name: 'a truncated body', body: encodeReadings([r(), r()]).subarray(0, 60) },
  ])('refuses $name', ({ body }) => {
    expect(() => decodeReadings(body)).toThrow(/spool body/);
  });
});
