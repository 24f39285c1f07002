/**
 * Readings in columns (issue #16, fast queries): the series of an answer once each, and one row of numbers per
 * reading. A store fills it from its typed arrays and the HTTP layer writes it as text, so a 57,000-reading answer
 * builds no object per reading.
 */
import type { StoredReading } from './reading.js';

/** What a reading shares with every other reading of its series. */
export interface ReadingSeries {
  readonly site: string;
  readonly node: string;
  readonly device: string;
  readonly metric: string;
  readonly unit: string;
}

/** Numbers per row: series index (into `series`), device time, value, seq, receive time, flags. */
export const COLUMN_WIDTH = 6;

export interface ReadingColumns {
  readonly series: readonly ReadingSeries[];
  /** n x COLUMN_WIDTH, in the answer's order. */
  readonly rows: Float64Array;
}

/** Readings in the rows of `c`. */
export function countRows(c: ReadingColumns): number {
  return c.rows.length / COLUMN_WIDTH;
}

/** The readings of `c` as objects, in order. */
export function columnsToReadings(c: ReadingColumns): StoredReading[] {
  const out: StoredReading[] = [];
  const r = c.rows;
  for (let o = 0; o < r.length; o += COLUMN_WIDTH) {
    const s = c.series[r[o]!]!;
    out.push({
      site: s.site, node: s.node, device: s.device, metric: s.metric, unit: s.unit,
      time: r[o + 1]!, value: r[o + 2]!, seq: r[o + 3]!, receivedAt: r[o + 4]!, flags: r[o + 5]!,
    });
  }
  return out;
}

/** Readings as columns: one series per distinct (site, node, device, metric, unit), first seen first. */
export function readingsToColumns(readings: readonly StoredReading[]): ReadingColumns {
  const series: ReadingSeries[] = [];
  const index = new Map<string, number>();
  const rows = new Float64Array(readings.length * COLUMN_WIDTH);
  let o = 0;
  for (const x of readings) {
    const key = JSON.stringify([x.site, x.node, x.device, x.metric, x.unit]);
    let i = index.get(key);
    if (i === undefined) {
      i = series.length;
      index.set(key, i);
      series.push({ site: x.site, node: x.node, device: x.device, metric: x.metric, unit: x.unit });
    }
    rows[o] = i; rows[o + 1] = x.time; rows[o + 2] = x.value; rows[o + 3] = x.seq; rows[o + 4] = x.receivedAt; rows[o + 5] = x.flags;
    o += COLUMN_WIDTH;
  }
  return { series, rows };
}
