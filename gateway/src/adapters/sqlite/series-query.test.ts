import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredReading } from '../../domain/reading.js';
import type { SeriesBucket } from '../../domain/series-buckets.js';
import { expectTruth } from '../../../test/support/series-truth.js';
import type { SeriesQuery } from '../../ports/telemetry-store.js';
import { H, H0, r } from '../../../test/support/hour-readings.js';
import { seededRandom as rng } from '../../../../simulators/src/random.js';
import { SqliteTelemetryStore } from './telemetry-store.js';

/** A random walk around 4 °C every 1-60 s over `hours`, with silent stretches and single-reading spikes. */
function randomSeries(rand: () => number, hours: number): { readings: StoredReading[]; spikes: number[] } {
  const readings: StoredReading[] = [];
  const spikes: number[] = [];
  let v = 4;
  for (let dt = Math.floor(rand() * 1000); dt < hours * H; dt += 1000 + Math.floor(rand() * 59_000)) {
    if (rand() < 0.002) dt += Math.floor(rand() * 3 * H); // silence: some buckets stay empty
    if (dt >= hours * H) break;
    v += (rand() - 0.5) * 0.2;
    const spike = rand() < 0.003;
    if (spike) spikes.push(H0 + dt);
    readings.push(r(dt, spike ? v + (rand() < 0.5 ? 30 : -30) * (0.5 + rand()) : v));
  }
  return { readings, spikes };
}

/** A bucket holding spikes has the highest up-spike as max and the lowest down-spike as min (the walk stays near 4). */
function expectSpikes(got: readonly SeriesBucket[], readings: readonly StoredReading[], spikes: readonly number[], q: SeriesQuery): void {
  const byTime = new Map(readings.map((x) => [x.time, x.value]));
  let seen = 0;
  for (const b of got) {
    const inside = spikes.filter((t) => t >= Math.max(b.start, q.from) && t < Math.min(b.start + q.step, q.to)).map((t) => byTime.get(t)!);
    const up = inside.filter((v) => v > 10);
    const down = inside.filter((v) => v < -2);
    if (up.length > 0) expect(b.max).toBe(Math.max(...up));
    if (down.length > 0) expect(b.min).toBe(Math.min(...down));
    seen += inside.length;
  }
  expect(seen).toBe(spikes.filter((t) => t >= q.from && t < q.to).length);
}

async function check(store: SqliteTelemetryStore, readings: readonly StoredReading[], spikes: readonly number[], qs: readonly SeriesQuery[]): Promise<void> {
  for (const q of qs) {
    const got = await store.series(q);
    expectTruth(got, readings, q);
    expectSpikes(got, readings, spikes, q);
  }
}

const grids = (rand: () => number, hours: number): SeriesQuery[] => Array.from({ length: 12 }, () => {
  const from = H0 + Math.floor(rand() * hours * H * 0.3) - 60_000;
  const to = from + Math.floor((0.2 + rand()) * hours * H * 0.8);
  const step = [1000, 60_000, 5 * 60_000, 17 * 60_000 + 3, H, 6 * H][Math.floor(rand() * 6)]!;
  return { device: 'd1', metric: 'temperature', from, to, step: Math.max(step, Math.ceil((to - from) / 2000)) };
});

describe('SqliteTelemetryStore.series', () => {
  const dirs: string[] = [];
  const stores: SqliteTelemetryStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const open = (log = {}): SqliteTelemetryStore => {
    const dir = mkdtempSync(join(tmpdir(), 'coldtrace-series-'));
    dirs.push(dir);
    const s = SqliteTelemetryStore.open(join(dir, 't.db'), { durability: 'normal', log });
    stores.push(s);
    return s;
  };

  it.each([1, 2, 3])('keeps each bucket\'s true min, max and count over chunks (seed %i)', async (seed) => {
    const rand = rng(seed);
    const store = open();
    const { readings, spikes } = randomSeries(rand, 48);
    expect(spikes.length).toBeGreaterThan(0);
    // Chunks of whole hours and smaller ones, plus another metric and device that must not leak in.
    for (let i = 0; i < readings.length; i += 1 + Math.floor(rand() * 400)) store.writeSync(readings.slice(i, i + 400));
    store.writeSync(readings.map((x) => ({ ...x, metric: 'humidity', unit: '%RH', value: 99 })));
    store.writeSync(readings.map((x) => ({ ...x, device: 'd2', value: -99 })));
    await check(store, readings, spikes, grids(rand, 48));
  });

  it('counts readings still in the ingest log and in the writer thread\'s heads once', async () => {
    const rand = rng(7);
    const store = open({ flushReadings: 50, maxReadings: 400 });
    const { readings, spikes } = randomSeries(rand, 6);
    // Small commits go to the ingest log; some heads are written as chunks, the rest stay live.
    for (let i = 0; i < readings.length; i += 5) await store.write(readings.slice(i, i + 5));
    await check(store, readings, spikes, grids(rand, 6));
  });

  it('combines hourly rollups of folded readings with raw chunks, exact on an hour grid', async () => {
    const rand = rng(11);
    const store = open();
    const { readings, spikes } = randomSeries(rand, 72);
    store.writeSync(readings);
    // The first 40 hours are folded into rollups and their raw readings deleted.
    expect(store.retention.apply(H0 + 40 * H).deleted).toBeGreaterThan(0);
    await check(store, readings, spikes, [H, 3 * H, 24 * H].map((step) => ({ device: 'd1', metric: 'temperature', from: H0, to: H0 + 72 * H, step })));
  });

  it('answers nothing for an unknown series', async () => {
    const store = open();
    store.writeSync([r(1000)]);
    expect(await store.series({ device: 'nope', metric: 'temperature', from: H0, to: H0 + H, step: 60_000 })).toEqual([]);
  });
});
