/**
 * External broker mode: two gateway replicas behind Mosquitto shared subscriptions. Every reading is stored exactly
 * once across the replicas, and a replica killed mid-stream loses nothing it acknowledged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { startTestGateway, storedTimes, type TestGateway } from '../support/gateway.js';
import { spawnGateway } from '../support/process.js';

const DEVICES = 10;
const MESSAGES = 200;

async function publishAll(url: string, prefix: string, base: number): Promise<number> {
  let sent = 0;
  await Promise.all(Array.from({ length: DEVICES }, async (_, d) => {
    const c = await mqtt.connectAsync(url, { clientId: `${prefix}-pub-${d}`, reconnectPeriod: 0 });
    for (let s = 0; s < MESSAGES; s++) {
      await c.publishAsync(dataTopic('wh1', `${prefix}-node`, `${prefix}-${d}`), JSON.stringify({ v: 1, seq: s, time: base + s * 1000, readings: [{ metric: 'temperature', value: s / 10, unit: 'Cel' }] }), { qos: 1 });
      sent++;
    }
    await c.endAsync();
  }));
  return sent;
}


async function waitFor(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two gateway replicas behind Mosquitto shared subscriptions', () => {
  let broker: Mosquitto;
  beforeAll(async () => { broker = await startMosquitto(); });
  afterAll(async () => { await broker.stop(); });

  it('stores every reading exactly once across the replicas', async () => {
    const env = { COLDTRACE_MQTT_MODE: 'external', COLDTRACE_MQTT_URL: broker.url, COLDTRACE_MQTT_SHARE_GROUP: 'gw-once', COLDTRACE_MQTT_CONNECTIONS: '2' };
    const replicas: TestGateway[] = [
      await startTestGateway({ ...env, COLDTRACE_MQTT_CLIENT_ID: 'gw-a' }),
      await startTestGateway({ ...env, COLDTRACE_MQTT_CLIENT_ID: 'gw-b' }),
    ];
    try {
      const base = Date.now() - 3_600_000;
      const sent = await publishAll(broker.url, 'once', base);
      const counts = async (): Promise<number[][]> => Promise.all(replicas.map(async (r) => {
        const per: number[] = [];
        for (let d = 0; d < DEVICES; d++) per.push((await storedTimes(r.httpUrl, `once-${d}`, base, base + MESSAGES * 1000)).length);
        return per;
      }));
      await waitFor(async () => (await counts()).flat().reduce((a, b) => a + b, 0) >= sent, 20_000);
      const [a, b] = await counts();
      const total = [...a!, ...b!].reduce((x, y) => x + y, 0);
      console.log(`replicas: sent ${sent}, replica A stored ${a!.reduce((x, y) => x + y, 0)}, replica B ${b!.reduce((x, y) => x + y, 0)}`);
      expect(total).toBe(sent);
      // Both replicas took part: shared subscriptions really split the load.
      expect(a!.reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
      expect(b!.reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
      // And no reading is in both stores.
      for (let d = 0; d < DEVICES; d++) {
        const inA = new Set(await storedTimes(replicas[0]!.httpUrl, `once-${d}`, base, base + MESSAGES * 1000));
        for (const t of await storedTimes(replicas[1]!.httpUrl, `once-${d}`, base, base + MESSAGES * 1000)) expect(inA.has(t)).toBe(false);
      }
    } finally {
      for (const r of replicas) await r.destroy();
    }
  });

  it('re-delivers what a killed replica had not acknowledged: nothing is lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldtrace-replica-'));
    const env = { COLDTRACE_MQTT_MODE: 'external', COLDTRACE_MQTT_URL: broker.url, COLDTRACE_MQTT_SHARE_GROUP: 'gw-kill', COLDTRACE_MQTT_CONNECTIONS: '1', COLDTRACE_MQTT_CLIENT_ID: 'gw-kill', COLDTRACE_DATA_DIR: dir, COLDTRACE_LOG_LEVEL: 'warn' };
    try {
      const first = await spawnGateway(env);
      const base = Date.now() - 3_600_000;
      const publishing = publishAll(broker.url, 'kill', base);
      await new Promise((r) => setTimeout(r, 300));
      first.child.kill('SIGKILL');
      await first.exited;
      const sent = await publishing;
      // Same client id: Mosquitto resumes the persisted session and sends the unacknowledged and queued messages.
      const second = await spawnGateway(env);
      try {
        const stored = async (): Promise<number> => {
          let n = 0;
          for (let d = 0; d < DEVICES; d++) n += new Set(await storedTimes(second.httpUrl, `kill-${d}`, base, base + MESSAGES * 1000)).size;
          return n;
        };
        await waitFor(async () => (await stored()) >= sent, 20_000);
        expect(await stored()).toBe(sent);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
