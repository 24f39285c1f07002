/**
 * The embedded time-series store: SQLite, one row per reading, clustered by (series, device time) so a device's
 * range query is one index range scan and a duplicate (device, metric, time) is rejected by the primary key.
 */
import type Database from 'better-sqlite3';
import type { ReadingQuery, StoredReading, TelemetryStore, WriteResult } from '../../ports/telemetry-store.js';
import { migrate, openDatabase, type SqliteOptions } from './database.js';
import { SqliteRetention } from './retention.js';
import { BatchWriter, SeriesEncoder } from './batch-writer.js';
import { WorkerWriter } from './worker-writer.js';

const MIGRATIONS = [
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
];

interface Row { site: string; node: string; device: string; metric: string; unit: string; t: number; value: number; seq: number; received_at: number; flags: number }

/** How the store writes: on a worker thread (default for files) or on the calling thread. */
export interface SqliteStoreOptions extends SqliteOptions {
  /**
   * 'worker': commits run on a worker thread with their own connection, so the event loop keeps ingesting while a
   * commit (and its fsync) is in progress. 'inline': on the caller's thread. Default 'worker', 'inline' for ':memory:'
   * (a worker cannot share an in-memory database).
   */
  readonly writer: 'worker' | 'inline';
}

export class SqliteTelemetryStore implements TelemetryStore {
  private readonly encoder = new SeriesEncoder();
  private readonly inline: BatchWriter;
  private readonly worker: WorkerWriter | undefined;

  /** Retention and hourly rollups over the same file. */
  readonly retention: SqliteRetention;

  private constructor(private readonly db: Database.Database, path: string, options: Partial<SqliteStoreOptions>) {
    migrate(db, 'telemetry', MIGRATIONS);
    this.retention = new SqliteRetention(db);
    this.inline = new BatchWriter(db);
    const writer = options.writer ?? (path === ':memory:' ? 'inline' : 'worker');
    const { writer: _w, ...sqlite } = options;
    this.worker = writer === 'worker' ? new WorkerWriter(path, sqlite) : undefined;
  }

  static open(path: string, options: Partial<SqliteStoreOptions> = {}): SqliteTelemetryStore {
    const { writer: _w, ...sqlite } = options;
    return new SqliteTelemetryStore(openDatabase(path, sqlite), path, options);
  }

  /** Synchronous write in one transaction on the calling thread (bulk loads, the store-alone benchmark). */
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

  query(q: ReadingQuery): Promise<StoredReading[]> {
    const params: (string | number)[] = [q.device];
    let sql = `SELECT s.site, s.node, s.device, s.metric, s.unit, r.t, r.value, r.seq, r.received_at, r.flags
               FROM series s JOIN readings r ON r.series_id = s.id
               WHERE s.device = ?`;
    if (q.metric !== undefined) { sql += ' AND s.metric = ?'; params.push(q.metric); }
    sql += ' AND r.t >= ? AND r.t < ? ORDER BY r.t, s.metric LIMIT ?';
    params.push(q.from, q.to, q.limit);
    const rows = this.db.prepare(sql).all(...params) as Row[];
    return Promise.resolve(rows.map((r) => ({
      site: r.site, node: r.node, device: r.device, metric: r.metric, unit: r.unit, time: r.t, value: r.value,
      seq: r.seq, receivedAt: r.received_at, flags: r.flags,
    })));
  }

  /** Total readings stored (for tests, benchmarks and /health). */
  count(): number {
    return this.db.prepare('SELECT count(*) FROM readings').pluck().get() as number;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    this.db.close();
  }
}
