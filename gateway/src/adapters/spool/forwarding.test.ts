import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredReading } from '../../domain/reading.js';
import { ScriptedRemote, httpError } from '../../../test/support/scripted-remote.js';
import { SpooledTelemetryStore } from './spooled-store.js';

const reading = (i: number, over: Partial<StoredReading> = {}): StoredReading => ({
  site: 's', node: 'n', device: 'd', metric: 'temperature', time: 1_000_000 + i * 1000, value: i, unit: 'Cel', seq: i,
  receivedAt: 2_000_000, flags: 0, ...over,
});
const commit = (from: number, n: number): StoredReading[] => Array.from({ length: n }, (_, i) => reading(from + i));
const fast = { idlePollMs: 10, lingerMs: 0, backoff: { initialMs: 5, factor: 2, maxMs: 20, jitter: 0 } };

describe('spool forwarding', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ct-spool-fwd-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  /** Spools the commits while the remote store is down, so they are all waiting when a healthy spool opens. */
  async function spoolWhileDown(path: string, commits: StoredReading[][]): Promise<void> {
    const down = new ScriptedRemote();
    down.failWith = () => httpError(503, 'down');
    const s = SpooledTelemetryStore.open(path, down, { ...fast, closeRemote: false });
    for (const c of commits) await s.write(c);
    await s.close();
  }

  it('combines whole commits into requests of at most batchSize readings; a larger commit goes alone', async () => {
    const path = join(dir, 's.db');
    await spoolWhileDown(path, [commit(0, 3), commit(3, 3), commit(6, 3), commit(9, 10), commit(19, 1)]);
    const remote = new ScriptedRemote();
    const spool = SpooledTelemetryStore.open(path, remote, { ...fast, batchSize: 7, concurrency: 1 });
    expect(await spool.drain(5000)).toBe(true);
    expect(remote.requests).toEqual([6, 3, 10, 1]);
    expect((await remote.inner.query({ device: 'd', from: 0, to: 1e13, limit: 100 })).map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await spool.close();
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const path = join(dir, 's.db');
    await spoolWhileDown(path, [commit(0, 5), commit(5, 5), commit(10, 5), commit(15, 5)]);
    const remote = new ScriptedRemote();
    let open!: () => void;
    const opened = new Promise<void>((resolve) => { open = resolve; });
    remote.gate = () => opened;
    const spool = SpooledTelemetryStore.open(path, remote, { ...fast, batchSize: 5, concurrency: 2 });
    await expect.poll(() => remote.inFlight).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(remote.maxInFlight).toBe(2);
    open();
    expect(await spool.drain(5000)).toBe(true);
    expect(remote.requests).toEqual([5, 5, 5, 5]);
    expect(remote.maxInFlight).toBe(2);
    await spool.close();
  });

  it('sends the newest commits beside the oldest while a backlog drains, so live readings reach the store at once', async () => {
    const path = join(dir, 's.db');
    await spoolWhileDown(path, [0, 5, 10, 15, 20, 25].map((from) => commit(from, 5)));
    const remote = new ScriptedRemote();
    let open!: () => void;
    const opened = new Promise<void>((resolve) => { open = resolve; });
    remote.gate = () => opened;
    // Ten minutes later on the injected clock: the waiting commits are a backlog.
    const later = Date.now() + 600_000;
    const spool = SpooledTelemetryStore.open(path, remote, { ...fast, batchSize: 5, concurrency: 2, clock: { now: () => later } });
    await expect.poll(() => remote.inFlight).toBe(2);
    expect(remote.sent.map((b) => b[0]!.seq).sort((a, b) => a - b)).toEqual([0, 25]);
    open();
    expect(await spool.drain(5000)).toBe(true);
    expect(remote.sent.map((b) => b[0]!.seq).sort((a, b) => a - b)).toEqual([0, 5, 10, 15, 20, 25]);
    expect((await remote.inner.query({ device: 'd', from: 0, to: 1e13, limit: 100 })).map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    await spool.close();
  });

  it('finds a reading in a query while it moves from the spool to the remote store', async () => {
    const remote = new ScriptedRemote();
    remote.failWith = () => httpError(503, 'down');
    const spool = SpooledTelemetryStore.open(join(dir, 's.db'), remote, fast);
    await spool.write([reading(1)]);
    // The remote store reads its rows (none yet), then answers only after the reading was forwarded.
    let answer!: () => void;
    remote.queryGate = () => new Promise<void>((resolve) => { answer = resolve; });
    const query = spool.query({ device: 'd', from: 0, to: 1e13, limit: 10 });
    remote.failWith = () => undefined;
    expect(await spool.drain(5000)).toBe(true);
    answer();
    expect(await query).toEqual([reading(1)]);
    await spool.close();
  });

  it('holds a small request until its oldest reading is lingerMs old on the injected clock, then sends what arrived', async () => {
    let now = 50_000;
    const remote = new ScriptedRemote();
    const spool = SpooledTelemetryStore.open(join(dir, 's.db'), remote, { ...fast, lingerMs: 40, clock: { now: () => now } });
    await spool.write(commit(0, 2));
    await spool.write(commit(2, 3));
    await new Promise((r) => setTimeout(r, 300));
    expect(remote.requests).toEqual([]);
    now += 40;
    expect(await spool.drain(5000)).toBe(true);
    expect(remote.requests).toEqual([5]);
    await spool.close();
  });

  it('sends a full request at once, whatever lingerMs says', async () => {
    const remote = new ScriptedRemote();
    const spool = SpooledTelemetryStore.open(join(dir, 's.db'), remote, { ...fast, lingerMs: 3_600_000, batchSize: 4, clock: { now: () => 0 } });
    await spool.write(commit(0, 4));
    expect(await spool.drain(5000)).toBe(true);
    expect(remote.requests).toEqual([4]);
    await spool.close();
  });

  it('moves the readings waiting in a spool file of the one-row-per-reading format into commits, and forwards them', async () => {
    const path = join(dir, 'legacy.db');
    const db = new Database(path);
    db.exec(`CREATE TABLE schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL);
      INSERT INTO schema_versions VALUES ('spool', 1);
      CREATE TABLE spool (id INTEGER PRIMARY KEY AUTOINCREMENT, site TEXT NOT NULL, node TEXT NOT NULL, device TEXT NOT NULL,
        metric TEXT NOT NULL, unit TEXT NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL, seq INTEGER NOT NULL, received_at INTEGER NOT NULL,
        flags INTEGER NOT NULL, bytes INTEGER NOT NULL, spooled_at INTEGER NOT NULL, forwarded_at INTEGER, UNIQUE (device, metric, t));
      CREATE TABLE dead_letter (id INTEGER PRIMARY KEY AUTOINCREMENT, site TEXT NOT NULL, node TEXT NOT NULL, device TEXT NOT NULL,
        metric TEXT NOT NULL, unit TEXT NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL, seq INTEGER NOT NULL, received_at INTEGER NOT NULL,
        flags INTEGER NOT NULL, spooled_at INTEGER NOT NULL, failed_at INTEGER NOT NULL, code TEXT NOT NULL, status INTEGER, error TEXT NOT NULL);`);
    const insert = db.prepare('INSERT INTO spool (site, node, device, metric, unit, t, value, seq, received_at, flags, bytes, spooled_at, forwarded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 80, 1, ?)');
    for (const [i, forwardedAt] of [[0, 5], [1, null], [2, null], [3, null]] as const) {
      const r = reading(i, { flags: i % 2 });
      insert.run(r.site, r.node, r.device, r.metric, r.unit, r.time, r.value, r.seq, r.receivedAt, r.flags, forwardedAt);
    }
    db.close();
    const remote = new ScriptedRemote();
    const spool = SpooledTelemetryStore.open(path, remote, fast);
    expect(spool.stats().depth).toBe(3);
    // A waiting reading is still recognised as a duplicate after the move.
    expect(await spool.write([reading(2, { flags: 0 })])).toMatchObject({ inserted: 0, duplicates: 1 });
    expect(await spool.drain(5000)).toBe(true);
    expect(await remote.inner.query({ device: 'd', from: 0, to: 1e13, limit: 10 })).toEqual([1, 2, 3].map((i) => reading(i, { flags: i % 2 })));
    await spool.close();
    const after = new Database(path, { readonly: true });
    expect(after.prepare("SELECT name FROM sqlite_master WHERE name = 'spool'").all()).toEqual([]);
    after.close();
  });
});
