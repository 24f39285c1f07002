import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadingFlag, type StoredReading } from '../../domain/reading.js';
import { HOUR_MS } from './retention.js';
import { SqliteTelemetryStore } from './telemetry-store.js';

const H0 = 1_790_000_000_000 - (1_790_000_000_000 % HOUR_MS);
const r = (time: number, value: number, device = 'd1'): StoredReading => ({
  site: 's', node: 'n', device, metric: 'temperature', time, value, unit: 'Cel', seq: 1, receivedAt: time, flags: 0,
});

describe('SqliteRetention', () => {
  let dir: string;
  let store: SqliteTelemetryStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-ret-'));
    // Inline: every reading goes straight to chunks, which retention folds (logged ones are folded once written).
    store = SqliteTelemetryStore.open(join(dir, 't.db'), { writer: 'inline' });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds readings before the cutoff into hourly rollups and deletes them; later readings stay raw', async () => {
    await store.write([r(H0, 2), r(H0 + 600_000, 4), r(H0 + HOUR_MS, 8), r(H0 + 2 * HOUR_MS, 5), r(H0 + 2 * HOUR_MS + 1, 6, 'd2')]);
    // A cutoff inside hour 2 is rounded down to its start: hour 2 is kept whole.
    const res = store.retention.apply(H0 + 2 * HOUR_MS + 1_800_000);
    expect(res.deleted).toBe(3);
    const raw = await store.query({ device: 'd1', from: 0, to: H0 + 3 * HOUR_MS, limit: 100 });
    expect(raw.map((x) => x.value)).toEqual([5]);
    expect(store.retention.rollups({ device: 'd1', from: 0, to: H0 + 3 * HOUR_MS, limit: 100 })).toMatchObject([
      { hour: H0, min: 2, max: 4, mean: 3, count: 2, firstTime: H0, lastTime: H0 + 600_000 },
      { hour: H0 + HOUR_MS, min: 8, max: 8, mean: 8, count: 1 },
    ]);
    expect((await store.query({ device: 'd2', from: 0, to: H0 + 3 * HOUR_MS, limit: 100 })).length).toBe(1);
  });

  it('merges a late reading into an hour already rolled up, counting it once', async () => {
    await store.write([r(H0, 2), r(H0 + 1000, 4)]);
    store.retention.apply(H0 + HOUR_MS);
    await store.write([r(H0 + 2000, -1)]);
    store.retention.apply(H0 + HOUR_MS);
    store.retention.apply(H0 + HOUR_MS);
    expect(store.retention.rollups({ device: 'd1', from: 0, to: H0 + HOUR_MS, limit: 10 })).toMatchObject([
      { hour: H0, min: -1, max: 4, count: 3, mean: 5 / 3 },
    ]);
  });

  it('deletes rollups older than the rollup cutoff', async () => {
    await store.write([r(H0, 1), r(H0 + HOUR_MS, 2)]);
    const res = store.retention.apply(H0 + 2 * HOUR_MS, H0 + HOUR_MS);
    expect(res).toEqual({ deleted: 2, rollupsDeleted: 1 });
    expect(store.retention.rollups({ device: 'd1', from: 0, to: H0 + 2 * HOUR_MS, limit: 10 }).map((x) => x.hour)).toEqual([H0 + HOUR_MS]);
  });

  it('keeps the time a temperature was held at each tenth of a degree, per hour: MKT and shelf life survive retention', async () => {
    const MIN = 60_000;
    const rows: StoredReading[] = [];
    // Hour 0: a reading a minute at 5.0, silent from minute 40 to 50 (max gap 3 min); hour 1: 8.04 then 8.0 (one bin).
    for (let m = 0; m < 60; m++) if (m < 40 || m >= 50) rows.push(r(H0 + m * MIN, 5));
    rows.push(r(H0 + HOUR_MS, 8.04), r(H0 + HOUR_MS + MIN, 8));
    // A skewed reading is judged by no rule: it holds nothing. Humidity keeps no held hours.
    rows.push({ ...r(H0 + 40 * MIN + 30_000, 30), flags: ReadingFlag.CLOCK_SKEW }, { ...r(H0, 60), metric: 'humidity', unit: '%RH' });
    // Raw from hour 2: the last folded reading holds until the first of them, within its max gap.
    rows.push(r(H0 + 2 * HOUR_MS, 6));
    await store.write(rows);
    store.retention.apply(H0 + 2 * HOUR_MS, undefined, { maxGapMs: () => 3 * MIN });
    const held = async (from = H0, to = H0 + 3 * HOUR_MS) => (await store.heldHours('d1', 'temperature', from, to)).map((h) => [(h.hour - H0) / HOUR_MS, Object.fromEntries([...h.bins].map(([b, ms]) => [b, ms / MIN]))]);
    // 40 readings x 1 min except the 40th (3 min to the silence), 10 x 1 min; then 1 + 3 min in hour 1.
    expect(await held()).toEqual([[0, { 50: 39 + 3 + 10 }], [1, { 80: 4 }]]);
    expect(await store.heldHours('d1', 'humidity', H0, H0 + 3 * HOUR_MS)).toEqual([]);
    // Applied again: nothing left to fold, nothing counted twice.
    store.retention.apply(H0 + 2 * HOUR_MS, undefined, { maxGapMs: () => 3 * MIN });
    expect(await held()).toEqual([[0, { 50: 52 }], [1, { 80: 4 }]]);
    // The rollup retention removes them with the other rollups.
    store.retention.apply(H0 + 2 * HOUR_MS, H0 + HOUR_MS, { maxGapMs: () => 3 * MIN });
    expect(await held()).toEqual([[1, { 80: 4 }]]);
  });
});
