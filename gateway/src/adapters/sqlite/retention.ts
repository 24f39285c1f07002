/**
 * Retention with downsampling for the embedded store. Raw readings older than the raw-retention cutoff are first
 * folded into hourly rollups (min, max, sum, count per series and hour), then deleted, one series per transaction
 * so ingest is never blocked for long. Chunks cover one device-time hour each and the cutoff is a whole hour, so a
 * chunk is either folded and deleted whole or kept whole. Folding MERGES into an existing rollup, so a late reading
 * that arrives after its hour was rolled up is added to that hour on the next run, never lost and never counted twice.
 *
 * Cold-chain records are evidence (EU GDP 2013/C 343/01 §4 and 21 CFR 211.180 keep records for years): the default
 * is to keep raw readings forever; operators opt in to retention.
 */
import type Database from 'better-sqlite3';
import { aggregateChunk, CHUNK_HOUR_MS, decodeChunk, type HourAggregate } from './chunk.js';
import { migrate } from './database.js';
import type { Retention, RetentionResult, Rollup, RollupQuery } from '../../ports/retention.js';

export const HOUR_MS = CHUNK_HOUR_MS;

const MIGRATIONS = [
  `CREATE TABLE rollups_1h (
     series_id INTEGER NOT NULL REFERENCES series(id),
     hour INTEGER NOT NULL,        -- device time of the hour's start, ms
     min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL,
     first_t INTEGER NOT NULL, last_t INTEGER NOT NULL,
     PRIMARY KEY (series_id, hour)
   ) WITHOUT ROWID;`,
];

export class SqliteRetention implements Retention {
  private readonly old: Database.Statement;
  private readonly fold: Database.Statement;
  private readonly prune: Database.Statement;
  private readonly pruneRollups: Database.Statement;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'retention', MIGRATIONS);
    this.old = db.prepare('SELECT hour, data FROM chunks WHERE series_id = ? AND hour < ?');
    this.fold = db.prepare(`
      INSERT INTO rollups_1h (series_id, hour, min, max, sum, count, first_t, last_t) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (series_id, hour) DO UPDATE SET
        min = min(rollups_1h.min, excluded.min), max = max(rollups_1h.max, excluded.max),
        sum = rollups_1h.sum + excluded.sum, count = rollups_1h.count + excluded.count,
        first_t = min(rollups_1h.first_t, excluded.first_t), last_t = max(rollups_1h.last_t, excluded.last_t)`);
    this.prune = db.prepare('DELETE FROM chunks WHERE series_id = ? AND hour < ? RETURNING n').pluck();
    this.pruneRollups = db.prepare('DELETE FROM rollups_1h WHERE hour < ?');
  }

  /**
   * Folds and deletes raw readings with device time before `rawCutoff` (rounded down to a whole hour, so an hour is
   * never split between raw and rolled-up data); deletes rollups before `rollupCutoff` when given.
   */
  apply(rawCutoff: number, rollupCutoff?: number): RetentionResult {
    const cutoff = Math.floor(rawCutoff / HOUR_MS) * HOUR_MS;
    const series = this.db.prepare('SELECT id FROM series').pluck().all() as number[];
    let deleted = 0;
    const one = this.db.transaction((id: number) => {
      // Aggregates per hour stay small (one per hour) however many readings the chunks hold.
      const hours = new Map<number, HourAggregate>();
      for (const c of this.old.iterate(id, cutoff) as IterableIterator<{ hour: number; data: Buffer }>) {
        hours.set(c.hour, aggregateChunk(decodeChunk(c.data), hours.get(c.hour)));
      }
      for (const [hour, a] of hours) this.fold.run(id, hour, a.min, a.max, a.sum, a.count, a.firstT, a.lastT);
      for (const n of this.prune.all(id, cutoff) as number[]) deleted += n;
    });
    // IMMEDIATE: the transaction reads before it writes; deferred, a commit of the writer thread in between would
    // fail the upgrade to a write lock (SQLITE_BUSY_SNAPSHOT) instead of waiting for it.
    for (const id of series) one.immediate(id);
    const rollupsDeleted = rollupCutoff === undefined ? 0 : this.pruneRollups.run(rollupCutoff).changes;
    return { deleted, rollupsDeleted };
  }

  rollups(q: RollupQuery): Rollup[] {
    const params: (string | number)[] = [q.device];
    let sql = `SELECT s.device, s.metric, s.unit, r.hour, r.min, r.max, r.sum, r.count, r.first_t, r.last_t
               FROM series s JOIN rollups_1h r ON r.series_id = s.id WHERE s.device = ?`;
    if (q.metric !== undefined) { sql += ' AND s.metric = ?'; params.push(q.metric); }
    sql += ' AND r.hour >= ? AND r.hour < ? ORDER BY r.hour, s.metric LIMIT ?';
    params.push(q.from, q.to, q.limit);
    const rows = this.db.prepare(sql).all(...params) as { device: string; metric: string; unit: string; hour: number; min: number; max: number; sum: number; count: number; first_t: number; last_t: number }[];
    return rows.map((r) => ({ device: r.device, metric: r.metric, unit: r.unit, hour: r.hour, min: r.min, max: r.max, mean: r.sum / r.count, count: r.count, firstTime: r.first_t, lastTime: r.last_t }));
  }
}
