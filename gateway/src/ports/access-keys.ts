/** Stored API keys of the HTTP API (docs/security.md "HTTP access"): never the key, only its hash. */
import type { KeyRole } from '../domain/access-keys.js';

export interface ApiKeyRecord {
  /** The key's lookup id (16 hex digits), the part of the key that is not secret. */
  readonly id: string;
  readonly name: string;
  readonly role: KeyRole;
  /** SHA-256 of the key's secret, hex. */
  readonly hash: string;
  /** ms since the epoch. */
  readonly createdAt: number;
  /** Who created it: a key's name, or `cli` / `bootstrap`. */
  readonly createdBy: string;
  /** Last accepted use, ms since the epoch; coarse (written at most once per key per minute by default). */
  readonly lastUsedAt?: number;
  /** ms since the epoch; a revoked key is refused from then on. */
  readonly revokedAt?: number;
}

export interface ApiKeyStore {
  /** Throws when the id exists already. */
  insert(record: ApiKeyRecord): Promise<void>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, newest first, revoked ones included. */
  list(): Promise<ApiKeyRecord[]>;
  /** Sets revokedAt unless it is set; the record after, or undefined when no such key. */
  revoke(id: string, at: number): Promise<ApiKeyRecord | undefined>;
  touch(id: string, at: number): Promise<void>;
}
