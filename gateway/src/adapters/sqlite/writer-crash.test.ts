/**
 * A writer that fails: a thread that dies rejects its pending writes and commits none of them partly, the next write
 * starts a new thread, and queries still see every logged reading; a failed idle flush costs no write.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BatchWriter, SeriesEncoder } from './batch-writer.js';
import { openDatabase } from './database.js';
import { H, H0, r, times } from '../../../test/support/hour-readings.js';
import { SqliteTelemetryStore } from './telemetry-store.js';
import { WorkerWriter } from './worker-writer.js';

describe('writer thread crash', () => {
  it('rejects the pending writes, commits none of them partly, and starts a new thread for the next write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldtrace-crash-'));
    const path = join(dir, 't.db');
    const store = SqliteTelemetryStore.open(path);
    const writer = new WorkerWriter(path, {});
    try {
      const batch = Array.from({ length: 100_000 }, (_, i) => r(i, i, i % 2 === 0 ? 'temperature' : 'humidity', `dev-${i % 50}`));
      await writer.write([r(0, 0, 'temperature', 'warm-up')]);
      const pending = writer.write(batch);
      await writer.terminate();
      await expect(pending).rejects.toThrow(/exited/);
      // Whatever the thread did before it died is all or nothing: writing again stores every reading exactly once.
      const again = await writer.write(batch);
      expect(again.inserted + again.duplicates).toBe(batch.length);
      expect(store.count()).toBe(batch.length + 1);
    } finally {
      await writer.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers a query from the log rows when the writer thread dies before it answers for its heads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldtrace-crash-'));
    const store = SqliteTelemetryStore.open(join(dir, 't.db'));
    try {
      await store.write([r(1000), r(2000)]); // logged: in the heads only, apart from the log rows
      // A large write keeps the thread busy, so the heads request waits behind it when the thread dies.
      const busy = store.write(Array.from({ length: 100_000 }, (_, i) => r(i, i, 'humidity', `dev-${i % 50}`)));
      const query = store.query({ device: 'd1', from: H0, to: H0 + H, limit: 100 });
      await store.terminateWriter();
      await expect(busy).rejects.toThrow(/exited/);
      expect(times(await query)).toEqual([1000, 2000]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps encoding series it has not sent since a failure (the encoder resets)', () => {
    const e = new SeriesEncoder();
    expect(e.encode([r(1)]).series).toHaveLength(1);
    expect(e.encode([r(2)]).series).toHaveLength(0);
    e.reset();
    expect(e.encode([r(3)]).series).toHaveLength(1);
  });
});

describe('writer failing to write aged heads while idle', () => {
  it('keeps the logged readings and the series the main thread has sent, so the next write succeeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldtrace-idle-'));
    const path = join(dir, 't.db');
    await SqliteTelemetryStore.open(path).close(); // the schema
    const db = openDatabase(path);
    db.pragma('busy_timeout = 0');
    const other = new Database(path);
    try {
      let now = 0;
      const writer = new BatchWriter(db, { mode: 'log', log: { flushReadings: 1000, maxAgeMs: 100, now: () => now } });
      const encoder = new SeriesEncoder();
      writer.write(encoder.encode([r(1000)])); // logged; the encoder now takes the series as known to the writer
      now = 200;
      other.exec('BEGIN IMMEDIATE'); // another connection holds the write lock: the idle flush fails
      expect(() => writer.flushAged()).toThrow(/locked|busy/i);
      other.exec('ROLLBACK');
      expect(writer.logged).toBe(1);
      expect(writer.write(encoder.encode([r(2000)]))).toEqual({ inserted: 1, duplicates: 0 });
      // Rebuilt heads count their age from the rebuild (200): written once that is maxAgeMs ago.
      expect(writer.logged).toBe(2);
      now = 300;
      expect(writer.flushAged()).toBe(2);
      expect(db.prepare('SELECT coalesce(sum(n), 0) FROM chunks').pluck().get()).toBe(2);
    } finally {
      other.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

