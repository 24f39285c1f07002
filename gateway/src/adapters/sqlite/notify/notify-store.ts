/**
 * Notifications in SQLite (`notify.db`, its own file; docs/notifications.md): alarms and their escalation state, the
 * outbox of messages to people, the delivery log of every attempt, and each channel's health. A step's messages and
 * the alarm's next step are written in one transaction guarded by the step number, so a restart neither loses a
 * step nor takes it twice.
 */
import type Database from 'better-sqlite3';
import type { Alarm, AlarmStatus, ChannelHealth, DeliveryAttempt, NewMessage, NotifyStore, OutMessage, SilenceRecord } from '../../../ports/notify.js';
import { migrate } from '../database.js';

const MIGRATIONS = [
  `CREATE TABLE notify_alarm (
     id TEXT PRIMARY KEY, flag_id TEXT NOT NULL, policy TEXT NOT NULL, info TEXT NOT NULL,
     status TEXT NOT NULL,                        -- open | held | acknowledged | closed
     started_at INTEGER NOT NULL, next_step INTEGER NOT NULL, next_at INTEGER, held_by TEXT,
     created_at INTEGER NOT NULL, ack_at INTEGER, ack_by TEXT, ack_via TEXT, closed_at INTEGER, closed_reason TEXT
   ) WITHOUT ROWID;
   CREATE INDEX notify_alarm_flag ON notify_alarm (flag_id);
   CREATE INDEX notify_alarm_due ON notify_alarm (next_at) WHERE status IN ('open', 'held') AND next_at IS NOT NULL;
   CREATE INDEX notify_alarm_created ON notify_alarm (created_at);
   CREATE TABLE notify_message (
     id INTEGER PRIMARY KEY, kind TEXT NOT NULL, alarm_id TEXT, recipient TEXT NOT NULL, channel TEXT NOT NULL,
     address TEXT NOT NULL, language TEXT NOT NULL, step INTEGER NOT NULL, group_key TEXT NOT NULL,
     status TEXT NOT NULL,                        -- pending | sent | cancelled
     attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, next_at INTEGER NOT NULL,
     last_error TEXT, sent_at INTEGER, failing TEXT
   );
   CREATE INDEX notify_message_due ON notify_message (next_at) WHERE status = 'pending';
   CREATE INDEX notify_message_alarm ON notify_message (alarm_id);
   CREATE INDEX notify_message_group ON notify_message (recipient, channel, group_key, sent_at);
   CREATE TABLE notify_attempt (
     seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, recipient TEXT NOT NULL, channel TEXT NOT NULL, address TEXT NOT NULL,
     messages TEXT NOT NULL, alarms TEXT NOT NULL, ok INTEGER NOT NULL, error TEXT
   );
   CREATE INDEX notify_attempt_at ON notify_attempt (at);
   CREATE TABLE notify_attempt_alarm (alarm_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (alarm_id, seq)) WITHOUT ROWID;
   CREATE TABLE notify_channel (name TEXT PRIMARY KEY, failures INTEGER NOT NULL, failing_since INTEGER, alarmed_at INTEGER) WITHOUT ROWID;
   CREATE TABLE notify_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`,
  `CREATE TABLE notify_silence (
     id TEXT PRIMARY KEY, matchers TEXT NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,
     author TEXT NOT NULL, reason TEXT NOT NULL, created_at INTEGER NOT NULL, expired_by TEXT
   ) WITHOUT ROWID;
   CREATE INDEX notify_silence_end ON notify_silence (ends_at);`,
];

interface AlarmRow {
  id: string; flag_id: string; policy: string; info: string; status: AlarmStatus; started_at: number; next_step: number; next_at: number | null;
  held_by: string | null; created_at: number; ack_at: number | null; ack_by: string | null; ack_via: string | null; closed_at: number | null; closed_reason: string | null;
}
interface MessageRow {
  id: number; kind: OutMessage['kind']; alarm_id: string | null; recipient: string; channel: string; address: string; language: OutMessage['language'];
  step: number; group_key: string; status: OutMessage['status']; attempts: number; created_at: number; next_at: number; last_error: string | null; failing: string | null;
}
interface SilenceRow { id: string; matchers: string; starts_at: number; ends_at: number; author: string; reason: string; created_at: number; expired_by: string | null }
interface AttemptRow { seq: number; at: number; recipient: string; channel: string; address: string; messages: string; alarms: string; ok: number; error: string | null }

export class SqliteNotifyStore implements NotifyStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'notify', MIGRATIONS);
    this.s = {
      insertAlarm: db.prepare(`INSERT OR IGNORE INTO notify_alarm (id, flag_id, policy, info, status, started_at, next_step, next_at, held_by, created_at)
        VALUES (@id, @flagId, @policy, @info, @status, @startedAt, @nextStep, @nextAt, @heldBy, @createdAt)`),
      get: db.prepare('SELECT * FROM notify_alarm WHERE id = ?'),
      due: db.prepare("SELECT * FROM notify_alarm WHERE status IN ('open', 'held') AND next_at IS NOT NULL AND next_at <= ? ORDER BY next_at LIMIT ?"),
      step: db.prepare("UPDATE notify_alarm SET next_step = ?, next_at = ?, started_at = coalesce(?, started_at) WHERE id = ? AND next_step = ? AND status = 'open'"),
      release: db.prepare("UPDATE notify_alarm SET status = 'open', held_by = NULL, started_at = ?, next_at = ? WHERE id = ? AND status = 'held'"),
      ofFlag: db.prepare("SELECT * FROM notify_alarm WHERE flag_id = ? AND status IN ('open', 'held')"),
      ack: db.prepare("UPDATE notify_alarm SET status = 'acknowledged', ack_at = ?, ack_by = ?, ack_via = ?, next_at = NULL WHERE id = ?"),
      close: db.prepare("UPDATE notify_alarm SET status = 'closed', closed_at = ?, closed_reason = ?, next_at = NULL WHERE id = ?"),
      cancel: db.prepare("UPDATE notify_message SET status = 'cancelled', last_error = ? WHERE alarm_id = ? AND status = 'pending'"),
      insertMessage: db.prepare(`INSERT INTO notify_message (kind, alarm_id, recipient, channel, address, language, step, group_key, status, created_at, next_at, failing)
        VALUES (@kind, @alarmId, @recipient, @channel, @address, @language, @step, @groupKey, 'pending', @createdAt, @nextAt, @failing)`),
      dueMessages: db.prepare("SELECT * FROM notify_message WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?"),
      nextAlarm: db.prepare("SELECT min(next_at) FROM notify_alarm WHERE status IN ('open', 'held') AND next_at IS NOT NULL").pluck(),
      nextMessage: db.prepare("SELECT min(next_at) FROM notify_message WHERE status = 'pending'").pluck(),
      lastSent: db.prepare("SELECT max(sent_at) FROM notify_message WHERE recipient = ? AND channel = ? AND group_key = ? AND status = 'sent'").pluck(),
      sent: db.prepare("UPDATE notify_message SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE id = ? AND status = 'pending'"),
      failed: db.prepare("UPDATE notify_message SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE id = ? AND status = 'pending'"),
      attempt: db.prepare('INSERT INTO notify_attempt (at, recipient, channel, address, messages, alarms, ok, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      attemptAlarm: db.prepare('INSERT OR IGNORE INTO notify_attempt_alarm (alarm_id, seq) VALUES (?, ?)'),
      health: db.prepare('SELECT * FROM notify_channel WHERE name = ?'),
      setHealth: db.prepare(`INSERT INTO notify_channel (name, failures, failing_since, alarmed_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET failures = excluded.failures, failing_since = excluded.failing_since, alarmed_at = excluded.alarmed_at`),
      addSilence: db.prepare('INSERT INTO notify_silence (id, matchers, starts_at, ends_at, author, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      silence: db.prepare('SELECT * FROM notify_silence WHERE id = ?'),
      silences: db.prepare('SELECT * FROM notify_silence WHERE (? IS NULL OR (starts_at <= ? AND ends_at > ?)) ORDER BY created_at DESC, id LIMIT ?'),
      expireSilence: db.prepare('UPDATE notify_silence SET ends_at = min(ends_at, ?), expired_by = ? WHERE id = ?'),
      releaseHeld: db.prepare("UPDATE notify_alarm SET next_at = ? WHERE status = 'held' AND held_by = ? AND next_at > ?"),
      pendingCount: db.prepare("SELECT count(*) FROM notify_message WHERE status = 'pending'").pluck(),
      alarmCounts: db.prepare("SELECT status, count(*) AS n FROM notify_alarm WHERE status IN ('open', 'held') GROUP BY status"),
      pruneAttempts: db.prepare('DELETE FROM notify_attempt WHERE at < ?'),
      pruneAttemptAlarms: db.prepare('DELETE FROM notify_attempt_alarm WHERE seq NOT IN (SELECT seq FROM notify_attempt)'),
      pruneMessages: db.prepare(`DELETE FROM notify_message WHERE status != 'pending' AND alarm_id IN
        (SELECT id FROM notify_alarm WHERE status IN ('acknowledged', 'closed') AND coalesce(closed_at, ack_at) < ?)`),
      pruneAlarms: db.prepare("DELETE FROM notify_alarm WHERE status IN ('acknowledged', 'closed') AND coalesce(closed_at, ack_at) < ? AND NOT EXISTS (SELECT 1 FROM notify_message m WHERE m.alarm_id = notify_alarm.id)"),
      pruneSilences: db.prepare('DELETE FROM notify_silence WHERE ends_at < ?'),
      getMeta: db.prepare('SELECT value FROM notify_meta WHERE key = ?').pluck(),
      putMeta: db.prepare('INSERT OR IGNORE INTO notify_meta (key, value) VALUES (?, ?)'),
    };
  }

  openAlarms(alarms: readonly Alarm[]): Promise<string[]> {
    const added: string[] = [];
    this.db.transaction(() => {
      for (const a of alarms) {
        const r = this.s.insertAlarm.run({ id: a.id, flagId: a.flagId, policy: a.policy, info: JSON.stringify(a.info), status: a.status, startedAt: a.startedAt, nextStep: a.nextStep, nextAt: a.nextAt ?? null, heldBy: a.heldBy ?? null, createdAt: a.createdAt });
        if (r.changes > 0) added.push(a.id);
      }
    }).immediate();
    return Promise.resolve(added);
  }

  get(id: string): Promise<Alarm | undefined> {
    const r = this.s.get.get(id) as AlarmRow | undefined;
    return Promise.resolve(r === undefined ? undefined : toAlarm(r));
  }

  dueAlarms(now: number, limit: number): Promise<Alarm[]> {
    return Promise.resolve((this.s.due.all(now, limit) as AlarmRow[]).map(toAlarm));
  }

  takeStep(id: string, step: number, messages: readonly NewMessage[], next: { nextStep: number; nextAt?: number; startedAt?: number }): Promise<boolean> {
    return Promise.resolve(this.db.transaction(() => {
      if (this.s.step.run(next.nextStep, next.nextAt ?? null, next.startedAt ?? null, id, step).changes === 0) return false;
      for (const m of messages) this.insert(m);
      return true;
    }).immediate());
  }

  release(id: string, at: number): Promise<void> {
    this.s.release.run(at, at, id);
    return Promise.resolve();
  }

  acknowledge(flagId: string, by: string, via: string, at: number): Promise<Alarm[]> {
    return Promise.resolve(this.db.transaction(() => {
      const rows = this.s.ofFlag.all(flagId) as AlarmRow[];
      for (const r of rows) {
        this.s.ack.run(at, by, via, r.id);
        this.s.cancel.run(`acknowledged by ${by}`, r.id);
      }
      return rows.map((r) => ({ ...toAlarm(r), status: 'acknowledged' as const, ackAt: at, ackBy: by, ackVia: via }));
    }).immediate());
  }

  closeAlarms(flagId: string, reason: string, at: number, alarmId?: string): Promise<Alarm[]> {
    return Promise.resolve(this.db.transaction(() => {
      const rows = (this.s.ofFlag.all(flagId) as AlarmRow[]).filter((r) => alarmId === undefined || r.id === alarmId);
      for (const r of rows) {
        this.s.close.run(at, reason, r.id);
        this.s.cancel.run(reason, r.id);
      }
      return rows.map((r) => ({ ...toAlarm(r), status: 'closed' as const, closedAt: at, closedReason: reason }));
    }).immediate());
  }

  enqueue(messages: readonly NewMessage[]): Promise<void> {
    this.db.transaction(() => { for (const m of messages) this.insert(m); }).immediate();
    return Promise.resolve();
  }

  dueMessages(now: number, limit: number): Promise<OutMessage[]> {
    return Promise.resolve((this.s.dueMessages.all(now, limit) as MessageRow[]).map(toMessage));
  }

  nextDueAt(): Promise<number | undefined> {
    const a = this.s.nextAlarm.get() as number | null;
    const m = this.s.nextMessage.get() as number | null;
    const all = [a, m].filter((x): x is number => x !== null);
    return Promise.resolve(all.length === 0 ? undefined : Math.min(...all));
  }

  lastSentAt(recipient: string, channel: string, groupKey: string): Promise<number | undefined> {
    return Promise.resolve((this.s.lastSent.get(recipient, channel, groupKey) as number | null) ?? undefined);
  }

  recordAttempt(messages: readonly number[], a: Omit<DeliveryAttempt, 'seq' | 'messages'>, retryAt?: number): Promise<void> {
    this.db.transaction(() => {
      const seq = Number(this.s.attempt.run(a.at, a.recipient, a.channel, a.address, JSON.stringify(messages), JSON.stringify(a.alarms), a.ok ? 1 : 0, a.error ?? null).lastInsertRowid);
      for (const al of a.alarms) this.s.attemptAlarm.run(al, seq);
      for (const id of messages) {
        if (a.ok) this.s.sent.run(a.at, id);
        else this.s.failed.run(a.error ?? 'failed', retryAt ?? a.at, id);
      }
    }).immediate();
    return Promise.resolve();
  }

  attempts(q: { limit: number; alarm?: string; recipient?: string; channel?: string; before?: number }): Promise<DeliveryAttempt[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.alarm !== undefined) { where.push('seq IN (SELECT seq FROM notify_attempt_alarm WHERE alarm_id = ?)'); args.push(q.alarm); }
    if (q.recipient !== undefined) { where.push('recipient = ?'); args.push(q.recipient); }
    if (q.channel !== undefined) { where.push('channel = ?'); args.push(q.channel); }
    if (q.before !== undefined) { where.push('seq < ?'); args.push(q.before); }
    const sql = `SELECT * FROM notify_attempt ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, q.limit) as AttemptRow[];
    return Promise.resolve(rows.map((r) => ({
      seq: r.seq, at: r.at, recipient: r.recipient, channel: r.channel, address: r.address, messages: JSON.parse(r.messages) as number[],
      alarms: JSON.parse(r.alarms) as string[], ok: r.ok === 1, ...(r.error !== null ? { error: r.error } : {}),
    })));
  }

  alarms(q: { limit: number; status?: AlarmStatus; flag?: string }): Promise<Alarm[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.status !== undefined) { where.push('status = ?'); args.push(q.status); }
    if (q.flag !== undefined) { where.push('flag_id = ?'); args.push(q.flag); }
    const sql = `SELECT * FROM notify_alarm ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`;
    return Promise.resolve((this.db.prepare(sql).all(...args, q.limit) as AlarmRow[]).map(toAlarm));
  }

  messages(q: { limit: number; status?: OutMessage['status']; alarm?: string }): Promise<OutMessage[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.status !== undefined) { where.push('status = ?'); args.push(q.status); }
    if (q.alarm !== undefined) { where.push('alarm_id = ?'); args.push(q.alarm); }
    const sql = `SELECT * FROM notify_message ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`;
    return Promise.resolve((this.db.prepare(sql).all(...args, q.limit) as MessageRow[]).map(toMessage));
  }

  channelHealth(channel: string): Promise<ChannelHealth> {
    const r = this.s.health.get(channel) as { failures: number; failing_since: number | null; alarmed_at: number | null } | undefined;
    return Promise.resolve({
      channel, consecutiveFailures: r?.failures ?? 0,
      ...(r?.failing_since != null ? { failingSince: r.failing_since } : {}), ...(r?.alarmed_at != null ? { alarmedAt: r.alarmed_at } : {}),
    });
  }

  setChannelHealth(h: ChannelHealth): Promise<void> {
    this.s.setHealth.run(h.channel, h.consecutiveFailures, h.failingSince ?? null, h.alarmedAt ?? null);
    return Promise.resolve();
  }

  addSilence(x: SilenceRecord): Promise<void> {
    const matchers = { zones: x.zones, devices: x.devices, sites: x.sites, rules: x.rules };
    this.s.addSilence.run(x.id, JSON.stringify(matchers), x.startsAt, x.endsAt, x.author, x.reason, x.createdAt);
    return Promise.resolve();
  }

  silences(q: { limit: number; activeAt?: number }): Promise<SilenceRecord[]> {
    const at = q.activeAt ?? null;
    return Promise.resolve((this.s.silences.all(at, at, at, q.limit) as SilenceRow[]).map(toSilence));
  }

  expireSilence(id: string, by: string, at: number): Promise<SilenceRecord | undefined> {
    return Promise.resolve(this.db.transaction(() => {
      if (this.s.expireSilence.run(at, by, id).changes === 0) return undefined;
      this.s.releaseHeld.run(at, `silence:${id}`, at);
      return toSilence(this.s.silence.get(id) as SilenceRow);
    }).immediate());
  }

  counts(): Promise<{ pendingMessages: number; open: number; held: number }> {
    const by = new Map((this.s.alarmCounts.all() as { status: string; n: number }[]).map((r) => [r.status, r.n]));
    return Promise.resolve({ pendingMessages: this.s.pendingCount.get() as number, open: by.get('open') ?? 0, held: by.get('held') ?? 0 });
  }

  prune(before: number): Promise<number> {
    return Promise.resolve(this.db.transaction(() => {
      let n = this.s.pruneAttempts.run(before).changes;
      this.s.pruneAttemptAlarms.run();
      n += this.s.pruneMessages.run(before).changes;
      n += this.s.pruneAlarms.run(before).changes;
      n += this.s.pruneSilences.run(before).changes;
      return n;
    }).immediate());
  }

  meta(key: string, init: () => string): Promise<string> {
    this.s.putMeta.run(key, init());
    return Promise.resolve(this.s.getMeta.get(key) as string);
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }

  private insert(m: NewMessage): void {
    this.s.insertMessage.run({
      kind: m.kind, alarmId: m.alarmId ?? null, recipient: m.recipient, channel: m.channel, address: m.address, language: m.language,
      step: m.step, groupKey: m.groupKey, createdAt: m.createdAt, nextAt: m.nextAt, failing: m.failing === undefined ? null : JSON.stringify(m.failing),
    });
  }
}

function toAlarm(r: AlarmRow): Alarm {
  return {
    id: r.id, flagId: r.flag_id, policy: r.policy, info: JSON.parse(r.info) as Alarm['info'], status: r.status, startedAt: r.started_at, nextStep: r.next_step,
    createdAt: r.created_at, ...(r.next_at !== null ? { nextAt: r.next_at } : {}), ...(r.held_by !== null ? { heldBy: r.held_by } : {}),
    ...(r.ack_at !== null ? { ackAt: r.ack_at } : {}), ...(r.ack_by !== null ? { ackBy: r.ack_by } : {}), ...(r.ack_via !== null ? { ackVia: r.ack_via } : {}),
    ...(r.closed_at !== null ? { closedAt: r.closed_at } : {}), ...(r.closed_reason !== null ? { closedReason: r.closed_reason } : {}),
  };
}

function toSilence(r: SilenceRow): SilenceRecord {
  const m = JSON.parse(r.matchers) as Pick<SilenceRecord, 'zones' | 'devices' | 'sites' | 'rules'>;
  return {
    id: r.id, startsAt: r.starts_at, endsAt: r.ends_at, author: r.author, reason: r.reason, createdAt: r.created_at,
    ...(m.zones !== undefined ? { zones: m.zones } : {}), ...(m.devices !== undefined ? { devices: m.devices } : {}),
    ...(m.sites !== undefined ? { sites: m.sites } : {}), ...(m.rules !== undefined ? { rules: m.rules } : {}),
    ...(r.expired_by !== null ? { expiredBy: r.expired_by } : {}),
  };
}

function toMessage(r: MessageRow): OutMessage {
  return {
    id: r.id, kind: r.kind, recipient: r.recipient, channel: r.channel, address: r.address, language: r.language, step: r.step, groupKey: r.group_key,
    status: r.status, attempts: r.attempts, createdAt: r.created_at, nextAt: r.next_at,
    ...(r.alarm_id !== null ? { alarmId: r.alarm_id } : {}), ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    ...(r.failing !== null ? { failing: JSON.parse(r.failing) as NonNullable<OutMessage['failing']> } : {}),
  };
}
