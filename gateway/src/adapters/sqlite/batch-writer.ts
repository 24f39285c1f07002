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
 * Small groups (a few readings of a series per commit, the usual live traffic) would make one chunk row, and one
 * rewritten page, per series per commit. The writer thread (mode 'log') logs them instead, one row per commit, and
 * writes each series' logged readings as one chunk later (ingest-log.ts, log-heads.ts). Writers in mode 'direct'
 * (bulk loads, in-memory stores) write every group as a chunk; both see what the other stored.
 */
import type Database from 'better-sqlite3';
import type { WriteResult } from '../../ports/telemetry-store.js';
import type { StoredReading } from '../../domain/reading.js';
import { CHUNK_WIDTH, chunkTimes, decodeChunk, encodeChunk, hourOf, valueAggregates } from './chunk.js';
import { type HeadsSnapshot, LOG_MAX_GROUP, LogReader } from './ingest-log.js';
import { LogHeads, type LogGroup, type LogHeadsOptions } from './log-heads.js';
import { ReadingChainWriter, type StoredGroup } from './integrity/reading-chain.js';

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

export interface BatchWriterOptions {
  /** 'log': small groups go to the ingest log (the writer thread). 'direct': every group is written as a chunk. */
  readonly mode: 'log' | 'direct';
  /** When logged readings are written as chunks (mode 'log'). */
  readonly log?: Partial<LogHeadsOptions>;
  /** Appends each commit's link to the readings chain in its transaction (integrity/reading-chain.ts). Default true. */
  readonly chain?: boolean;
}

/** Writer side: resolves local series indexes to ids and stores a batch in one transaction. */
export class BatchWriter {
  private ids: number[] = [];
  /** Series id -> latest device time stored (chunks and log). Valid while `dataVersion` is unchanged. */
  private readonly hwms = new Map<number, number>();
  private dataVersion: unknown;
  private readonly heads: LogHeads | undefined;
  private readonly chain: ReadingChainWriter | undefined;
  private readonly log: LogReader;
  private readonly insertChunk: Database.Statement;
  private readonly insertSeries: Database.Statement;
  private readonly findSeries: Database.Statement;
  private readonly lastTime: Database.Statement;
  private readonly overlapping: Database.Statement;
  private readonly version: Database.Statement;
  private readonly tx: Database.Transaction<(b: EncodedBatch) => WriteResult>;
  private readonly flushTx: Database.Transaction<() => number>;
  private readonly flushDueTx: Database.Transaction<() => number>;

  constructor(db: Database.Database, options: BatchWriterOptions = { mode: 'direct' }) {
    this.insertChunk = db.prepare('INSERT INTO chunks (series_id, hour, t_start, t_end, n, data, v_min, v_max, v_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertSeries = db.prepare('INSERT OR IGNORE INTO series (site, node, device, metric, unit) VALUES (?, ?, ?, ?, ?)');
    this.findSeries = db.prepare('SELECT id FROM series WHERE device = ? AND metric = ?').pluck();
    // The latest time is in the latest hour: index seeks and that hour's chunks, not a scan of the series.
    this.lastTime = db.prepare('SELECT max(t_end) FROM chunks WHERE series_id = ? AND hour = (SELECT max(hour) FROM chunks WHERE series_id = ?)').pluck();
    this.overlapping = db.prepare('SELECT data FROM chunks WHERE series_id = ? AND hour = ? AND t_start <= ? AND t_end >= ?').pluck();
    this.version = db.prepare('PRAGMA data_version').pluck();
    this.log = new LogReader(db);
    this.heads = options.mode === 'log' ? new LogHeads(db, (id, hour, values) => this.writeChunk(id, hour, values), options.log) : undefined;
    this.chain = options.chain === false ? undefined : new ReadingChainWriter(db);
    this.tx = db.transaction((b: EncodedBatch) => this.insert(b));
    this.flushTx = db.transaction(() => this.heads?.flushAll() ?? 0);
    this.flushDueTx = db.transaction(() => this.heads?.flushDue() ?? 0);
  }

  write(batch: EncodedBatch): WriteResult {
    try {
      // IMMEDIATE: the write lock is held from the start, so no other connection commits between the data_version
      // check and our inserts.
      return this.tx.immediate(batch);
    } catch (e) {
      this.forget();
      throw e;
    }
  }

  /** Writes every logged reading as chunks (before a clean close, so the log is empty). Returns how many. */
  flushLog(): number {
    try {
      return this.flushTx.immediate();
    } catch (e) {
      this.forget();
      throw e;
    }
  }

  /**
   * Writes the heads that are due (old ones, chiefly) without a commit of new readings: a writer that nothing is
   * written to still folds its log into chunks. Returns how many readings were written.
   */
  flushAged(): number {
    if (this.logged === 0) return 0;
    try {
      return this.flushDueTx.immediate();
    } catch (e) {
      // Only the heads can be off: this transaction created no series and raised no high-water mark, so the main
      // thread's series indexes stay valid (forget() would make its next write fail).
      this.heads?.load();
      throw e;
    }
  }

  /**
   * This writer's logged readings of `series` with device time in [from, to), in log layout (ingest-log.ts), and the
   * last log row they cover. Call between transactions.
   */
  headReadings(series: readonly number[], from: number, to: number): HeadsSnapshot {
    if (this.heads === undefined) return { readings: new Float64Array(0), logRow: 0 };
    return { readings: this.heads.readings(series, from, to), logRow: this.heads.lastRow() };
  }

  /** Readings held in the log by this writer. */
  get logged(): number {
    return this.heads?.size ?? 0;
  }

  /**
   * After a rolled-back transaction: series created in it may not exist, high-water marks may be ahead of the data
   * and heads may hold readings that were never logged. Forget the first two (the encoder resets too); rebuild heads.
   */
  private forget(): void {
    this.ids = [];
    this.hwms.clear();
    this.heads?.load();
    this.chain?.forget();
  }

  private insert(b: EncodedBatch): WriteResult {
    const version = this.version.get();
    if (version !== this.dataVersion) {
      this.hwms.clear();
      this.chain?.reload();
      this.dataVersion = version;
    }
    for (const [i, site, node, device, metric, unit] of b.series) {
      this.insertSeries.run(site, node, device, metric, unit);
      this.ids[i] = this.findSeries.get(device, metric) as number;
    }
    const rows = b.rows;
    const n = rows.length / ROW_WIDTH;
    let inserted = 0;
    const logged: LogGroup[] = [];
    const chained: StoredGroup[] | undefined = this.chain !== undefined ? [] : undefined;
    for (const [local, hours] of groupBySeriesAndHour(rows)) {
      const id = this.id(local);
      for (const [hour, group] of hours) {
        const times = uniqueByTime(rows, group);
        const stored = this.storedTimes(id, rows, times);
        const fresh = stored === undefined ? times : times.filter((o) => !stored.has(rows[o + 1]!));
        if (fresh.length === 0) continue;
        const values = chained !== undefined || this.heads === undefined || fresh.length > LOG_MAX_GROUP ? chunkValues(rows, fresh) : undefined;
        if (this.heads !== undefined && fresh.length <= LOG_MAX_GROUP) logged.push({ seriesId: id, offsets: fresh });
        else this.writeChunk(id, hour, values!);
        chained?.push({ seriesId: id, values: values! });
        this.hwms.set(id, Math.max(this.hwmOf(id), rows[fresh[fresh.length - 1]! + 1]!));
        inserted += fresh.length;
      }
    }
    if (this.heads !== undefined) {
      this.heads.append(rows, logged);
      this.heads.flushDue();
    }
    if (chained !== undefined) this.chain?.append(chained);
    return { inserted, duplicates: n - inserted };
  }

  /** Times already stored among the group's range (chunks and log); undefined when all are above the high-water mark. */
  private storedTimes(id: number, rows: Float64Array, group: readonly number[]): Set<number> | undefined {
    const min = rows[group[0]! + 1]!;
    const max = rows[group[group.length - 1]! + 1]!;
    if (min > this.hwmOf(id)) return undefined;
    const stored = new Set<number>();
    // A group lies in one hour, so does every chunk that can hold its times.
    for (const data of this.overlapping.all(id, hourOf(min), max, min) as Buffer[]) {
      for (const t of chunkTimes(decodeChunk(data))) stored.add(t);
    }
    if (this.heads !== undefined) this.heads.timesIn(id, min, max, stored);
    else for (const t of this.log.times(id, min, max)) stored.add(t);
    return stored;
  }

  /** Readings of one series and hour, sorted by time, unique, as one chunk row with its values' min, max, sum (series-query.ts). */
  private writeChunk(id: number, hour: number, values: Float64Array): void {
    const k = values.length / CHUNK_WIDTH;
    const a = valueAggregates(values);
    this.insertChunk.run(id, hour, values[0]!, values[(k - 1) * CHUNK_WIDTH]!, k, encodeChunk(values), a.min, a.max, a.sum);
  }

  private hwmOf(id: number): number {
    let hwm = this.hwms.get(id);
    if (hwm === undefined) {
      const chunks = (this.lastTime.get(id, id) as number | null) ?? -Infinity;
      // This writer's own log is in its heads; another writer's is read from the database.
      hwm = chunks;
      if (this.heads !== undefined) hwm = Math.max(hwm, this.heads.maxTime(id));
      else for (const t of this.log.times(id, -Infinity, Infinity)) hwm = Math.max(hwm, t);
      this.hwms.set(id, hwm);
    }
    return hwm;
  }

  private id(local: number): number {
    const id = this.ids[local];
    if (id === undefined) throw new Error(`series index ${local} was never defined to the writer`);
    return id;
  }
}

/** The readings at `offsets` (row offsets of the batch) in chunk layout. */
function chunkValues(rows: Float64Array, offsets: readonly number[]): Float64Array {
  const values = new Float64Array(offsets.length * CHUNK_WIDTH);
  for (let j = 0, v = 0; j < offsets.length; j++, v += CHUNK_WIDTH) {
    const o = offsets[j]!;
    values[v] = rows[o + 1]!; values[v + 1] = rows[o + 2]!; values[v + 2] = rows[o + 3]!;
    values[v + 3] = rows[o + 4]!; values[v + 4] = rows[o + 5]!;
  }
  return values;
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
