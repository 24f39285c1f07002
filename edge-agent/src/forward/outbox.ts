/**
 * Durable store-and-forward outbox on SQLite (issue #3: never lose a reading through broker outages or power cuts).
 *
 * A message is committed here (WAL, synchronous=FULL: fsync before the insert returns) before it is published, and
 * its row is deleted only after the broker's PUBACK. Per-device sequence numbers are allocated in the same
 * transaction, so they stay monotonic across restarts and a crash never reuses one.
 * Bounded (docs/engineering.md 6): by payload bytes (oldest dropped first) and by age; every drop is counted.
 */
import Database from 'better-sqlite3';
import type { Clock } from '../clock.js';

/** Ordering class of a row: alarms first, then live data, then the backlog. */
export const PRIORITY = { status: 1, live: 1, alarm: 2 } as const;

export interface OutboxRow {
  readonly id: number;
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
  readonly priority: number;
  readonly createdAt: number;
}

export interface OutboxOptions {
  /** Cap on the sum of payload bytes, bytes. When exceeded the oldest rows are dropped. Default 64 MiB. */
  readonly maxBytes: number;
  /** Rows older than this (agent clock at enqueue) are dropped by `expire`, ms. Default 7 days. */
  readonly maxAgeMs: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = { maxBytes: 64 * 1024 * 1024, maxAgeMs: 7 * 24 * 3600 * 1000 };

export interface OutboxStats {
  readonly depth: number;
  readonly bytes: number;
  /** Rows dropped because the outbox was full, since open. */
  readonly droppedFull: number;
  /** Rows dropped because they were older than maxAgeMs, since open. */
  readonly droppedExpired: number;
}

export type Lane = 'alarm' | 'live' | 'backlog';

interface RawRow {
  id: number;
  topic: string;
  payload: string;
  retain: number;
  priority: number;
  created_at: number;
}

export class Outbox {
  private readonly db: Database.Database;
  private readonly options: OutboxOptions;
  private bytes: number;
  private depth: number;
  private droppedFull = 0;
  private droppedExpired = 0;
  private readonly stmts;
  private readonly insertTx: (device: string | undefined, topic: string, build: (seq: number | undefined) => string, retain: boolean, priority: number) => { id: number; seq: number | undefined };

  constructor(
    file: string,
    private readonly clock: Clock,
    options: Partial<OutboxOptions> = {},
  ) {
    this.options = { ...DEFAULT_OUTBOX_OPTIONS, ...options };
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        topic TEXT NOT NULL,
        payload TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        retain INTEGER NOT NULL DEFAULT 0,
        priority INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS outbox_priority ON outbox(priority, id);
      CREATE TABLE IF NOT EXISTS sequence (device TEXT PRIMARY KEY, next INTEGER NOT NULL);
    `);
    this.stmts = {
      nextSeq: this.db.prepare<[string], { seq: number }>(
        `INSERT INTO sequence(device, next) VALUES (?, 1) ON CONFLICT(device) DO UPDATE SET next = next + 1 RETURNING next - 1 AS seq`,
      ),
      insert: this.db.prepare<[string, string, number, number, number, number]>(
        'INSERT INTO outbox(topic, payload, bytes, retain, priority, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      oldest: this.db.prepare<[number], { id: number; bytes: number }>('SELECT id, bytes FROM outbox ORDER BY id LIMIT ?'),
      deleteId: this.db.prepare<[number], { bytes: number }>('DELETE FROM outbox WHERE id = ? RETURNING bytes'),
      expired: this.db.prepare<[number], { n: number; b: number }>('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM outbox WHERE created_at < ?'),
      deleteExpired: this.db.prepare<[number]>('DELETE FROM outbox WHERE created_at < ?'),
      alarm: this.db.prepare<[number, number], RawRow>('SELECT * FROM outbox WHERE priority >= 2 AND id > ? ORDER BY id LIMIT ?'),
      live: this.db.prepare<[number, number, number], RawRow>('SELECT * FROM outbox WHERE priority < 2 AND id > ? AND id > ? ORDER BY id LIMIT ?'),
      backlog: this.db.prepare<[number, number, number], RawRow>('SELECT * FROM outbox WHERE priority < 2 AND id > ? AND id <= ? ORDER BY id LIMIT ?'),
      maxId: this.db.prepare<[], { m: number }>('SELECT coalesce(max(id), 0) AS m FROM outbox'),
      totals: this.db.prepare<[], { n: number; b: number }>('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM outbox'),
    };
    const totals = this.stmts.totals.get();
    this.depth = totals?.n ?? 0;
    this.bytes = totals?.b ?? 0;
    this.insertTx = this.db.transaction((device, topic, build, retain, priority) => {
      const seq = device === undefined ? undefined : this.stmts.nextSeq.get(device)?.seq;
      const payload = build(seq);
      const size = Buffer.byteLength(payload);
      const info = this.stmts.insert.run(topic, payload, size, retain ? 1 : 0, priority, this.clock.now());
      this.depth += 1;
      this.bytes += size;
      this.enforceCap();
      return { id: Number(info.lastInsertRowid), seq };
    });
  }

  /**
   * Commits one message durably. With `device`, allocates that device's next sequence number and passes it to
   * `build`; the payload is built inside the transaction so the number and the row commit together.
   */
  enqueue(options: { device?: string; topic: string; build: (seq: number | undefined) => string; retain?: boolean; priority?: number }): { id: number; seq: number | undefined } {
    // The counters move inside the transaction; a commit that fails (a full disk fails at COMMIT, when SQLite writes
    // the WAL) rolls the rows back, and so must they be.
    const { depth, bytes, droppedFull } = this;
    try {
      return this.insertTx(options.device, options.topic, options.build, options.retain ?? false, options.priority ?? PRIORITY.live);
    } catch (e) {
      this.depth = depth;
      this.bytes = bytes;
      this.droppedFull = droppedFull;
      throw e;
    }
  }

  /** Drops the oldest rows until the payload bytes fit `maxBytes`. Runs inside the insert transaction. */
  private enforceCap(): void {
    while (this.bytes > this.options.maxBytes && this.depth > 1) {
      const victims = this.stmts.oldest.all(64);
      if (victims.length === 0) break;
      for (const v of victims) {
        if (this.bytes <= this.options.maxBytes || this.depth <= 1) break;
        this.stmts.deleteId.run(v.id);
        this.depth -= 1;
        this.bytes -= v.bytes;
        this.droppedFull += 1;
      }
    }
  }

  /** Deletes a row after its PUBACK. Returns false when it was already gone (dropped or acked twice). */
  ack(id: number): boolean {
    const row = this.stmts.deleteId.get(id);
    if (!row) return false;
    this.depth -= 1;
    this.bytes -= row.bytes;
    return true;
  }

  /** Drops rows older than maxAgeMs; returns how many. */
  expire(): number {
    const cutoff = this.clock.now() - this.options.maxAgeMs;
    const found = this.stmts.expired.get(cutoff);
    if (!found || found.n === 0) return 0;
    this.stmts.deleteExpired.run(cutoff);
    this.depth -= found.n;
    this.bytes -= found.b;
    this.droppedExpired += found.n;
    return found.n;
  }

  /** Highest row id so far: rows up to it, at connect time, are the backlog. */
  maxId(): number {
    return this.stmts.maxId.get()?.m ?? 0;
  }

  /**
   * Rows of one lane in id order after `afterId`. `boundary` splits live (id > boundary) from backlog (id <= boundary).
   */
  peek(lane: Lane, afterId: number, boundary: number, limit: number): OutboxRow[] {
    const rows =
      lane === 'alarm'
        ? this.stmts.alarm.all(afterId, limit)
        : lane === 'live'
          ? this.stmts.live.all(afterId, boundary, limit)
          : this.stmts.backlog.all(afterId, boundary, limit);
    return rows.map((r) => ({ id: r.id, topic: r.topic, payload: r.payload, retain: r.retain === 1, priority: r.priority, createdAt: r.created_at }));
  }

  stats(): OutboxStats {
    return { depth: this.depth, bytes: this.bytes, droppedFull: this.droppedFull, droppedExpired: this.droppedExpired };
  }

  close(): void {
    this.db.close();
  }
}
