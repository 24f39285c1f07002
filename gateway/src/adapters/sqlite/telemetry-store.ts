/**
 * The embedded time-series store: SQLite, readings stored in chunks per series and device-time hour (chunk.ts),
 * indexed by (series, hour, first time), so a device's range query reads a few index ranges. The writer thread
 * makes small groups durable in an ingest log, one row per commit, and writes each series' logged readings as one
 * chunk later (ingest-log.ts), so a commit writes about the bytes it carries instead of a page per series (issue #5).
 * Queries and the count read chunks and the log's live readings from one snapshot. (device, metric, time) is stored
 * once: the writer checks it (batch-writer.ts), since a chunk's key cannot.
 */
import type Database from 'better-sqlite3';
import type { HeldHour } from '../../domain/rules/held-hours.js';
import type { ReadingQuery, SeriesBucket, SeriesQuery, TelemetryStore, WriteResult } from '../../ports/telemetry-store.js';
import type { StoredReading } from '../../domain/reading.js';
import { columnsToReadings, type ReadingColumns } from '../../domain/reading-columns.js';
import { migrate, openDatabase, type SqliteOptions } from './database.js';
import { SqliteRetention } from './retention.js';
import { BatchWriter, SeriesEncoder } from './batch-writer.js';
import { ChunkQuery } from './chunk-query.js';
import { type HeadsSnapshot, LOG_MIGRATION, LogReader } from './ingest-log.js';
import { moveLegacyReadings } from './legacy-readings.js';
import type { LogLimits } from './log-heads.js';
import { WorkerWriter } from './worker-writer.js';
import { SeriesAggregator } from './series-query.js';

const MIGRATIONS = [
  // #1: the first layout, one row per reading. Kept so files created by it migrate; `readings` is dropped after #2.
  `CREATE TABLE series (
     id INTEGER PRIMARY KEY,
     site TEXT NOT NULL, node TEXT NOT NULL, device TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,
     UNIQUE (device, metric)
   );
   CREATE TABLE readings (
     series_id INTEGER NOT NULL REFERENCES series(id),
     t INTEGER NOT NULL,          -- device time, ms
     value REAL NOT NULL,
     seq INTEGER NOT NULL,
     received_at INTEGER NOT NULL, -- gateway receive time, ms
     flags INTEGER NOT NULL,
     PRIMARY KEY (series_id, t)
   ) WITHOUT ROWID;`,
  // #2: readings of one series within one device-time hour, sorted by time; data = n x (t, value, seq, received_at,
  // flags) as little-endian float64 (chunk.ts). Several chunks may cover one hour (one per commit); none repeats a
  // time. A rowid table, not WITHOUT ROWID clustered on the key: a WITHOUT ROWID row keeps at most ~1/4 of a page
  // (~1 KB) on its leaf and spills the rest into an overflow page of its own, so every 2 KB chunk would cost an extra,
  // mostly empty 4 KB page (measured: 310k readings/s vs 840k with rowid, store alone); rowid leaves hold ~4 KB inline
  // and are appended in order. The index is the (series, time) access path. The rows of `readings` are moved here by
  // moveLegacyReadings right after this migration.
  `CREATE TABLE chunks (
     id INTEGER PRIMARY KEY,
     series_id INTEGER NOT NULL REFERENCES series(id),
     hour INTEGER NOT NULL,       -- device time of the hour's start, ms
     t_start INTEGER NOT NULL,    -- first device time in the chunk, ms
     t_end INTEGER NOT NULL,      -- last device time in the chunk, ms
     n INTEGER NOT NULL,          -- readings in the chunk
     data BLOB NOT NULL
   );
   CREATE UNIQUE INDEX chunks_by_series_time ON chunks (series_id, hour, t_start);`,
  // #3: the ingest log, where the writer thread makes small groups durable before writing them as chunks.
  LOG_MIGRATION,
  // #4: each chunk's min, max and sum of values, written with it (batch-writer.ts), and an index holding them with
  // the chunk's range and count, so a downsampled series folds whole chunks from index pages alone, without reading
  // a BLOB (series-query.ts, issue #16). Chunks written before this migration keep NULL: the series query folds their
  // BLOBs, as before, until retention deletes them (docs/performance.md "Downsampled series").
  `ALTER TABLE chunks ADD COLUMN v_min REAL;
   ALTER TABLE chunks ADD COLUMN v_max REAL;
   ALTER TABLE chunks ADD COLUMN v_sum REAL;
   CREATE INDEX chunks_aggregates ON chunks (series_id, hour, t_start, t_end, n, v_min, v_max, v_sum);`,
];

/** How the store writes: on a worker thread (default for files) or on the calling thread. */
export interface SqliteStoreOptions extends SqliteOptions {
  /**
   * 'worker': commits run on a worker thread with their own connection, so the event loop keeps ingesting while a
   * commit (and its fsync) is in progress. 'inline': on the caller's thread. Default 'worker', 'inline' for ':memory:'
   * (a worker cannot share an in-memory database).
   */
  readonly writer: 'worker' | 'inline';
  /** When the writer thread writes logged readings as chunks (ingest-log.ts; tests shrink them). */
  readonly log: Partial<LogLimits>;
  /** Each commit's link appended to the readings chain (docs/security.md "Tamper evidence"). Default true. */
  readonly chain: boolean;
}

export class SqliteTelemetryStore implements TelemetryStore {
  private readonly encoder = new SeriesEncoder();
  private readonly inline: BatchWriter;
  private readonly worker: WorkerWriter | undefined;
  private readonly chunks: ChunkQuery;
  private readonly logReader: LogReader;
  private readonly queryTx: Database.Transaction<(q: ReadingQuery, heads?: HeadsSnapshot) => ReadingColumns>;
  private readonly queryManyTx: Database.Transaction<(qs: readonly ReadingQuery[], heads?: HeadsSnapshot) => ReadingColumns[]>;
  private readonly seriesAgg: SeriesAggregator;
  private readonly seriesTx: Database.Transaction<(q: SeriesQuery, heads?: HeadsSnapshot) => SeriesBucket[]>;

  /** Retention and hourly rollups over the same file. */
  readonly retention: SqliteRetention;

  private constructor(private readonly db: Database.Database, path: string, options: Partial<SqliteStoreOptions>) {
    migrate(db, 'telemetry', MIGRATIONS);
    moveLegacyReadings(db);
    this.chunks = new ChunkQuery(db);
    this.logReader = new LogReader(db);
    // One read transaction: chunks and log from the same snapshot, so a head written as a chunk meanwhile is seen
    // once, not twice or never.
    this.queryTx = db.transaction((q: ReadingQuery, heads?: HeadsSnapshot) => this.chunks.query(q, heads));
    this.queryManyTx = db.transaction((qs: readonly ReadingQuery[], heads?: HeadsSnapshot) => qs.map((q) => this.chunks.query(q, heads)));
    this.retention = new SqliteRetention(db);
    this.seriesAgg = new SeriesAggregator(db);
    this.seriesTx = db.transaction((q: SeriesQuery, heads?: HeadsSnapshot) => this.seriesAgg.run(q, heads));
    const chain = options.chain ?? true;
    this.inline = new BatchWriter(db, { mode: 'direct', chain });
    const writer = options.writer ?? (path === ':memory:' ? 'inline' : 'worker');
    const { writer: _w, log, chain: _c, ...sqlite } = options;
    this.worker = writer === 'worker' ? new WorkerWriter(path, sqlite, log, chain) : undefined;
  }

  static open(path: string, options: Partial<SqliteStoreOptions> = {}): SqliteTelemetryStore {
    const { writer: _w, log: _l, chain: _c, ...sqlite } = options;
    return new SqliteTelemetryStore(openDatabase(path, sqlite), path, options);
  }

  /**
   * Synchronous write in one transaction on the calling thread (bulk loads, the store-alone benchmark): every group
   * becomes a chunk, none goes to the ingest log.
   */
  writeSync(readings: readonly StoredReading[]): WriteResult {
    try {
      return this.inline.write(this.encoder.encode(readings));
    } catch (e) {
      this.encoder.reset();
      throw e;
    }
  }

  write(readings: readonly StoredReading[]): Promise<WriteResult> {
    if (readings.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
    if (this.worker !== undefined) return this.worker.write(readings);
    try {
      return Promise.resolve(this.writeSync(readings));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  async query(q: ReadingQuery): Promise<StoredReading[]> {
    return columnsToReadings(await this.queryColumns(q));
  }

  /** The answer of `query` as columns, no object per reading (chunk-query.ts; the readings endpoint writes it). */
  async queryColumns(q: ReadingQuery): Promise<ReadingColumns> {
    const heads = q.limit > 0 && q.to > q.from ? await this.liveHeads(this.chunks.seriesIds(q), q.from, q.to) : undefined;
    return this.queryTx.deferred(q, heads);
  }

  /**
   * One answer of the writer thread's heads for all the queries' series, then every query in one read snapshot: a
   * heads request waits behind the writes sent before it (milliseconds under load), so the rules' reads of a round
   * pay it once, not once per series.
   */
  async queryMany(qs: readonly ReadingQuery[]): Promise<StoredReading[][]> {
    const live = qs.filter((q) => q.limit > 0 && q.to > q.from);
    if (live.length === 0) return qs.map(() => []);
    const series = [...new Set(live.flatMap((q) => this.chunks.seriesIds(q)))];
    const heads = await this.liveHeads(series, live.reduce((m, q) => Math.min(m, q.from), Infinity), live.reduce((m, q) => Math.max(m, q.to), -Infinity));
    return this.queryManyTx.deferred(qs, heads).map(columnsToReadings);
  }

  heldHours(device: string, metric: string, from: number, to: number): Promise<HeldHour[]> {
    return Promise.resolve(this.retention.heldHours(device, metric, from, to));
  }

  /** Downsampled series (series-query.ts): rollups, chunks and live logged readings from one snapshot. */
  async series(q: SeriesQuery): Promise<SeriesBucket[]> {
    const id = this.seriesAgg.seriesId(q);
    const heads = id !== undefined && q.to > q.from ? await this.liveHeads([id], q.from, q.to) : undefined;
    return this.seriesTx.deferred(q, heads);
  }

  /**
   * The writer thread's heads of `series` in [from, to), or undefined (then the log rows are read). While the thread
   * runs, its heads answer for the logged readings (indexed by series): scanning the log rows instead cost 12-16 ms
   * per query with 250,000 live readings, against 0.2 ms for chunks alone. Before the first write of this process (no
   * thread yet; the log may hold readings from before a crash) the rows are read. Readings logged after the heads
   * answered are read from the rows after its logRow, in the query's snapshot.
   */
  private async liveHeads(series: number[], from: number, to: number): Promise<HeadsSnapshot | undefined> {
    if (this.worker?.running !== true) return undefined;
    try {
      return await this.worker.heads(series, from, to);
    } catch {
      // The writer thread died meanwhile, or answered with an error: the log rows hold every logged reading, so the
      // query reads them instead (slower, still complete).
      return undefined;
    }
  }

  /** Total readings stored, in chunks and in the ingest log (for tests, benchmarks and /health). */
  count(): number {
    return this.db.transaction(() => (this.db.prepare('SELECT coalesce(sum(n), 0) FROM chunks').pluck().get() as number) + this.logReader.count()).deferred();
  }

  /** Ends the writer thread at once, as a crash would (WorkerWriter.terminate). For tests of that guarantee. */
  async terminateWriter(): Promise<void> {
    await this.worker?.terminate();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    this.db.close();
  }
}
