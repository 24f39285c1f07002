/** Quarantine (dead letter) in SQLite: every refused message with its raw bytes and a precise reason. */
import type Database from 'better-sqlite3';
import type { NewQuarantineEntry, Quarantine, QuarantineEntry, QuarantineFilter } from '../../ports/quarantine.js';
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
    return Promise.resolve((this.db.prepare(sql).all(...params) as Row[]).map(toEntry));
  }

  get(id: number): Promise<QuarantineEntry | undefined> {
    const row = this.db.prepare('SELECT * FROM quarantine WHERE id = ?').get(id) as Row | undefined;
    return Promise.resolve(row === undefined ? undefined : toEntry(row));
  }

  markReplayed(id: number, at: number, result: string): Promise<void> {
    this.db.prepare('UPDATE quarantine SET replayed_at = ?, replay_result = ? WHERE id = ?').run(at, result, id);
    return Promise.resolve();
  }

  countsByCode(): Promise<Record<string, number>> {
    const rows = this.db.prepare('SELECT code, count(*) AS n FROM quarantine GROUP BY code').all() as { code: string; n: number }[];
    return Promise.resolve(Object.fromEntries(rows.map((r) => [r.code, r.n])));
  }
}

function toEntry(r: Row): QuarantineEntry {
  return {
    id: r.id, receivedAt: r.received_at, topic: r.topic, clientId: r.client_id, device: r.device,
    code: r.code as RejectCode, detail: r.detail, payload: r.payload, size: r.size,
    replayedAt: r.replayed_at, replayResult: r.replay_result,
  };
}
