/**
 * What the chunked layout must keep on top of the shared contract: identity across commits on both write paths
 * (above the high-water mark and below it), across reopen and across two writers on one file, queries that cross
 * hours and overlapping chunks, and reads of the ingest log while the writer thread logs on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { StoredReading } from '../../domain/reading.js';
import { ChunkQuery } from './chunk-query.js';
import { columnsToReadings } from '../../domain/reading-columns.js';
import { H, H0, r, times } from '../../../test/support/hour-readings.js';
import { SqliteTelemetryStore } from './telemetry-store.js';
import { WorkerWriter } from './worker-writer.js';

describe('chunked SQLite store', () => {
  let dir: string;
  let path: string;
  let store: SqliteTelemetryStore;
  const all = (device = 'd1', limit = 10_000): Promise<StoredReading[]> => store.query({ device, from: H0 - 10 * H, to: H0 + 10 * H, limit });
  const scalar = (sql: string): number => {
    const db = new Database(path, { readonly: true });
    try { return db.prepare(sql).pluck().get() as number; } finally { db.close(); }
  };
  const chunkRows = (): number => scalar('SELECT count(*) FROM chunks');
  const chunkReadings = (): number => scalar('SELECT coalesce(sum(n), 0) FROM chunks');
  const logRows = (): number => scalar('SELECT count(*) FROM ingest_log');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-chunks-'));
    path = join(dir, 't.db');
    store = SqliteTelemetryStore.open(path);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores one chunk per series and hour of a commit, sorted by time, first copy of a time winning', async () => {
    const batch = [r(3000, 3), r(1000, 1), r(H + 10), r(1000, 99), r(2000, 2, 'humidity'), r(2000, 2)];
    // writeSync: every group as a chunk (the writer thread would log groups this small, see below).
    expect(store.writeSync(batch)).toMatchObject({ inserted: 5, duplicates: 1 });
    expect(chunkRows()).toBe(3);
    expect(store.count()).toBe(5);
    expect((await all()).map((x) => [x.time - H0, x.metric, x.value])).toEqual([
      [1000, 'temperature', 1], [2000, 'humidity', 2], [2000, 'temperature', 2], [3000, 'temperature', 3], [H + 10, 'temperature', H + 10],
    ]);
  });

  it('drops re-sent, replayed and late readings already stored, and stores the rest of them', async () => {
    await store.write([r(10_000), r(20_000), r(30_000)]);
    // Late data in an hour already written, partly overlapping a stored chunk in time.
    expect(await store.write([r(15_000), r(20_000), r(25_000), r(5_000)])).toMatchObject({ inserted: 3, duplicates: 1 });
    // A replay covering two hours, an earlier hour included.
    expect(await store.write([r(-H + 1), r(15_000), r(30_000), r(40_000), r(H)])).toMatchObject({ inserted: 3, duplicates: 2 });
    // Identical re-send of everything.
    const everything = await all();
    expect(await store.write(everything)).toMatchObject({ inserted: 0, duplicates: 9 });
    expect(times(await all())).toEqual([-H + 1, 5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, H]);
    expect(store.count()).toBe(9);
  });

  it('logs small commits and writes each series as one chunk per flushReadings (64) readings; a clean close writes the rest', async () => {
    for (let i = 0; i < 150; i++) await store.write([r(i * 1000), r(i * 1000, i, 'humidity')]);
    // 150 readings per series: two chunks of 64 each, 22 still in the log, all of them counted and queried.
    expect(chunkRows()).toBe(4);
    expect(logRows()).toBeGreaterThan(0);
    expect(store.count()).toBe(300);
    expect(times(await all())).toEqual(Array.from({ length: 300 }, (_, i) => Math.floor(i / 2) * 1000));
    await store.close();
    expect(logRows()).toBe(0);
    expect(chunkRows()).toBe(6);
    store = SqliteTelemetryStore.open(path);
    expect(await store.write([r(150_000), r(H + 1)])).toMatchObject({ inserted: 2, duplicates: 0 });
    // A re-send of everything with other values: the logged and the written readings are both recognised.
    expect(await store.write((await all()).map((x) => ({ ...x, value: -1 })))).toMatchObject({ inserted: 0, duplicates: 302 });
    const got = await all('d1', 10_000);
    expect(got.filter((x) => x.metric === 'temperature').map((x) => x.time - H0)).toEqual([...Array.from({ length: 151 }, (_, i) => i * 1000), H + 1]);
    expect(got.every((x) => x.value !== -1 && x.receivedAt === x.time + 5)).toBe(true);
    expect(store.count()).toBe(302);
  });

  it('keeps logged readings through a writer thread crash: the next thread takes them up, nothing lost or doubled', async () => {
    const writer = new WorkerWriter(path, {});
    const batches = Array.from({ length: 40 }, (_, i) => [r(i * 1000), r(i * 1000, i, 'humidity', 'd2')]);
    try {
      for (const b of batches) await writer.write(b);
      expect(logRows()).toBeGreaterThan(0);
      await writer.terminate();
      // A store without a writer thread reads the live log rows itself.
      const inline = SqliteTelemetryStore.open(path, { writer: 'inline' });
      try {
        expect(times(await inline.query({ device: 'd2', from: H0 - H, to: H0 + H, limit: 1000 }))).toEqual(Array.from({ length: 40 }, (_, i) => i * 1000));
        expect(inline.count()).toBe(80);
      } finally {
        await inline.close();
      }
      // The next write starts a new thread, which rebuilds its heads from the log: re-sends are duplicates.
      expect(await writer.write(batches.flat())).toMatchObject({ inserted: 0, duplicates: 80 });
      expect(await writer.write([r(40_000)])).toMatchObject({ inserted: 1, duplicates: 0 });
      expect(store.count()).toBe(81);
      expect(times(await all('d1'))).toEqual(Array.from({ length: 41 }, (_, i) => i * 1000));
    } finally {
      await writer.close();
    }
    expect(logRows()).toBe(0);
    expect(store.count()).toBe(81);
  });

  it('writes heads when the log is over its budget or old, and queries see each reading once throughout', async () => {
    await store.close();
    store = SqliteTelemetryStore.open(path, { log: { flushReadings: 1000, maxReadings: 10 } });
    for (let i = 0; i < 30; i++) await store.write([r(i * 1000, i, 'temperature', `b${i % 5}`)]);
    // Never more than ~10 readings live in the log: the oldest heads were written.
    expect(store.count() - chunkReadings()).toBeLessThanOrEqual(11);
    expect(chunkRows()).toBeGreaterThan(0);
    for (let d = 0; d < 5; d++) expect(times(await all(`b${d}`))).toEqual([0, 5, 10, 15, 20, 25].map((k) => (k + d) * 1000));
    await store.close();
    store = SqliteTelemetryStore.open(path, { log: { maxAgeMs: 0 } });
    await store.write([r(99_000, 1, 'temperature', 'aged')]);
    // Age 0: logged and written in the same commit, the log row deleted again.
    expect(logRows()).toBe(0);
    expect(times(await all('aged'))).toEqual([99_000]);
  });

  it('writes old heads as chunks while nothing more is written', async () => {
    await store.close();
    store = SqliteTelemetryStore.open(path, { log: { flushReadings: 1000, maxAgeMs: 300 } });
    await store.write([r(1000), r(2000, 2, 'humidity')]);
    expect(logRows()).toBe(1);
    const deadline = Date.now() + 5000;
    while (logRows() > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(logRows()).toBe(0);
    expect(chunkReadings()).toBe(2);
    expect(times(await all())).toEqual([1000, 2000]);
  });

  it('returns a reading once when the writer thread reported it in a head and wrote it as a chunk since', async () => {
    store.writeSync([r(1000), r(2000)]);
    const db = new Database(path, { readonly: true });
    try {
      const id = db.prepare("SELECT id FROM series WHERE device = 'd1' AND metric = 'temperature'").pluck().get() as number;
      // The heads answer (log layout) still holds 2000, now also in a chunk, and 3000, only in the head.
      const heads = Float64Array.from([id, H0 + 2000, 2000, 1, H0 + 2005, 0, id, H0 + 3000, 3000, 1, H0 + 3005, 0]);
      const got = new ChunkQuery(db).query({ device: 'd1', from: H0, to: H0 + H, limit: 100 }, { readings: heads, logRow: 0 });
      expect(times(columnsToReadings(got))).toEqual([1000, 2000, 3000]);
    } finally {
      db.close();
    }
  });

  it('returns a reading logged after the writer thread answered for its heads and before the query read the chunks', async () => {
    const writer = new WorkerWriter(path, {});
    const db = new Database(path, { readonly: true });
    try {
      await writer.write([r(1000)]); // logged: in the heads
      const id = db.prepare("SELECT id FROM series WHERE device = 'd1' AND metric = 'temperature'").pluck().get() as number;
      const heads = await writer.heads([id], H0, H0 + H);
      expect(heads.readings.length).toBe(6);
      // Between the heads answer and the query's snapshot: a reading is logged (only in the log and the heads) and a
      // later reading of another metric is written straight to a chunk (a group too large for the log).
      await writer.write([r(2000)]);
      await writer.write(Array.from({ length: 30 }, (_, k) => r(3000 + k, k, 'humidity')));
      expect(db.prepare('SELECT count(*) FROM ingest_log').pluck().get()).toBe(2);
      const query = new ChunkQuery(db);
      const got = db.transaction(() => query.query({ device: 'd1', from: H0, to: H0 + H, limit: 100 }, heads)).deferred();
      expect(times(columnsToReadings(got))).toEqual([1000, 2000, ...Array.from({ length: 30 }, (_, k) => 3000 + k)]);
    } finally {
      db.close();
      await writer.close();
    }
  });

  it('knows what is stored after reopen, for series it has not written since', async () => {
    await store.write([r(1000), r(2000), r(1000, 1, 'humidity')]);
    await store.close();
    store = SqliteTelemetryStore.open(path);
    expect(await store.write([r(2000), r(3000), r(1000, 1, 'humidity')])).toMatchObject({ inserted: 1, duplicates: 2 });
    expect(store.count()).toBe(4);
  });

  it('sees commits of another connection on the same file (no stale high-water mark)', async () => {
    const other = SqliteTelemetryStore.open(path, { writer: 'inline' });
    try {
      store.writeSync([r(1000)]);
      other.writeSync([r(2000), r(3000)]);
      expect(store.writeSync([r(2000), r(3000), r(4000)])).toMatchObject({ inserted: 1, duplicates: 2 });
      expect(await store.write([r(4000), r(5000)])).toMatchObject({ inserted: 1, duplicates: 1 });
      expect(other.writeSync([r(5000), r(6000)])).toMatchObject({ inserted: 1, duplicates: 1 });
    } finally {
      await other.close();
    }
    expect(times(await all())).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
  });

  it('stores a reading again after retention removed its hour (it is folded into the rollup on the next run)', async () => {
    // writeSync: straight to chunks, which retention folds (a logged reading is folded once written as a chunk).
    store.writeSync([r(1000), r(H + 1000)]);
    store.retention.apply(H0 + H);
    expect(store.writeSync([r(1000), r(H + 1000)])).toMatchObject({ inserted: 1, duplicates: 1 });
  });

  it('queries across hours and overlapping chunks in time order, cut at the limit', async () => {
    // Three commits into one hour whose chunks overlap in time, plus neighbouring hours and another device.
    await store.write([r(-1), r(0), r(30_000), r(60_000), r(H - 1), r(H), r(0, 7, 'temperature', 'd2')]);
    await store.write([r(15_000), r(45_000), r(0, 0, 'humidity')]);
    await store.write([r(1), r(59_999), r(2 * H + 5)]);
    expect(times(await all())).toEqual([-1, 0, 0, 1, 15_000, 30_000, 45_000, 59_999, 60_000, H - 1, H, 2 * H + 5]);
    const q = (from: number, to: number, limit = 100, metric?: string): Promise<number[]> =>
      store.query({ device: 'd1', from: H0 + from, to: H0 + to, limit, ...(metric !== undefined ? { metric } : {}) }).then(times);
    expect(await q(0, 60_000)).toEqual([0, 0, 1, 15_000, 30_000, 45_000, 59_999]);
    expect(await q(1, H)).toEqual([1, 15_000, 30_000, 45_000, 59_999, 60_000, H - 1]);
    expect(await q(-1, 2)).toEqual([-1, 0, 0, 1]);
    expect(await q(0, 1, 100, 'humidity')).toEqual([0]);
    expect(await q(0, 3 * H, 3)).toEqual([0, 0, 1]);
    expect(await q(H - 1, H + 1)).toEqual([H - 1, H]);
    expect(await q(H + 1, 2 * H + 5)).toEqual([]);
    expect(await store.query({ device: 'nobody', from: 0, to: 2 * H0, limit: 10 })).toEqual([]);
  });

  it('returns the oldest readings of years of sparse history without reading all of it', async () => {
    const years = Array.from({ length: 200 }, (_, i) => r(i * 24 * H * 7));
    await store.write(years);
    const got = await store.query({ device: 'd1', from: 0, to: H0 * 2, limit: 5 });
    expect(times(got)).toEqual([0, 1, 2, 3, 4].map((i) => i * 24 * H * 7));
    expect((await store.query({ device: 'd1', from: 0, to: H0 * 2, limit: 1000 })).length).toBe(200);
  });
});

describe('chunked SQLite store against a reference model', () => {
  // Default log limits, and limits small enough that heads are written by size and budget all the time.
  it.each([['default log limits', {}], ['small log limits', { flushReadings: 7, maxReadings: 50 }]] as const)('stores and returns what a one-row-per-reading store would, over random writes and queries (%s)', async (_name, log) => {
    const dir = mkdtempSync(join(tmpdir(), 'coldtrace-model-'));
    const store = SqliteTelemetryStore.open(join(dir, 't.db'), { log });
    try {
      let seed = 42;
      const rnd = (n: number): number => { seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648; return Math.floor((seed / 2_147_483_648) * n); };
      const model = new Map<string, StoredReading>();
      const metrics = ['temperature', 'humidity', 'door.open'];
      for (let commit = 0; commit < 60; commit++) {
        // Mostly live (increasing times), sometimes late readings across 4 hours and re-sends of stored ones (with
        // another value: the first stored must stay). Whole seconds, so metrics and devices share times.
        const late = rnd(4) === 0;
        const batch = Array.from({ length: 1 + rnd(200) }, () => {
          const dt = late ? rnd(4 * 3600) * 1000 : Math.min(4 * H - 1000, commit * 240_000 + rnd(240) * 1000);
          return r(dt, rnd(1000) / 8, metrics[rnd(3)]!, `m${rnd(3)}`);
        });
        if (rnd(3) === 0) {
          const stored = [...model.values()];
          for (let i = 0; i < 30 && stored.length > 0; i++) batch.splice(rnd(batch.length), 0, { ...stored[rnd(stored.length)]!, value: -1 });
        }
        const before = model.size;
        for (const x of batch) {
          const key = `${x.device}|${x.metric}|${x.time}`;
          if (!model.has(key)) model.set(key, x);
        }
        expect(await store.write(batch)).toMatchObject({ inserted: model.size - before, duplicates: batch.length - (model.size - before) });
      }
      expect(store.count()).toBe(model.size);
      for (let q = 0; q < 200; q++) {
        const device = `m${rnd(3)}`;
        const metric = rnd(3) === 0 ? metrics[rnd(3)] : undefined;
        const from = H0 - H + rnd(6 * H);
        const to = from + 1 + rnd(rnd(2) === 0 ? 60_000 : 3 * H);
        const limit = 1 + rnd(rnd(2) === 0 ? 50 : 5000);
        const expected = [...model.values()]
          .filter((x) => x.device === device && (metric === undefined || x.metric === metric) && x.time >= from && x.time < to)
          .sort((a, b) => a.time - b.time || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0))
          .slice(0, limit);
        expect(await store.query({ device, from, to, limit, ...(metric !== undefined ? { metric } : {}) })).toEqual(expected);
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
