/**
 * The event outbox in SQLite (`events.db` beside the other databases; docs/events.md). A message row keeps the
 * exact body that is sent and signed; a delivery row per (message, target) keeps that target's state. Everything
 * is on disk before `enqueue` resolves, so a restart (or a receiver down for an hour) loses nothing: what was
 * pending is due again.
 */
import type Database from 'better-sqlite3';
import type { DeadLetter, DeadLetterAnswer, DueDelivery, EventOutbox, OutboxMessage, TargetStats } from '../../../ports/event-outbox.js';
import { migrate } from '../database.js';

const MIGRATIONS = [
  `CREATE TABLE event_message (id TEXT PRIMARY KEY, type TEXT NOT NULL, okey TEXT NOT NULL, body TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE event_delivery (
     seq INTEGER PRIMARY KEY,                    -- enqueue order
     message_id TEXT NOT NULL REFERENCES event_message (id),
     target TEXT NOT NULL, okey TEXT NOT NULL,
     status TEXT NOT NULL,                       -- pending | delivered | dead
     attempts INTEGER NOT NULL DEFAULT 0,
     enqueued_at INTEGER NOT NULL, next_at INTEGER NOT NULL,
     last_at INTEGER, last_error TEXT,
     done_at INTEGER,                            -- delivered or dead-lettered at
     answer_status INTEGER, answer_body TEXT,
     UNIQUE (message_id, target)
   );
   CREATE INDEX event_delivery_queue ON event_delivery (target, okey, seq) WHERE status = 'pending';
   CREATE INDEX event_delivery_due ON event_delivery (next_at, seq) WHERE status = 'pending';
   CREATE INDEX event_delivery_done ON event_delivery (status, done_at);`,
];

interface DueRow { id: string; target: string; type: string; okey: string; body: string; attempts: number; enqueued_at: number }
interface DeadRow extends DueRow { done_at: number; answer_status: number | null; answer_body: string | null }
interface StatsRow { target: string; pending: number; delivered: number; dead: number; oldest: number | null }

export class SqliteEventOutbox implements EventOutbox {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'event-outbox', MIGRATIONS);
    this.s = {
      putMessage: db.prepare('INSERT OR IGNORE INTO event_message (id, type, okey, body) VALUES (?, ?, ?, ?)'),
      putDelivery: db.prepare(`INSERT OR IGNORE INTO event_delivery (message_id, target, okey, status, enqueued_at, next_at)
        VALUES (?, ?, ?, 'pending', ?, ?)`),
      // The oldest pending delivery of each (target, key) only: a later event of a flag waits for the earlier.
      due: db.prepare(`SELECT d.message_id AS id, d.target, m.type, d.okey, m.body, d.attempts, d.enqueued_at
        FROM event_delivery d JOIN event_message m ON m.id = d.message_id
        WHERE d.status = 'pending' AND d.next_at <= ?
          AND NOT EXISTS (SELECT 1 FROM event_delivery e WHERE e.status = 'pending' AND e.target = d.target AND e.okey = d.okey AND e.seq < d.seq)
        ORDER BY d.next_at, d.seq LIMIT ?`),
      delivered: db.prepare(`UPDATE event_delivery SET status = 'delivered', attempts = attempts + 1, last_at = ?, done_at = ?, last_error = NULL
        WHERE message_id = ? AND target = ? AND status = 'pending'`),
      failed: db.prepare(`UPDATE event_delivery SET attempts = attempts + 1, last_at = ?, last_error = ?, next_at = ?
        WHERE message_id = ? AND target = ? AND status = 'pending'`),
      dead: db.prepare(`UPDATE event_delivery SET status = 'dead', attempts = attempts + 1, last_at = ?, done_at = ?, answer_status = ?, answer_body = ?
        WHERE message_id = ? AND target = ? AND status = 'pending'`),
      deadLetters: db.prepare(`SELECT d.message_id AS id, d.target, m.type, d.okey, m.body, d.attempts, d.enqueued_at, d.done_at, d.answer_status, d.answer_body
        FROM event_delivery d JOIN event_message m ON m.id = d.message_id
        WHERE d.status = 'dead' AND (? IS NULL OR d.target = ?) ORDER BY d.done_at DESC, d.seq DESC LIMIT ?`),
      retry: db.prepare(`UPDATE event_delivery SET status = 'pending', attempts = 0, next_at = ?, done_at = NULL, last_error = NULL, answer_status = NULL, answer_body = NULL
        WHERE message_id = ? AND target = ? AND status = 'dead'`),
      stats: db.prepare(`SELECT target, sum(status = 'pending') AS pending, sum(status = 'delivered') AS delivered, sum(status = 'dead') AS dead,
        min(CASE WHEN status = 'pending' THEN enqueued_at END) AS oldest FROM event_delivery GROUP BY target ORDER BY target`),
      lastError: db.prepare(`SELECT last_error FROM event_delivery WHERE target = ? AND status = 'pending' AND last_error IS NOT NULL
        ORDER BY last_at DESC LIMIT 1`).pluck(),
      pruneDeliveries: db.prepare("DELETE FROM event_delivery WHERE status = 'delivered' AND done_at < ?"),
      pruneMessages: db.prepare('DELETE FROM event_message WHERE NOT EXISTS (SELECT 1 FROM event_delivery d WHERE d.message_id = event_message.id)'),
    };
  }

  enqueue(messages: readonly OutboxMessage[], targets: readonly string[], at: number): Promise<void> {
    const tx = this.db.transaction(() => {
      for (const m of messages) {
        this.s.putMessage.run(m.id, m.type, m.orderingKey, m.body);
        for (const t of targets) this.s.putDelivery.run(m.id, t, m.orderingKey, at, at);
      }
    });
    tx.immediate();
    return Promise.resolve();
  }

  due(now: number, limit: number): Promise<DueDelivery[]> {
    return Promise.resolve((this.s.due.all(now, limit) as DueRow[]).map(toDue));
  }

  markDelivered(id: string, target: string, at: number): Promise<void> {
    this.s.delivered.run(at, at, id, target);
    return Promise.resolve();
  }

  markFailed(id: string, target: string, at: number, error: string, nextAttemptAt: number): Promise<void> {
    this.s.failed.run(at, error, nextAttemptAt, id, target);
    return Promise.resolve();
  }

  deadLetter(id: string, target: string, at: number, answer: DeadLetterAnswer): Promise<void> {
    this.s.dead.run(at, at, answer.status ?? null, answer.body, id, target);
    return Promise.resolve();
  }

  deadLetters(limit: number, target?: string): Promise<DeadLetter[]> {
    const rows = this.s.deadLetters.all(target ?? null, target ?? null, limit) as DeadRow[];
    return Promise.resolve(rows.map((r) => ({
      ...toDue(r), deadAt: r.done_at,
      answer: { ...(r.answer_status !== null ? { status: r.answer_status } : {}), body: r.answer_body ?? '' },
    })));
  }

  retryDeadLetter(id: string, target: string, now: number): Promise<boolean> {
    return Promise.resolve(this.s.retry.run(now, id, target).changes > 0);
  }

  stats(): Promise<TargetStats[]> {
    return Promise.resolve((this.s.stats.all() as StatsRow[]).map((r) => {
      const lastError = r.pending > 0 ? this.s.lastError.get(r.target) as string | undefined : undefined;
      return {
        target: r.target, pending: r.pending, delivered: r.delivered, deadLettered: r.dead,
        ...(r.oldest !== null ? { oldestPendingAt: r.oldest } : {}), ...(lastError !== undefined ? { lastError } : {}),
      };
    }));
  }

  prune(before: number): Promise<number> {
    let n = 0;
    this.db.transaction(() => {
      n = this.s.pruneDeliveries.run(before).changes;
      if (n > 0) this.s.pruneMessages.run();
    }).immediate();
    return Promise.resolve(n);
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

function toDue(r: DueRow): DueDelivery {
  return { id: r.id, target: r.target, type: r.type, orderingKey: r.okey, body: r.body, attempts: r.attempts, enqueuedAt: r.enqueued_at };
}
