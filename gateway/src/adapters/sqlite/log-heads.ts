/**
 * The writer thread's side of the ingest log (ingest-log.ts): per series, the logged readings not yet written as a
 * chunk ("head"), and per log row, how many of its readings are still live. Everything here runs inside the writer's
 * transaction; if that transaction fails, `load()` rebuilds the heads from the database.
 */
import type Database from 'better-sqlite3';
import { CHUNK_WIDTH, hourOf } from './chunk.js';
import {
  encodeLog, HEAD_FLUSH_READINGS, LOG_WIDTH, LogReader, MAX_HEAD_AGE_MS, MAX_HEAD_READINGS,
} from './ingest-log.js';

/** Readings of one series for the log: n x CHUNK_WIDTH (time, value, seq, receive time, flags). */
export interface LogGroup {
  readonly seriesId: number;
  readonly values: Float64Array;
}

/** Writes readings of one series and hour, sorted by time, as a chunk. */
export type ChunkSink = (seriesId: number, hour: number, values: Float64Array) => void;

interface Head {
  /** CHUNK_WIDTH numbers per reading, in arrival order. */
  values: number[];
  /** Log row ids and how many of this head's readings each holds. */
  rows: Map<number, number>;
  maxTime: number;
  /** When the first reading was logged, ms (worker clock). */
  since: number;
}

export interface LogHeadsLimits {
  readonly flushReadings: number;
  readonly maxReadings: number;
  readonly maxAgeMs: number;
}

export class LogHeads {
  /** Insertion order is the order in which heads started: the oldest first. */
  private heads = new Map<number, Head>();
  private live = new Map<number, number>();
  /** Heads that reached flushReadings since the last flushDue. */
  private readonly full = new Set<number>();
  private held = 0;
  private lastRow = 0;
  private readonly reader: LogReader;
  private readonly insertRow: Database.Statement;
  private readonly deleteRow: Database.Statement;
  private readonly mark: Database.Statement;
  private readonly limits: LogHeadsLimits;

  constructor(db: Database.Database, private readonly sink: ChunkSink, limits: Partial<LogHeadsLimits> = {}) {
    this.reader = new LogReader(db);
    this.insertRow = db.prepare('INSERT INTO ingest_log (t_min, t_max, n, data) VALUES (?, ?, ?, ?)');
    this.deleteRow = db.prepare('DELETE FROM ingest_log WHERE id = ?');
    this.mark = db.prepare('UPDATE series SET flushed_log = ? WHERE id = ?');
    this.limits = { flushReadings: HEAD_FLUSH_READINGS, maxReadings: MAX_HEAD_READINGS, maxAgeMs: MAX_HEAD_AGE_MS, ...limits };
    this.load(Date.now());
  }

  /** Readings held in heads (live in the log). */
  get size(): number {
    return this.held;
  }

  /** (Re)builds the heads from the live log readings: at start (after a crash) and after a failed transaction. */
  load(now: number): void {
    this.heads = new Map();
    this.live = new Map();
    this.full.clear();
    this.held = 0;
    this.reader.all((row, values, o) => {
      this.add(values[o]!, values.subarray(o + 1, o + LOG_WIDTH), row, now);
      this.lastRow = Math.max(this.lastRow, row);
    });
  }

  maxTime(seriesId: number): number {
    return this.heads.get(seriesId)?.maxTime ?? -Infinity;
  }

  /** Adds the device times of the series' head within [min, max] to `into`. */
  timesIn(seriesId: number, min: number, max: number, into: Set<number>): void {
    const h = this.heads.get(seriesId);
    if (h === undefined) return;
    for (let o = 0; o < h.values.length; o += CHUNK_WIDTH) {
      const t = h.values[o]!;
      if (t >= min && t <= max) into.add(t);
    }
  }

  /** Logs the groups of one commit as one row and adds them to their heads. */
  append(groups: readonly LogGroup[], now: number): void {
    let n = 0;
    for (const g of groups) n += g.values.length / CHUNK_WIDTH;
    if (n === 0) return;
    const data = new Float64Array(n * LOG_WIDTH);
    let tMin = Infinity;
    let tMax = -Infinity;
    let o = 0;
    for (const g of groups) {
      for (let v = 0; v < g.values.length; v += CHUNK_WIDTH) {
        data[o] = g.seriesId;
        for (let k = 0; k < CHUNK_WIDTH; k++) data[o + 1 + k] = g.values[v + k]!;
        tMin = Math.min(tMin, g.values[v]!);
        tMax = Math.max(tMax, g.values[v]!);
        o += LOG_WIDTH;
      }
    }
    const row = Number(this.insertRow.run(tMin, tMax, n, encodeLog(data)).lastInsertRowid);
    this.lastRow = row;
    for (const g of groups) this.add(g.seriesId, g.values, row, now);
  }

  /** Writes the heads that are due: full ones, the oldest while over the budget, old ones. Returns readings written. */
  flushDue(now: number): number {
    let written = 0;
    for (const id of this.full) {
      const h = this.heads.get(id);
      if (h !== undefined) written += this.flush(id, h);
    }
    this.full.clear();
    // Start order: the first head that is young enough while the budget holds ends the scan.
    for (const [id, h] of this.heads) {
      if (this.held <= this.limits.maxReadings && now - h.since < this.limits.maxAgeMs) break;
      written += this.flush(id, h);
    }
    return written;
  }

  /** Writes every head (before a clean close: the log is then empty). */
  flushAll(): number {
    let written = 0;
    for (const [id, h] of this.heads) written += this.flush(id, h);
    return written;
  }

  /** Adds readings (CHUNK_WIDTH numbers each) of one series, all in log row `row`, to its head. */
  private add(seriesId: number, values: Float64Array, row: number, now: number): void {
    const k = values.length / CHUNK_WIDTH;
    let h = this.heads.get(seriesId);
    if (h === undefined) this.heads.set(seriesId, h = { values: [], rows: new Map(), maxTime: -Infinity, since: now });
    const before = h.values.length;
    for (let v = 0; v < values.length; v++) h.values.push(values[v]!);
    for (let v = 0; v < values.length; v += CHUNK_WIDTH) if (values[v]! > h.maxTime) h.maxTime = values[v]!;
    h.rows.set(row, (h.rows.get(row) ?? 0) + k);
    this.live.set(row, (this.live.get(row) ?? 0) + k);
    this.held += k;
    const full = this.limits.flushReadings * CHUNK_WIDTH;
    if (before < full && h.values.length >= full) this.full.add(seriesId);
  }

  private flush(seriesId: number, h: Head): number {
    const n = h.values.length / CHUNK_WIDTH;
    for (const [hour, values] of byHour(h.values)) this.sink(seriesId, hour, values);
    // Every logged reading of this series is in a row up to lastRow, and all are now in chunks.
    this.mark.run(this.lastRow, seriesId);
    for (const [row, k] of h.rows) {
      const left = (this.live.get(row) ?? 0) - k;
      if (left > 0) {
        this.live.set(row, left);
      } else {
        this.live.delete(row);
        this.deleteRow.run(row);
      }
    }
    this.heads.delete(seriesId);
    this.held -= n;
    return n;
  }
}

/** A head's readings grouped by device-time hour, each group sorted by time (a head's times are unique). */
function byHour(values: readonly number[]): Map<number, Float64Array> {
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
    offsets.forEach((o, j) => {
      for (let k = 0; k < CHUNK_WIDTH; k++) chunk[j * CHUNK_WIDTH + k] = values[o + k]!;
    });
    out.set(hour, chunk);
  }
  return out;
}
