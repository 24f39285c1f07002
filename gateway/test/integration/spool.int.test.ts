/**
 * SpooledTelemetryStore in front of a real InfluxDB 1.x: the contract, and an outage (SIGKILL of influxd while
 * readings stream in, restart on the same port and data dir) after which nothing is missing and nothing doubled.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openInfluxV1Store } from '../../src/adapters/influx/index.js';
import { SpooledTelemetryStore } from '../../src/adapters/spool/index.js';
import type { StoredReading } from '../../src/domain/reading.js';
import { startInfluxd, type TestServer } from '../support/influx-servers.js';
import { describeTelemetryStoreContract } from '../store-contract.js';

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startInfluxd();
  dir = await mkdtemp(join(tmpdir(), 'ct-spool-'));
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const fast = { idlePollMs: 20, backoff: { initialMs: 50, factor: 2, maxMs: 400, jitter: 0.5 } };

describeTelemetryStoreContract('spool in front of influxdb 1.x', async () => {
  const id = Math.random().toString(36).slice(2, 10);
  const path = join(dir, `${id}.db`);
  const open = async (create: boolean): Promise<SpooledTelemetryStore> =>
    SpooledTelemetryStore.open(path, await openInfluxV1Store({ url: server.url, database: `sp_${id}`, createDatabase: create }), fast);
  let store = await open(true);
  return {
    get store() { return store; },
    cleanup: () => store.close(),
    reopen: async () => {
      await store.close();
      store = await open(false);
      return store;
    },
  };
});

it('loses and doubles nothing when influxd is SIGKILLed mid-stream and restarted', async () => {
  const database = 'outage';
  const remote = await openInfluxV1Store({ url: server.url, database, createDatabase: true, timeoutMs: 1000 });
  const spool = SpooledTelemetryStore.open(join(dir, 'outage.db'), remote, { ...fast, batchSize: 100 });
  const devices = ['trk-1', 'trk-2', 'trk-3', 'frz-1', 'frz-2'];
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
  const batches: StoredReading[][] = [];
  for (let k = 0; k < 150; k++) {
    batches.push(devices.flatMap((device, i) => [
      { site: 'wh-1', node: `edge-${i}`, device, metric: 'temperature', time: t0 + k * 1000, value: 2 + (k % 7) * 0.5, unit: 'Cel', seq: k, receivedAt: t0 + k * 1000 + 40, flags: 0 },
      { site: 'wh-1', node: `edge-${i}`, device, metric: 'door.open', time: t0 + k * 1000, value: k % 2, unit: '1', seq: k, receivedAt: t0 + k * 1000 + 40, flags: 0 },
    ]));
  }
  let inserted = 0;
  let duplicates = 0;
  const send = async (b: StoredReading[]): Promise<void> => {
    const r = await spool.write(b);
    inserted += r.inserted;
    duplicates += r.duplicates;
    await new Promise((res) => setTimeout(res, 3));
  };
  for (const b of batches.slice(0, 50)) await send(b);
  await server.kill();
  for (const b of batches.slice(50, 100)) await send(b);
  // An edge agent replaying its outbox after the outage: every reading of batches 40..59 arrives a second time.
  for (const b of batches.slice(40, 60)) await send(b);
  const depthWhileDown = spool.stats().depth;
  await server.restart();
  for (const b of batches.slice(100)) await send(b);
  expect(await spool.drain(20_000)).toBe(true);

  const expected = batches.flat();
  expect(inserted).toBe(expected.length);
  expect(duplicates).toBe(20 * devices.length * 2);
  const stats = spool.stats();
  expect(stats).toMatchObject({ depth: 0, deadLettered: 0, forwarded: expected.length });
  expect(stats.retries).toBeGreaterThan(0);
  expect(depthWhileDown).toBeGreaterThan(0);

  // Read back from InfluxDB itself, not through the spool's merge.
  const stored: StoredReading[] = [];
  for (const device of devices) stored.push(...await remote.query({ device, from: t0, to: t0 + 3_600_000, limit: 100_000 }));
  const key = (r: StoredReading): string => `${r.device}|${r.metric}|${r.time}`;
  const storedKeys = new Set(stored.map(key));
  const missing = expected.filter((r) => !storedKeys.has(key(r))).length;
  expect({ missing, duplicates: stored.length - storedKeys.size, stored: stored.length }).toEqual({ missing: 0, duplicates: 0, stored: expected.length });
  const byKey = (a: StoredReading, b: StoredReading): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  expect(stored.sort(byKey)).toEqual([...expected].sort(byKey));
  await spool.close();
});
