/** The photo quarantine (ports/photos.ts) in SQLite, beside the message quarantine in gateway.db. */
import type Database from 'better-sqlite3';
import type { NewPhotoQuarantineEntry, PhotoQuarantine, PhotoQuarantineEntry } from '../../../ports/photos.js';
import { migrate } from '../database.js';
import { whereOf } from './photo-records.js';

const MIGRATIONS = [
  `CREATE TABLE photo_quarantine (
     id INTEGER PRIMARY KEY AUTOINCREMENT, received_at INTEGER NOT NULL, code TEXT NOT NULL, device TEXT, doc TEXT NOT NULL
   );
   CREATE INDEX photo_quarantine_code ON photo_quarantine (code, id);
   CREATE INDEX photo_quarantine_device ON photo_quarantine (device, id);`,
];

export class SqlitePhotoQuarantine implements PhotoQuarantine {
  private readonly insert: Database.Statement;
  private readonly one: Database.Statement;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'photo-quarantine', MIGRATIONS);
    this.insert = db.prepare('INSERT INTO photo_quarantine (received_at, code, device, doc) VALUES (?, ?, ?, ?)');
    this.one = db.prepare('SELECT id, doc FROM photo_quarantine WHERE id = ?');
  }

  put(e: NewPhotoQuarantineEntry): Promise<number> {
    return Promise.resolve(Number(this.insert.run(e.receivedAt, e.code, e.device ?? null, JSON.stringify(e)).lastInsertRowid));
  }

  get(id: number): Promise<PhotoQuarantineEntry | undefined> {
    const row = this.one.get(id) as { id: number; doc: string } | undefined;
    return Promise.resolve(row === undefined ? undefined : { ...JSON.parse(row.doc) as NewPhotoQuarantineEntry, id: row.id });
  }

  list(q: { code?: string; device?: string; beforeId?: number; limit: number }): Promise<PhotoQuarantineEntry[]> {
    const { where, args } = whereOf([['code = ?', q.code], ['device = ?', q.device], ['id < ?', q.beforeId]]);
    const sql = `SELECT id, doc FROM photo_quarantine ${where} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, q.limit) as { id: number; doc: string }[];
    return Promise.resolve(rows.map((r) => ({ ...JSON.parse(r.doc) as NewPhotoQuarantineEntry, id: r.id })));
  }
}
