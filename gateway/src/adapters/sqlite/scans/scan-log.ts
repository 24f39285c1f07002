/** The scan log (ports/scans.ts) in SQLite: one row per read, unique by its message (device, seq, first read's time) and index. */
import type Database from 'better-sqlite3';
import { identityKeys, SCAN_OUTCOMES, type ScanEntry, type ScanLog, type ScanOutcome, type ScanQuery } from '../../../ports/scans.js';
import { migrate } from '../database.js';

const MIGRATIONS = [
  `CREATE TABLE scans (
     id INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL, seq INTEGER NOT NULL, idx INTEGER NOT NULL,
     t INTEGER NOT NULL, received_at INTEGER NOT NULL, batch TEXT, outcome TEXT NOT NULL, body TEXT NOT NULL,
     UNIQUE (device, seq, idx)
   );
   CREATE INDEX scans_batch ON scans (batch, id) WHERE batch IS NOT NULL;
   CREATE INDEX scans_outcome ON scans (outcome, id);`,
  // What a pallet's SSCC or an item's GTIN and serial was last read with (ports/scans.ts, batchesOf).
  `CREATE TABLE scan_identities (key TEXT PRIMARY KEY, batch TEXT NOT NULL, t INTEGER NOT NULL) WITHOUT ROWID;`,
  // A message is its device, sequence number and first read's device time (ports/scans.ts, seen): numbers an agent
  // reuses after its numbering started again no longer collide with the old reads. The table is rebuilt (SQLite
  // cannot change a UNIQUE constraint); each logged read takes its message's index-0 read time.
  `CREATE TABLE scans_by_message (
     id INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL, seq INTEGER NOT NULL, msg_t INTEGER NOT NULL, idx INTEGER NOT NULL,
     t INTEGER NOT NULL, received_at INTEGER NOT NULL, batch TEXT, outcome TEXT NOT NULL, body TEXT NOT NULL,
     UNIQUE (device, seq, msg_t, idx)
   );
   INSERT INTO scans_by_message (id, device, seq, msg_t, idx, t, received_at, batch, outcome, body)
     SELECT s.id, s.device, s.seq, COALESCE((SELECT f.t FROM scans f WHERE f.device = s.device AND f.seq = s.seq AND f.idx = 0), s.t),
            s.idx, s.t, s.received_at, s.batch, s.outcome, s.body
     FROM scans s;
   DROP TABLE scans;
   ALTER TABLE scans_by_message RENAME TO scans;
   CREATE INDEX scans_batch ON scans (batch, id) WHERE batch IS NOT NULL;
   CREATE INDEX scans_outcome ON scans (outcome, id);`,
];

interface Row { id: number; body: string }

export class SqliteScanLog implements ScanLog {
  private readonly insert: Database.Statement;
  private readonly seenStmt: Database.Statement;
  private readonly learn: Database.Statement;
  private readonly identity: Database.Statement;
  private readonly appendAll: (entries: readonly ScanEntry[], messageTime: number) => void;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'scan-log', MIGRATIONS);
    this.insert = db.prepare('INSERT INTO scans (device, seq, msg_t, idx, t, received_at, batch, outcome, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    // The message's own time first: a number reused many times still finds its message by the unique index.
    this.seenStmt = db.prepare('SELECT msg_t = ? FROM scans WHERE device = ? AND seq = ? ORDER BY msg_t = ? DESC LIMIT 1').pluck();
    // The latest read (device time) wins: a pallet relabelled later names its new batch.
    this.learn = db.prepare('INSERT INTO scan_identities (key, batch, t) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET batch = excluded.batch, t = excluded.t WHERE excluded.t >= t');
    this.identity = db.prepare('SELECT batch FROM scan_identities WHERE key = ?').pluck();
    this.appendAll = db.transaction((entries: readonly ScanEntry[], messageTime: number) => {
      for (const e of entries) {
        this.insert.run(e.device, e.seq, messageTime, e.index, e.time, e.receivedAt, e.batch ?? null, e.outcome, JSON.stringify(e));
        if (e.code?.batch !== undefined && e.outcome !== 'bad-code') for (const k of identityKeys(e.code)) this.learn.run(k, e.code.batch, e.time);
      }
    });
  }

  seen(device: string, seq: number, messageTime: number): Promise<'logged' | 'new' | 'number-reused'> {
    const same = this.seenStmt.get(messageTime, device, seq, messageTime) as number | undefined;
    return Promise.resolve(same === undefined ? 'new' : same === 1 ? 'logged' : 'number-reused');
  }

  append(entries: readonly ScanEntry[], messageTime: number): Promise<void> {
    this.appendAll(entries, messageTime);
    return Promise.resolve();
  }

  list(q: ScanQuery): Promise<(ScanEntry & { id: number })[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.device !== undefined) { where.push('device = ?'); params.push(q.device); }
    if (q.batch !== undefined) { where.push('batch = ?'); params.push(q.batch); }
    if (q.outcome !== undefined) { where.push('outcome = ?'); params.push(q.outcome); }
    if (q.before !== undefined) { where.push('id < ?'); params.push(q.before); }
    params.push(q.limit);
    const rows = this.db.prepare(`SELECT id, body FROM scans ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`).all(...params) as Row[];
    return Promise.resolve(rows.map((r) => ({ ...(JSON.parse(r.body) as ScanEntry), id: r.id })));
  }

  batchesOf(keys: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const k of keys) {
      const b = this.identity.get(k) as string | undefined;
      if (b !== undefined) out.set(k, b);
    }
    return Promise.resolve(out);
  }

  counts(): Promise<Record<ScanOutcome, number>> {
    const out = Object.fromEntries(SCAN_OUTCOMES.map((o) => [o, 0])) as Record<ScanOutcome, number>;
    for (const r of this.db.prepare('SELECT outcome, COUNT(*) AS n FROM scans GROUP BY outcome').all() as { outcome: ScanOutcome; n: number }[]) out[r.outcome] = r.n;
    return Promise.resolve(out);
  }
}
