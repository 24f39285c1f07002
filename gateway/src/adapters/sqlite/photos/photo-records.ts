/**
 * Photo records (ports/photos.ts) in SQLite, in the registry's file: each record is chained in the transaction that
 * writes it, as flags and placements are (docs/security.md "Tamper evidence"), so its hash (and with it the bytes
 * it names) is vouched for by the signed checkpoints.
 */
import type Database from 'better-sqlite3';
import type { PhotoQuery, PhotoRecord, PhotoRecords } from '../../../ports/photos.js';
import { migrate } from '../database.js';
import { RecordLog } from '../integrity/record-log.js';

const MIGRATIONS = [
  `CREATE TABLE photo (
     sha256 TEXT PRIMARY KEY, device TEXT NOT NULL, taken_ms INTEGER NOT NULL, received_at INTEGER NOT NULL,
     flagged INTEGER NOT NULL, doc TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX photo_device_time ON photo (device, taken_ms);
   CREATE INDEX photo_time ON photo (taken_ms);`,
];

/** A WHERE clause of the conditions whose value is given (none: empty), and its arguments. */
export function whereOf(conds: readonly (readonly [string, string | number | undefined])[]): { where: string; args: (string | number)[] } {
  const given = conds.filter((c): c is readonly [string, string | number] => c[1] !== undefined);
  return { where: given.length > 0 ? `WHERE ${given.map((c) => c[0]).join(' AND ')}` : '', args: given.map((c) => c[1]) };
}

/** Most devices asked for in one query (SQLite's bound parameters). */
const DEVICES_PER_QUERY = 500;

export class SqlitePhotoRecords implements PhotoRecords {
  private readonly records: RecordLog | undefined;
  private readonly insert: Database.Statement;
  private readonly one: Database.Statement;
  private readonly page: Database.Statement;
  private readonly write: Database.Transaction<(r: PhotoRecord) => 'new' | 'exists'>;

  constructor(private readonly db: Database.Database, options: { readonly chain?: boolean } = {}) {
    migrate(db, 'photos', MIGRATIONS);
    this.records = options.chain === false ? undefined : new RecordLog(db);
    this.records?.adoptExisting('photo');
    this.insert = db.prepare('INSERT INTO photo (sha256, device, taken_ms, received_at, flagged, doc) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING');
    this.one = db.prepare('SELECT doc FROM photo WHERE sha256 = ?').pluck();
    this.page = db.prepare('SELECT sha256 FROM photo WHERE sha256 > ? ORDER BY sha256 LIMIT ?').pluck();
    this.write = db.transaction((r: PhotoRecord) => {
      const changed = this.insert.run(r.sha256, r.device, r.takenAtMs, r.receivedAt, r.warnings.length > 0 ? 1 : 0, JSON.stringify(r)).changes;
      if (changed === 0) return 'exists';
      this.records?.record('photo', r.sha256);
      return 'new';
    });
  }

  upsert(record: PhotoRecord): Promise<'new' | 'exists'> {
    return Promise.resolve(this.write.immediate(record));
  }

  get(sha256: string): Promise<PhotoRecord | undefined> {
    const doc = this.one.get(sha256) as string | undefined;
    return Promise.resolve(doc === undefined ? undefined : JSON.parse(doc) as PhotoRecord);
  }

  list(q: PhotoQuery): Promise<PhotoRecord[]> {
    const { where, args } = whereOf([
      ['device = ?', q.device], ['taken_ms >= ?', q.from], ['taken_ms < ?', q.to], ['received_at <= ?', q.receivedBy],
      ['flagged = ?', q.flagged === undefined ? undefined : q.flagged ? 1 : 0],
    ]);
    const sql = `SELECT doc FROM photo ${where} ORDER BY taken_ms, sha256 LIMIT ?`;
    const docs = this.db.prepare(sql).pluck().all(...args, q.limit) as string[];
    return Promise.resolve(docs.map((d) => JSON.parse(d) as PhotoRecord));
  }

  ofDevices(devices: readonly string[], from: number, to: number): Promise<PhotoRecord[]> {
    const out: PhotoRecord[] = [];
    const lo = Number.isFinite(from) ? from : Number.MIN_SAFE_INTEGER;
    const hi = Number.isFinite(to) ? to : Number.MAX_SAFE_INTEGER;
    const unique = [...new Set(devices)];
    for (let i = 0; i < unique.length; i += DEVICES_PER_QUERY) {
      const part = unique.slice(i, i + DEVICES_PER_QUERY);
      const sql = `SELECT doc FROM photo WHERE device IN (${part.map(() => '?').join(',')}) AND taken_ms >= ? AND taken_ms < ?`;
      for (const d of this.db.prepare(sql).pluck().all(...part, lo, hi) as string[]) out.push(JSON.parse(d) as PhotoRecord);
    }
    out.sort((a, b) => a.takenAtMs - b.takenAtMs || (a.sha256 < b.sha256 ? -1 : 1));
    return Promise.resolve(out);
  }

  hashes(after: string, limit: number): Promise<string[]> {
    return Promise.resolve(this.page.all(after, limit) as string[]);
  }
}
