/**
 * The writer thread's side of the ingest log (ingest-log.ts): per series, the logged readings not yet written as a
 * chunk ("head"), and per log row, how many of its readings are still live. Everything here runs inside the writer's
 * transaction; if that transaction fails, `load()` rebuilds the heads from the database.
 */
import type Database from 'better-sqlite3';
import { CHUNK_WIDTH, hourOf } from './chunk.js';
import { HeadPool } from './head-pool.js';
import { encodeLog, LOG_WIDTH, LogReader } from './ingest-log.js';

/** Readings of one series for the log: offsets of rows in the batch (batch-writer.ts ROW_WIDTH layout). */
export interface LogGroup {
  readonly seriesId: number;
  readonly offsets: readonly number[];
}

/** Writes readings of one series and hour, sorted by time, as a chunk. */
export type ChunkSink = (seriesId: number, hour: number, values: Float64Array) => void;

/** When logged readings are written as chunks. */
export interface LogHeadsOptions {
  /** A head is written as a chunk once it holds this many readings. Default 64 (~2.5 KB: a chunk row inside its page). */
  readonly flushReadings: number;
  /**
   * Most readings held in heads, i.e. live in the log; beyond it the oldest heads are written. Bounds the writer's
   * memory (~50 bytes a reading), the log that queries scan and the work after a crash. Default 250,000.
   */
  readonly maxReadings: number;
  /** A head is written at the latest this long after its first reading was logged, ms. Default 600,000 (10 min). */
  readonly maxAgeMs: number;
  /** Clock for head ages, ms. Default Date.now. */
  readonly now: () => number;
}

/** The options that cross to the writer thread (a function cannot). */
export type LogLimits = Omit<LogHeadsOptions, 'now'>;

export const DEFAULT_LOG_HEADS_OPTIONS: LogHeadsOptions = { flushReadings: 64, maxReadings: 250_000, maxAgeMs: 10 * 60_000, now: Date.now };

export class LogHeads {
  private pool = new HeadPool();
  /** Log row id -> its readings not yet written as chunks. */
  private live = new Map<number, number>();
  /** Series whose heads reached flushReadings since the last flushDue. */
  private full: number[] = [];
  private readonly reader: LogReader;
  private readonly insertRow: Database.Statement;
  private readonly deleteRow: Database.Statement;
  private readonly mark: Database.Statement;
  private readonly lastRowId: Database.Statement;
  private readonly limits: LogHeadsOptions;

  constructor(db: Database.Database, private readonly sink: ChunkSink, options: Partial<LogHeadsOptions> = {}) {
    this.reader = new LogReader(db);
    this.insertRow = db.prepare('INSERT INTO ingest_log (t_min, t_max, n, data) VALUES (?, ?, ?, ?)');
    this.deleteRow = db.prepare('DELETE FROM ingest_log WHERE id = ?');
    this.mark = db.prepare('UPDATE series SET flushed_log = ? WHERE id = ?');
    // AUTOINCREMENT keeps the highest id ever committed here, also after its row was deleted.
    this.lastRowId = db.prepare("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'ingest_log'), 0)").pluck();
    this.limits = { ...DEFAULT_LOG_HEADS_OPTIONS, ...options };
    this.load();
  }

  /** Readings held in heads (live in the log). */
  get size(): number {
    return this.pool.size;
  }

  /** (Re)builds the heads from the live log readings: at start (after a crash) and after a failed transaction. */
  load(): void {
    const now = this.limits.now();
    this.pool = new HeadPool();
    this.live = new Map();
    this.full = [];
    this.reader.all((row, values, o) => {
      this.add(values[o]!, values, o, o + LOG_WIDTH, row, now);
    });
  }

  maxTime(seriesId: number): number {
    return this.pool.maxTime(seriesId);
  }

  /**
   * The highest log row id committed so far. Between transactions the heads hold every live reading of the rows up
   * to it; a reader that got the heads reads the rows after it itself (ChunkQuery).
   */
  lastRow(): number {
    return this.lastRowId.get() as number;
  }

  /** The heads' readings of `series` with device time in [from, to), in log layout (series id first). */
  readings(series: readonly number[], from: number, to: number): Float64Array {
    const out: number[] = [];
    for (const id of series) {
      this.pool.each(id, (d, o) => {
        const t = d[o]!;
        if (t < from || t >= to) return;
        out.push(id);
        for (let k = 0; k < CHUNK_WIDTH; k++) out.push(d[o + k]!);
      });
    }
    return Float64Array.from(out);
  }

  /** Adds the device times of the series' head within [min, max] to `into`. */
  timesIn(seriesId: number, min: number, max: number, into: Set<number>): void {
    this.pool.each(seriesId, (d, o) => {
      const t = d[o]!;
      if (t >= min && t <= max) into.add(t);
    });
  }

  /**
   * Logs the groups of one commit as one row and adds them to their heads. `rows` is the batch: at each offset a
   * reading as (local series, time, value, seq, receive time, flags).
   */
  append(rows: Float64Array, groups: readonly LogGroup[]): void {
    const now = this.limits.now();
    let n = 0;
    for (const g of groups) n += g.offsets.length;
    if (n === 0) return;
    const data = new Float64Array(n * LOG_WIDTH);
    let tMin = Infinity;
    let tMax = -Infinity;
    let o = 0;
    for (const g of groups) {
      for (const at of g.offsets) {
        data[o] = g.seriesId;
        for (let k = 1; k < LOG_WIDTH; k++) data[o + k] = rows[at + k]!;
        tMin = Math.min(tMin, data[o + 1]!);
        tMax = Math.max(tMax, data[o + 1]!);
        o += LOG_WIDTH;
      }
    }
    const row = Number(this.insertRow.run(tMin, tMax, n, encodeLog(data)).lastInsertRowid);
    for (let d = 0; d < data.length;) {
      // A group's readings are consecutive: add them to their head in one call.
      const id = data[d]!;
      let end = d + LOG_WIDTH;
      while (end < data.length && data[end] === id) end += LOG_WIDTH;
      this.add(id, data, d, end, row, now);
      d = end;
    }
  }

  /** Writes the heads that are due: full ones, the oldest while over the budget, old ones. Returns readings written. */
  flushDue(): number {
    const now = this.limits.now();
    let written = 0;
    for (const id of this.full) if (this.pool.countOf(id) >= this.limits.flushReadings) written += this.flush(id);
    this.full = [];
    const { maxReadings, maxAgeMs } = this.limits;
    // Oldest first, one at a time: the budget is checked against what is left.
    const due = (since: number): boolean => this.pool.size > maxReadings || now - since >= maxAgeMs;
    for (let id = this.pool.popOldest(due); id !== undefined; id = this.pool.popOldest(due)) written += this.flush(id);
    return written;
  }

  /** Writes every head (before a clean close: the log is then empty). */
  flushAll(): number {
    let written = 0;
    for (let id = this.pool.popOldest(() => true); id !== undefined; id = this.pool.popOldest(() => true)) written += this.flush(id);
    return written;
  }

  /** Adds the readings in `data[from, to)` (log layout, all of one series) to its head. */
  private add(seriesId: number, data: Float64Array, from: number, to: number, row: number, now: number): void {
    const before = this.pool.countOf(seriesId);
    this.pool.add(seriesId, data, from, to, LOG_WIDTH, row, now);
    const after = this.pool.countOf(seriesId);
    this.live.set(row, (this.live.get(row) ?? 0) + (after - before));
    if (before < this.limits.flushReadings && after >= this.limits.flushReadings) this.full.push(seriesId);
  }

  private flush(seriesId: number): number {
    const { values, rows } = this.pool.take(seriesId);
    const n = rows.length;
    if (n === 0) return 0;
    for (const [hour, chunk] of byHour(values)) this.sink(seriesId, hour, chunk);
    // The head held every live reading of this series, so all of its readings in rows up to the head's last row are
    // now in chunks. Not the last row logged so far: an id given out in a rolled-back transaction is given out again,
    // and a mark at it would cover the series' readings in the next row (log-heads.test.ts).
    let last = 0;
    for (let j = 0; j < n; j++) last = Math.max(last, rows[j]!);
    this.mark.run(last, seriesId);
    for (let j = 0; j < n;) {
      const row = rows[j]!;
      let k = 0;
      while (j < n && rows[j] === row) { j++; k++; }
      const left = (this.live.get(row) ?? 0) - k;
      if (left > 0) {
        this.live.set(row, left);
      } else {
        this.live.delete(row);
        this.deleteRow.run(row);
      }
    }
    return n;
  }
}

/** A head's readings grouped by device-time hour, each group sorted by time (a head's times are unique). */
function byHour(values: Float64Array): Map<number, Float64Array> {
  const groups = new Map<number, number[]>();
  for (let o = 0; o < values.length; o += CHUNK_WIDTH) {
    const hour = hourOf(values[o]!);
    const g = groups.get(hour);
    if (g === undefined) groups.set(hour, [o]);
    else g.push(o);
  }
  const out = new Map<number, Float64Array>();
  for (const [hour, offsets] of groups) {
    offsets.sort((a, b) => values[a]! - values[b]!);
    const chunk = new Float64Array(offsets.length * CHUNK_WIDTH);
    offsets.forEach((o, j) => chunk.set(values.subarray(o, o + CHUNK_WIDTH), j * CHUNK_WIDTH));
    out.set(hour, chunk);
  }
  return out;
}
