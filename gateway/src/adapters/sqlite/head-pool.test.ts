import { describe, expect, it } from 'vitest';
import { CHUNK_WIDTH } from './chunk.js';
import { HeadPool } from './head-pool.js';

/** Readings in chunk layout with time t, value t / 10, seq t, receive time t + 1, flags 0. */
const readings = (...times: number[]): number[] => times.flatMap((t) => [t, t / 10, t, t + 1, 0]);
const timesOf = (values: Float64Array): number[] => Array.from({ length: values.length / CHUNK_WIDTH }, (_, j) => values[j * CHUNK_WIDTH]!);

describe('HeadPool', () => {
  it('keeps each series its readings, in arrival order across blocks, with their log rows', () => {
    const p = new HeadPool();
    const a = readings(5, 1, 9, 2, 3, 4, 6, 7, 8, 10); // 10 readings: more than one block
    p.add(1, a, 0, 25, CHUNK_WIDTH, 100, 0);
    p.add(2, readings(50), 0, 5, CHUNK_WIDTH, 100, 0);
    p.add(1, a, 25, a.length, CHUNK_WIDTH, 101, 0);
    expect(p.size).toBe(11);
    expect(p.countOf(1)).toBe(10);
    expect(p.maxTime(1)).toBe(10);
    const { values, rows } = p.take(1);
    expect(timesOf(values)).toEqual([5, 1, 9, 2, 3, 4, 6, 7, 8, 10]);
    expect(Array.from(values.subarray(0, CHUNK_WIDTH))).toEqual([5, 0.5, 5, 6, 0]);
    expect(Array.from(rows)).toEqual([100, 100, 100, 100, 100, 101, 101, 101, 101, 101]);
    expect(p.size).toBe(1);
    expect(p.countOf(1)).toBe(0);
    expect(p.maxTime(1)).toBe(-Infinity);
    expect(timesOf(p.take(2).values)).toEqual([50]);
  });

  it('gives the oldest head first, skips heads already written, and stops at the first head not due', () => {
    const p = new HeadPool();
    p.add(7, readings(1), 0, 5, CHUNK_WIDTH, 1, 1000);
    p.add(8, readings(1), 0, 5, CHUNK_WIDTH, 1, 2000);
    p.add(9, readings(1), 0, 5, CHUNK_WIDTH, 1, 3000);
    p.take(8); // written for its size meanwhile
    p.add(8, readings(2), 0, 5, CHUNK_WIDTH, 2, 4000); // a new head of series 8, now the youngest
    const dueBefore = (t: number) => (since: number): boolean => since < t;
    expect(p.popOldest(dueBefore(3500))).toBe(7);
    p.take(7);
    expect(p.popOldest(dueBefore(3500))).toBe(9);
    p.take(9);
    expect(p.popOldest(dueBefore(3500))).toBeUndefined();
    expect(p.popOldest(dueBefore(5000))).toBe(8);
  });

  it('grows past its first slots and blocks and reuses the blocks of written heads', () => {
    const p = new HeadPool();
    for (let id = 0; id < 5000; id++) p.add(id, readings(id, id + 1), 0, 10, CHUNK_WIDTH, id, id);
    expect(p.size).toBe(10_000);
    for (let id = 0; id < 5000; id += 2) expect(timesOf(p.take(id).values)).toEqual([id, id + 1]);
    for (let id = 0; id < 5000; id += 2) p.add(id, readings(-id), 0, 5, CHUNK_WIDTH, 9999, 9999);
    expect(p.size).toBe(7500);
    expect(timesOf(p.take(4998).values)).toEqual([-4998]);
    expect(timesOf(p.take(4999).values)).toEqual([4999, 5000]);
  });

  it('keeps its start order bounded while heads written for their size come and go behind an old one', () => {
    const p = new HeadPool();
    p.add(0, readings(1), 0, 5, CHUNK_WIDTH, 1, 0); // an old head that is never due
    for (let i = 0; i < 50_000; i++) {
      p.add(1 + (i % 100), readings(i), 0, 5, CHUNK_WIDTH, 2 + i, i);
      p.take(1 + (i % 100)); // written at once, as a full head is
    }
    expect(p.orderLength).toBeLessThanOrEqual(2 * 1 + 4096 + 1);
    // The order still gives the old head first, then nothing else is left.
    expect(p.popOldest(() => true)).toBe(0);
    expect(p.popOldest(() => true)).toBeUndefined();
  });
});
