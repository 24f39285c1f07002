/**
 * The TelemetryStore contract, run against every adapter (MQTT.js `test/node/abstract_store.ts` style):
 *
 *   describeTelemetryStoreContract('sqlite', async () => ({ store, cleanup }));
 *
 * Each test gets a fresh store from the factory and its own device ids, so a factory may share one server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TelemetryStore } from '../src/ports/telemetry-store.js';
import { ReadingFlag, type StoredReading } from '../src/domain/reading.js';
import { queryAll } from '../src/services/series-cache.js';

export interface StoreUnderTest {
  readonly store: TelemetryStore;
  /** Closes the current store (the one `reopen` returned last) and removes what the factory created. */
  cleanup(): Promise<void>;
  /** Closes the store and opens a new one on the same data. Required unless the contract runs with durable: false. */
  reopen?(): Promise<TelemetryStore>;
  /** Waits until written readings are visible to `query` (eventually consistent stores such as VictoriaMetrics). */
  settle?(): Promise<void>;
  /**
   * Whether `write` can tell a duplicate from a new reading. Stores that overwrite in place (InfluxDB) cannot: they
   * must still store it once, but may report it as inserted. Default true.
   */
  readonly detectsDuplicates?: boolean;
}

export interface ContractOptions {
  /** The store keeps acked writes across close/reopen: the factory must give `reopen`. Default true. */
  readonly durable?: boolean;
}

export function describeTelemetryStoreContract(
  name: string, factory: () => Promise<StoreUnderTest>, options: ContractOptions = {},
): void {
  describe(`TelemetryStore contract: ${name}`, () => {
    let t: StoreUnderTest;
    let store: TelemetryStore;
    let device: (n?: number) => string;
    // Recent whole second: VictoriaMetrics refuses samples outside its retention, InfluxDB does not care.
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    const r = (over: Partial<StoredReading> & Pick<StoredReading, 'device'>): StoredReading => ({
      site: 'wh-1', node: 'edge-1', metric: 'temperature', time: t0, value: 4.25, unit: 'Cel', seq: 1,
      receivedAt: t0 + 250, flags: 0, ...over,
    });
    const all = (dev: string, limit = 1000): Promise<StoredReading[]> => store.query({ device: dev, from: t0 - 60_000, to: t0 + 3_600_000, limit });
    const settle = async (): Promise<void> => { await t.settle?.(); };

    beforeEach(async () => {
      t = await factory();
      store = t.store;
      const run = Math.random().toString(36).slice(2, 8);
      device = (n = 0) => `dev-${run}-${n}`;
    });
    afterEach(async () => {
      await t.cleanup();
    });

    it('returns written readings with exact values, times, units and flags, oldest first', async () => {
      const d = device();
      const written = [
        r({ device: d, metric: 'temperature', time: t0 + 1000, value: -18.5, seq: 2, receivedAt: t0 + 90_000, flags: ReadingFlag.LATE }),
        r({ device: d, metric: 'temperature', time: t0, value: 4.25, seq: 1 }),
        r({ device: d, metric: 'humidity', time: t0, value: 55.5, unit: '%RH', seq: 1 }),
        r({ device: d, metric: 'gps.lat', time: t0, value: -33.86882, unit: 'deg', seq: 1,
          flags: ReadingFlag.CLOCK_SKEW | ReadingFlag.LATE }),
      ];
      const result = await store.write(written);
      expect(result).toMatchObject({ inserted: 4, duplicates: 0 });
      await settle();
      expect(await all(d)).toEqual([written[3], written[2], written[1], written[0]]);
    });

    it('accepts an empty write', async () => {
      expect(await store.write([])).toMatchObject({ inserted: 0, duplicates: 0 });
    });

    it('stores a (device, metric, time) once, also within one batch', async () => {
      const d = device();
      const a = r({ device: d, time: t0 });
      const b = r({ device: d, time: t0 + 1000, seq: 2 });
      await store.write([a]);
      const again = await store.write([a, b, b]);
      if (t.detectsDuplicates ?? true) expect(again).toMatchObject({ inserted: 1, duplicates: 2 });
      else expect(again.inserted + again.duplicates).toBe(3);
      await settle();
      expect(await all(d)).toEqual([a, b]);
    });

    it('bounds device time: from inclusive, to exclusive', async () => {
      const d = device();
      await store.write([0, 1, 2, 3].map((i) => r({ device: d, time: t0 + i * 1000, seq: i })));
      await settle();
      const got = await store.query({ device: d, from: t0 + 1000, to: t0 + 3000, limit: 100 });
      expect(got.map((x) => x.time)).toEqual([t0 + 1000, t0 + 2000]);
      expect(await store.query({ device: d, from: t0 + 1001, to: t0 + 2000, limit: 100 })).toEqual([]);
      expect((await store.query({ device: d, from: t0 + 3000, to: t0 + 3001, limit: 100 })).map((x) => x.time)).toEqual([t0 + 3000]);
    });

    it('downsamples one metric into buckets with the true min and max (a single-reading spike stays its max)', async () => {
      const d = device();
      const values = [4, 4.5, 19, 4.25, 3.5, 4];
      await store.write(values.map((value, i) => r({ device: d, time: t0 + i * 10_000, value, seq: i })));
      await store.write([r({ device: d, metric: 'humidity', unit: '%RH', value: 99, time: t0 })]);
      await settle();
      const got = await store.series({ device: d, metric: 'temperature', from: t0, to: t0 + 60_000, step: 30_000 });
      expect(got.map((b) => [b.start, b.count, b.min, b.max, b.firstTime, b.lastTime])).toEqual([
        [t0, 3, 4, 19, t0, t0 + 20_000], [t0 + 30_000, 3, 3.5, 4.25, t0 + 30_000, t0 + 50_000],
      ]);
      expect(got[0]!.mean).toBeCloseTo(27.5 / 3, 9);
    });

    it('filters by metric', async () => {
      const d = device();
      await store.write([
        r({ device: d, metric: 'temperature', time: t0 }),
        r({ device: d, metric: 'humidity', unit: '%RH', value: 40, time: t0 }),
        r({ device: d, metric: 'humidity', unit: '%RH', value: 41, time: t0 + 1000 }),
      ]);
      await settle();
      const got = await store.query({ device: d, metric: 'humidity', from: t0, to: t0 + 10_000, limit: 100 });
      expect(got.map((x) => [x.metric, x.value])).toEqual([['humidity', 40], ['humidity', 41]]);
    });

    it('returns at most limit readings, the oldest ones, whatever the write order', async () => {
      const d = device();
      const order = [7, 2, 9, 0, 5, 1, 8, 3, 6, 4];
      await store.write(order.map((i) => r({ device: d, time: t0 + i * 1000, value: i, seq: i })));
      await store.write(order.map((i) => r({ device: d, metric: 'humidity', unit: '%RH', time: t0 + i * 1000, value: i, seq: i })));
      await settle();
      const got = await store.query({ device: d, from: t0, to: t0 + 60_000, limit: 3 });
      expect(got.map((x) => [x.time - t0, x.metric])).toEqual([[0, 'humidity'], [0, 'temperature'], [1000, 'humidity']]);
    });

    it('keeps many devices apart', async () => {
      const devices = Array.from({ length: 40 }, (_, i) => device(i));
      const batch = devices.flatMap((d, i) => [0, 1000].flatMap((dt) => [
        r({ device: d, site: `site-${i % 3}`, node: `node-${i}`, time: t0 + dt, value: i + dt / 1000 }),
        r({ device: d, site: `site-${i % 3}`, node: `node-${i}`, metric: 'humidity', unit: '%RH', time: t0 + dt, value: 50 + i }),
      ]));
      expect((await store.write(batch)).inserted).toBe(160);
      await settle();
      for (const [i, d] of devices.entries()) {
        const got = await all(d);
        expect(got).toHaveLength(4);
        expect(got.every((x) => x.device === d && x.node === `node-${i}` && x.site === `site-${i % 3}`)).toBe(true);
        expect(got.filter((x) => x.metric === 'temperature').map((x) => x.value)).toEqual([i, i + 1]);
      }
    });

    it('answers several queries together as each alone (queryMany where the store has it: the rules read a slice at once)', async () => {
      const [a, b] = [device(1), device(2)];
      const batch = [a, b].flatMap((d, i) => [0, 1000, 2000, 3000].flatMap((dt) => [
        r({ device: d, time: t0 + dt, value: i * 10 + dt / 1000 }),
        r({ device: d, metric: 'humidity', unit: '%RH', time: t0 + dt, value: 50 + i + dt / 1000 }),
      ]));
      expect((await store.write(batch)).inserted).toBe(16);
      await settle();
      const queries = [
        { device: a, metric: 'temperature', from: t0, to: t0 + 60_000, limit: 100 },
        { device: a, from: t0 + 1000, to: t0 + 3000, limit: 100 },
        { device: b, metric: 'humidity', from: t0 + 2000, to: t0 + 60_000, limit: 1 },
        { device: b, metric: 'temperature', from: t0 + 5000, to: t0 + 60_000, limit: 100 },
        { device: device(3), metric: 'temperature', from: t0, to: t0 + 60_000, limit: 100 },
      ];
      const together = await queryAll(store, queries);
      expect(together.map((rows) => rows.length)).toEqual([4, 4, 1, 0, 0]);
      for (const [i, q] of queries.entries()) expect(together[i]).toEqual(await store.query(q));
    });

    it('stores booleans as 0/1', async () => {
      const d = device();
      await store.write([
        r({ device: d, metric: 'door.open', unit: '1', time: t0, value: 1 }),
        r({ device: d, metric: 'door.open', unit: '1', time: t0 + 1000, value: 0 }),
      ]);
      await settle();
      expect((await all(d)).map((x) => x.value)).toEqual([1, 0]);
    });

    it.runIf(options.durable ?? true)('keeps written readings across close and reopen', async () => {
      if (t.reopen === undefined) throw new Error(`${name}: a durable store's factory must give reopen()`);
      const d = device();
      const written = [r({ device: d, time: t0 }), r({ device: d, time: t0 + 1000, seq: 2 })];
      await store.write(written);
      store = await t.reopen();
      await settle();
      expect(await all(d)).toEqual(written);
    });
  });
}
