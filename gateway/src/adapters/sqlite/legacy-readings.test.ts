import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteTelemetryStore } from './telemetry-store.js';

const H = 3_600_000;
const H0 = 1_790_000_000_000 - (1_790_000_000_000 % H);

/** A telemetry.db as the first store layout (telemetry migration #1) left it. */
function createLegacyFile(path: string, perSeries: number): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL);
    INSERT INTO schema_versions VALUES ('telemetry', 1);
    CREATE TABLE series (
      id INTEGER PRIMARY KEY,
      site TEXT NOT NULL, node TEXT NOT NULL, device TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,
      UNIQUE (device, metric));
    CREATE TABLE readings (
      series_id INTEGER NOT NULL REFERENCES series(id), t INTEGER NOT NULL, value REAL NOT NULL, seq INTEGER NOT NULL,
      received_at INTEGER NOT NULL, flags INTEGER NOT NULL, PRIMARY KEY (series_id, t)) WITHOUT ROWID;
    INSERT INTO series (site, node, device, metric, unit) VALUES
      ('s', 'n', 'old-1', 'temperature', 'Cel'), ('s', 'n', 'old-1', 'humidity', '%RH'), ('s', 'n', 'old-2', 'temperature', 'Cel');`);
  const insert = db.prepare('INSERT INTO readings VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    // 1 reading every 100 ms: 36,000 per hour, so pages of the move end inside hours.
    for (let s = 1; s <= 3; s++) for (let i = 0; i < perSeries; i++) insert.run(s, H0 + i * 100, s * 1000 + i / 8, i, H0 + i * 100 + 7, i % 4);
  })();
  db.close();
}

describe('moving readings of the first layout into chunks', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-legacy-'));
    path = join(dir, 'telemetry.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every reading with its fields, drops the old table, and still rejects their duplicates', async () => {
    const perSeries = 40_000;
    createLegacyFile(path, perSeries);
    const store = SqliteTelemetryStore.open(path);
    try {
      expect(store.count()).toBe(3 * perSeries);
      const got = await store.query({ device: 'old-1', metric: 'humidity', from: H0 + 99 * 100, to: H0 + 39_999 * 100 + 1, limit: 100_000 });
      expect(got).toHaveLength(perSeries - 99);
      expect(got[0]).toEqual({ site: 's', node: 'n', device: 'old-1', metric: 'humidity', unit: '%RH', time: H0 + 9900, value: 2000 + 99 / 8, seq: 99, receivedAt: H0 + 9907, flags: 3 });
      expect(got.every((x, i) => x.time === H0 + (99 + i) * 100)).toBe(true);
      expect(await store.write([{ ...got[5]!, value: -1 }, { ...got[5]!, time: H0 - 1 }])).toMatchObject({ inserted: 1, duplicates: 1 });
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'readings'").pluck().get()).toBe(0);
      expect(db.prepare("SELECT version FROM schema_versions WHERE component = 'telemetry'").pluck().get()).toBe(4);
      // Split at hour changes (36,000 readings per hour) and at page ends, never merged across series.
      const chunks = db.prepare('SELECT series_id, hour, t_start, t_end, n FROM chunks ORDER BY series_id, hour, t_start').all() as { series_id: number; hour: number; t_start: number; t_end: number; n: number }[];
      // (-H: the reading written after the move.)
      expect([...new Set(chunks.map((c) => c.hour - H0))].sort((a, b) => a - b)).toEqual([-H, 0, H]);
      expect(chunks.every((c) => c.t_start >= c.hour && c.t_end < c.hour + H && c.t_start <= c.t_end)).toBe(true);
      expect(chunks.filter((c) => c.series_id === 1).reduce((a, c) => a + c.n, 0)).toBe(perSeries);
    } finally {
      db.close();
    }
  });

  it('does nothing on a file that has no old table', async () => {
    const store = SqliteTelemetryStore.open(path);
    await store.close();
    const again = SqliteTelemetryStore.open(path);
    expect(again.count()).toBe(0);
    await again.close();
  });
});
