/**
 * The rules' read-ahead: a planning pass notes the ranges a slice of subjects asks for, one store call reads them,
 * and the judging pass is answered from memory. A real SQLite store (its writer thread on, so recent readings come
 * from its heads), counted calls around it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteTelemetryStore } from '../adapters/sqlite/telemetry-store.js';
import { ReadingFlag, type StoredReading } from '../domain/reading.js';
import type { ReadingQuery, TelemetryStore } from '../ports/telemetry-store.js';
import { SeriesCache } from './series-cache.js';

const T0 = Date.UTC(2026, 10, 2, 8);
const MIN = 60_000;

describe('SeriesCache read-ahead', () => {
  let dir: string;
  let sqlite: SqliteTelemetryStore;
  const calls: string[] = [];
  let store: TelemetryStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-series-cache-'));
    sqlite = SqliteTelemetryStore.open(join(dir, 't.db'));
    const rows: StoredReading[] = [];
    for (const device of ['S-1', 'S-2']) {
      for (let i = 0; i < 60; i++) {
        const base = { site: 'wh', node: 'n', device, time: T0 + i * MIN, seq: i, receivedAt: T0 + i * MIN, flags: i === 30 ? ReadingFlag.CLOCK_SKEW : 0 };
        rows.push({ ...base, metric: 'temperature', value: 4 + i / 100, unit: 'Cel' }, { ...base, metric: 'humidity', value: 50, unit: '%RH' });
      }
    }
    await sqlite.write(rows);
    store = {
      write: (r) => sqlite.write(r),
      query: (q: ReadingQuery) => { calls.push(`query ${q.device} ${q.metric ?? '*'}`); return sqlite.query(q); },
      queryMany: (qs: readonly ReadingQuery[]) => { calls.push(`queryMany ${qs.length}`); return sqlite.queryMany(qs); },
      series: (q) => sqlite.series(q),
      close: () => Promise.resolve(),
    };
  });
  afterAll(async () => {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads what the plan asked for in one call, merging ranges of one series, and answers the judging pass from it', async () => {
    calls.length = 0;
    const cache = new SeriesCache(store);
    const ask = async (): Promise<[unknown, unknown, unknown, unknown]> => [
      await cache.get('S-1', 'temperature', T0, T0 + 20 * MIN),
      await cache.get('S-1', 'temperature', T0 + 10 * MIN, T0 + 40 * MIN),
      await cache.get('S-2', 'temperature', T0 + 25 * MIN, T0 + 35 * MIN),
      await cache.deviceTimes('S-2', T0 + 28 * MIN, T0 + 32 * MIN),
    ];
    let planned: unknown;
    await cache.prefetch(async () => { planned = await ask(); });
    // The plan got nothing (it only notes); one call for three series (S-1's two ranges merged).
    expect(planned).toEqual([[], [], [], []]);
    expect(calls).toEqual(['queryMany 3']);
    const got = await ask();
    expect(calls).toEqual(['queryMany 3']);
    // As read alone, the reading whose device clock ran ahead (minute 30) left out.
    const direct = async (device: string, metric: string | undefined, from: number, to: number) =>
      (await sqlite.query({ device, ...(metric !== undefined ? { metric } : {}), from, to, limit: 1000 })).filter((r) => r.flags === 0);
    expect(got[0]).toEqual((await direct('S-1', 'temperature', T0, T0 + 20 * MIN)).map((r) => ({ t: r.time, v: r.value })));
    expect(got[1]).toEqual((await direct('S-1', 'temperature', T0 + 10 * MIN, T0 + 40 * MIN)).map((r) => ({ t: r.time, v: r.value })));
    expect(got[2]).toHaveLength(9);
    expect(got[3]).toEqual((await direct('S-2', undefined, T0 + 28 * MIN, T0 + 32 * MIN)).map((r) => r.time));
  });

  it('reads a range the plan did not ask for on its own, once', async () => {
    calls.length = 0;
    const cache = new SeriesCache(store);
    await cache.prefetch(async () => { await cache.get('S-1', 'humidity', T0, T0 + 10 * MIN); });
    expect(await cache.get('S-1', 'humidity', T0, T0 + 20 * MIN)).toHaveLength(20);
    expect(await cache.get('S-1', 'humidity', T0 + 5 * MIN, T0 + 15 * MIN)).toHaveLength(10);
    expect(calls).toEqual(['queryMany 1', 'query S-1 humidity']);
  });
});
