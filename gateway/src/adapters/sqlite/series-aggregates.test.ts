import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { StoredReading } from '../../domain/reading.js';
import type { SeriesQuery } from '../../ports/telemetry-store.js';
import { H, H0, r } from '../../../test/support/hour-readings.js';
import { expectTruth } from '../../../test/support/series-truth.js';
import { openDatabase } from './database.js';
import { CHUNK_WIDTH, decodeChunk, encodeChunk } from './chunk.js';
import { SqliteTelemetryStore } from './telemetry-store.js';

const RUNS = Number(process.env['COLDTRACE_FUZZ'] ?? 1);

describe('per-chunk aggregates (telemetry migration #4) in downsampled series', () => {
  const dirs: string[] = [];
  const stores: SqliteTelemetryStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const open = (log = {}): { store: SqliteTelemetryStore; path: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'coldtrace-aggregates-'));
    dirs.push(dir);
    const path = join(dir, 't.db');
    const store = SqliteTelemetryStore.open(path, { durability: 'normal', log });
    stores.push(store);
    return { store, path };
  };
  /** Six hours, a reading every 30 s, one chunk per hour. */
  const hours = Array.from({ length: 6 * 120 }, (_, k) => r(k * 30_000, 4 + Math.sin(k / 7) + (k === 301 ? 20 : 0)));
  const q = (step: number): SeriesQuery => ({ device: 'd1', metric: 'temperature', from: H0, to: H0 + 6 * H, step });

  it('stores each chunk\'s min, max, sum and count as the writer wrote it', () => {
    const { store, path } = open();
    store.writeSync(hours);
    const db = openDatabase(path, { durability: 'normal' });
    const rows = db.prepare('SELECT n, v_min, v_max, v_sum, data FROM chunks ORDER BY hour').all() as { n: number; v_min: number; v_max: number; v_sum: number; data: Buffer }[];
    db.close();
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      const values = [...decodeChunk(row.data)].filter((_, i) => i % CHUNK_WIDTH === 1);
      expect([row.n, row.v_min, row.v_max, row.v_sum]).toEqual([values.length, Math.min(...values), Math.max(...values), values.reduce((a, b) => a + b, 0)]);
    }
  });

  it('folds a chunk lying in one bucket from its aggregates, without reading its BLOB', async () => {
    const { store, path } = open();
    store.writeSync(hours);
    // Every BLOB now says 1000 more than the truth: an answer that reads one shows it.
    const db = openDatabase(path, { durability: 'normal' });
    const update = db.prepare('UPDATE chunks SET data = ? WHERE id = ?');
    for (const row of db.prepare('SELECT id, data FROM chunks').all() as { id: number; data: Buffer }[]) {
      const values = Float64Array.from(decodeChunk(row.data));
      for (let o = 1; o < values.length; o += CHUNK_WIDTH) values[o] = values[o]! + 1000;
      update.run(encodeChunk(values), row.id);
    }
    db.close();
    expectTruth(await store.series(q(H)), hours, q(H));
    expectTruth(await store.series(q(3 * H)), hours, q(3 * H));
    // A 17-minute grid cuts the chunks: those are folded reading by reading from the BLOB.
    expect(Math.min(...(await store.series(q(17 * 60_000))).map((b) => b.min))).toBeGreaterThan(900);
  });

  it('folds chunks written before the migration (no aggregates) from their BLOBs', async () => {
    const { store, path } = open();
    store.writeSync(hours);
    const db = openDatabase(path, { durability: 'normal' });
    db.prepare('UPDATE chunks SET v_min = NULL, v_max = NULL, v_sum = NULL WHERE hour % (2 * 3600000) = 0').run();
    db.close();
    for (const step of [60_000, 17 * 60_000, H, 3 * H]) expectTruth(await store.series(q(step)), hours, q(step));
  });

  it('keeps every bucket\'s min, max, mean and count equal to the raw readings\', over random chunks, ingest-log heads and rollups', async () => {
    const reading = fc.record({ dt: fc.integer({ min: 0, max: 8 * H - 1 }), milli: fc.integer({ min: -100_000, max: 100_000 }) });
    const world = fc.record({
      readings: fc.uniqueArray(reading, { selector: (x) => x.dt, minLength: 1, maxLength: 500 }),
      // Cut points of the writes, and which writes go through the writer thread (ingest log, heads) instead of straight into chunks.
      cuts: fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 30 }),
      logged: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
      foldedHours: fc.integer({ min: 0, max: 3 }),
      grids: fc.array(fc.record({ from: fc.integer({ min: -H, max: 4 * H }), span: fc.integer({ min: 1, max: 9 * H }), step: fc.constantFrom(1000, 60_000, 7 * 60_000 + 11, 17 * 60_000, H, 2 * H) }), { minLength: 1, maxLength: 4 }),
    });
    await fc.assert(fc.asyncProperty(world, async (w) => {
      const { store } = open({ flushReadings: 20, maxReadings: 150 });
      const readings: StoredReading[] = [...w.readings].sort((a, b) => a.dt - b.dt).map((x) => r(x.dt, x.milli / 1000));
      for (let i = 0, c = 0; i < readings.length; c++) {
        const group = readings.slice(i, i + w.cuts[c % w.cuts.length]!);
        if (w.logged[c % w.logged.length] === true) await store.write(group);
        else store.writeSync(group);
        i += group.length;
      }
      if (w.foldedHours > 0) store.retention.apply(H0 + w.foldedHours * H);
      for (const g of w.grids) {
        // Rollups count whole in the bucket of their hour: exact on an hour grid between whole hours (series-query.ts).
        const query = w.foldedHours > 0
          ? { device: 'd1', metric: 'temperature', from: H0 + Math.round(g.from / H) * H, step: Math.ceil(g.step / H) * H, to: H0 + Math.round(g.from / H) * H + Math.ceil(g.span / H) * H }
          : { device: 'd1', metric: 'temperature', from: H0 + g.from, step: g.step, to: H0 + g.from + g.span };
        expectTruth(await store.series(query), readings, query);
      }
      await store.close();
      stores.splice(stores.indexOf(store), 1);
    }), { numRuns: 12 * RUNS });
  });
});
