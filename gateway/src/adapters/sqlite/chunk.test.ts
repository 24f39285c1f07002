import { describe, expect, it } from 'vitest';
import { aggregateChunk, CHUNK_WIDTH, chunkTimes, decodeChunk, encodeChunk, hourOf } from './chunk.js';

const H = 3_600_000;

describe('hourOf', () => {
  it.each([
    [0, 0],
    [H - 1, 0],
    [H, H],
    [1_790_000_123_456, 1_790_000_123_456 - (1_790_000_123_456 % H)],
    [-1, -H],
    [-H, -H],
  ])('puts device time %d in the hour starting at %d', (t, hour) => {
    expect(hourOf(t)).toBe(hour);
  });
});

describe('chunk codec', () => {
  const readings = [
    [1_790_000_000_000, -18.5, 1, 1_790_000_000_250, 0],
    [1_790_000_000_001, 4.25, 2, 1_790_000_090_000, 3],
    [1_790_000_000_002, 0, 9_007_199_254_740_991, 0, 1],
  ];
  const values = Float64Array.from(readings.flat());

  it('stores n x 5 little-endian float64 values, reading after reading', () => {
    const bytes = encodeChunk(values);
    expect(bytes.byteLength).toBe(readings.length * CHUNK_WIDTH * 8);
    expect(bytes.readDoubleLE(0)).toBe(1_790_000_000_000);
    expect(bytes.readDoubleLE(8)).toBe(-18.5);
    expect(bytes.readDoubleLE(CHUNK_WIDTH * 8 + 4 * 8)).toBe(3);
  });

  it('round-trips every field exactly, integers up to 2^53 - 1 included', () => {
    expect(Array.from(decodeChunk(encodeChunk(values)))).toEqual(readings.flat());
  });

  it('decodes a BLOB that is not 8-byte aligned', () => {
    const raw = Buffer.alloc(values.byteLength + 3);
    encodeChunk(values).copy(raw, 3);
    expect(Array.from(decodeChunk(raw.subarray(3)))).toEqual(readings.flat());
  });

  it('refuses a BLOB that is not a whole number of readings', () => {
    expect(() => decodeChunk(Buffer.alloc(8 * CHUNK_WIDTH + 8))).toThrow(/not n x 5/);
  });

  it('lists the times of a chunk in order', () => {
    expect(chunkTimes(values)).toEqual([1_790_000_000_000, 1_790_000_000_001, 1_790_000_000_002]);
  });

  it('aggregates min, max, sum, count, first and last time, across chunks of one hour', () => {
    const a = aggregateChunk(values);
    expect(a).toEqual({ min: -18.5, max: 4.25, sum: -14.25, count: 3, firstT: 1_790_000_000_000, lastT: 1_790_000_000_002 });
    const late = Float64Array.from([1_789_999_999_000, 7, 1, 0, 0]);
    expect(aggregateChunk(late, a)).toEqual({ min: -18.5, max: 7, sum: -7.25, count: 4, firstT: 1_789_999_999_000, lastT: 1_790_000_000_002 });
  });
});
