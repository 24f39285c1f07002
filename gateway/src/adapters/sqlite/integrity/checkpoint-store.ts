/** Signed checkpoints in SQLite (`gateway.db`): one row each, appended every checkpoint interval the heads moved. */
import type Database from 'better-sqlite3';
import type { SignedCheckpoint } from '../../../domain/integrity/checkpoint.js';
import { migrate } from '../database.js';

const MIGRATIONS = [
  `CREATE TABLE integrity_checkpoints (
     seq INTEGER PRIMARY KEY, at INTEGER NOT NULL,
     readings_length INTEGER NOT NULL, readings_link TEXT NOT NULL,
     records_length INTEGER NOT NULL, records_link TEXT NOT NULL,
     signature TEXT NOT NULL, key_fingerprint TEXT NOT NULL
   );`,
];

interface Row { seq: number; at: number; readings_length: number; readings_link: string; records_length: number; records_link: string; signature: string; key_fingerprint: string }

const fromRow = (r: Row): SignedCheckpoint => ({
  seq: r.seq, at: r.at, readings: { length: r.readings_length, link: r.readings_link }, records: { length: r.records_length, link: r.records_link },
  signature: r.signature, keyFingerprint: r.key_fingerprint,
});

export class CheckpointStore {
  private readonly s;

  constructor(db: Database.Database) {
    migrate(db, 'integrity-checkpoints', MIGRATIONS);
    this.s = {
      insert: db.prepare(`INSERT INTO integrity_checkpoints (at, readings_length, readings_link, records_length, records_link, signature, key_fingerprint)
        VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq`).pluck(),
      latest: db.prepare('SELECT * FROM integrity_checkpoints ORDER BY seq DESC LIMIT 1'),
      page: db.prepare('SELECT * FROM integrity_checkpoints WHERE seq < ? ORDER BY seq DESC LIMIT ?'),
      all: db.prepare('SELECT * FROM integrity_checkpoints ORDER BY seq'),
    };
  }

  static present(db: Database.Database): boolean {
    return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'integrity_checkpoints'").get() !== undefined;
  }

  append(cp: Omit<SignedCheckpoint, 'seq'>): SignedCheckpoint {
    const seq = this.s.insert.get(cp.at, cp.readings.length, cp.readings.link, cp.records.length, cp.records.link, cp.signature, cp.keyFingerprint) as number;
    return { seq, ...cp };
  }

  latest(): SignedCheckpoint | undefined {
    const r = this.s.latest.get() as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  page(limit: number, before = Number.MAX_SAFE_INTEGER): SignedCheckpoint[] {
    return (this.s.page.all(before, limit) as Row[]).map(fromRow);
  }

  /** Every checkpoint, oldest first (verification). */
  all(): SignedCheckpoint[] {
    return (this.s.all.all() as Row[]).map(fromRow);
  }
}
