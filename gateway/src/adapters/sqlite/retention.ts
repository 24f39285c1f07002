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
import { aggregateChunk, CHUNK_HOUR_MS, CHUNK_WIDTH, decodeChunk, type HourAggregate } from './chunk.js';
import { heldHours, KINETIC_METRICS, type HeldHour } from '../../domain/rules/held-hours.js';
import { ReadingFlag } from '../../domain/reading.js';
import type { Sample } from '../../domain/rules/step-hold.js';
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
  // Temperature series: the time held at each value (tenths of a degree) per hour, so MKT and kinetic shelf life
  // survive retention (domain/rules/held-hours.ts).
  `CREATE TABLE rollup_held_1h (
     series_id INTEGER NOT NULL REFERENCES series(id),
     hour INTEGER NOT NULL,
     bin INTEGER NOT NULL,          -- value x 10, rounded
     held_ms INTEGER NOT NULL,
     PRIMARY KEY (series_id, hour, bin)
   ) WITHOUT ROWID;`,
];

/** The max gap of a device whose own is not given: the longest there is (docs/domain.md §1). */
const DEFAULT_MAX_GAP_MS = 3_600_000;

export interface ApplyOptions {
  /** A device's max gap, ms (3 × its nominal interval, at most 1 h): how long a reading holds in its held hours. */
  readonly maxGapMs?: (device: string) => number;
}

export class SqliteRetention implements Retention {
  private readonly old: Database.Statement;
  private readonly fold: Database.Statement;
  private readonly prune: Database.Statement;
  private readonly pruneRollups: Database.Statement;
  private readonly pruneHeld: Database.Statement;
  private readonly foldHeld: Database.Statement;
  private readonly nextAfter: Database.Statement;
  private readonly held: Database.Statement;

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
    this.pruneHeld = db.prepare('DELETE FROM rollup_held_1h WHERE hour < ?');
    this.foldHeld = db.prepare(`INSERT INTO rollup_held_1h (series_id, hour, bin, held_ms) VALUES (?, ?, ?, ?)
      ON CONFLICT (series_id, hour, bin) DO UPDATE SET held_ms = rollup_held_1h.held_ms + excluded.held_ms`);
    this.nextAfter = db.prepare('SELECT data FROM chunks WHERE series_id = ? AND hour >= ? ORDER BY hour, t_start LIMIT 1').pluck();
    this.held = db.prepare(`SELECT r.hour, r.bin, r.held_ms FROM series s JOIN rollup_held_1h r ON r.series_id = s.id
      WHERE s.device = ? AND s.metric = ? AND r.hour >= ? AND r.hour < ? ORDER BY r.hour, r.bin`);
  }

  /**
   * Folds and deletes raw readings with device time before `rawCutoff` (rounded down to a whole hour, so an hour is
   * never split between raw and rolled-up data); deletes rollups before `rollupCutoff` when given.
   */
  apply(rawCutoff: number, rollupCutoff?: number, o: ApplyOptions = {}): RetentionResult {
    const cutoff = Math.floor(rawCutoff / HOUR_MS) * HOUR_MS;
    const series = this.db.prepare('SELECT id, device, metric FROM series').all() as { id: number; device: string; metric: string }[];
    let deleted = 0;
    const one = this.db.transaction((s: { id: number; device: string; metric: string }) => {
      // Aggregates per hour stay small (one per hour) however many readings the chunks hold.
      const hours = new Map<number, HourAggregate>();
      const kinetic = KINETIC_METRICS.has(s.metric);
      const samples: Sample[] = [];
      for (const c of this.old.iterate(s.id, cutoff) as IterableIterator<{ hour: number; data: Buffer }>) {
        const values = decodeChunk(c.data);
        hours.set(c.hour, aggregateChunk(values, hours.get(c.hour)));
        if (kinetic) collectJudged(values, samples);
      }
      for (const [hour, a] of hours) this.fold.run(s.id, hour, a.min, a.max, a.sum, a.count, a.firstT, a.lastT);
      if (samples.length > 0) {
        for (const h of heldHours(samples, o.maxGapMs?.(s.device) ?? DEFAULT_MAX_GAP_MS, this.firstAfter(s.id, cutoff))) {
          for (const [bin, ms] of h.bins) this.foldHeld.run(s.id, h.hour, bin, ms);
        }
      }
      for (const n of this.prune.all(s.id, cutoff) as number[]) deleted += n;
    });
    // IMMEDIATE: the transaction reads before it writes; deferred, a commit of the writer thread in between would
    // fail the upgrade to a write lock (SQLITE_BUSY_SNAPSHOT) instead of waiting for it.
    for (const s of series) one.immediate(s);
    if (rollupCutoff !== undefined) this.pruneHeld.run(rollupCutoff);
    const rollupsDeleted = rollupCutoff === undefined ? 0 : this.pruneRollups.run(rollupCutoff).changes;
    return { deleted, rollupsDeleted };
  }

  /** The held hours of one device's metric with the hour's start in [from, to), oldest first. */
  heldHours(device: string, metric: string, from: number, to: number): HeldHour[] {
    const out: HeldHour[] = [];
    let cur: { hour: number; bins: Map<number, number> } | undefined;
    for (const r of this.held.iterate(device, metric, from, to) as IterableIterator<{ hour: number; bin: number; held_ms: number }>) {
      if (cur?.hour !== r.hour) out.push((cur = { hour: r.hour, bins: new Map() }));
      cur.bins.set(r.bin, r.held_ms);
    }
    return out;
  }

  /** Time of the series' first stored reading from `from` on (the chunks'; the ingest log holds only recent ones). */
  private firstAfter(seriesId: number, from: number): number | undefined {
    const data = this.nextAfter.get(seriesId, from) as Buffer | undefined;
    if (data === undefined) return undefined;
    const values = decodeChunk(data);
    let first = Infinity;
    for (let o = 0; o < values.length; o += CHUNK_WIDTH) if (values[o]! < first) first = values[o]!;
    return Number.isFinite(first) ? first : undefined;
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

/** The readings of a decoded chunk that rules judge (not skewed), as samples. */
function collectJudged(values: Float64Array, out: Sample[]): void {
  for (let o = 0; o < values.length; o += CHUNK_WIDTH) if ((values[o + 4]! & ReadingFlag.CLOCK_SKEW) === 0) out.push({ t: values[o]!, v: values[o + 1]! });
}
