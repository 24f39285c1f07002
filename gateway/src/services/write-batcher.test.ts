import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTelemetryStore } from '../adapters/sqlite/telemetry-store.js';
import type { ReadingQuery, SeriesBucket, SeriesQuery, TelemetryStore, WriteResult } from '../ports/telemetry-store.js';
import type { StoredReading } from '../domain/reading.js';
import { WriteBatcher } from './write-batcher.js';

/** A real store that answers slowly, like a disk under load or a remote database. */
class SlowStore implements TelemetryStore {
  writes = 0;
  /** Devices of each commit's readings, in commit order. */
  readonly commits: string[][] = [];
  /** performance.now() at each commit's start. */
  readonly starts: number[] = [];
  constructor(private readonly inner: SqliteTelemetryStore, private readonly delayMs: number) {}
  async write(readings: readonly StoredReading[]): Promise<WriteResult> {
    this.writes++;
    this.commits.push(readings.map((r) => r.device));
    this.starts.push(performance.now());
    await new Promise((r) => setTimeout(r, this.delayMs));
    return this.inner.write(readings);
  }
  query(q: ReadingQuery): Promise<StoredReading[]> {
    return this.inner.query(q);
  }
  series(q: SeriesQuery): Promise<SeriesBucket[]> {
    return this.inner.series(q);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * A real store whose commits wait for the test: `started(n)` resolves once the n-th write began, `release()` lets
 * the oldest waiting write go on. The write numbered `throwAt` throws synchronously instead, as a store may when
 * it cannot even start (e.g. the SQLite writer thread cannot be created).
 */
class GatedStore implements TelemetryStore {
  readonly commits: string[][] = [];
  private readonly gates: (() => void)[] = [];
  private readonly waiters: { n: number; resolve: () => void }[] = [];
  constructor(private readonly inner: SqliteTelemetryStore, private readonly throwAt = 0) {}
  async started(n: number): Promise<void> {
    if (this.commits.length >= n) return;
    await new Promise<void>((resolve) => this.waiters.push({ n, resolve }));
  }
  release(): void {
    this.gates.shift()?.();
  }
  write(readings: readonly StoredReading[]): Promise<WriteResult> {
    this.commits.push(readings.map((r) => r.device));
    for (const w of this.waiters.filter((x) => x.n <= this.commits.length)) w.resolve();
    if (this.commits.length === this.throwAt) throw new Error('store cannot start a write');
    return new Promise<void>((resolve) => this.gates.push(resolve)).then(() => this.inner.write(readings));
  }
  query(q: ReadingQuery): Promise<StoredReading[]> {
    return this.inner.query(q);
  }
  series(q: SeriesQuery): Promise<SeriesBucket[]> {
    return this.inner.series(q);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const NO_OBSERVER = { committed: () => undefined, depth: () => undefined, heldBack: () => undefined };

const reading = (device: string, time: number): StoredReading => ({ site: 's', node: 'n', device, metric: 'temperature', time, value: 1, unit: 'Cel', seq: time, receivedAt: time, flags: 0 });

describe('WriteBatcher', () => {
  let dir: string;
  let sqlite: SqliteTelemetryStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-batcher-'));
    sqlite = SqliteTelemetryStore.open(join(dir, 't.db'), { durability: 'normal' });
  });
  afterEach(async () => {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares one commit between writers that arrive while a commit runs', async () => {
    const store = new SlowStore(sqlite, 20);
    const b = new WriteBatcher(store, () => Date.now(), { committed: () => undefined, depth: () => undefined, heldBack: () => undefined });
    await Promise.all(Array.from({ length: 100 }, (_, i) => b.write([reading(`d${i}`, 1_790_000_000_000)])));
    expect(sqlite.count()).toBe(100);
    // The first writer commits alone; the other 99 arrived during that commit and share the next one or two.
    expect(store.writes).toBeLessThanOrEqual(3);
  });

  it('hands the next commit to the store before it tells the writers of the previous one', async () => {
    const store = new GatedStore(sqlite);
    const b = new WriteBatcher(store, () => Date.now(), NO_OBSERVER, { minCommitIntervalMs: 0 });
    const commitsWhenTold: number[] = [];
    const told = (resolve: () => void) => (): void => { commitsWhenTold.push(store.commits.length); resolve(); };
    const first = new Promise<void>((resolve) => b.writeThen([reading('a', 1_790_000_000_000)], told(resolve)));
    await store.started(1); // commit 1 runs; 'b' waits for it
    const second = new Promise<void>((resolve) => b.writeThen([reading('b', 1_790_000_000_000)], told(resolve)));
    store.release();
    await store.started(2);
    store.release();
    await Promise.all([first, second]);
    // Told of commit 1 when commit 2 (holding 'b') was already at the store: it did not wait for the acknowledgements.
    expect(commitsWhenTold).toEqual([2, 2]);
    expect(store.commits).toEqual([['a'], ['b']]);
  });

  it('tells the writers of a commit before those of a later one whose store call throws at once', async () => {
    const store = new GatedStore(sqlite, 2); // the second call throws synchronously, the third succeeds
    const b = new WriteBatcher(store, () => Date.now(), NO_OBSERVER, { minCommitIntervalMs: 0, maxBatchReadings: 1 });
    const order: string[] = [];
    const write = (device: string): Promise<void> => new Promise((resolve) => b.writeThen([reading(device, 1_790_000_000_000)], (e) => { order.push(`${device}:${e === null ? 'ok' : 'error'}`); resolve(); }));
    const a = write('a');
    await store.started(1);
    const rest = [write('b'), write('c')]; // one reading per commit: 'b' and 'c' commit apart
    store.release();
    await store.started(3);
    store.release();
    await Promise.all([a, ...rest]);
    expect(order).toEqual(['a:ok', 'b:error', 'c:ok']);
  });

  it('holds writers back when the queue is full instead of growing it, and loses nothing', async () => {
    const store = new SlowStore(sqlite, 10);
    let maxDepth = 0;
    let heldBack = 0;
    const b = new WriteBatcher(store, () => Date.now(), { committed: () => undefined, depth: (n) => { maxDepth = Math.max(maxDepth, n); }, heldBack: () => { heldBack++; } },
      { maxQueuedReadings: 100, maxBatchReadings: 50 });
    // A 10x burst: 1,000 readings offered at once against a queue of 100.
    await Promise.all(Array.from({ length: 100 }, (_, i) => b.write(Array.from({ length: 10 }, (_, k) => reading('burst', 1_790_000_000_000 + i * 10 + k)))));
    expect(maxDepth).toBeLessThanOrEqual(100);
    expect(heldBack).toBeGreaterThan(0);
    expect(sqlite.count()).toBe(1000);
  });

  it('rejects every writer of a failed commit, so none of them is acknowledged', async () => {
    const failing: TelemetryStore = { write: () => Promise.reject(new Error('disk full')), query: () => Promise.resolve([]), series: () => Promise.resolve([]), close: () => Promise.resolve() };
    const b = new WriteBatcher(failing, () => Date.now(), { committed: () => undefined, depth: () => undefined, heldBack: () => undefined });
    const results = await Promise.allSettled([b.write([reading('a', 1)]), b.write([reading('b', 1)])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('calls each writeThen callback once, after its readings are committed, never synchronously', async () => {
    const store = new SlowStore(sqlite, 5);
    const b = new WriteBatcher(store, () => Date.now(), { committed: () => undefined, depth: () => undefined, heldBack: () => undefined },
      { maxQueuedReadings: 30, maxBatchReadings: 20 });
    const calls = new Map<number, { error: Error | null; storedThen: number }[]>();
    let returned = false;
    await new Promise<void>((resolve) => {
      let left = 50;
      for (let i = 0; i < 50; i++) {
        b.writeThen([reading(`d${i}`, 1_790_000_000_000), reading(`d${i}`, 1_790_000_000_001)], (error) => {
          expect(returned).toBe(true);
          calls.set(i, [...(calls.get(i) ?? []), { error, storedThen: sqlite.count() }]);
          if (--left === 0) setTimeout(resolve, 20); // late extra calls would show up in `calls`
        });
      }
      returned = true;
    });
    expect(calls.size).toBe(50);
    for (const c of calls.values()) {
      expect(c).toHaveLength(1);
      expect(c[0]!.error).toBeNull();
    }
    // Each callback saw its own readings stored; the last one saw all 100.
    expect(calls.get(0)![0]!.storedThen).toBeGreaterThanOrEqual(2);
    expect(Math.max(...[...calls.values()].map((c) => c[0]!.storedThen))).toBe(100);
    expect(sqlite.count()).toBe(100);
  });

  it('tells every writer of a failed commit the error and writers after close() at once', async () => {
    const failing: TelemetryStore = { write: () => Promise.reject(new Error('disk full')), query: () => Promise.resolve([]), series: () => Promise.resolve([]), close: () => Promise.resolve() };
    const b = new WriteBatcher(failing, () => Date.now(), { committed: () => undefined, depth: () => undefined, heldBack: () => undefined });
    const errors = await Promise.all([1, 2, 3].map((i) => new Promise<Error | null>((r) => b.writeThen([reading(`d${i}`, 1)], r))));
    expect(errors.map((e) => e?.message)).toEqual(['disk full', 'disk full', 'disk full']);
    await b.close();
    const late = await new Promise<Error | null>((r) => b.writeThen([reading('late', 1)], r));
    expect(late?.message).toBe('write batcher is closed');
  });

  it('commits live readings first and gives the backlog at most its share of each commit, every commit', async () => {
    const store = new SlowStore(sqlite, 5);
    const b = new WriteBatcher(store, () => Date.now(), { committed: () => undefined, depth: () => undefined, heldBack: () => undefined },
      { maxBacklogPerCommit: 250 });
    const t = 1_790_000_000_000;
    // A replay of 10 messages of 100 readings, then live messages arriving while it is being written.
    const replay = Array.from({ length: 10 }, (_, i) => b.write(Array.from({ length: 100 }, (_, k) => reading('backlog', t + i * 100 + k)), 'backlog'));
    const order: string[] = [];
    const live: Promise<void>[] = [];
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 3));
      live.push(b.write([reading(`live${i}`, t)]).then(() => { order.push(`live${i}`); }));
    }
    await Promise.all([...live, ...replay.map((p, i) => p.then(() => { order.push(`backlog${i}`); }))]);
    expect(sqlite.count()).toBe(1004);
    // Every commit holds at most 2 whole backlog messages (200 of a 250 share) and the live readings waiting for it.
    for (const c of store.commits) expect(c.filter((d) => d === 'backlog').length).toBeLessThanOrEqual(200);
    // The backlog moved in every commit until it was done: never starved by live traffic.
    const withBacklog = store.commits.map((c) => c.includes('backlog'));
    expect(withBacklog.slice(0, withBacklog.lastIndexOf(true) + 1).every(Boolean)).toBe(true);
    // Each live message was acknowledged before the replay was: it did not wait behind the backlog.
    expect(order.indexOf('live3')).toBeLessThan(order.indexOf('backlog9'));
    for (let i = 0; i < 4; i++) expect(store.commits.findIndex((c) => c.includes(`live${i}`))).toBeLessThan(store.commits.length - 1);
  });

  it('never holds a live writer back because the backlog is full', async () => {
    const store = new SlowStore(sqlite, 5);
    let heldBack = 0;
    const b = new WriteBatcher(store, () => Date.now(), { committed: () => undefined, depth: () => undefined, heldBack: () => { heldBack++; } },
      { maxQueuedReadings: 100, maxBacklogPerCommit: 50 });
    const t = 1_790_000_000_000;
    const replay = Array.from({ length: 20 }, (_, i) => b.write(Array.from({ length: 50 }, (_, k) => reading('backlog', t + i * 50 + k)), 'backlog'));
    expect(heldBack).toBeGreaterThan(0); // the backlog lane is full
    const before = heldBack;
    let liveDone = false;
    const live = b.write([reading('live', t)]).then(() => { liveDone = true; });
    expect(heldBack).toBe(before);
    await live;
    expect(store.commits.findIndex((c) => c.includes('live'))).toBeLessThanOrEqual(1);
    await Promise.all(replay);
    expect(liveDone).toBe(true);
    expect(sqlite.count()).toBe(1001);
  });

  it('makes a small commit wait out the interval after the previous one, and a large one not', async () => {
    // Wall-clock bounds, generous on purpose (issue #25): "at once" is judged as under half the 300 ms interval, so a
    // loaded machine's scheduling delays cannot be mistaken for waiting out the interval.
    const store = new SlowStore(sqlite, 1);
    const b = new WriteBatcher(store, () => Date.now(), { committed: () => undefined, depth: () => undefined, heldBack: () => undefined },
      { minCommitIntervalMs: 300, minCommitReadings: 10 });
    const t = 1_790_000_000_000;
    const t0 = performance.now();
    await b.write([reading('a', t)]); // the first commit: nothing to wait for
    await b.write([reading('a', t + 1)]); // small, 300 ms after the first one's start
    await b.write(Array.from({ length: 10 }, (_, k) => reading('b', t + k))); // large enough: at once
    const [first, second, third] = store.starts;
    expect(first! - t0).toBeLessThan(150);
    // The batcher waits by Date.now (whole ms) and this measures by performance.now: the two differ by up to a
    // millisecond, so a wait of exactly 300 ms by the batcher's clock can read 298.9 here (seen in CI).
    expect(second! - first!).toBeGreaterThanOrEqual(298);
    expect(third! - second!).toBeLessThan(150);
    // A small write waiting for its interval starts at once when the queue reaches minCommitReadings.
    const small = b.write([reading('c', t)]);
    await new Promise((r) => setTimeout(r, 5));
    const rest = b.write(Array.from({ length: 9 }, (_, k) => reading('d', t + k)));
    await Promise.all([small, rest]);
    expect(store.starts[3]! - third!).toBeLessThan(150);
    expect(store.commits[3]).toHaveLength(10);
    expect(sqlite.count()).toBe(22);
  });

  it('counts each held-back writer once and admits held writers in arrival order, none overtaking', async () => {
    const store = new SlowStore(sqlite, 3);
    let heldBack = 0;
    const b = new WriteBatcher(store, () => Date.now(), { committed: () => undefined, depth: () => undefined, heldBack: () => { heldBack++; } },
      { maxQueuedReadings: 100, maxBatchReadings: 100, minCommitIntervalMs: 0 });
    const t = 1_790_000_000_000;
    const order: number[] = [];
    // Ten writes of 60 readings against room for 100: one at a time fits, the other nine are held back once each.
    const big = Array.from({ length: 10 }, (_, i) => b.write(Array.from({ length: 60 }, (_, k) => reading(`w${i}`, t + k))).then(() => { order.push(i); }));
    expect(heldBack).toBe(9);
    // A small write arriving now waits behind them instead of slipping into the room they wait for.
    const small = b.write([reading('late', t)]).then(() => { order.push(99); });
    expect(heldBack).toBe(10);
    await Promise.all([...big, small]);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 99]);
    expect(heldBack).toBe(10);
    expect(sqlite.count()).toBe(601);
  });

  it('shows the readings of each successful commit to the stages after it, after the writers are told, never those of a failed one', async () => {
    const store = new GatedStore(sqlite, 2);
    const errors: Error[] = [];
    const b = new WriteBatcher(store, () => Date.now(), { ...NO_OBSERVER, listenerFailed: (e) => errors.push(e) }, { minCommitIntervalMs: 0 });
    const seen: string[] = [];
    let told = false;
    b.onCommitted((rows) => { seen.push(`${rows.map((r) => r.device).join(',')} after ${told ? 'ack' : 'nothing'}`); });
    b.onCommitted(() => { throw new Error('a broken stage'); });
    b.onCommitted((rows) => { seen.push(`second stage ${rows.length}`); });
    const first = new Promise<void>((resolve) => b.writeThen([reading('a', 1), reading('b', 2)], () => { told = true; resolve(); }));
    await store.started(1);
    // The second commit throws at its start: its readings are not stored and no stage sees them.
    const second = b.write([reading('c', 3)]).catch((e: Error) => e.message);
    store.release();
    await first;
    expect(await second).toBe('store cannot start a write');
    await b.drain();
    expect(seen).toEqual(['a,b after ack', 'second stage 2']);
    expect(errors.map((e) => e.message)).toEqual(['a broken stage']);
  });
});
