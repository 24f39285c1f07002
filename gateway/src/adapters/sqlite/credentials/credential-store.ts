/** MQTT credentials in SQLite (ports/credentials.ts): one row per user name, replaced on rotation and revocation. */
import type Database from 'better-sqlite3';
import type { CredentialRecord, CredentialStore } from '../../../ports/credentials.js';
import { migrate } from '../database.js';

const MIGRATIONS = [
  `CREATE TABLE mqtt_credentials (
     username TEXT PRIMARY KEY, scrypt TEXT NOT NULL, mosquitto TEXT NOT NULL, issued_at INTEGER NOT NULL,
     generation INTEGER NOT NULL, revoked_at INTEGER
   ) WITHOUT ROWID;`,
];

interface Row { username: string; scrypt: string; mosquitto: string; issued_at: number; generation: number; revoked_at: number | null }

const toRecord = (r: Row): CredentialRecord => ({
  username: r.username, scrypt: r.scrypt, mosquitto: r.mosquitto, issuedAt: r.issued_at, generation: r.generation,
  ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
});

export class SqliteCredentialStore implements CredentialStore {
  private readonly getOne: Database.Statement<[string], Row>;
  private readonly upsert: Database.Statement;
  private readonly all: Database.Statement<[], Row>;
  private readonly many: (records: readonly CredentialRecord[]) => void;

  constructor(db: Database.Database) {
    migrate(db, 'mqtt-credentials', MIGRATIONS);
    this.getOne = db.prepare('SELECT * FROM mqtt_credentials WHERE username = ?');
    this.upsert = db.prepare(`INSERT INTO mqtt_credentials (username, scrypt, mosquitto, issued_at, generation, revoked_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (username) DO UPDATE SET scrypt = excluded.scrypt, mosquitto = excluded.mosquitto, issued_at = excluded.issued_at,
        generation = excluded.generation, revoked_at = excluded.revoked_at`);
    this.all = db.prepare('SELECT * FROM mqtt_credentials ORDER BY username');
    this.many = db.transaction((records: readonly CredentialRecord[]) => {
      for (const r of records) this.upsert.run(r.username, r.scrypt, r.mosquitto, r.issuedAt, r.generation, r.revokedAt ?? null);
    });
  }

  get(username: string): Promise<CredentialRecord | undefined> {
    const row = this.getOne.get(username);
    return Promise.resolve(row === undefined ? undefined : toRecord(row));
  }

  put(r: CredentialRecord): Promise<void> {
    this.upsert.run(r.username, r.scrypt, r.mosquitto, r.issuedAt, r.generation, r.revokedAt ?? null);
    return Promise.resolve();
  }

  putMany(records: readonly CredentialRecord[]): Promise<void> {
    this.many(records);
    return Promise.resolve();
  }

  list(): Promise<CredentialRecord[]> {
    return Promise.resolve(this.all.all().map(toRecord));
  }
}
