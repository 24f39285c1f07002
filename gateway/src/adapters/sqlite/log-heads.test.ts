import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ROW_WIDTH } from './batch-writer.js';
import { LogHeads } from './log-heads.js';
import { SqliteTelemetryStore } from './telemetry-store.js';

const T0 = 1_790_000_000_000;
/** One reading of `series` at T0 + dt, in the batch layout (series, time, value, seq, receive time, flags). */
const batch = (dt: number): Float64Array => Float64Array.from([0, T0 + dt, dt, 1, T0 + dt, 0]);

describe('LogHeads', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-heads-'));
    const path = join(dir, 't.db');
    await (SqliteTelemetryStore.open(path)).close(); // the schema
    db = new Database(path);
    db.prepare("INSERT INTO series (id, site, node, device, metric, unit) VALUES (1, 's', 'n', 'a', 'temperature', 'Cel'), (2, 's', 'n', 'b', 'temperature', 'Cel')").run();
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never marks a series flushed past a log row id that a rollback gives out again', () => {
    expect(batch(0).length).toBe(ROW_WIDTH);
    const heads = new LogHeads(db, () => undefined, { flushReadings: 1000 });
    const inTx = (f: () => void): void => db.transaction(f).immediate();
    inTx(() => heads.append(batch(1), [{ seriesId: 1, offsets: [0] }])); // row 1: a reading of series 1
    // Row 2 is logged, then its transaction fails (the writer then rebuilds its heads, as BatchWriter does).
    expect(() => inTx(() => {
      heads.append(batch(2), [{ seriesId: 2, offsets: [0] }]);
      throw new Error('disk full');
    })).toThrow('disk full');
    heads.load();
    inTx(() => heads.flushAll()); // series 1 is written as a chunk (here: the sink drops it) and marked
    inTx(() => heads.append(batch(3), [{ seriesId: 1, offsets: [0] }])); // SQLite gives row id 2 again
    expect(db.prepare('SELECT id FROM ingest_log').pluck().all()).toEqual([2]);
    // A writer starting after a crash must find that acknowledged reading live in the log.
    const after = new LogHeads(db, () => undefined, { flushReadings: 1000 });
    expect(after.size).toBe(1);
    expect(after.maxTime(1)).toBe(T0 + 3);
  });

  it('writes a head once its first reading was logged maxAgeMs ago, oldest head first, and not before', () => {
    let now = 0;
    const written: number[] = [];
    const heads = new LogHeads(db, (id) => written.push(id), { flushReadings: 1000, maxAgeMs: 60_000, now: () => now });
    const inTx = (f: () => void): void => db.transaction(f).immediate();
    inTx(() => heads.append(batch(1), [{ seriesId: 1, offsets: [0] }])); // series 1's head starts at 0
    now = 30_000;
    inTx(() => heads.append(batch(2), [{ seriesId: 2, offsets: [0] }])); // series 2's head starts at 30 s
    inTx(() => heads.append(batch(3), [{ seriesId: 1, offsets: [0] }])); // a later reading does not restart series 1's age
    now = 59_999;
    inTx(() => heads.flushDue());
    expect(written).toEqual([]);
    now = 60_000;
    inTx(() => heads.flushDue());
    expect(written).toEqual([1]);
    expect(heads.size).toBe(1);
    now = 90_000;
    inTx(() => heads.flushDue());
    expect(written).toEqual([1, 2]);
    expect(heads.size).toBe(0);
    expect(db.prepare('SELECT count(*) FROM ingest_log').pluck().get()).toBe(0);
  });
});

