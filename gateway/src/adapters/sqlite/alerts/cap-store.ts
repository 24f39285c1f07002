/**
 * CAP alerts in SQLite (`alerts.db`, its own file; ports/alerts.ts). A message is stored once by its key; the end an
 * Update or a Cancel puts on an earlier message is a row of its own keyed by that message, so an Update that arrives
 * before the alert it replaces still ends it. `last_ms` is the latest time any of its info blocks can be in force
 * (cap-area.ts infoSpan), so the rules read only alerts that can still matter.
 */
import type Database from 'better-sqlite3';
import { capKey, type CapAlert, type CapRefusalCode } from '../../../domain/alerts/cap.js';
import { infoSpan } from '../../../domain/alerts/cap-area.js';
import { REFUSED_KEPT_CHARS, type CapAcceptance, type CapAlertStore, type CapOrigin, type RefusedCapDocument, type StoredCapAlert } from '../../../ports/alerts.js';
import { migrate } from '../database.js';

const MIGRATIONS = [
  `CREATE TABLE cap_alert (
     key TEXT PRIMARY KEY, sent_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL, msg_type TEXT NOT NULL,
     body TEXT NOT NULL, source TEXT NOT NULL, received_ms INTEGER NOT NULL
   );
   CREATE INDEX cap_alert_last ON cap_alert (last_ms);
   CREATE TABLE cap_end (key TEXT PRIMARY KEY, ended_ms INTEGER NOT NULL, ended_by TEXT NOT NULL);
   CREATE TABLE cap_refused (
     id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, received_ms INTEGER NOT NULL, code TEXT NOT NULL,
     reason TEXT NOT NULL, bytes INTEGER NOT NULL, document TEXT NOT NULL
   );`,
];

interface AlertRow { key: string; body: string; source: string; received_ms: number; ended_ms: number | null; ended_by: string | null }
interface RefusedRow { id: number; source: string; received_ms: number; code: string; reason: string; bytes: number; document: string }

export class SqliteCapAlertStore implements CapAlertStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'cap-alerts', MIGRATIONS);
    this.s = {
      insert: db.prepare('INSERT INTO cap_alert (key, sent_ms, last_ms, msg_type, body, source, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      // The earliest end wins: a Cancel after an Update does not move the end the Update put.
      end: db.prepare('INSERT INTO cap_end (key, ended_ms, ended_by) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET ended_ms = excluded.ended_ms, ended_by = excluded.ended_by WHERE excluded.ended_ms < cap_end.ended_ms'),
      exists: db.prepare('SELECT 1 FROM cap_alert WHERE key = ?'),
      alerts: db.prepare(`SELECT a.key, a.body, a.source, a.received_ms, e.ended_ms, e.ended_by FROM cap_alert a LEFT JOIN cap_end e ON e.key = a.key
        WHERE a.last_ms >= ? AND (e.ended_ms IS NULL OR e.ended_ms >= ?) ORDER BY a.sent_ms, a.key`),
      refuse: db.prepare('INSERT INTO cap_refused (source, received_ms, code, reason, bytes, document) VALUES (?, ?, ?, ?, ?, ?)'),
      refused: db.prepare('SELECT id, source, received_ms, code, reason, bytes, document FROM cap_refused ORDER BY id DESC LIMIT ?'),
    };
  }

  accept(alert: CapAlert, origin: CapOrigin): Promise<CapAcceptance> {
    const key = capKey(alert);
    const lastMs = alert.infos.reduce((m, i) => Math.max(m, infoSpan(alert, i).toMs), alert.sentMs);
    const tx = this.db.transaction((): CapAcceptance => {
      const stored = this.s.insert.run(key, alert.sentMs, lastMs, alert.msgType, JSON.stringify(alert), origin.source, origin.receivedMs).changes === 1;
      if (!stored) return { outcome: 'duplicate', key, ended: [] };
      const ended: string[] = [];
      if (alert.msgType === 'Update' || alert.msgType === 'Cancel') {
        for (const r of alert.references) {
          const k = capKey(r);
          this.s.end.run(k, alert.sentMs, key);
          if (this.s.exists.get(k) !== undefined) ended.push(k);
        }
      }
      return { outcome: 'stored', key, ended };
    });
    return Promise.resolve(tx.immediate());
  }

  refuse(document: string, bytes: number, refusal: { code: CapRefusalCode; reason: string }, origin: CapOrigin): Promise<number> {
    const r = this.s.refuse.run(origin.source, origin.receivedMs, refusal.code, refusal.reason, bytes, document.slice(0, REFUSED_KEPT_CHARS));
    return Promise.resolve(Number(r.lastInsertRowid));
  }

  alerts(fromMs: number): Promise<StoredCapAlert[]> {
    return Promise.resolve((this.s.alerts.all(fromMs, fromMs) as AlertRow[]).map((r) => ({
      key: r.key, alert: JSON.parse(r.body) as CapAlert, source: r.source, receivedMs: r.received_ms,
      ...(r.ended_ms !== null && r.ended_by !== null ? { endedMs: r.ended_ms, endedBy: r.ended_by } : {}),
    })));
  }

  refused(limit: number): Promise<RefusedCapDocument[]> {
    return Promise.resolve((this.s.refused.all(limit) as RefusedRow[]).map((r) => ({
      id: r.id, source: r.source, receivedMs: r.received_ms, code: r.code as CapRefusalCode, reason: r.reason, bytes: r.bytes, document: r.document,
    })));
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
