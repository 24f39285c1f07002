/**
 * The production shape under 60 s InfluxDB faults: devices -> Mosquitto -> gateway process (external mode) -> spool
 * -> InfluxDB 1.6. Issue #18: influxd is SIGKILLed under load and started again 60 s later on the same data dir.
 * Issue #23: influxd is stopped (SIGSTOP: connections open, nothing answered) for 60 s and continued. Readiness
 * says so meanwhile, and afterwards InfluxDB holds every reading exactly once: nothing lost, nothing doubled.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dataTopic } from '@coldtrace/contract';
import { startInfluxd, type TestServer } from '../support/influx-servers.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { spawnGateway, type GatewayProcess } from '../support/process.js';

const DEVICES = 20;
const PERIOD_MS = 50;
const OUTAGE_MS = 60_000;
const DB = 'outage60';

let broker: Mosquitto;
let influx: TestServer;
let gateway: GatewayProcess;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ct-outage60-'));
  broker = await startMosquitto();
  influx = await startInfluxd();
  gateway = await spawnGateway({
    COLDTRACE_MQTT_MODE: 'external', COLDTRACE_MQTT_URL: broker.url, COLDTRACE_MQTT_CLIENT_ID: 'gw-outage60', COLDTRACE_DATA_DIR: dir,
    COLDTRACE_STORE: 'influx-v1', COLDTRACE_INFLUX_URL: influx.url, COLDTRACE_INFLUX_DB: DB, COLDTRACE_LOG_LEVEL: 'error',
  });
});
afterAll(async () => {
  if (gateway !== undefined && gateway.child.exitCode === null) {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  }
  await influx?.stop();
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Each device publishes a message of two readings every PERIOD_MS until stopped; resolves with messages acknowledged per device. */
function publishUntil(prefix: string, stop: Promise<void>): Promise<number[]> {
  const t0 = Date.now();
  return Promise.all(Array.from({ length: DEVICES }, async (_, d) => {
    const client: MqttClient = await mqtt.connectAsync(broker.url, { clientId: `${prefix}-pub-${d}`, reconnectPeriod: 0 });
    const topic = dataTopic('wh-1', `edge-${d % 4}`, `${prefix}-${d}`);
    const pending: Promise<unknown>[] = [];
    let seq = 0;
    let stopped = false;
    void stop.then(() => { stopped = true; });
    while (!stopped) {
      const time = t0 + seq * PERIOD_MS;
      pending.push(client.publishAsync(topic, JSON.stringify({
        v: 1, seq, time, readings: [{ metric: 'temperature', value: 4 + (seq % 10) / 10, unit: 'Cel' }, { metric: 'humidity', value: 60 + (seq % 7), unit: '%RH' }],
      }), { qos: 1 }));
      seq++;
      await new Promise((r) => setTimeout(r, PERIOD_MS));
    }
    await Promise.all(pending);
    await client.endAsync();
    return seq;
  }));
}

async function influxql<T>(q: string): Promise<T> {
  const res = await fetch(`${influx.url}/query?${new URLSearchParams({ db: DB, q, epoch: 'ms' })}`);
  return (await res.json()) as T;
}

async function health(): Promise<string> {
  return (await fetch(`${gateway.httpUrl}/health`)).text();
}

/** After the load: the spool drains, and every device's seq series is complete and single in InfluxDB. */
async function expectAllStoredOnce(prefix: string, sent: number[]): Promise<void> {
  await expect.poll(async () => /(\d+) readings spooled/.exec(await health())?.[1], { timeout: 60_000, interval: 200 }).toBe('0');
  const metrics = await (await fetch(`${gateway.httpUrl}/metrics`)).text();
  expect(metrics).toMatch(/^coldtrace_ingest_duplicate_readings_total 0$/m);
  expect(metrics).toMatch(/^coldtrace_mqtt_connections_lost_total 0$/m);
  for (const metric of ['temperature', 'humidity']) {
    const r = await influxql<{ results: { series?: { tags: { device: string }; values: [number, number][] }[] }[] }>(
      `SELECT "seq" FROM "${metric}" WHERE "device" =~ /^${prefix}-/ GROUP BY "device"`);
    const byDevice = new Map((r.results[0]!.series ?? []).map((s) => [s.tags.device, s.values.map((v) => v[1])]));
    for (let d = 0; d < DEVICES; d++) {
      // One point per message and metric, in order, none missing and none twice.
      expect(byDevice.get(`${prefix}-${d}`), `${metric} of ${prefix}-${d}`).toEqual(Array.from({ length: sent[d]! }, (_, i) => i));
    }
  }
  const total = sent.reduce((a, b) => a + b, 0);
  console.log(`${prefix}: ${total} messages (${total * 2} readings) from ${DEVICES} devices, all stored once`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it('loses and doubles nothing when InfluxDB is down for 60 s under load', async () => {
  let stopLoad!: () => void;
  const load = publishUntil('killed', new Promise<void>((resolve) => { stopLoad = resolve; }));
  await sleep(5000);
  await influx.kill();
  await sleep(OUTAGE_MS);
  // Everything received during the outage waits in the spool, and /health says how much.
  expect(Number(/(\d+) readings spooled/.exec(await health())?.[1])).toBeGreaterThan(0);
  await influx.restart();
  await sleep(5000);
  stopLoad();
  await expectAllStoredOnce('killed', await load);
}, 180_000);

it('says it is not ready while InfluxDB is stalled for 60 s under load, and loses and doubles nothing', async () => {
  let stopLoad!: () => void;
  const load = publishUntil('stalled', new Promise<void>((resolve) => { stopLoad = resolve; }));
  await sleep(5000);
  influx.pause();
  const stalledAt = Date.now();
  try {
    // Requests time out (10 s), then writes have failed for 10 s: generous bounds, the verdict is the reason given.
    await expect.poll(async () => (await fetch(`${gateway.httpUrl}/health/ready`, { signal: AbortSignal.timeout(2000) })).status, { timeout: 45_000, interval: 500 }).toBe(503);
    const ready = JSON.parse(await health()) as { checks: { store: { ok: boolean; detail: string } } };
    console.log(`stalled InfluxDB: ${ready.checks.store.detail}`);
    expect(ready.checks.store.detail).toMatch(/writes failing for \d+ s, last error: .*time/i);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stalledAt)));
  } finally {
    influx.resume();
  }
  await expect.poll(async () => (await fetch(`${gateway.httpUrl}/health/ready`)).status, { timeout: 60_000, interval: 500 }).toBe(200);
  stopLoad();
  await expectAllStoredOnce('stalled', await load);
}, 240_000);
