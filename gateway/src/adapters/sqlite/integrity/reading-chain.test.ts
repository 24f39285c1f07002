/**
 * The readings chain on real SQLite files: written by the writer thread in each commit's transaction, verified from
 * what is stored, and broken links named when a reading, a chunk or a link is edited with better-sqlite3.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { H, H0, r } from '../../../../test/support/hour-readings.js';
import { CHUNK_WIDTH, decodeChunk, encodeChunk } from '../chunk.js';
import { decodeLog, encodeLog } from '../ingest-log.js';
import { SqliteTelemetryStore } from '../telemetry-store.js';
import { ReadingChainVerifier } from './reading-verifier.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coldtrace-chain-'));
  path = join(dir, 'telemetry.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function verify(): ReturnType<ReadingChainVerifier['run']> {
  const db = new Database(path);
  try {
    return new ReadingChainVerifier(db).run();
  } finally {
    db.close();
  }
}

/** Three commits: d1 temperature at 0..2 s, then d1 humidity and d2 temperature, then d1 temperature at 10 s. */
async function threeCommits(store: SqliteTelemetryStore): Promise<void> {
  await store.write([r(0), r(1000), r(2000)]);
  await store.write([r(0, 50, 'humidity'), r(0, 7, 'temperature', 'd2')]);
  await store.write([r(10_000, 4.25)]);
}

/** Rewrites the first chunk of (device, metric) with `edit` applied to its decoded readings. */
function editChunk(db: Database.Database, device: string, metric: string, edit: (v: Float64Array) => void): void {
  const row = db.prepare('SELECT c.id, c.data FROM chunks c JOIN series s ON s.id = c.series_id WHERE s.device = ? AND s.metric = ? ORDER BY c.id LIMIT 1').get(device, metric) as { id: number; data: Buffer };
  const v = decodeChunk(row.data).slice();
  edit(v);
  db.prepare('UPDATE chunks SET data = ? WHERE id = ?').run(encodeChunk(v), row.id);
}

describe('readings chain', () => {
  it('appends one link per commit and verifies an untouched store clean', async () => {
    const store = SqliteTelemetryStore.open(path);
    await threeCommits(store);
    await store.write([r(0), r(1000)]); // duplicates only: nothing stored, no link
    await store.close();
    expect(verify()).toMatchObject({ length: 3, verified: 3, pruned: 0 });
    expect(verify().broken).toBeUndefined();
  });

  it('names the reading edited in a chunk: device, metric, time, the commit that stored it, expected and found hash', async () => {
    const store = SqliteTelemetryStore.open(path);
    await threeCommits(store);
    await store.close(); // a clean close writes the ingest log into chunks
    const db = new Database(path);
    editChunk(db, 'd1', 'temperature', (v) => { v[CHUNK_WIDTH + 1] = 3.5; }); // the reading at 1000 ms
    db.close();
    const broken = verify().broken;
    expect(broken).toMatchObject({ chain: 'readings', reason: 'content', link: 1, device: 'd1', metric: 'temperature', time: H0 + 1000 });
    expect(broken?.expected).toMatch(/^[0-9a-f]{64}$/);
    expect(broken?.found).not.toBe(broken?.expected);
    expect(broken?.detail).toContain('value 3.5');
  });

  it('names a reading edited while it is still in the ingest log (the writer died before writing chunks)', async () => {
    const store = SqliteTelemetryStore.open(path);
    await threeCommits(store);
    await store.terminateWriter();
    await store.close();
    const db = new Database(path);
    const rows = db.prepare('SELECT id, data FROM ingest_log ORDER BY id').all() as { id: number; data: Buffer }[];
    expect(rows.length).toBeGreaterThan(0);
    // The last commit's row: d1 temperature at 10 s; its seq becomes 99.
    const last = rows.at(-1)!;
    const v = decodeLog(last.data).slice();
    v[3] = 99;
    db.prepare('UPDATE ingest_log SET data = ? WHERE id = ?').run(encodeLog(v), last.id);
    db.close();
    expect(verify().broken).toMatchObject({ reason: 'content', link: 3, device: 'd1', metric: 'temperature', time: H0 + 10_000 });
  });

  it('names a reading deleted by hand as missing', async () => {
    const store = SqliteTelemetryStore.open(path);
    await threeCommits(store);
    await store.close();
    const db = new Database(path);
    db.prepare("DELETE FROM chunks WHERE series_id = (SELECT id FROM series WHERE device = 'd2')").run();
    db.close();
    expect(verify().broken).toMatchObject({ reason: 'missing', link: 2, device: 'd2', metric: 'temperature', time: H0 });
  });

  it.each([
    ['a digest', "UPDATE integrity_commits SET digest = zeroblob(32) WHERE id = 2", 2],
    ['a link', "UPDATE integrity_commits SET link = zeroblob(32) WHERE id = 2", 2],
    ['a link removed', 'DELETE FROM integrity_commits WHERE id = 2', 2],
  ])('names the first broken link when %s is edited in the chain itself', async (_name, sql, link) => {
    const store = SqliteTelemetryStore.open(path);
    await threeCommits(store);
    await store.close();
    const db = new Database(path);
    db.exec(sql);
    db.close();
    expect(verify().broken).toMatchObject({ chain: 'readings', reason: 'link', link });
  });

  it('names a link whose manifest was cut short', async () => {
    const store = SqliteTelemetryStore.open(path);
    await threeCommits(store);
    await store.close();
    const db = new Database(path);
    db.exec('UPDATE integrity_commits SET manifest = substr(manifest, 1, 5) WHERE id = 1');
    db.close();
    expect(verify().broken).toMatchObject({ reason: 'content', link: 1, expected: 'a readable manifest' });
  });

  it('names a series renamed by hand', async () => {
    const store = SqliteTelemetryStore.open(path);
    await threeCommits(store);
    await store.close();
    const db = new Database(path);
    db.prepare("UPDATE series SET unit = 'degF' WHERE device = 'd2'").run();
    db.close();
    expect(verify().broken).toMatchObject({ reason: 'content', link: 2 });
  });

  it('counts commits whose hours retention folded as pruned, and still verifies the rest from their readings', async () => {
    const store = SqliteTelemetryStore.open(path);
    await store.write([r(0), r(1000)]);
    await store.write([r(2 * H), r(2 * H + 1000)]);
    await store.close();
    const db = new Database(path);
    const again = SqliteTelemetryStore.open(path, { writer: 'inline' });
    again.retention.apply(H0 + H, undefined);
    await again.close();
    db.close();
    expect(verify()).toMatchObject({ length: 2, verified: 1, pruned: 1 });
    expect(verify().broken).toBeUndefined();
  });

  it('leaves a verifiable chain when the writer thread dies in the middle of a commit', async () => {
    const store = SqliteTelemetryStore.open(path);
    await store.write([r(0)]);
    const big = Array.from({ length: 100_000 }, (_, i) => r(i + 1, i, i % 2 === 0 ? 'temperature' : 'humidity', `dev-${i % 50}`));
    const pending = store.write(big);
    await store.terminateWriter();
    await expect(pending).rejects.toThrow(/exited/);
    expect(verify().broken).toBeUndefined();
    // The writes that were not acknowledged are sent again (as a device does): stored once, chained once.
    await store.write(big);
    await store.close();
    const v = verify();
    expect(v.broken).toBeUndefined();
    expect(v.verified).toBe(v.length);
  });

  it('names a reading inserted around the gateway (stored, covered by no link)', async () => {
    const store = SqliteTelemetryStore.open(path);
    await threeCommits(store);
    await store.close();
    const db = new Database(path);
    editChunk(db, 'd2', 'temperature', () => undefined);
    const id = db.prepare("SELECT id FROM series WHERE device = 'd2'").pluck().get() as number;
    db.prepare('INSERT INTO chunks (series_id, hour, t_start, t_end, n, data) VALUES (?, ?, ?, ?, 1, ?)').run(id, H0, H0 + 500, H0 + 500, encodeChunk(new Float64Array([H0 + 500, 9, 1, H0, 0])));
    db.close();
    expect(verify().broken).toMatchObject({ reason: 'unrecorded', device: 'd2', metric: 'temperature', time: H0 + 500 });
  });

  it('takes readings stored before the chain existed as unchained, not as unrecorded', async () => {
    const old = SqliteTelemetryStore.open(path, { chain: false, writer: 'inline' });
    await old.write([r(0), r(1000)]);
    await old.close(); // no chain table: chaining was off, as in a file of an older gateway
    const store = SqliteTelemetryStore.open(path);
    await store.write([r(2000)]);
    await store.close();
    expect(verify()).toMatchObject({ length: 1, verified: 1 });
    expect(verify().broken).toBeUndefined();
  });

  it('writes no link with chaining off', async () => {
    const store = SqliteTelemetryStore.open(path, { chain: false });
    await threeCommits(store);
    await store.close();
    const db = new Database(path);
    const has = ReadingChainVerifier.present(db) ? db.prepare('SELECT count(*) FROM integrity_commits').pluck().get() : 0;
    db.close();
    expect(has).toBe(0);
  });
});

