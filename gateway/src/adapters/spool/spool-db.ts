/**
 * The spool's SQLite file: an append-only queue of readings waiting for the remote store, a tail of forwarded
 * readings kept for duplicate detection, and a dead-letter table for readings the remote store refused.
 *
 * One row per reading; UNIQUE (device, metric, t) makes a second copy an INSERT OR IGNORE no-op, counted as a
 * duplicate. Rows leave the queue in id order (the order they were acked in).
 */
import type Database from 'better-sqlite3';
import type { ReadingQuery, StoredReading, WriteResult } from '../../ports/telemetry-store.js';
import { migrate } from '../sqlite/database.js';

const MIGRATIONS = [
  `CREATE TABLE spool (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     site TEXT NOT NULL, node TEXT NOT NULL, device TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,
     t INTEGER NOT NULL,             -- device time, ms
     value REAL NOT NULL, seq INTEGER NOT NULL,
     received_at INTEGER NOT NULL,   -- gateway receive time, ms
     flags INTEGER NOT NULL,
     bytes INTEGER NOT NULL,         -- approximate size, for the byte cap
     spooled_at INTEGER NOT NULL,    -- spool clock, ms
     forwarded_at INTEGER,           -- NULL while waiting for the remote store
     UNIQUE (device, metric, t)
   );
   CREATE INDEX spool_pending ON spool (id) WHERE forwarded_at IS NULL;
   CREATE INDEX spool_forwarded ON spool (id) WHERE forwarded_at IS NOT NULL;
   CREATE TABLE dead_letter (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     site TEXT NOT NULL, node TEXT NOT NULL, device TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,
     t INTEGER NOT NULL, value REAL NOT NULL, seq INTEGER NOT NULL, received_at INTEGER NOT NULL, flags INTEGER NOT NULL,
     spooled_at INTEGER NOT NULL,
     failed_at INTEGER NOT NULL,
     code TEXT NOT NULL,             -- RemoteStoreError code
     status INTEGER,                 -- HTTP status, when the server answered
     error TEXT NOT NULL             -- the server's message
   );`,
];

export interface SpoolRow extends StoredReading { readonly id: number; readonly bytes: number; readonly spooledAt: number }

export interface DeadLetter extends StoredReading {
  readonly id: number;
  readonly failedAt: number;
  readonly code: string;
  readonly status: number | null;
  readonly error: string;
}

interface Row {
  id: number; site: string; node: string; device: string; metric: string; unit: string; t: number; value: number;
  seq: number; received_at: number; flags: number; bytes: number; spooled_at: number;
}

const FIXED_ROW_BYTES = 64;

/** Approximate stored size of a reading, bytes (text lengths plus fixed-width columns and overhead). */
export function readingBytes(r: StoredReading): number {
  return FIXED_ROW_BYTES + r.site.length + r.node.length + r.device.length + r.metric.length + r.unit.length;
}

export class SpoolDb {
  private readonly insertStmt: Database.Statement;
  private readonly pendingStmt: Database.Statement;
  private readonly markStmt: Database.Statement;
  private readonly pruneStmt: Database.Statement;
  private readonly insertTx: (readings: readonly StoredReading[], now: number) => WriteResult & { bytes: number };
  private readonly forwardTx: (ids: readonly number[], now: number) => void;
  private readonly deadTx: (rows: readonly SpoolRow[], now: number, e: { code: string; status: number | null; error: string }) => void;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'spool', MIGRATIONS);
    this.insertStmt = db.prepare(`INSERT OR IGNORE INTO spool
      (site, node, device, metric, unit, t, value, seq, received_at, flags, bytes, spooled_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.pendingStmt = db.prepare('SELECT * FROM spool WHERE forwarded_at IS NULL ORDER BY id LIMIT ?');
    this.markStmt = db.prepare('UPDATE spool SET forwarded_at = ? WHERE id = ?');
    this.pruneStmt = db.prepare('DELETE FROM spool WHERE forwarded_at IS NOT NULL AND id <= ?');
    this.insertTx = db.transaction((readings: readonly StoredReading[], now: number) => {
      let inserted = 0;
      let bytes = 0;
      for (const r of readings) {
        const b = readingBytes(r);
        const changes = this.insertStmt.run(r.site, r.node, r.device, r.metric, r.unit, r.time, r.value, r.seq, r.receivedAt,
          r.flags, b, now).changes;
        inserted += changes;
        bytes += changes * b;
      }
      return { inserted, duplicates: readings.length - inserted, bytes };
    });
    this.forwardTx = db.transaction((ids: readonly number[], now: number) => {
      for (const id of ids) this.markStmt.run(now, id);
    });
    const insertDead = db.prepare(`INSERT INTO dead_letter
      (site, node, device, metric, unit, t, value, seq, received_at, flags, spooled_at, failed_at, code, status, error)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const del = db.prepare('DELETE FROM spool WHERE id = ?');
    this.deadTx = db.transaction((rows: readonly SpoolRow[], now: number, e) => {
      for (const r of rows) {
        insertDead.run(r.site, r.node, r.device, r.metric, r.unit, r.time, r.value, r.seq, r.receivedAt, r.flags, r.spooledAt,
          now, e.code, e.status, e.error);
        del.run(r.id);
      }
    });
  }

  /** Commits the readings (one transaction); resolves the duplicates against everything still in the spool. */
  append(readings: readonly StoredReading[], now: number): WriteResult & { bytes: number } {
    return this.insertTx(readings, now);
  }

  /** The oldest `limit` readings not yet forwarded, in ack order. */
  pending(limit: number): SpoolRow[] {
    return (this.pendingStmt.all(limit) as Row[]).map(toRow);
  }

  markForwarded(ids: readonly number[], now: number): void {
    this.forwardTx(ids, now);
  }

  deadLetter(rows: readonly SpoolRow[], now: number, e: { code: string; status: number | null; error: string }): void {
    this.deadTx(rows, now, e);
  }

  /**
   * Drops forwarded rows more than `keep` ids behind `lastId` (the duplicate-detection window, in ack order).
   * By id rather than by an exact count so pruning costs only the rows it deletes.
   */
  pruneForwarded(lastId: number, keep: number): void {
    this.pruneStmt.run(lastId - keep);
  }

  /** Pending rows and bytes (read once at open; the store keeps them up to date in memory). */
  depth(): { rows: number; bytes: number } {
    const r = this.db.prepare('SELECT count(*) AS rows, coalesce(sum(bytes), 0) AS bytes FROM spool WHERE forwarded_at IS NULL')
      .get() as { rows: number; bytes: number };
    return r;
  }

  /** Spool time of the oldest pending row, ms; undefined when empty. */
  oldestPendingAt(): number | undefined {
    return this.db.prepare('SELECT spooled_at FROM spool WHERE forwarded_at IS NULL ORDER BY id LIMIT 1').pluck().get() as
      number | undefined;
  }

  /** Readings still in the spool (pending or recently forwarded) matching the query, oldest first. */
  query(q: ReadingQuery): SpoolRow[] {
    const params: (string | number)[] = [q.device];
    let sql = 'SELECT * FROM spool WHERE device = ?';
    if (q.metric !== undefined) { sql += ' AND metric = ?'; params.push(q.metric); }
    sql += ' AND t >= ? AND t < ? ORDER BY t, metric LIMIT ?';
    params.push(q.from, q.to, q.limit);
    return (this.db.prepare(sql).all(...params) as Row[]).map(toRow);
  }

  deadLetterCount(): number {
    return this.db.prepare('SELECT count(*) FROM dead_letter').pluck().get() as number;
  }

  deadLetters(limit: number): DeadLetter[] {
    const rows = this.db.prepare('SELECT * FROM dead_letter ORDER BY id LIMIT ?').all(limit) as
      (Row & { failed_at: number; code: string; status: number | null; error: string })[];
    return rows.map((r) => ({ ...toRow(r), failedAt: r.failed_at, code: r.code, status: r.status, error: r.error }));
  }

  close(): void {
    this.db.close();
  }
}

function toRow(r: Row): SpoolRow {
  return {
    id: r.id, site: r.site, node: r.node, device: r.device, metric: r.metric, unit: r.unit, time: r.t, value: r.value,
    seq: r.seq, receivedAt: r.received_at, flags: r.flags, bytes: r.bytes, spooledAt: r.spooled_at,
  };
}
