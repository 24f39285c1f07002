/** Test support: downsampled series checked against buckets computed from the raw readings (issue #16). */
import { expect } from 'vitest';
import type { StoredReading } from '../../src/domain/reading.js';
import type { SeriesBucket } from '../../src/domain/series-buckets.js';
import type { SeriesQuery } from '../../src/ports/telemetry-store.js';

/** The truth: buckets computed from the raw readings. */
export function truth(readings: readonly StoredReading[], q: SeriesQuery): Map<number, { min: number; max: number; count: number; sum: number; first: number; last: number }> {
  const out = new Map<number, { min: number; max: number; count: number; sum: number; first: number; last: number }>();
  for (const x of readings) {
    if (x.device !== q.device || x.metric !== q.metric || x.time < q.from || x.time >= q.to) continue;
    const start = q.from + Math.floor((x.time - q.from) / q.step) * q.step;
    const b = out.get(start) ?? { min: Infinity, max: -Infinity, count: 0, sum: 0, first: Infinity, last: -Infinity };
    b.min = Math.min(b.min, x.value); b.max = Math.max(b.max, x.value); b.count++; b.sum += x.value;
    b.first = Math.min(b.first, x.time); b.last = Math.max(b.last, x.time);
    out.set(start, b);
  }
  return out;
}

export function expectTruth(got: readonly SeriesBucket[], readings: readonly StoredReading[], q: SeriesQuery): void {
  const want = truth(readings, q);
  expect(got.map((b) => b.start)).toEqual([...want.keys()].sort((a, b) => a - b));
  for (const b of got) {
    const w = want.get(b.start)!;
    expect({ start: b.start, min: b.min, max: b.max, count: b.count, first: b.firstTime, last: b.lastTime })
      .toEqual({ start: b.start, min: w.min, max: w.max, count: w.count, first: w.first, last: w.last });
    expect(b.mean).toBeCloseTo(w.sum / w.count, 9);
  }
  const inRange = readings.filter((x) => x.metric === q.metric && x.time >= q.from && x.time < q.to).length;
  expect(got.reduce((n, b) => n + b.count, 0)).toBe(inRange);
}

