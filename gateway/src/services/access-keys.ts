/**
 * API keys of the HTTP API (issue #17, docs/security.md "HTTP access"): made, verified, revoked.
 * A key's secret holds 256 random bits, so one SHA-256 is enough to store it: a slow hash (scrypt, argon2) protects
 * low-entropy passwords from guessing, and there is nothing to guess here; it would only cost every request time.
 * Verified records are cached in memory for `cacheMs`: a request costs no database read, and a key revoked through
 * another replica is refused here within `cacheMs` (through this one, at once).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { KEY_ID_HEX, formatKey, isKeyRole, keyNameProblem, parseKey, type KeyRole } from '../domain/access-keys.js';
import type { ApiKeyRecord, ApiKeyStore } from '../ports/access-keys.js';
import type { Clock } from '../ports/clock.js';

export interface AccessKeyOptions {
  /** A cached key record is read again after this, ms (a revocation through another replica takes effect within it). Default 10 000. */
  readonly cacheMs: number;
  /** `lastUsedAt` is written at most once per key per this, ms. Default 60 000. */
  readonly lastUsedResolutionMs: number;
}

export const DEFAULT_ACCESS_KEY_OPTIONS: AccessKeyOptions = { cacheMs: 10_000, lastUsedResolutionMs: 60_000 };

/** Who a request acts as. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: KeyRole;
}

export type KeyRefusal = 'malformed' | 'unknown' | 'revoked' | 'mismatch';

export type KeyCheck = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly reason: KeyRefusal };

/** A key record as shown: no hash. */
export type ApiKeyInfo = Omit<ApiKeyRecord, 'hash'>;

/** A bad name or role of a new key. */
export class KeyRequestError extends Error {
  readonly code = 'E_BAD_REQUEST';
}

/** The key id the bootstrap admin key (COLDTRACE_ADMIN_KEY) acts as: not stored, so it cannot be revoked but by config. */
export const BOOTSTRAP_KEY_ID = 'bootstrap';

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

const info = ({ hash: _hash, ...rest }: ApiKeyRecord): ApiKeyInfo => rest;

export class AccessKeyService {
  private readonly options: AccessKeyOptions;
  private readonly cache = new Map<string, { record: ApiKeyRecord; readAt: number }>();
  private bootstrapHash: Buffer | undefined;

  constructor(
    private readonly store: ApiKeyStore,
    private readonly clock: Clock,
    options: Partial<AccessKeyOptions> = {},
    private readonly random: (bytes: number) => Buffer = randomBytes,
  ) {
    this.options = { ...DEFAULT_ACCESS_KEY_OPTIONS, ...options };
  }

  /** Accepts `key` (COLDTRACE_ADMIN_KEY, at least 32 characters) as an admin key held in memory only. */
  setBootstrapKey(key: string): void {
    if (key.length < 32) throw new KeyRequestError('the bootstrap admin key has at least 32 characters');
    this.bootstrapHash = sha256(key);
  }

  /** A new key: the text is returned once and stored only as a hash. */
  async create(name: string, role: string, createdBy: string): Promise<{ key: string; info: ApiKeyInfo }> {
    const problem = keyNameProblem(name) ?? (isKeyRole(role) ? undefined : `role: one of viewer, operator, integration, admin, got '${role}'`);
    if (problem !== undefined || !isKeyRole(role)) throw new KeyRequestError(problem ?? 'bad role');
    const id = this.random(KEY_ID_HEX / 2).toString('hex');
    const secret = this.random(32).toString('base64url');
    const key = formatKey(id, secret);
    const record: ApiKeyRecord = { id, name, role, hash: sha256(secret).toString('hex'), createdAt: this.clock.now(), createdBy };
    await this.store.insert(record);
    this.cache.set(id, { record, readAt: this.clock.now() });
    return { key, info: info(record) };
  }

  /** Whether `text` is a valid key, and whose. */
  async verify(text: string): Promise<KeyCheck> {
    if (this.bootstrapHash !== undefined && timingSafeEqual(sha256(text), this.bootstrapHash)) {
      return { ok: true, principal: { keyId: BOOTSTRAP_KEY_ID, name: 'bootstrap admin (COLDTRACE_ADMIN_KEY)', role: 'admin' } };
    }
    const parsed = parseKey(text);
    if (parsed === undefined) return { ok: false, reason: 'malformed' };
    const now = this.clock.now();
    let cached = this.cache.get(parsed.id);
    if (cached === undefined || now - cached.readAt >= this.options.cacheMs) {
      const record = await this.store.get(parsed.id);
      if (record === undefined) {
        this.cache.delete(parsed.id);
        return { ok: false, reason: 'unknown' };
      }
      cached = { record, readAt: now };
      this.cache.set(parsed.id, cached);
    }
    const { record } = cached;
    if (!timingSafeEqual(sha256(parsed.secret), Buffer.from(record.hash, 'hex'))) return { ok: false, reason: 'mismatch' };
    if (record.revokedAt !== undefined) return { ok: false, reason: 'revoked' };
    if (record.lastUsedAt === undefined || now - record.lastUsedAt >= this.options.lastUsedResolutionMs) {
      cached.record = { ...record, lastUsedAt: now };
      await this.store.touch(record.id, now);
    }
    return { ok: true, principal: { keyId: record.id, name: record.name, role: record.role } };
  }

  async list(): Promise<ApiKeyInfo[]> {
    return (await this.store.list()).map(info);
  }

  /** Revokes the key at once on this gateway; undefined when there is no such key. */
  async revoke(id: string): Promise<ApiKeyInfo | undefined> {
    const record = await this.store.revoke(id, this.clock.now());
    if (record === undefined) return undefined;
    this.cache.set(id, { record, readAt: this.clock.now() });
    return info(record);
  }
}
