import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../adapters/sqlite/database.js';
import { SqliteApiKeyStore } from '../adapters/sqlite/access/key-store.js';
import { AccessKeyService, KeyRequestError } from './access-keys.js';

describe('AccessKeyService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-keys-'));
  const db = openDatabase(join(dir, 'access.db'));
  const store = new SqliteApiKeyStore(db);
  let now = 1_000_000;
  const clock = { now: () => now };
  const keys = new AccessKeyService(store, clock, { cacheMs: 10_000, lastUsedResolutionMs: 60_000 });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a key of 256 random bits that verifies as its holder, stored only as a hash', async () => {
    const { key, info } = await keys.create('qa.ben', 'operator', 'admin');
    expect(key).toMatch(/^ctk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(await keys.verify(key)).toEqual({ ok: true, principal: { keyId: info.id, name: 'qa.ben', role: 'operator' } });
    const stored = await store.get(info.id);
    expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(key.slice(21));
  });

  it.each([
    ['not a key at all', 'malformed'],
    [`ctk_0123456789abcdef_${'A'.repeat(43)}`, 'unknown'],
  ])('refuses %s as %s', async (text, reason) => {
    expect(await keys.verify(text)).toEqual({ ok: false, reason });
  });

  it('refuses a known id with another secret', async () => {
    const { key } = await keys.create('x', 'viewer', 'admin');
    const other = `${key.slice(0, 21)}${key.at(21) === 'A' ? 'B' : 'A'}${key.slice(22)}`;
    expect(await keys.verify(other)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a revoked key at once here, and within the cache time when revoked elsewhere', async () => {
    const a = await keys.create('a', 'admin', 'admin');
    expect((await keys.verify(a.key)).ok).toBe(true);
    await keys.revoke(a.info.id);
    expect(await keys.verify(a.key)).toEqual({ ok: false, reason: 'revoked' });

    const b = await keys.create('b', 'admin', 'admin');
    expect((await keys.verify(b.key)).ok).toBe(true);
    await store.revoke(b.info.id, now); // another replica, or coldtrace-keys
    expect((await keys.verify(b.key)).ok).toBe(true);
    now += 10_000;
    expect(await keys.verify(b.key)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('writes the last use at most once a minute', async () => {
    const { key, info } = await keys.create('c', 'viewer', 'admin');
    await keys.verify(key);
    expect((await store.get(info.id))?.lastUsedAt).toBe(now);
    const first = now;
    now += 59_000;
    await keys.verify(key);
    expect((await store.get(info.id))?.lastUsedAt).toBe(first);
    now += 1000;
    await keys.verify(key);
    expect((await store.get(info.id))?.lastUsedAt).toBe(now);
  });

  it('accepts the bootstrap key as admin, held in memory only', async () => {
    keys.setBootstrapKey('x'.repeat(40));
    expect(await keys.verify('x'.repeat(40))).toMatchObject({ ok: true, principal: { keyId: 'bootstrap', role: 'admin' } });
    expect((await keys.verify('x'.repeat(41))).ok).toBe(false);
    expect(() => { keys.setBootstrapKey('short'); }).toThrow(KeyRequestError);
  });

  it('refuses a bad role or name', async () => {
    await expect(keys.create('n', 'root', 'admin')).rejects.toThrow(/role/);
    await expect(keys.create(' ', 'viewer', 'admin')).rejects.toThrow(/name/);
  });
});
