/**
 * Tamper evidence of readings in a remote store, end to end (docs/security.md "Readings in a remote store"): a real
 * gateway takes readings over MQTT into its spool in front of a real InfluxDB 1.6.7; GET /api/v1/integrity/verify
 * re-derives every link from what InfluxDB answers and a signed checkpoint covers the chain. The gateway is closed
 * with readings spooled while InfluxDB is down and started again on the same data directory: the chain goes on and
 * verifies, the checkpoint signed before still holds. A point rewritten in InfluxDB is then named, over HTTP and by
 * coldtrace-verify offline (given the store as the gateway is: its environment).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dataTopic } from '@coldtrace/contract';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import type { VerifyReport } from '../../src/domain/integrity/report.js';
import { connect, getJson, testConfig } from '../support/gateway.js';
import { startInfluxd, type TestServer } from '../support/influx-servers.js';
import { builtCli } from '../support/cli.js';

const H = 3_600_000;
const t0 = Math.floor(Date.now() / H) * H - 3 * H;
const DB = 'chained';

let influx: TestServer;
let gw: RunningGateway | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'ct-remote-chain-gw-'));
const env = { COLDTRACE_STORE: 'influx-v1', COLDTRACE_INFLUX_DB: DB };
const verifyCli = builtCli('verify');

beforeAll(async () => { influx = await startInfluxd(); });
afterAll(async () => {
  await gw?.close();
  await influx?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const start = async (): Promise<RunningGateway> => startGateway({ config: testConfig(dataDir, { ...env, COLDTRACE_INFLUX_URL: influx.url }) });

/** Publishes one message of readings at `times` (offsets from t0, ms) for the device, QoS 1 (acked once spooled). */
async function publish(client: MqttClient, device: string, seq: number, times: readonly number[]): Promise<void> {
  const readings = times.map((dt, i) => ({ metric: 'temperature', value: 4 + i / 10 + 0.05, unit: 'Cel', time: t0 + dt }));
  await client.publishAsync(dataTopic('wh1', 'edge-1', device), JSON.stringify({ v: 1, seq, time: t0, readings }), { qos: 1 });
}

async function drained(g: RunningGateway): Promise<void> {
  await expect.poll(async () => /(\d+) readings spooled/.exec(await (await fetch(`${g.httpUrl}/health`)).text())?.[1], { timeout: 30_000, interval: 100 }).toBe('0');
}

const verify = (g: RunningGateway): Promise<VerifyReport> => getJson<VerifyReport>(`${g.httpUrl}/api/v1/integrity/verify`);

it('chains what the spool takes, verifies across a restart during an outage, and names a point rewritten in InfluxDB', async () => {
  gw = await start();
  let client = await connect(gw.mqttUrl, 'pub-1');
  await publish(client, 'S-1', 1, [0, 60_000, 120_000]);
  await publish(client, 'S-2', 1, [0, 60_000]);
  await client.endAsync();
  await drained(gw);
  const first = await verify(gw);
  expect(first.ok, JSON.stringify(first)).toBe(true);
  expect(first.readings).toMatchObject({ verified: expect.any(Number) as number });
  const before = first.readings as { length: number; verified: number };
  expect(before.length).toBeGreaterThan(0);
  expect(before.verified).toBe(before.length);
  const { checkpoint } = await (await fetch(`${gw.httpUrl}/api/v1/integrity/checkpoints`, { method: 'POST' })).json() as { checkpoint: { readings: { length: number } } | null };
  expect(checkpoint?.readings.length).toBe(before.length);

  // InfluxDB down: acknowledged readings wait in the spool; the gateway is closed and started again with them.
  await influx.kill();
  client = await connect(gw.mqttUrl, 'pub-2');
  await publish(client, 'S-1', 2, [180_000, 240_000]);
  await publish(client, 'S-3', 1, [0]);
  await client.endAsync();
  await gw.close();
  gw = undefined;
  await influx.restart();
  gw = await start();
  await drained(gw);
  const after = await verify(gw);
  expect(after.ok, JSON.stringify(after)).toBe(true);
  const chain = after.readings as { length: number; verified: number };
  expect(chain.length).toBeGreaterThan(before.length);
  expect(chain.verified).toBe(chain.length);
  expect(after.checkpoints.verified).toBeGreaterThan(0);
  const cliEnv = { ...env, COLDTRACE_INFLUX_URL: influx.url };
  const clean = await verifyCli(['--data-dir', dataDir], cliEnv);
  expect(clean.code, clean.stdout + clean.stderr).toBe(0);
  expect(clean.stdout).toContain(`readings: ${chain.length} links, ${chain.length} re-derived`);
  // Without the store named, it says what is missing (usage error), not that the chain is broken.
  expect((await verifyCli(['--data-dir', dataDir], { COLDTRACE_STORE: 'sqlite' })).code).toBe(2);

  // The reading of S-1 at 240 s, rewritten through InfluxDB's own write API.
  const res = await fetch(`${influx.url}/write?db=${DB}&precision=ms`, { method: 'POST', body: `temperature,device=S-1,node=edge-1,site=wh1,unit=Cel value=2.5 ${t0 + 240_000}` });
  expect(res.status).toBe(204);
  const edited = await verify(gw);
  expect(edited.ok).toBe(false);
  expect(edited.readings).toMatchObject({ broken: { chain: 'readings', reason: 'content', device: 'S-1', metric: 'temperature', time: t0 + 240_000 } });
  const offline = await verifyCli(['--data-dir', dataDir], cliEnv);
  expect(offline.code).toBe(1);
  expect(offline.stdout).toContain(`BROKEN readings link ${(edited.readings as { broken: { link: number } }).broken.link} (content): S-1/temperature at ${new Date(t0 + 240_000).toISOString()}`);
});
