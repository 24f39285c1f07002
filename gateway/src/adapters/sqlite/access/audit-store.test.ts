import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../database.js';
import { SqliteAuditLog } from './audit-store.js';
import type { AuditEntryInput } from '../../../ports/access-audit.js';

const entry = (i: number, over: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  at: 1000 + i, method: 'PUT', route: '/api/v1/registry/:kind/:id', params: { kind: 'sites', id: `S${i}` }, status: 200, outcome: 'ok', ip: '127.0.0.1',
  keyId: 'k1', keyName: 'ops', role: 'admin', ...over,
});

describe('SqliteAuditLog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-audit-'));
  const db = openDatabase(join(dir, 'access.db'));
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps what it is given, before and after included, newest first', async () => {
    const log = new SqliteAuditLog(db);
    await log.append(entry(1, { before: { name: 'a' }, after: { name: 'b' } }));
    await log.append(entry(2, { method: 'POST', route: '/api/v1/flags/:id/:action', outcome: 'forbidden', status: 403, reason: 'role', keyId: 'k2' }));
    await log.append(entry(3, { keyId: undefined, keyName: undefined, role: undefined, outcome: 'unauthenticated', status: 401, reason: 'missing' }));
    const all = await log.list({ limit: 10 });
    expect(all.map((e) => e.at)).toEqual([1003, 1002, 1001]);
    expect(all[2]).toMatchObject({ before: { name: 'a' }, after: { name: 'b' }, params: { kind: 'sites', id: 'S1' }, keyName: 'ops' });
    expect(all[0]!.keyId).toBeUndefined();
  });

  it.each([
    [{ keyId: 'k2' }, [1002]],
    [{ method: 'PUT' }, [1003, 1001]],
    [{ route: '/api/v1/flags' }, [1002]],
    [{ route: '/api/v1/registry/:kind' }, [1003, 1001]],
    [{ outcome: 'unauthenticated' as const }, [1003]],
    [{ from: 1002 }, [1003, 1002]],
    [{ to: 1002 }, [1001]],
  ])('filters by %j', async (filter, ats) => {
    const log = new SqliteAuditLog(db);
    expect((await log.list({ limit: 10, ...filter })).map((e) => e.at)).toEqual(ats);
  });

  it('pages by id', async () => {
    const log = new SqliteAuditLog(db);
    const [first] = await log.list({ limit: 1 });
    expect((await log.list({ limit: 10, before: first!.id })).map((e) => e.at)).toEqual([1002, 1001]);
  });

  it('keeps at most maxEntries, deleting the oldest, and counts them', async () => {
    const small = new SqliteAuditLog(openDatabase(join(dir, 'small.db')), { maxEntries: 5, pruneEvery: 2 });
    for (let i = 0; i < 12; i++) await small.append(entry(i));
    expect((await small.list({ limit: 100 })).map((e) => e.at)).toEqual([1011, 1010, 1009, 1008, 1007]);
    expect(small.pruned).toBe(7);
  });
});
