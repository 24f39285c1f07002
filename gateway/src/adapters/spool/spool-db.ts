/**
 * The spool's SQLite file: an append-only queue of commits waiting for the remote store, and a dead-letter table for
 * readings the remote store refused.
 *
 * One row per commit (`spool_batch`), its readings in one encoded body (spool-codec.ts), with the device-time range
 * of its readings so a query reads only the commits that can hold what it asks for. Rows leave the queue when the
 * remote store accepted them; they are forwarded oldest first (by id, the order they were acknowledged in).
 * Duplicates are recognised in memory (recent-keys.ts), not by a unique index.
 */
import type Database from 'better-sqlite3';
import type { ReadingQuery } from '../../ports/telemetry-store.js';
import type { StoredReading } from '../../domain/reading.js';
import { migrate } from '../sqlite/database.js';
import { decodeReadings, encodeReadings } from './spool-codec.js';
import type { ValuePrecision } from '../../domain/integrity/remote-readings.js';
import { SpoolChain } from './chain.js';

const MIGRATIONS = [
  `CREATE TABLE spool (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     site TEXT NOT NULL, node TEXT NOT NULL, device TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,
     t INTEGER NOT NULL, value REAL NOT NULL, seq INTEGER NOT NULL, received_at INTEGER NOT NULL, flags INTEGER NOT NULL,
     bytes INTEGER NOT NULL, spooled_at INTEGER NOT NULL, forwarded_at INTEGER,
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
  // Issue #18: one row per commit. Readings still waiting in the old table are moved by SpoolDb's constructor.
  // No AUTOINCREMENT: its sqlite_sequence row was a second page written by every commit. Ids come from `nextId`.
  `CREATE TABLE spool_batch (
     id INTEGER PRIMARY KEY,
     spooled_at INTEGER NOT NULL,    -- spool clock, ms
     readings INTEGER NOT NULL,
     t_min INTEGER NOT NULL,         -- device-time range of its readings, ms
     t_max INTEGER NOT NULL,
     body BLOB NOT NULL              -- spool-codec.ts
   );
   -- Commits the remote store accepted, kept a few seconds for queries. A row of their own: marking the commit's row
   -- would rewrite its body (SQLite rewrites a record whole, overflow pages included).
   CREATE TABLE spool_sent (
     id INTEGER PRIMARY KEY,         -- spool_batch.id
     at INTEGER NOT NULL             -- when forwarded, spool clock, ms
   );`,
  // Issue #16: commits of other points than readings (flag events, pre-encoded line protocol) share the queue, so
  // a store outage holds them like readings. kind 0: readings (spool-codec.ts); 1: lines (a JSON array of strings).
  `ALTER TABLE spool_batch ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE dead_line (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     line TEXT NOT NULL,             -- the line protocol refused
     spooled_at INTEGER NOT NULL,
     failed_at INTEGER NOT NULL,
     code TEXT NOT NULL,
     status INTEGER,
     error TEXT NOT NULL
   );`,
];

const KIND_READINGS = 0;
const KIND_LINES = 1;

/** One spooled commit; `decode()` reads its readings, `lines()` its line-protocol points (a commit holds one kind). */
export interface SpoolBatch {
  readonly id: number;
  readonly spooledAt: number;
  /** Readings (or lines) in the commit. */
  readonly count: number;
  /** Size of its body, bytes. */
  readonly bytes: number;
  /** Its readings; none in a commit of lines. */
  decode(): StoredReading[];
  /** Its lines; none in a commit of readings. */
  lines(): string[];
}

/** A line the remote store refused, with its answer. */
export interface DeadLine {
  readonly line: string;
  readonly spooledAt: number;
  readonly failure: Failure;
}

export interface DeadLetter extends StoredReading {
  readonly id: number;
  readonly failedAt: number;
  readonly code: string;
  readonly status: number | null;
  readonly error: string;
}

export interface Failure { readonly code: string; readonly status: number | null; readonly error: string }

interface BatchRow { id: number; spooled_at: number; readings: number; bytes: number; kind: number }

export class SpoolDb {
  private readonly insertStmt: Database.Statement;
  private readonly afterStmt: Database.Statement;
  private readonly newestStmt: Database.Statement;
  private readonly body: (id: number) => Buffer;
  private readonly forwardTx: (ids: readonly number[], now: number, keepUntil: number) => void;
  private readonly deadTx: (ids: readonly number[], dead: readonly { reading: StoredReading; spooledAt: number; failure: Failure }[], deadLines: readonly DeadLine[], now: number, keepUntil: number) => void;

  /**
   * The last commit id given out. Ids only grow while the file is open (the forwarder claims by id): taken from the
   * largest id at open, so an emptied table does not start again below ids already claimed.
   */
  private lastId: number;

  /** The readings chain of the commits (chain.ts), when the spool keeps one. */
  readonly chain: SpoolChain | undefined;

  constructor(private readonly db: Database.Database, chain?: ValuePrecision) {
    migrate(db, 'spool', MIGRATIONS);
    this.chain = chain === undefined ? undefined : new SpoolChain(db, chain);
    this.lastId = Math.max(this.chain?.highestBatch() ?? 0, db.prepare('SELECT coalesce(max(id), 0) FROM spool_batch').pluck().get() as number);
    this.insertStmt = db.prepare('INSERT INTO spool_batch (id, spooled_at, readings, t_min, t_max, body, kind) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.afterStmt = db.prepare('SELECT id, spooled_at, readings, length(body) AS bytes, kind FROM spool_batch WHERE id > ? AND id NOT IN (SELECT id FROM spool_sent) ORDER BY id LIMIT ?');
    this.newestStmt = db.prepare('SELECT id, spooled_at, readings, length(body) AS bytes, kind FROM spool_batch WHERE id > ? AND id NOT IN (SELECT id FROM spool_sent) ORDER BY id DESC LIMIT ?');
    const bodyStmt = db.prepare('SELECT body FROM spool_batch WHERE id = ?').pluck();
    this.body = (id) => {
      const b = bodyStmt.get(id) as Buffer | undefined;
      if (b === undefined) throw new Error(`spool batch ${id} is gone`);
      return b;
    };
    const mark = db.prepare('INSERT OR REPLACE INTO spool_sent (id, at) VALUES (?, ?)');
    const pruneBatches = db.prepare('DELETE FROM spool_batch WHERE id IN (SELECT id FROM spool_sent WHERE at <= ?)');
    const pruneMarks = db.prepare('DELETE FROM spool_sent WHERE at <= ?');
    const forwardTx = db.transaction((ids: readonly number[], now: number, keepUntil: number) => {
      for (const id of ids) mark.run(id, now);
      pruneBatches.run(keepUntil);
      pruneMarks.run(keepUntil);
    });
    this.forwardTx = forwardTx;
    const insertDead = db.prepare(`INSERT INTO dead_letter
      (site, node, device, metric, unit, t, value, seq, received_at, flags, spooled_at, failed_at, code, status, error)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertDeadLine = db.prepare('INSERT INTO dead_line (line, spooled_at, failed_at, code, status, error) VALUES (?, ?, ?, ?, ?, ?)');
    this.deadTx = db.transaction((ids, dead, deadLines, now, keepUntil) => {
      for (const { reading: r, spooledAt, failure: f } of dead) {
        insertDead.run(r.site, r.node, r.device, r.metric, r.unit, r.time, r.value, r.seq, r.receivedAt, r.flags, spooledAt, now, f.code, f.status, f.error);
      }
      for (const { line, spooledAt, failure: f } of deadLines) insertDeadLine.run(line, spooledAt, now, f.code, f.status, f.error);
      forwardTx(ids, now, keepUntil);
    });
    this.moveLegacyRows();
  }

  /** Commits the readings as one row (one transaction); returns the body's size, bytes. */
  append(readings: readonly StoredReading[], now: number): number {
    const body = encodeReadings(readings);
    let tMin = Infinity;
    let tMax = -Infinity;
    for (const r of readings) {
      if (r.time < tMin) tMin = r.time;
      if (r.time > tMax) tMax = r.time;
    }
    this.insertStmt.run(++this.lastId, now, readings.length, tMin, tMax, body, KIND_READINGS);
    return body.length;
  }

  /** Commits line-protocol points as one row; returns the body's size, bytes. Queries never read them. */
  appendLines(lines: readonly string[], now: number): number {
    const body = Buffer.from(JSON.stringify(lines), 'utf8');
    this.insertStmt.run(++this.lastId, now, lines.length, 0, 0, body, KIND_LINES);
    return body.length;
  }

  /** The oldest waiting commits with an id above `afterId`, at most `limit`. */
  batchesAfter(afterId: number, limit: number): SpoolBatch[] {
    return (this.afterStmt.all(afterId, limit) as BatchRow[]).map((r) => this.batch(r));
  }

  /** The newest waiting commits with an id above `afterId`, newest first, at most `limit`. */
  newestAfter(afterId: number, limit: number): SpoolBatch[] {
    return (this.newestStmt.all(afterId, limit) as BatchRow[]).map((r) => this.batch(r));
  }

  private batch(r: BatchRow): SpoolBatch {
    const lines = r.kind === KIND_LINES;
    return {
      id: r.id, spooledAt: r.spooled_at, count: r.readings, bytes: r.bytes,
      decode: () => (lines ? [] : decodeReadings(this.body(r.id))),
      lines: () => (lines ? JSON.parse(this.body(r.id).toString('utf8')) as string[] : []),
    };
  }

  /**
   * The commits were forwarded: they leave the queue. Their rows stay `retainMs` longer, for queries (a reading on
   * its way from the spool to the store is in one of the two for a query that reads the spool first), and commits
   * forwarded before that are deleted.
   */
  markForwarded(ids: readonly number[], now: number, retainMs: number): void {
    this.forwardTx(ids, now, now - retainMs);
  }

  /** `markForwarded`, with some of their readings (or lines) into the dead-letter tables, in one transaction. */
  markForwardedWithDeadLetters(ids: readonly number[], dead: readonly { reading: StoredReading; spooledAt: number; failure: Failure }[], now: number, retainMs: number, deadLines: readonly DeadLine[] = []): void {
    this.deadTx(ids, dead, deadLines, now, now - retainMs);
  }

  /** Waiting readings and body bytes (read once at open; the store keeps them up to date in memory). */
  depth(): { rows: number; bytes: number } {
    return this.db.prepare('SELECT coalesce(sum(readings), 0) AS rows, coalesce(sum(length(body)), 0) AS bytes FROM spool_batch WHERE id NOT IN (SELECT id FROM spool_sent)')
      .get() as { rows: number; bytes: number };
  }

  /** Spool time of the oldest waiting commit, ms; undefined when empty. */
  oldestPendingAt(): number | undefined {
    return this.db.prepare('SELECT spooled_at FROM spool_batch WHERE id NOT IN (SELECT id FROM spool_sent) ORDER BY id LIMIT 1').pluck().get() as number | undefined;
  }

  /** Readings still waiting, or forwarded within the retention, that match the query, oldest first. */
  query(q: ReadingQuery): StoredReading[] {
    const rows = this.db.prepare(`SELECT body FROM spool_batch WHERE t_max >= ? AND t_min < ? AND kind = ${KIND_READINGS} ORDER BY id`).all(q.from, q.to) as { body: Buffer }[];
    const out: StoredReading[] = [];
    for (const row of rows) {
      for (const r of decodeReadings(row.body)) {
        if (r.device === q.device && (q.metric === undefined || r.metric === q.metric) && r.time >= q.from && r.time < q.to) out.push(r);
      }
    }
    return out.sort((a, b) => a.time - b.time || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0)).slice(0, q.limit);
  }

  /** Readings and lines in the dead-letter tables. */
  deadLetterCount(): number {
    return this.db.prepare('SELECT (SELECT count(*) FROM dead_letter) + (SELECT count(*) FROM dead_line)').pluck().get() as number;
  }

  /** The oldest refused lines, with the server's message. */
  deadLines(limit: number): { line: string; failedAt: number; code: string; status: number | null; error: string }[] {
    return (this.db.prepare('SELECT line, failed_at, code, status, error FROM dead_line ORDER BY id LIMIT ?').all(limit) as {
      line: string; failed_at: number; code: string; status: number | null; error: string;
    }[]).map((r) => ({ line: r.line, failedAt: r.failed_at, code: r.code, status: r.status, error: r.error }));
  }

  deadLetters(limit: number): DeadLetter[] {
    const rows = this.db.prepare('SELECT * FROM dead_letter ORDER BY id LIMIT ?').all(limit) as {
      id: number; site: string; node: string; device: string; metric: string; unit: string; t: number; value: number; seq: number;
      received_at: number; flags: number; failed_at: number; code: string; status: number | null; error: string;
    }[];
    return rows.map((r) => ({
      id: r.id, site: r.site, node: r.node, device: r.device, metric: r.metric, unit: r.unit, time: r.t, value: r.value, seq: r.seq,
      receivedAt: r.received_at, flags: r.flags, failedAt: r.failed_at, code: r.code, status: r.status, error: r.error,
    }));
  }

  close(): void {
    this.db.close();
  }

  /** A spool written before issue #18 (one row per reading): its waiting readings become commits, then it goes. */
  private moveLegacyRows(): void {
    const legacy = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'spool'").get();
    if (legacy === undefined) return;
    this.db.transaction(() => {
      const rows = this.db.prepare('SELECT * FROM spool WHERE forwarded_at IS NULL ORDER BY id').all() as {
        site: string; node: string; device: string; metric: string; unit: string; t: number; value: number; seq: number;
        received_at: number; flags: number; spooled_at: number;
      }[];
      for (let i = 0; i < rows.length; i += 10_000) {
        const chunk = rows.slice(i, i + 10_000);
        this.append(chunk.map((r) => ({
          site: r.site, node: r.node, device: r.device, metric: r.metric, unit: r.unit, time: r.t, value: r.value, seq: r.seq,
          receivedAt: r.received_at, flags: r.flags,
        })), chunk[0]!.spooled_at);
      }
      this.db.exec('DROP TABLE spool');
    })();
  }
}
