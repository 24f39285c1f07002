/**
 * Opening SQLite files the way the gateway needs them: WAL (readers never block the writer), and a synchronous level
 * chosen by the operator. `full` survives power loss after commit; `normal` survives a process crash (kill -9) but
 * may lose the last commits on power loss. Ack-after-commit is only as strong as this setting.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Durability = 'full' | 'normal';

export interface SqliteOptions {
  /** Default 'full'. */
  readonly durability: Durability;
  /** Page cache size, KiB. Default 65536 (64 MiB). */
  readonly cacheKiB: number;
}

export const DEFAULT_SQLITE_OPTIONS: SqliteOptions = { durability: 'full', cacheKiB: 65_536 };

export function openDatabase(path: string, options: Partial<SqliteOptions> = {}): Database.Database {
  const o = { ...DEFAULT_SQLITE_OPTIONS, ...options };
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${o.durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma(`cache_size = -${o.cacheKiB}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Applies numbered migrations once each. Several components share one database file, so each keeps its own version
 * in `schema_versions` (user_version would be shared).
 */
export function migrate(db: Database.Database, component: string, migrations: readonly string[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_versions WHERE component = ?').get(component) as { version: number } | undefined;
  for (let v = row?.version ?? 0; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.prepare('INSERT INTO schema_versions (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version').run(component, v + 1);
    })();
  }
}
