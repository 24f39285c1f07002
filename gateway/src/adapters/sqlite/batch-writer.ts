/**
 * The write path of the SQLite store, shared by the worker thread and the in-thread writer. Readings cross to the
 * worker as one Float64Array (6 numbers each, transferred, not copied) plus the series first used in the batch, so
 * handing a 20,000-reading commit to the worker costs microseconds instead of a structured clone of 20,000 objects.
 *
 * The writer stores a commit as one chunk row per (series, device-time hour) it touches (chunk.ts), so a commit of
 * 20,000 readings over 400 series inserts ~400 B-tree entries instead of 20,000 (issue #5).
 *
 * Identity: (device, metric, time) is stored once. Within a commit, later copies of a time are dropped (first wins).
 * Across commits the writer keeps, per series, a high-water mark (the latest device time stored): a group whose
 * times are all above it cannot repeat a stored reading and is inserted without a lookup (live traffic). Any other
 * group (late data, replays, re-sends) reads the times of the chunks of its hour that overlap it and drops those
 * already stored. High-water marks are cached per connection and forgotten when another connection has committed
 * (PRAGMA data_version: retention, or a second writer on the same file) or when a transaction fails.
 *
 * Small commits (one reading per series, the usual low-rate device) would make one chunk row, plus its index entry,
 * per reading. So a group above the high-water mark whose hour is that of the series' last chunk is appended to that
 * chunk (rewritten in place, its key unchanged) while the group is small and the chunk stays under APPEND_LIMIT
 * readings, which keeps it inside its table page (a rowid leaf holds ~4 KB of a row inline).
 */
import type Database from 'better-sqlite3';
import type { StoredReading, WriteResult } from '../../ports/telemetry-store.js';
import { CHUNK_WIDTH, chunkTimes, decodeChunk, encodeChunk, hourOf } from './chunk.js';

/** Numbers per encoded reading: local series index, device time, value, seq, receive time, flags. */
export const ROW_WIDTH = 6;

export type SeriesDef = readonly [index: number, site: string, node: string, device: string, metric: string, unit: string];

export interface EncodedBatch {
  /** Series used for the first time since the last reset, with the local index the rows refer to. */
  readonly series: SeriesDef[];
  readonly rows: Float64Array;
}

/** Main-thread side: gives each (device, metric) a local index and encodes readings. */
export class SeriesEncoder {
  /** device -> metric -> local index. Nested maps: no key string built per reading (this runs on the event loop). */
  private readonly index = new Map<string, Map<string, number>>();
  private size = 0;

  encode(readings: readonly StoredReading[]): EncodedBatch {
    const series: SeriesDef[] = [];
    const rows = new Float64Array(readings.length * ROW_WIDTH);
    let o = 0;
    let device: string | undefined;
    let metrics: Map<string, number> | undefined;
    for (const r of readings) {
      // Readings of one message share the device: look it up once per run of equal devices.
      if (r.device !== device || metrics === undefined) {
        device = r.device;
        metrics = this.index.get(device);
        if (metrics === undefined) this.index.set(device, metrics = new Map());
      }
      let i = metrics.get(r.metric);
      if (i === undefined) {
        i = this.size++;
        metrics.set(r.metric, i);
        series.push([i, r.site, r.node, r.device, r.metric, r.unit]);
      }
      rows[o] = i; rows[o + 1] = r.time; rows[o + 2] = r.value; rows[o + 3] = r.seq; rows[o + 4] = r.receivedAt; rows[o + 5] = r.flags;
      o += ROW_WIDTH;
    }
    return { series, rows };
  }

  /** After a failed write: the writer forgot the series of that batch, so every series is sent again. */
  reset(): void {
    this.index.clear();
    this.size = 0;
  }
}

/** Most readings a chunk grows to by appends: 96 x 40 bytes + key columns stays under a 4 KiB page's inline limit. */
export const APPEND_LIMIT = 96;
/**
 * Largest group that is appended rather than inserted. Growing a row makes SQLite rebalance its page; measured on
 * the store alone, appending groups of ~12 readings gains ~25 % over inserting them, appending groups of ~48 loses
 * ~25 % (800k -> 610k readings/s), so only small groups are appended.
 */
const APPEND_MAX_GROUP = 24;

/** What the writer knows of a series' latest chunk. */
interface Tail {
  /** Latest device time stored for the series (-Infinity: none), ms. */
  hwm: number;
  /** Rowid, hour and size of the chunk holding `hwm` (rowid -1: none known). */
  rowid: number;
  hour: number;
  n: number;
}

/** Writer side: resolves local series indexes to ids and stores a batch as chunks in one transaction. */
export class BatchWriter {
  private ids: number[] = [];
  /** Series id -> its latest chunk. Valid while `dataVersion` is unchanged. */
  private readonly tails = new Map<number, Tail>();
  private dataVersion: unknown;
  private readonly insertChunk: Database.Statement;
  private readonly insertSeries: Database.Statement;
  private readonly findSeries: Database.Statement;
  private readonly lastChunk: Database.Statement;
  private readonly chunkData: Database.Statement;
  private readonly appendChunk: Database.Statement;
  private readonly overlapping: Database.Statement;
  private readonly version: Database.Statement;
  private readonly tx: Database.Transaction<(b: EncodedBatch) => WriteResult>;

  constructor(db: Database.Database) {
    this.insertChunk = db.prepare('INSERT INTO chunks (series_id, hour, t_start, t_end, n, data) VALUES (?, ?, ?, ?, ?, ?)');
    this.insertSeries = db.prepare('INSERT OR IGNORE INTO series (site, node, device, metric, unit) VALUES (?, ?, ?, ?, ?)');
    this.findSeries = db.prepare('SELECT id FROM series WHERE device = ? AND metric = ?').pluck();
    // The latest time is in the latest hour: index seeks and that hour's chunks, not a scan of the series.
    this.lastChunk = db.prepare(`SELECT id, hour, t_end, n FROM chunks
      WHERE series_id = ? AND hour = (SELECT max(hour) FROM chunks WHERE series_id = ?) ORDER BY t_end DESC LIMIT 1`);
    this.chunkData = db.prepare('SELECT data FROM chunks WHERE id = ?').pluck();
    this.appendChunk = db.prepare('UPDATE chunks SET t_end = ?, n = ?, data = ? WHERE id = ?');
    this.overlapping = db.prepare('SELECT data FROM chunks WHERE series_id = ? AND hour = ? AND t_start <= ? AND t_end >= ?').pluck();
    this.version = db.prepare('PRAGMA data_version').pluck();
    this.tx = db.transaction((b: EncodedBatch) => this.insert(b));
  }

  write(batch: EncodedBatch): WriteResult {
    try {
      // IMMEDIATE: the write lock is held from the start, so no other connection commits between the data_version
      // check and our inserts.
      return this.tx.immediate(batch);
    } catch (e) {
      // The transaction rolled back: series created in it may not exist and high-water marks may be ahead of the
      // data. Forget both (the encoder resets too).
      this.ids = [];
      this.tails.clear();
      throw e;
    }
  }

  private insert(b: EncodedBatch): WriteResult {
    const version = this.version.get();
    if (version !== this.dataVersion) {
      this.tails.clear();
      this.dataVersion = version;
    }
    for (const [i, site, node, device, metric, unit] of b.series) {
      this.insertSeries.run(site, node, device, metric, unit);
      this.ids[i] = this.findSeries.get(device, metric) as number;
    }
    const rows = b.rows;
    const n = rows.length / ROW_WIDTH;
    let inserted = 0;
    for (const [local, hours] of groupBySeriesAndHour(rows)) {
      const id = this.id(local);
      for (const [hour, group] of hours) {
        const times = uniqueByTime(rows, group);
        const stored = this.storedTimes(id, hour, rows, times);
        inserted += this.store(id, hour, rows, stored === undefined ? times : times.filter((o) => !stored.has(rows[o + 1]!)));
      }
    }
    return { inserted, duplicates: n - inserted };
  }

  /** Times already stored in the hour among the group's range; undefined when all are above the high-water mark. */
  private storedTimes(id: number, hour: number, rows: Float64Array, group: readonly number[]): Set<number> | undefined {
    const min = rows[group[0]! + 1]!;
    const max = rows[group[group.length - 1]! + 1]!;
    if (min > this.tailOf(id).hwm) return undefined;
    const stored = new Set<number>();
    for (const data of this.overlapping.all(id, hour, max, min) as Buffer[]) {
      for (const t of chunkTimes(decodeChunk(data))) stored.add(t);
    }
    return stored;
  }

  /** Inserts the readings at `group` (row offsets, sorted by time, unique) as one chunk; returns how many. */
  private store(id: number, hour: number, rows: Float64Array, group: readonly number[]): number {
    const k = group.length;
    if (k === 0) return 0;
    const values = new Float64Array(k * CHUNK_WIDTH);
    for (let j = 0, v = 0; j < k; j++, v += CHUNK_WIDTH) {
      const o = group[j]!;
      values[v] = rows[o + 1]!; values[v + 1] = rows[o + 2]!; values[v + 2] = rows[o + 3]!;
      values[v + 3] = rows[o + 4]!; values[v + 4] = rows[o + 5]!;
    }
    const tStart = values[0]!;
    const tEnd = values[(k - 1) * CHUNK_WIDTH]!;
    const tail = this.tailOf(id);
    if (tStart > tail.hwm && tail.rowid !== -1 && tail.hour === hour && k <= APPEND_MAX_GROUP && tail.n + k <= APPEND_LIMIT) {
      // Every stored time of the series is before tStart: appending keeps the chunk sorted and its t_start key.
      const old = this.chunkData.get(tail.rowid) as Buffer;
      this.appendChunk.run(tEnd, tail.n + k, Buffer.concat([old, encodeChunk(values)]), tail.rowid);
      tail.n += k;
      tail.hwm = tEnd;
      return k;
    }
    const rowid = Number(this.insertChunk.run(id, hour, tStart, tEnd, k, encodeChunk(values)).lastInsertRowid);
    if (tEnd > tail.hwm) Object.assign(tail, { hwm: tEnd, rowid, hour, n: k });
    return k;
  }

  private tailOf(id: number): Tail {
    let tail = this.tails.get(id);
    if (tail === undefined) {
      const last = this.lastChunk.get(id, id) as { id: number; hour: number; t_end: number; n: number } | undefined;
      tail = last === undefined ? { hwm: -Infinity, rowid: -1, hour: 0, n: 0 } : { hwm: last.t_end, rowid: last.id, hour: last.hour, n: last.n };
      this.tails.set(id, tail);
    }
    return tail;
  }

  private id(local: number): number {
    const id = this.ids[local];
    if (id === undefined) throw new Error(`series index ${local} was never defined to the writer`);
    return id;
  }
}

/** Row offsets of the batch grouped by local series index, then by device-time hour, in arrival order. */
function groupBySeriesAndHour(rows: Float64Array): Map<number, Map<number, number[]>> {
  const groups = new Map<number, Map<number, number[]>>();
  for (let o = 0; o < rows.length; o += ROW_WIDTH) {
    const local = rows[o]!;
    const hour = hourOf(rows[o + 1]!);
    let hours = groups.get(local);
    if (hours === undefined) groups.set(local, hours = new Map());
    const group = hours.get(hour);
    if (group === undefined) hours.set(hour, [o]);
    else group.push(o);
  }
  return groups;
}

/** The group's row offsets sorted by device time, keeping the first arrival of each time. */
function uniqueByTime(rows: Float64Array, group: number[]): number[] {
  let sorted = true;
  for (let j = 1; j < group.length; j++) {
    if (rows[group[j]! + 1]! <= rows[group[j - 1]! + 1]!) { sorted = false; break; }
  }
  if (sorted) return group;
  // Array.prototype.sort is stable: equal times keep arrival order, so the first copy comes first.
  const byTime = [...group].sort((a, b) => rows[a + 1]! - rows[b + 1]!);
  return byTime.filter((o, j) => j === 0 || rows[o + 1]! !== rows[byTime[j - 1]! + 1]!);
}
