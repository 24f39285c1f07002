/**
 * The HTTP audit log in SQLite (ports/access-audit.ts). Bounded (docs/engineering.md 6): past `maxEntries` the oldest
 * entries are deleted, and `pruned` counts them.
 */
import type Database from 'better-sqlite3';
import type { AuditEntry, AuditEntryInput, AuditLog, AuditOutcome, AuditQuery } from '../../../ports/access-audit.js';
import { migrate } from '../database.js';

export interface SqliteAuditLogOptions {
  /** Entries kept; older ones are deleted. Default 1,000,000 (~0.5 GB at most with large before/after documents). */
  readonly maxEntries: number;
  /** The cap is enforced every this many appends. Default 1000. */
  readonly pruneEvery: number;
}

export const DEFAULT_SQLITE_AUDIT_LOG_OPTIONS: SqliteAuditLogOptions = { maxEntries: 1_000_000, pruneEvery: 1000 };

const MIGRATIONS = [
  `CREATE TABLE http_audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, key_id TEXT, key_name TEXT, role TEXT, method TEXT NOT NULL,
     route TEXT NOT NULL, params TEXT NOT NULL, status INTEGER NOT NULL, outcome TEXT NOT NULL, reason TEXT,
     before TEXT, after TEXT, ip TEXT NOT NULL
   );
   CREATE INDEX http_audit_key ON http_audit (key_id, id);
   CREATE INDEX http_audit_at ON http_audit (at);`,
];

interface Row {
  id: number; at: number; key_id: string | null; key_name: string | null; role: string | null; method: string; route: string; params: string;
  status: number; outcome: AuditOutcome; reason: string | null; before: string | null; after: string | null; ip: string;
}

const toEntry = (r: Row): AuditEntry => ({
  id: r.id, at: r.at, method: r.method, route: r.route, params: JSON.parse(r.params) as Record<string, string>, status: r.status, outcome: r.outcome, ip: r.ip,
  ...(r.key_id !== null ? { keyId: r.key_id } : {}), ...(r.key_name !== null ? { keyName: r.key_name } : {}), ...(r.role !== null ? { role: r.role } : {}),
  ...(r.reason !== null ? { reason: r.reason } : {}),
  ...(r.before !== null ? { before: JSON.parse(r.before) as unknown } : {}), ...(r.after !== null ? { after: JSON.parse(r.after) as unknown } : {}),
});

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

export class SqliteAuditLog implements AuditLog {
  private readonly options: SqliteAuditLogOptions;
  private readonly add: Database.Statement;
  private readonly prune: Database.Statement<[number]>;
  private sinceOldestCheck = 0;
  /** Entries deleted to keep the cap. */
  pruned = 0;

  constructor(private readonly db: Database.Database, options: Partial<SqliteAuditLogOptions> = {}) {
    this.options = { ...DEFAULT_SQLITE_AUDIT_LOG_OPTIONS, ...options };
    migrate(db, 'http-audit', MIGRATIONS);
    this.add = db.prepare(`INSERT INTO http_audit (at, key_id, key_name, role, method, route, params, status, outcome, reason, before, after, ip)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.prune = db.prepare('DELETE FROM http_audit WHERE id <= (SELECT MAX(id) FROM http_audit) - ?');
  }

  append(e: AuditEntryInput): Promise<void> {
    this.add.run(e.at, e.keyId ?? null, e.keyName ?? null, e.role ?? null, e.method, e.route, JSON.stringify(e.params), e.status, e.outcome,
      e.reason ?? null, json(e.before), json(e.after), e.ip);
    if (++this.sinceOldestCheck >= this.options.pruneEvery) {
      this.sinceOldestCheck = 0;
      this.pruned += this.prune.run(this.options.maxEntries).changes;
    }
    return Promise.resolve();
  }

  list(q: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, v: string | number | undefined): void => {
      if (v === undefined) return;
      where.push(clause);
      args.push(v);
    };
    add('id < ?', q.before);
    add('key_id = ?', q.keyId);
    add('method = ?', q.method);
    // A prefix by range, not LIKE: a route has % and _ of its own to escape otherwise.
    if (q.route !== undefined) {
      where.push('route >= ? AND route < ?');
      args.push(q.route, `${q.route}\uffff`);
    }
    add('outcome = ?', q.outcome);
    add('at >= ?', q.from);
    add('at < ?', q.to);
    const sql = `SELECT * FROM http_audit ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return Promise.resolve((this.db.prepare(sql).all(...args, q.limit) as Row[]).map(toEntry));
  }
}
