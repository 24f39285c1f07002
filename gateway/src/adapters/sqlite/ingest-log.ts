/**
 * The ingest log of the embedded store: where readings that arrive a few per series at a time are made durable
 * before they are written as chunks (issue #5, write amplification).
 *
 * A chunk row per series per commit meant that every commit rewrote, in the WAL and again at checkpoint, one 4 KiB page
 * per series it touched: ~3,000 bytes written to disk per reading at half of the single-reading peak, ~1,300 with
 * 10,000 devices (docs/performance.md), and commits that took 4-5 ms instead of ~1 ms. Now a commit appends one log
 * row holding all its small groups (one or two pages) and the writer thread keeps those readings per series in
 * memory ("heads", log-heads.ts); a head is written as one chunk once it holds 64 readings, when the heads
 * together exceed 250,000 readings (oldest first), or 10 minutes after it started (LogHeadsOptions).
 *
 * Which logged readings are still unwritten is in the database, so readers need no help from the writer thread:
 * `series.flushed_log` is the last log row whose readings of that series are all in chunks (a head is written
 * whole). A logged reading is live while its row id is above its series' mark; a row whose readings are all written
 * is deleted. A mark is the highest row of the head written, never beyond it: a row id given out in a transaction that
 * rolled back is given out again, so a mark at "the last row logged" could cover a later row. Queries, the count and
 * writers on other connections read the live readings here (LogReader); the writer thread rebuilds its heads from
 * them after a crash.
 */
import type Database from 'better-sqlite3';

/** Numbers per logged reading: series id, device time, value, seq, receive time, flags (float64, little-endian). */
export const LOG_WIDTH = 6;
/** Groups of at most this many readings of one series and hour are logged; larger ones are written as chunks. */
export const LOG_MAX_GROUP = 24;

export const LOG_MIGRATION = `CREATE TABLE ingest_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     t_min INTEGER NOT NULL,      -- device time range of the row's readings, ms (queries skip rows outside theirs)
     t_max INTEGER NOT NULL,
     n INTEGER NOT NULL,
     data BLOB NOT NULL           -- n x LOG_WIDTH float64
   );
   ALTER TABLE series ADD COLUMN flushed_log INTEGER NOT NULL DEFAULT 0;`;

/** The row's readings as n x LOG_WIDTH float64 (a copy when the BLOB is not 8-byte aligned). */
export function decodeLog(data: Uint8Array): Float64Array {
  if (data.byteLength % (8 * LOG_WIDTH) !== 0) throw new Error(`log row of ${data.byteLength} bytes is not n x ${LOG_WIDTH} float64`);
  const copy = data.byteOffset % 8 === 0 ? data : Uint8Array.prototype.slice.call(data);
  return new Float64Array(copy.buffer, copy.byteOffset, copy.byteLength / 8);
}

export function encodeLog(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * What the writer thread's heads held when a query asked: the live readings of some series (log layout), which are
 * every live reading of those series in the log rows up to `logRow`. Rows logged after it are read from the database.
 */
export interface HeadsSnapshot {
  readonly readings: Float64Array;
  readonly logRow: number;
}

/** A reading still live in the log: `values[o + 1 ..]` are time, value, seq, receive time, flags. */
export type LogVisitor = (seriesId: number, values: Float64Array, o: number) => void;

/** Reads the live logged readings on any connection. */
export class LogReader {
  private readonly rowsInRange: Database.Statement;
  private readonly allRows: Database.Statement;
  private readonly flushedOf: Database.Statement;
  private readonly allFlushed: Database.Statement;

  constructor(db: Database.Database) {
    this.rowsInRange = db.prepare('SELECT id, data FROM ingest_log WHERE id > ? AND t_max >= ? AND t_min <= ? ORDER BY id');
    this.allRows = db.prepare('SELECT id, data FROM ingest_log ORDER BY id');
    this.flushedOf = db.prepare('SELECT flushed_log FROM series WHERE id = ?').pluck();
    this.allFlushed = db.prepare('SELECT id, flushed_log FROM series WHERE flushed_log < (SELECT coalesce(max(id), 0) FROM ingest_log)');
  }

  /**
   * Visits the live readings of `series` (id -> its flushed_log mark) with device time in [from, to], in rows after
   * `after` (default: all rows).
   */
  each(series: ReadonlyMap<number, number>, from: number, to: number, visit: LogVisitor, after = 0): void {
    if (series.size === 0) return;
    let lowest = Infinity;
    for (const mark of series.values()) lowest = Math.min(lowest, mark);
    lowest = Math.max(lowest, after);
    for (const row of this.rowsInRange.iterate(lowest, from, to) as IterableIterator<{ id: number; data: Buffer }>) {
      const values = decodeLog(row.data);
      for (let o = 0; o < values.length; o += LOG_WIDTH) {
        const mark = series.get(values[o]!);
        if (mark === undefined || row.id <= mark) continue;
        const t = values[o + 1]!;
        if (t >= from && t <= to) visit(values[o]!, values, o);
      }
    }
  }

  /** Device times of one series' live readings in [from, to]. */
  times(seriesId: number, from: number, to: number): number[] {
    const out: number[] = [];
    this.each(new Map([[seriesId, this.flushedOf.get(seriesId) as number]]), from, to, (_s, v, o) => out.push(v[o + 1]!));
    return out;
  }

  /** Every live reading, any series, in log order (recovery and the count). */
  all(visit: (row: number, values: Float64Array, o: number) => void): void {
    const marks = new Map<number, number>();
    for (const s of this.allFlushed.all() as { id: number; flushed_log: number }[]) marks.set(s.id, s.flushed_log);
    for (const row of this.allRows.iterate() as IterableIterator<{ id: number; data: Buffer }>) {
      const values = decodeLog(row.data);
      for (let o = 0; o < values.length; o += LOG_WIDTH) {
        const mark = marks.get(values[o]!);
        if (mark !== undefined && row.id > mark) visit(row.id, values, o);
      }
    }
  }

  /** Live readings in the log. */
  count(): number {
    let n = 0;
    this.all(() => { n++; });
    return n;
  }
}
