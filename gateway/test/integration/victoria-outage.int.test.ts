/**
 * The spool in front of a real VictoriaMetrics (InfluxDB v2 write API): SIGKILL of the server mid-stream, writes go
 * on, restart on the same port and data dir; read back through the export API: missing 0, duplicates 0.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openVictoriaMetricsStore } from '../../src/adapters/influx/index.js';
import { SpooledTelemetryStore } from '../../src/adapters/spool/index.js';
import type { StoredReading } from '../../src/domain/reading.js';
import { forceFlushVictoria, startVictoriaMetrics, type TestServer } from '../support/influx-servers.js';

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startVictoriaMetrics();
  dir = await mkdtemp(join(tmpdir(), 'ct-vm-outage-'));
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('loses and doubles nothing when VictoriaMetrics is SIGKILLed mid-stream and restarted', async () => {
  const remote = openVictoriaMetricsStore({ url: server.url, timeoutMs: 1000 });
  const spool = SpooledTelemetryStore.open(join(dir, 'spool.db'), remote, { idlePollMs: 20, batchSize: 100, backoff: { initialMs: 50, factor: 2, maxMs: 400, jitter: 0.5 } });
  const devices = ['vm-trk-1', 'vm-trk-2', 'vm-frz-1'];
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
  const batches: StoredReading[][] = Array.from({ length: 120 }, (_, k) => devices.map((device, i) => ({
    site: 'wh-1', node: `edge-${i}`, device, metric: 'temperature', time: t0 + k * 1000, value: 2 + (k % 9) * 0.25, unit: 'Cel', seq: k, receivedAt: t0 + k * 1000 + 40, flags: 0,
  })));
  for (const b of batches.slice(0, 40)) await spool.write(b);
  await server.kill();
  for (const b of batches.slice(40, 80)) await spool.write(b);
  // The agent's replay after the outage sends 30..49 again.
  for (const b of batches.slice(30, 50)) await spool.write(b);
  expect(spool.stats().depth).toBeGreaterThan(0);
  await server.restart();
  for (const b of batches.slice(80)) await spool.write(b);
  expect(await spool.drain(20_000)).toBe(true);
  expect(spool.stats()).toMatchObject({ depth: 0, deadLettered: 0 });
  await forceFlushVictoria(server.url);

  const expected = batches.flat();
  const key = (r: StoredReading): string => `${r.device}|${r.metric}|${r.time}`;
  const stored: StoredReading[] = [];
  for (const device of devices) stored.push(...await remote.query({ device, from: t0, to: t0 + 3_600_000, limit: 100_000 }));
  const storedKeys = new Set(stored.map(key));
  const missing = expected.filter((r) => !storedKeys.has(key(r))).length;
  expect({ missing, duplicates: stored.length - storedKeys.size }).toEqual({ missing: 0, duplicates: 0 });
  expect(new Map(stored.map((r) => [key(r), r.value]))).toEqual(new Map(expected.map((r) => [key(r), r.value])));
  await spool.close();
});
