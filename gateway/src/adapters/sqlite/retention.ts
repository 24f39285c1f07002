/**
 * Retention with downsampling for the embedded store. Raw readings older than the raw-retention cutoff are first
 * folded into hourly rollups (min, max, sum, count per series and hour), then deleted, one series per transaction
 * so ingest is never blocked for long. Folding MERGES into an existing rollup, so a late reading that arrives after
 * its hour was rolled up is added to that hour on the next run, never lost and never counted twice.
 *
 * Cold-chain records are evidence (EU GDP 2013/C 343/01 §4 and 21 CFR 211.180 keep records for years): the default
 * is to keep raw readings forever; operators opt in to retention.
 */
import type Database from 'better-sqlite3';
import { migrate } from './database.js';

export const HOUR_MS = 3_600_000;

const MIGRATIONS = [
  `CREATE TABLE rollups_1h (
     series_id INTEGER NOT NULL REFERENCES series(id),
     hour INTEGER NOT NULL,        -- device time of the hour's start, ms
     min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL,
     first_t INTEGER NOT NULL, last_t INTEGER NOT NULL,
     PRIMARY KEY (series_id, hour)
   ) WITHOUT ROWID;`,
];

export interface RetentionResult {
  /** Raw readings folded into rollups and deleted. */
  readonly deleted: number;
  /** Rollup rows deleted because they were older than the rollup retention. */
  readonly rollupsDeleted: number;
}

export interface Rollup {
  readonly device: string;
  readonly metric: string;
  readonly unit: string;
  readonly hour: number;
  readonly min: number;
  readonly max: number;
  /** Arithmetic mean of the readings in the hour (not time-weighted). */
  readonly mean: number;
  readonly count: number;
  readonly firstTime: number;
  readonly lastTime: number;
}

export class SqliteRetention {
  private readonly fold: Database.Statement;
  private readonly prune: Database.Statement;
  private readonly pruneRollups: Database.Statement;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'retention', MIGRATIONS);
    this.fold = db.prepare(`
      INSERT INTO rollups_1h (series_id, hour, min, max, sum, count, first_t, last_t)
      SELECT series_id, (t / ${HOUR_MS}) * ${HOUR_MS} AS h, min(value), max(value), sum(value), count(*), min(t), max(t)
      FROM readings WHERE series_id = ? AND t < ? GROUP BY h
      ON CONFLICT (series_id, hour) DO UPDATE SET
        min = min(rollups_1h.min, excluded.min), max = max(rollups_1h.max, excluded.max),
        sum = rollups_1h.sum + excluded.sum, count = rollups_1h.count + excluded.count,
        first_t = min(rollups_1h.first_t, excluded.first_t), last_t = max(rollups_1h.last_t, excluded.last_t)`);
    this.prune = db.prepare('DELETE FROM readings WHERE series_id = ? AND t < ?');
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
      this.fold.run(id, cutoff);
      deleted += this.prune.run(id, cutoff).changes;
    });
    for (const id of series) one(id);
    const rollupsDeleted = rollupCutoff === undefined ? 0 : this.pruneRollups.run(rollupCutoff).changes;
    return { deleted, rollupsDeleted };
  }

  rollups(q: { device: string; metric?: string; from: number; to: number; limit: number }): Rollup[] {
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
