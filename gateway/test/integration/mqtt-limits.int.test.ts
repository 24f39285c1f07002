/**
 * Abuse limits of the embedded broker (docs/security.md, "Abuse limits"), over real sockets: connections beyond the
 * maximum refused, an oversized packet closing its connection, a flooding client paced (nothing lost); each counted,
 * and the others served meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { getJson, startTestGateway, type TestGateway } from '../support/gateway.js';

const RATE = 50;

describe('abuse limits of the embedded broker', () => {
  let gw: TestGateway;
  const open: MqttClient[] = [];

  const connect = async (clientId: string): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(gw.mqttUrl, { clientId, reconnectPeriod: 0, connectTimeout: 3000 });
    open.push(c);
    return c;
  };
  /** Whether a connection attempt gets a CONNACK; a refused one is closed without it. */
  const admitted = async (clientId: string): Promise<boolean> => {
    const c = mqtt.connect(gw.mqttUrl, { clientId, reconnectPeriod: 0, connectTimeout: 3000 });
    open.push(c);
    return new Promise((resolve) => {
      c.once('connect', () => resolve(true));
      c.once('close', () => resolve(false));
      c.once('error', () => resolve(false));
    });
  };
  const refused = async (stage: string, reason: string): Promise<number> => {
    const text = await (await fetch(`${gw.httpUrl}/metrics`)).text();
    const m = new RegExp(`^coldtrace_mqtt_refused_total\\{stage="${stage}",reason="${reason}"\\} (\\d+)$`, 'm').exec(text);
    return m === null ? 0 : Number(m[1]);
  };
  const stored = async (device: string): Promise<number> => (await getJson<{ readings: unknown[] }>(`${gw.httpUrl}/api/v1/readings?device=${device}&limit=10000`)).readings.length;
  const t0 = Date.now() - 3_600_000;
  const message = (seq: number): string => JSON.stringify({ v: 1, seq, time: t0 + seq * 1000, readings: [{ metric: 'temperature', value: 4, unit: 'Cel' }] });

  beforeAll(async () => {
    // The gateway's clock stands still: a client's tokens never refill, so exactly the burst goes at once and every
    // later message waits (its wait is a real timer); no count depends on how fast this machine is.
    const still = Date.now();
    gw = await startTestGateway({ COLDTRACE_MQTT_MAX_CONNECTIONS: '4', COLDTRACE_MQTT_MAX_PACKET_BYTES: String(300 * 1024), COLDTRACE_MQTT_MAX_MESSAGES_PER_S: String(RATE) }, { clock: { now: () => still } });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true).catch(() => undefined)));
    await gw.destroy();
  });

  it('paces a flooding client without losing a message, and serves a polite one meanwhile', async () => {
    const flood = await connect('flood');
    const polite = await connect('polite');
    // One and a half times the burst at once: the last third waits for its turn, about a second.
    const n = 3 * RATE;
    let floodDone = false;
    const all = Promise.all(Array.from({ length: n }, (_, i) => flood.publishAsync(dataTopic('wh1', 'n-flood', 'flood-1'), message(i), { qos: 1 }))).then(() => { floodDone = true; });
    for (let i = 0; i < 5; i++) await polite.publishAsync(dataTopic('wh1', 'n-polite', 'polite-1'), message(i), { qos: 1 });
    expect(floodDone).toBe(false);
    expect(await stored('polite-1')).toBe(5);
    await all;
    expect(await stored('flood-1')).toBe(n);
    expect(await refused('publish', 'throttled')).toBe(n - 2 * RATE);
    await flood.endAsync();
    await polite.endAsync();
  });

  it('closes a connection sending a packet over the maximum, and keeps serving others', async () => {
    const big = await connect('big');
    const closed = new Promise<void>((resolve) => big.once('close', () => resolve()));
    big.publish(dataTopic('wh1', 'n-big', 'big-1'), Buffer.alloc(400 * 1024, 0x20), { qos: 1 });
    await closed;
    expect(await refused('publish', 'packet-size')).toBe(1);
    const other = await connect('after-big');
    await other.publishAsync(dataTopic('wh1', 'n-big', 'small-1'), message(1), { qos: 1 });
    expect(await stored('small-1')).toBe(1);
    await other.endAsync();
  });

  it('refuses connections beyond the maximum, counted, and admits again once one leaves', async () => {
    const held = await Promise.all([connect('c1'), connect('c2'), connect('c3'), connect('c4')]);
    expect(await admitted('c5')).toBe(false);
    expect(await refused('connect', 'max-connections')).toBe(1);
    await held[0]!.endAsync();
    expect(await admitted('c6')).toBe(true);
  });
});
