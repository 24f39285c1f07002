/**
 * The gateway's connection to an external broker (ShareSession) against a real Mosquitto: many messages in flight
 * per connection, the broker's window held to the announced receive maximum, acknowledgements in arrival order and
 * only after the outcome is durable, keepalive answered while messages wait (issue #18).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { dataTopic, gatewayFilters } from '@coldtrace/contract';
import { ShareSession, type ShareSessionOptions } from '../../src/adapters/mqtt/share-session.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';

interface Received { readonly seq: number; readonly done: (e: Error | null) => void }

let broker: Mosquitto;
let publisher: MqttClient;
const sessions: ShareSession[] = [];
beforeAll(async () => {
  broker = await startMosquitto();
  publisher = await mqtt.connectAsync(broker.url, { clientId: 'share-session-pub', reconnectPeriod: 0 });
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await publisher?.endAsync();
  await broker?.stop();
});

let groups = 0;
/** A session in a group of its own, collecting messages without completing them. */
async function open(over: Partial<ShareSessionOptions> = {}, group = `g${++groups}`): Promise<{ session: ShareSession; received: Received[]; group: string }> {
  const received: Received[] = [];
  const session = new ShareSession({
    url: broker.url, clientId: `gw-${group}`, filters: gatewayFilters(group), receiveMaximum: 100, sessionExpiryS: 600,
    keepaliveS: 30, reconnectMs: 50, reconnectMaxMs: 200, ...over,
  }, (_topic, payload, done) => received.push({ seq: (JSON.parse(payload.toString()) as { seq: number }).seq, done }), pino({ level: 'silent' }));
  await session.start();
  sessions.push(session);
  return { session, received, group };
}

async function publish(group: string, count: number): Promise<void> {
  for (let seq = 0; seq < count; seq++) {
    await publisher.publishAsync(dataTopic('wh1', 'n1', `dev-${group}`), JSON.stringify({ seq }), { qos: 1 });
  }
}

const settle = (ms = 300): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('ShareSession against Mosquitto', () => {
  it('hands every message of the window to ingest before any of them is acknowledged', async () => {
    const { session, received, group } = await open();
    await publish(group, 50);
    // MQTT.js's client would hand over one message and wait for its PUBACK before reading the next.
    await expect.poll(() => received.length).toBe(50);
    expect(session.inFlight).toBe(50);
    for (const r of received) r.done(null);
    expect(session.inFlight).toBe(0);
  });

  it('gets no more messages in flight than the receive maximum it announced', async () => {
    const { received, group } = await open({ receiveMaximum: 5 });
    await publish(group, 12);
    await expect.poll(() => received.length).toBe(5);
    await settle();
    expect(received).toHaveLength(5);
    for (const r of received.slice(0, 5)) r.done(null);
    await expect.poll(() => received.length).toBe(10);
    await settle();
    expect(received).toHaveLength(10);
    for (const r of received.slice(5)) r.done(null);
    await expect.poll(() => received.length).toBe(12);
    expect(received.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('acknowledges in arrival order: while the first waits, none is acknowledged and the broker re-sends them all', async () => {
    const first = await open();
    await publish(first.group, 10);
    await expect.poll(() => first.received.length).toBe(10);
    for (const r of first.received.slice(1)) r.done(null);
    await settle();
    await first.session.close();
    // The same client id resumes the session: everything not acknowledged is delivered again.
    const again = await open({}, first.group);
    await expect.poll(() => again.received.length).toBe(10);
    expect(again.received.map((r) => r.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    for (const r of again.received) r.done(null);
    await settle();
    await again.session.close();
    const third = await open({}, first.group);
    await settle();
    expect(third.received).toHaveLength(0);
  });

  it('drops the connection when ingest fails, and the message comes back on the next one', async () => {
    const { session, received, group } = await open();
    await publish(group, 1);
    await expect.poll(() => received.length).toBe(1);
    received[0]!.done(new Error('store down'));
    await expect.poll(() => received.length).toBe(2);
    expect(received[1]!.seq).toBe(0);
    expect(session.lost).toBe(1);
    received[1]!.done(null);
    await expect.poll(() => session.connected).toBe(true);
  });

  it('drops a connection to a broker that stopped answering, and is back once it answers again', async () => {
    const { session, received, group } = await open({ keepaliveS: 2, connectTimeoutMs: 1000 });
    broker.pause();
    try {
      // Nothing arrives and a PINGREQ goes unanswered: dropped within two half-keepalive intervals (generous bound).
      await expect.poll(() => session.lost, { timeout: 10_000, interval: 100 }).toBe(1);
      expect(session.connected).toBe(false);
      await new Promise((r) => setTimeout(r, 1500)); // reconnect attempts meet the stalled broker too
    } finally {
      broker.resume();
    }
    await expect.poll(() => session.connected, { timeout: 15_000, interval: 100 }).toBe(true);
    await publish(group, 3);
    await expect.poll(() => received.length).toBe(3);
    for (const r of received) r.done(null);
  });

  it('answers keepalive while messages wait for their commit, and keeps the connection', async () => {
    const { session, received, group } = await open({ keepaliveS: 1 });
    await publish(group, 3);
    await expect.poll(() => received.length).toBe(3);
    // Three keepalive periods with every message still waiting: a client that read packets one at a time would not
    // see the PINGRESPs behind them; the broker drops a client silent for 1.5 periods.
    await settle(3000);
    expect(session.connected).toBe(true);
    expect(session.lost).toBe(0);
    for (const r of received) r.done(null);
    expect(session.inFlight).toBe(0);
  });
});
