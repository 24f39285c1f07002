/**
 * The records chain on a real registry.db: every flag and placement version appended in its write's transaction;
 * a flag row, a placement row or a chain entry edited directly with better-sqlite3 is named by verification.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Finding } from '../../../domain/flags/types.js';
import { openDatabase } from '../database.js';
import { SqliteFlagStore } from '../flags/flag-store.js';
import { SqliteRegistryStore } from '../registry/registry-store.js';
import { verifyRecords } from './record-verifier.js';

const META = { at: 1_790_000_000_000, actor: 'test', source: 'api' };
const finding = (id: string, active = true): Finding => ({
  rule: 'excursion/temperature/upper/8/consecutive/30', params: {}, subject: { kind: 'batch', id }, severity: 'major', title: 'temperature ≥ 8 °C for 30 min',
  startMs: 1000, endMs: 2000, metAtMs: 1500, active, episodes: [], figures: {}, related: { devices: ['S-1'], zones: [], batches: [id], shipments: [], orders: [] },
});
const placement = (id: string, from: string, to?: string) => ({ op: 'put' as const, kind: 'placements' as const, entity: { id, device: 'S-1', zone: 'Z-1', from, ...(to !== undefined ? { to } : {}) } });

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coldtrace-records-'));
  path = join(dir, 'registry.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Two flags (one raised then cleared), two placements (one closed, one deleted), through the stores. */
async function history(): Promise<void> {
  const db = openDatabase(path);
  const registry = new SqliteRegistryStore(db);
  const flags = new SqliteFlagStore(db);
  await registry.apply([placement('P-1', '2026-12-01T00:00:00Z'), placement('P-2', '2026-12-01T01:00:00Z')], META);
  await registry.apply([placement('P-1', '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z')], META);
  await registry.apply([{ op: 'delete', kind: 'placements', id: 'P-2' }], META);
  await flags.reconcile([{ kind: 'batch', id: 'B-1' }], [finding('B-1')], 10);
  await flags.reconcile([{ kind: 'batch', id: 'B-2' }], [finding('B-2')], 11);
  await flags.reconcile([{ kind: 'batch', id: 'B-1' }], [finding('B-1', false)], 12);
  db.close();
}

function verify(edit?: (db: Database.Database) => void): ReturnType<typeof verifyRecords> {
  const db = new Database(path);
  try {
    edit?.(db);
    return verifyRecords(db);
  } finally {
    db.close();
  }
}

describe('records chain', () => {
  it('appends an entry per version written and verifies untouched records clean', async () => {
    await history();
    const v = verify();
    expect(v.broken).toBeUndefined();
    // P-1 twice, P-2 put and deleted, B-1 twice, B-2 once.
    expect(v.length).toBe(7);
  });

  it.each([
    ['a flag\'s document', "UPDATE flag SET doc = replace(doc, '\"major\"', '\"minor\"') WHERE id LIKE '%B-1'", 'flag', 'content'],
    ['a flag\'s state column', "UPDATE flag SET state = 'resolved' WHERE id LIKE '%B-2'", 'flag', 'content'],
    ['a placement\'s document', "UPDATE entity SET doc = replace(doc, '2026-12-02', '2026-12-03') WHERE kind = 'placements' AND id = 'P-1'", 'placement', 'content'],
    ['a placement\'s index row', "UPDATE placement SET from_ms = from_ms - 3600000 WHERE id = 'P-1'", 'placement', 'content'],
    ['a placement deleted', "DELETE FROM entity WHERE kind = 'placements' AND id = 'P-1'", 'placement', 'missing'],
    ['a deleted placement put back', "INSERT INTO entity (kind, id, doc, created_at, created_by, created_source) VALUES ('placements', 'P-2', '{}', 0, 'x', 'x')", 'placement', 'content'],
    ['a flag inserted around the gateway', "INSERT INTO flag SELECT 'forged', subject, rule, state, severity, active, withdrawn, updated_at, doc FROM flag LIMIT 1", 'flag', 'unrecorded'],
  ])('names the record when %s is edited in the database', async (_name, sql, kind, reason) => {
    await history();
    const broken = verify((db) => db.exec(sql)).broken;
    expect(broken).toMatchObject({ chain: 'records', reason, record: { kind } });
    expect(broken?.found).not.toBe(broken?.expected);
  });

  it('names the entry whose link no longer re-derives when the chain itself is edited', async () => {
    await history();
    expect(verify((db) => db.exec('UPDATE integrity_records SET version = zeroblob(32) WHERE seq = 3')).broken).toMatchObject({ reason: 'link', link: 3 });
  });

  it('adopts flags and placements stored before the chain existed, so they verify from then on', async () => {
    const db = openDatabase(path);
    await new SqliteRegistryStore(db, { chain: false }).apply([placement('P-1', '2026-12-01T00:00:00Z')], META);
    await new SqliteFlagStore(db, { chain: false }).reconcile([{ kind: 'batch', id: 'B-1' }], [finding('B-1')], 10);
    new SqliteRegistryStore(db);
    new SqliteFlagStore(db);
    db.close();
    expect(verify()).toMatchObject({ length: 2 });
    expect(verify().broken).toBeUndefined();
  });
});
