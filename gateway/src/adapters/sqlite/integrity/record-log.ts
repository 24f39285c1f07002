/**
 * The records chain's writer side (docs/security.md "Tamper evidence"): each version of a flag or a custody record
 * (placement) is appended, with the SHA-256 of its content as stored, by the store that writes it, inside the
 * transaction that writes it. The content is read back from the row just written (`contentOf`), the same query
 * verification runs, so what is hashed is exactly what is stored.
 */
import type Database from 'better-sqlite3';
import { GENESIS } from '../../../domain/integrity/hash.js';
import { recordContent, recordLink, type RecordKind } from '../../../domain/integrity/records.js';
import { migrate } from '../database.js';
import { sha256 } from './sha.js';

const MIGRATIONS = [
  `CREATE TABLE integrity_records (
     seq INTEGER PRIMARY KEY,     -- link index: 1, 2, ...
     kind TEXT NOT NULL, id TEXT NOT NULL,
     version BLOB,                -- SHA-256 of the record's content; NULL: deleted
     link BLOB NOT NULL
   );
   CREATE INDEX integrity_records_by_record ON integrity_records (kind, id, seq);
   CREATE TABLE integrity_adopted (kind TEXT PRIMARY KEY, at_seq INTEGER NOT NULL);`,
];

/** Per kind: the stored content of one record (its columns, in order) and the ids of all. */
const CONTENT: Readonly<Record<RecordKind, { one: string; ids: string }>> = {
  flag: {
    one: 'SELECT id, subject, rule, state, severity, active, withdrawn, updated_at, doc FROM flag WHERE id = ?',
    ids: 'SELECT id FROM flag ORDER BY id',
  },
  placement: {
    one: `SELECT e.id, e.doc, p.subject, p.loc_kind, p.loc, p.from_ms, p.to_ms FROM entity e LEFT JOIN placement p ON p.id = e.id
          WHERE e.kind = 'placements' AND e.id = ?`,
    ids: "SELECT id FROM entity WHERE kind = 'placements' ORDER BY id",
  },
  photo: { one: 'SELECT sha256, doc FROM photo WHERE sha256 = ?', ids: 'SELECT sha256 FROM photo ORDER BY sha256' },
};

/** The table each kind is stored in (absent in a database that never held one). */
const TABLE: Readonly<Record<RecordKind, string>> = { flag: 'flag', placement: 'entity', photo: 'photo' };

export const RECORD_KINDS: readonly RecordKind[] = ['flag', 'placement', 'photo'];

/** Reads records' content the one way the writer and the verifier both use. */
export class RecordContent {
  private readonly one = new Map<RecordKind, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** SHA-256 of the record's stored content; undefined when it is not stored (or its table does not exist). */
  version(kind: RecordKind, id: string): Uint8Array | undefined {
    const row = this.statement(kind)?.raw().get(id) as (string | number | null)[] | undefined;
    return row === undefined ? undefined : sha256(recordContent(row));
  }

  /** Every id of the kind now stored. */
  ids(kind: RecordKind): string[] {
    if (!this.hasTable(kind)) return [];
    return this.db.prepare(CONTENT[kind].ids).pluck().all() as string[];
  }

  private statement(kind: RecordKind): Database.Statement | undefined {
    let s = this.one.get(kind);
    if (s === undefined) {
      if (!this.hasTable(kind)) return undefined;
      s = this.db.prepare(CONTENT[kind].one);
      this.one.set(kind, s);
    }
    return s;
  }

  private hasTable(kind: RecordKind): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(TABLE[kind]) !== undefined;
  }
}

/** Creates the records chain's tables (idempotent). */
export function migrateRecordsChain(db: Database.Database): void {
  migrate(db, 'integrity-records', MIGRATIONS);
}

export class RecordLog {
  private readonly content: RecordContent;
  private readonly insert: Database.Statement;
  private readonly last: Database.Statement;
  private readonly adopted: Database.Statement;
  private readonly adopt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    migrateRecordsChain(db);
    this.content = new RecordContent(db);
    this.insert = db.prepare('INSERT INTO integrity_records (seq, kind, id, version, link) VALUES (?, ?, ?, ?, ?)');
    this.last = db.prepare('SELECT seq, link FROM integrity_records ORDER BY seq DESC LIMIT 1');
    this.adopted = db.prepare('SELECT 1 FROM integrity_adopted WHERE kind = ?').pluck();
    this.adopt = db.prepare('INSERT INTO integrity_adopted (kind, at_seq) VALUES (?, ?)');
  }

  /**
   * Appends the record's current version (as stored now in this transaction; deleted when it is not stored). Call
   * inside the transaction that wrote it, after the write.
   */
  record(kind: RecordKind, id: string): void {
    const last = this.last.get() as { seq: number; link: Buffer } | undefined;
    const seq = (last?.seq ?? 0) + 1;
    const version = this.content.version(kind, id);
    const link = recordLink(sha256, last?.link ?? GENESIS, { seq, kind, id, version });
    this.insert.run(seq, kind, id, version ?? null, link);
  }

  /**
   * Once per kind: appends a version of every record stored before the chain existed (a database from an older
   * gateway), so verification covers them from here on. The chain says nothing about what they were before.
   */
  adoptExisting(kind: RecordKind): void {
    this.db.transaction(() => {
      if (this.adopted.get(kind) !== undefined) return;
      for (const id of this.content.ids(kind)) this.record(kind, id);
      const last = this.last.get() as { seq: number } | undefined;
      this.adopt.run(kind, last?.seq ?? 0);
    }).immediate();
  }
}
