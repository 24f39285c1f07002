/** Quarantine (dead letter) in SQLite: every refused message with its raw bytes and a precise reason. */
import type Database from 'better-sqlite3';
import type { NewQuarantineEntry, Quarantine, QuarantineEntry, QuarantineFilter, ReplayAttempt } from '../../ports/quarantine.js';
import type { RejectCode } from '../../domain/reject-codes.js';
import { migrate } from './database.js';

const MIGRATIONS = [
  `CREATE TABLE quarantine (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     received_at INTEGER NOT NULL, topic TEXT NOT NULL, client_id TEXT NOT NULL, device TEXT,
     code TEXT NOT NULL, detail TEXT NOT NULL, payload BLOB NOT NULL, size INTEGER NOT NULL,
     replayed_at INTEGER, replay_result TEXT
   );
   CREATE INDEX quarantine_code ON quarantine (code, id);
   CREATE INDEX quarantine_device ON quarantine (device, id);`,
  // Issue #23: a replay that is refused again is an attempt of the entry it came from, not a new entry.
  `CREATE TABLE quarantine_replay (
     quarantine_id INTEGER NOT NULL REFERENCES quarantine (id),
     at INTEGER NOT NULL,
     result TEXT NOT NULL
   );
   CREATE INDEX quarantine_replay_entry ON quarantine_replay (quarantine_id, at);`,
];

interface Row { id: number; received_at: number; topic: string; client_id: string; device: string | null; code: string; detail: string; payload: Buffer; size: number; replayed_at: number | null; replay_result: string | null }

export class SqliteQuarantine implements Quarantine {
  private readonly insert: Database.Statement;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'quarantine', MIGRATIONS);
    this.insert = db.prepare(`INSERT INTO quarantine (received_at, topic, client_id, device, code, detail, payload, size)
                              VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  put(e: NewQuarantineEntry): Promise<number> {
    const info = this.insert.run(e.receivedAt, e.topic, e.clientId, e.device, e.code, e.detail, e.payload, e.size);
    return Promise.resolve(Number(info.lastInsertRowid));
  }

  list(f: QuarantineFilter): Promise<QuarantineEntry[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (f.code !== undefined) { where.push('code = ?'); params.push(f.code); }
    if (f.device !== undefined) { where.push('device = ?'); params.push(f.device); }
    if (f.beforeId !== undefined) { where.push('id < ?'); params.push(f.beforeId); }
    const sql = `SELECT * FROM quarantine ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    params.push(f.limit);
    return Promise.resolve((this.db.prepare(sql).all(...params) as Row[]).map((r) => toEntry(r, this.replays(r))));
  }

  get(id: number): Promise<QuarantineEntry | undefined> {
    const row = this.db.prepare('SELECT * FROM quarantine WHERE id = ?').get(id) as Row | undefined;
    return Promise.resolve(row === undefined ? undefined : toEntry(row, this.replays(row)));
  }

  markReplayed(id: number, at: number, result: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('UPDATE quarantine SET replayed_at = ?, replay_result = ? WHERE id = ?').run(at, result, id);
      this.db.prepare('INSERT INTO quarantine_replay (quarantine_id, at, result) VALUES (?, ?, ?)').run(id, at, result);
    })();
    return Promise.resolve();
  }

  /** The replay history of an entry that was replayed (none was, when replayed_at is null). */
  private replays(r: Row): ReplayAttempt[] {
    if (r.replayed_at === null) return [];
    return this.db.prepare('SELECT at, result FROM quarantine_replay WHERE quarantine_id = ? ORDER BY at, rowid').all(r.id) as ReplayAttempt[];
  }

  countsByCode(): Promise<Record<string, number>> {
    const rows = this.db.prepare('SELECT code, count(*) AS n FROM quarantine GROUP BY code').all() as { code: string; n: number }[];
    return Promise.resolve(Object.fromEntries(rows.map((r) => [r.code, r.n])));
  }
}

function toEntry(r: Row, replays: readonly ReplayAttempt[]): QuarantineEntry {
  return {
    id: r.id, receivedAt: r.received_at, topic: r.topic, clientId: r.client_id, device: r.device,
    code: r.code as RejectCode, detail: r.detail, payload: r.payload, size: r.size,
    replayedAt: r.replayed_at, replayResult: r.replay_result, replays,
  };
}
