/**
 * The embedded time-series store: SQLite, one row per reading, clustered by (series, device time) so a device's
 * range query is one index range scan and a duplicate (device, metric, time) is rejected by the primary key.
 */
import type Database from 'better-sqlite3';
import type { ReadingQuery, StoredReading, TelemetryStore, WriteResult } from '../../ports/telemetry-store.js';
import { migrate, openDatabase, type SqliteOptions } from './database.js';
import { SqliteRetention } from './retention.js';

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

export class SqliteTelemetryStore implements TelemetryStore {
  private readonly seriesIds = new Map<string, number>();
  private readonly insert: Database.Statement;
  private readonly insertSeries: Database.Statement;
  private readonly findSeries: Database.Statement;
  private readonly writeTx: (readings: readonly StoredReading[]) => WriteResult;

  /** Retention and hourly rollups over the same file. */
  readonly retention: SqliteRetention;

  private constructor(private readonly db: Database.Database) {
    migrate(db, 'telemetry', MIGRATIONS);
    this.retention = new SqliteRetention(db);
    this.insert = db.prepare('INSERT OR IGNORE INTO readings (series_id, t, value, seq, received_at, flags) VALUES (?, ?, ?, ?, ?, ?)');
    this.insertSeries = db.prepare('INSERT OR IGNORE INTO series (site, node, device, metric, unit) VALUES (?, ?, ?, ?, ?)');
    this.findSeries = db.prepare('SELECT id FROM series WHERE device = ? AND metric = ?').pluck();
    this.writeTx = db.transaction((readings: readonly StoredReading[]) => {
      let inserted = 0;
      for (const r of readings) {
        inserted += this.insert.run(this.seriesId(r), r.time, r.value, r.seq, r.receivedAt, r.flags).changes;
      }
      return { inserted, duplicates: readings.length - inserted };
    });
  }

  static open(path: string, options: Partial<SqliteOptions> = {}): SqliteTelemetryStore {
    return new SqliteTelemetryStore(openDatabase(path, options));
  }

  /** Synchronous write in one transaction (the batcher calls this once per group commit). */
  writeSync(readings: readonly StoredReading[]): WriteResult {
    return this.writeTx(readings);
  }

  write(readings: readonly StoredReading[]): Promise<WriteResult> {
    try {
      return Promise.resolve(this.writeTx(readings));
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

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }

  private seriesId(r: StoredReading): number {
    const key = `${r.device}\u0000${r.metric}`;
    let id = this.seriesIds.get(key);
    if (id === undefined) {
      this.insertSeries.run(r.site, r.node, r.device, r.metric, r.unit);
      id = this.findSeries.get(r.device, r.metric) as number;
      this.seriesIds.set(key, id);
    }
    return id;
  }
}
