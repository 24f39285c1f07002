/**
 * Flags in SQLite (in `registry.db`, beside the registry they point into). Each flag is one row keyed by rule and
 * subject, its document as JSON with its history; a side table lists the orders it touches.
 */
import type Database from 'better-sqlite3';
import { applyFinding, transition, withdraw } from '../../../domain/flags/lifecycle.js';
import type { Finding, Flag, FlagState, Subject } from '../../../domain/flags/types.js';
import { FlagTransitionError, type FlagChange, type FlagQuery, type FlagStore } from '../../../ports/flags.js';
import { migrate } from '../database.js';
import { RecordLog } from '../integrity/record-log.js';

const MIGRATIONS = [
  `CREATE TABLE flag (
     id TEXT PRIMARY KEY, subject TEXT NOT NULL, rule TEXT NOT NULL, state TEXT NOT NULL, severity TEXT NOT NULL,
     active INTEGER NOT NULL, withdrawn INTEGER NOT NULL, updated_at INTEGER NOT NULL, doc TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX flag_subject ON flag (subject);
   CREATE TABLE flag_order (order_id TEXT NOT NULL, flag_id TEXT NOT NULL, PRIMARY KEY (order_id, flag_id)) WITHOUT ROWID;
   CREATE INDEX flag_order_flag ON flag_order (flag_id);`,
];

const key = (s: Subject): string => `${s.kind}:${s.id}`;

export class SqliteFlagStore implements FlagStore {
  private readonly s;
  /** The records chain (docs/security.md "Tamper evidence"): every version written appends an entry in its transaction. */
  private readonly records: RecordLog | undefined;

  constructor(private readonly db: Database.Database, options: { readonly chain?: boolean } = {}) {
    migrate(db, 'flags', MIGRATIONS);
    this.records = options.chain === false ? undefined : new RecordLog(db);
    this.records?.adoptExisting('flag');
    this.s = {
      get: db.prepare('SELECT doc FROM flag WHERE id = ?').pluck(),
      ofSubject: db.prepare('SELECT doc FROM flag WHERE subject = ?').pluck(),
      put: db.prepare(`INSERT INTO flag (id, subject, rule, state, severity, active, withdrawn, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET state = excluded.state, severity = excluded.severity, active = excluded.active, withdrawn = excluded.withdrawn,
        updated_at = excluded.updated_at, doc = excluded.doc`),
      dropOrders: db.prepare('DELETE FROM flag_order WHERE flag_id = ?'),
      addOrder: db.prepare('INSERT OR IGNORE INTO flag_order (order_id, flag_id) VALUES (?, ?)'),
      counts: db.prepare('SELECT state, severity, active, count(*) AS n FROM flag WHERE withdrawn = 0 GROUP BY state, severity, active'),
    };
  }

  reconcile(subjects: readonly Subject[], findings: readonly Finding[], at: number): Promise<FlagChange[]> {
    const changes: FlagChange[] = [];
    this.db.transaction(() => {
      const seen = new Set<string>();
      for (const f of findings) {
        const prev = this.read(`${f.rule}@${key(f.subject)}`);
        const next = applyFinding(prev, f, at);
        seen.add(`${f.rule}@${key(f.subject)}`);
        if (next === undefined) continue;
        this.write(next.flag);
        // Kept quietly when nothing a reader acts on changed (an ongoing excursion's end moving on).
        if (next.events.length > 0) changes.push(next);
      }
      for (const s of subjects) {
        for (const doc of this.s.ofSubject.all(key(s)) as string[]) {
          const prev = JSON.parse(doc) as Flag;
          if (seen.has(prev.id)) continue;
          const next = withdraw(prev, at);
          if (next === undefined) continue;
          this.write(next.flag);
          changes.push(next);
        }
      }
    }).immediate();
    return Promise.resolve(changes);
  }

  get(id: string): Promise<Flag | undefined> {
    return Promise.resolve(this.read(id));
  }

  list(q: FlagQuery): Promise<Flag[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    let from = 'flag f';
    if (q.order !== undefined) {
      from = 'flag_order o JOIN flag f ON f.id = o.flag_id';
      where.push('o.order_id = ?');
      params.push(q.order);
    }
    if (q.subject !== undefined) { where.push('f.subject = ?'); params.push(key(q.subject)); }
    if (q.state !== undefined) { where.push('f.state = ?'); params.push(q.state); }
    if (q.active !== undefined) { where.push('f.active = ?'); params.push(q.active ? 1 : 0); }
    if (q.withdrawn !== true) where.push('f.withdrawn = 0');
    if (q.rule !== undefined) { where.push("f.rule >= ? AND f.rule < ? || char(1114111)"); params.push(q.rule, q.rule); }
    const sql = `SELECT f.doc FROM ${from}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY f.updated_at DESC, f.id LIMIT ?`;
    params.push(q.limit);
    return Promise.resolve((this.db.prepare(sql).pluck().all(...params) as string[]).map((d) => JSON.parse(d) as Flag));
  }

  transition(id: string, to: FlagState, by: string, comment: string | undefined, at: number): Promise<Flag | undefined> {
    let out: Flag | undefined;
    this.db.transaction(() => {
      const prev = this.read(id);
      if (prev === undefined) return;
      const next = transition(prev, to, by, comment, at);
      if (typeof next === 'string') throw new FlagTransitionError(next);
      this.write(next);
      out = next;
    }).immediate();
    return Promise.resolve(out);
  }

  counts(): Promise<{ state: FlagState; severity: string; active: boolean; n: number }[]> {
    const rows = this.s.counts.all() as { state: FlagState; severity: string; active: number; n: number }[];
    return Promise.resolve(rows.map((r) => ({ ...r, active: r.active === 1 })));
  }

  private read(id: string): Flag | undefined {
    const doc = this.s.get.get(id) as string | undefined;
    return doc === undefined ? undefined : JSON.parse(doc) as Flag;
  }

  private write(f: Flag): void {
    this.s.put.run(f.id, key(f.subject), f.rule, f.state, f.severity, f.active ? 1 : 0, f.withdrawn ? 1 : 0, f.updatedAt, JSON.stringify(f));
    this.s.dropOrders.run(f.id);
    for (const o of f.related.orders) this.s.addOrder.run(o, f.id);
    this.records?.record('flag', f.id);
  }
}
