/** API keys in SQLite (ports/access-keys.ts): one row per key, hashes only; revoked keys stay for the audit log. */
import type Database from 'better-sqlite3';
import type { ApiKeyRecord, ApiKeyStore } from '../../../ports/access-keys.js';
import type { KeyRole } from '../../../domain/access-keys.js';
import { migrate } from '../database.js';

const MIGRATIONS = [
  `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL, created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL, last_used_at INTEGER, revoked_at INTEGER
   ) WITHOUT ROWID;`,
];

interface Row { id: string; name: string; role: KeyRole; hash: string; created_at: number; created_by: string; last_used_at: number | null; revoked_at: number | null }

const toRecord = (r: Row): ApiKeyRecord => ({
  id: r.id, name: r.name, role: r.role, hash: r.hash, createdAt: r.created_at, createdBy: r.created_by,
  ...(r.last_used_at !== null ? { lastUsedAt: r.last_used_at } : {}),
  ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
});

export class SqliteApiKeyStore implements ApiKeyStore {
  private readonly getOne: Database.Statement<[string], Row>;
  private readonly add: Database.Statement;
  private readonly all: Database.Statement<[], Row>;
  private readonly setRevoked: Database.Statement<[number, string]>;
  private readonly setUsed: Database.Statement<[number, string]>;

  constructor(db: Database.Database) {
    migrate(db, 'api-keys', MIGRATIONS);
    this.getOne = db.prepare('SELECT * FROM api_keys WHERE id = ?');
    this.add = db.prepare('INSERT INTO api_keys (id, name, role, hash, created_at, created_by, last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.all = db.prepare('SELECT * FROM api_keys ORDER BY created_at DESC, id');
    this.setRevoked = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.setUsed = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
  }

  insert(r: ApiKeyRecord): Promise<void> {
    this.add.run(r.id, r.name, r.role, r.hash, r.createdAt, r.createdBy, r.lastUsedAt ?? null, r.revokedAt ?? null);
    return Promise.resolve();
  }

  get(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.getOne.get(id);
    return Promise.resolve(row === undefined ? undefined : toRecord(row));
  }

  list(): Promise<ApiKeyRecord[]> {
    return Promise.resolve(this.all.all().map(toRecord));
  }

  revoke(id: string, at: number): Promise<ApiKeyRecord | undefined> {
    this.setRevoked.run(at, id);
    return this.get(id);
  }

  touch(id: string, at: number): Promise<void> {
    this.setUsed.run(at, id);
    return Promise.resolve();
  }
}
