/**
 * Device identity and topic ACLs in the embedded broker (docs/security.md), over real sockets: credentials issued
 * through the HTTP API, every kind of refusal counted, logged and (for publishes) kept in quarantine, legitimate
 * traffic unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { dataTopic, feedbackTopic, scanCommandTopic } from '@coldtrace/contract';
import { getJson, request, startTestGateway, type Body, type TestGateway } from '../support/gateway.js';

interface Issued { username: string; password: string; clientId: string; generation: number }

const logLines: Body[] = [];
const logSink = new Writable({ write(chunk: Buffer, _e, cb) { for (const l of chunk.toString('utf8').split('\n')) if (l !== '') logLines.push(JSON.parse(l)); cb(); } });

describe('MQTT device identity and topic ACLs (embedded broker)', () => {
  let gw: TestGateway;
  let a: Issued;
  let b: Issued;
  let hub: Issued;
  const open: MqttClient[] = [];

  const connect = async (clientId: string, username?: string, password?: string): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(gw.mqttUrl, { clientId, reconnectPeriod: 0, connectTimeout: 5000, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) });
    open.push(c);
    return c;
  };
  /** The CONNACK refusal of a connection attempt (mqtt.js rejects with the broker's return code). */
  const refusal = async (clientId: string, username?: string, password?: string): Promise<number | string> => {
    try {
      await connect(clientId, username, password);
      return 'connected';
    } catch (e) {
      return (e as { code?: number }).code ?? String(e);
    }
  };
  const metric = async (stage: string, reason: string): Promise<number> => {
    const text = await (await fetch(`${gw.httpUrl}/metrics`)).text();
    const m = new RegExp(`^coldtrace_mqtt_refused_total\\{stage="${stage}",reason="${reason}"\\} (\\d+)$`, 'm').exec(text);
    return m === null ? 0 : Number(m[1]);
  };
  const issue = async (path: string): Promise<Issued> => {
    const r = await request('POST', `${gw.httpUrl}/api/v1/credentials/${path}`);
    expect(r.status).toBe(201);
    return r.json as Issued;
  };
  /** The QoS the broker granted, 128 for a refusal (mqtt.js rejects a SUBACK of 0x80). */
  const granted = async (client: MqttClient, filter: string): Promise<number> => {
    try {
      return (await client.subscribeAsync(filter, { qos: 1 }))[0]!.qos;
    } catch (e) {
      return (e as { packet?: { granted?: number[] } }).packet?.granted?.[0] ?? -1;
    }
  };
  const reading = (seq: number): string => JSON.stringify({ v: 1, seq, time: Date.now(), readings: [{ metric: 'temperature', value: 4.5, unit: 'Cel' }] });

  beforeAll(async () => {
    gw = await startTestGateway({ COLDTRACE_MQTT_AUTH: 'credentials' }, { log: pino({ level: 'warn' }, logSink) });
    a = await issue('nodes/wh1/edge-a');
    b = await issue('nodes/wh1/edge-b');
    hub = await issue('readers/order-hub');
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true).catch(() => undefined)));
    await gw.destroy();
  });

  it('issues a secret once and lists only what is not secret', async () => {
    expect(a).toMatchObject({ username: 'wh1/edge-a', clientId: 'ct-wh1-edge-a', generation: 1 });
    expect(a.password.length).toBeGreaterThanOrEqual(43);
    const { credentials } = await getJson<{ credentials: Body[] }>(`${gw.httpUrl}/api/v1/credentials`);
    expect(credentials.map((c) => c.username)).toEqual(['_events/order-hub', 'wh1/edge-a', 'wh1/edge-b']);
    expect(JSON.stringify(credentials)).not.toContain(a.password);
  });

  it('refuses a missing, unknown or wrong credential and a spoofed client id, each counted and logged', async () => {
    expect(await refusal('ct-wh1-edge-a')).toBe(4);
    expect(await refusal('ct-wh1-edge-z', 'wh1/edge-z', a.password)).toBe(4);
    expect(await refusal('ct-wh1-edge-a', 'wh1/edge-a', b.password)).toBe(4);
    expect(await refusal('ct-wh1-edge-b', 'wh1/edge-a', a.password)).toBe(2); // a's credential, b's client id
    expect(await metric('connect', 'no-credentials')).toBe(1);
    expect(await metric('connect', 'unknown')).toBe(1);
    expect(await metric('connect', 'bad-secret')).toBe(1);
    expect(await metric('connect', 'client-id')).toBe(1);
    const spoof = logLines.find((l) => l.stage === 'connect' && l.reason === 'client-id');
    expect(spoof).toMatchObject({ clientId: 'ct-wh1-edge-b', username: 'wh1/edge-a', level: 40 });
  });

  it("keeps a publish on another node's topics in quarantine and stores the node's own", async () => {
    const c = await connect(a.clientId, a.username, a.password);
    await c.publishAsync(dataTopic('wh1', 'edge-b', 'probe-b'), reading(1), { qos: 1 });
    await c.publishAsync(dataTopic('wh1', 'edge-a', 'probe-a'), reading(1), { qos: 1 });
    const own = await getJson<{ readings: unknown[] }>(`${gw.httpUrl}/api/v1/readings?device=probe-a`);
    expect(own.readings).toHaveLength(1);
    const spoofed = await getJson<{ readings: unknown[] }>(`${gw.httpUrl}/api/v1/readings?device=probe-b`);
    expect(spoofed.readings).toHaveLength(0);
    const q = await getJson<{ entries: Body[] }>(`${gw.httpUrl}/api/v1/quarantine?limit=10`);
    expect(q.entries.find((e) => e.code === 'E_FORBIDDEN')).toMatchObject({ topic: dataTopic('wh1', 'edge-b', 'probe-b'), clientId: 'ct-wh1-edge-a' });
    expect(await metric('publish', 'topic')).toBe(1);
    expect(logLines.some((l) => l.stage === 'publish' && l.username === 'wh1/edge-a' && l.topic === dataTopic('wh1', 'edge-b', 'probe-b'))).toBe(true);
  });

  it('lets a node subscribe to its own feedback only, and a reader to the events only', async () => {
    const c = await connect(b.clientId, b.username, b.password);
    expect(await granted(c, feedbackTopic('wh1', 'edge-b'))).toBe(1);
    expect(await granted(c, scanCommandTopic('wh1', 'edge-b'))).toBe(1);
    expect(await granted(c, scanCommandTopic('wh1', 'edge-a'))).toBe(128);
    expect(await granted(c, '#')).toBe(128);
    expect(await granted(c, feedbackTopic('wh1', 'edge-a'))).toBe(128);
    expect(await granted(c, 'ct/v1/wh1/edge-a/+/data')).toBe(128);
    const r = await connect(hub.clientId, hub.username, hub.password);
    expect(await granted(r, 'ct/v1/_events/#')).toBe(1);
    expect(await granted(r, 'ct/v1/#')).toBe(128);
    expect(await metric('subscribe', 'topic')).toBe(5);
  });

  it('does not let a subscriber read the data of a node, even one that publishes on its own topics', async () => {
    const r = await connect(`${hub.clientId}`, hub.username, hub.password).catch(() => undefined);
    // The reader's own connection above was taken over by this one (same client id): still the same identity.
    expect(r).toBeDefined();
    const seen: string[] = [];
    r!.on('message', (topic) => seen.push(topic));
    expect(await granted(r!, 'ct/v1/wh1/#')).toBe(128);
    expect(await granted(r!, 'ct/v1/_events/#')).toBe(1);
    const c = await connect(`${b.clientId}`, b.username, b.password);
    await c.publishAsync(dataTopic('wh1', 'edge-b', 'probe-b2'), reading(2), { qos: 1 });
    expect((await getJson<{ readings: unknown[] }>(`${gw.httpUrl}/api/v1/readings?device=probe-b2`)).readings).toHaveLength(1);
    // A reader may publish nothing: kept in quarantine, routed to nobody (it would reach this very subscriber, and
    // arrive before the answer to the next request on the same connection).
    await r!.publishAsync('ct/v1/_events/flag/raised', 'forged', { qos: 1 });
    await r!.publishAsync('ct/v1/wh1/edge-b/probe-b2/data', reading(3), { qos: 1 });
    expect(await granted(r!, 'ct/v1/_events/milestone/#')).toBe(1);
    expect(seen).toEqual([]);
    const q = await getJson<{ entries: Body[] }>(`${gw.httpUrl}/api/v1/quarantine?limit=10`);
    expect(q.entries.filter((e) => e.code === 'E_FORBIDDEN' && e.clientId === hub.clientId).map((e) => e.topic).sort()).toEqual(['ct/v1/_events/flag/raised', 'ct/v1/wh1/edge-b/probe-b2/data']);
  });

  it('closes a revoked node at once and refuses it from then on', async () => {
    const c = await connect(b.clientId, b.username, b.password);
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    expect((await request('DELETE', `${gw.httpUrl}/api/v1/credentials/nodes/wh1/edge-b`)).status).toBe(204);
    await closed;
    expect(await refusal(b.clientId, b.username, b.password)).toBe(5);
    expect(await metric('connect', 'revoked')).toBe(1);
    expect((await request('DELETE', `${gw.httpUrl}/api/v1/credentials/nodes/wh1/edge-b`)).status).toBe(404);
  });

  it('issues a fleet at once, all or none', async () => {
    const r = await request('POST', `${gw.httpUrl}/api/v1/credentials/nodes`, { nodes: [{ site: 'wh2', node: 'n1' }, { site: 'wh2', node: 'n2' }, { site: 'wh2', node: 'n1' }] });
    expect(r.status).toBe(201);
    const fleet = r.json.credentials as Issued[];
    expect(fleet.map((c) => c.username)).toEqual(['wh2/n1', 'wh2/n2']);
    const c = await connect(fleet[1]!.clientId, fleet[1]!.username, fleet[1]!.password);
    await c.publishAsync(dataTopic('wh2', 'n2', 'probe-n2'), reading(1), { qos: 1 });
    expect((await getJson<{ readings: unknown[] }>(`${gw.httpUrl}/api/v1/readings?device=probe-n2`)).readings).toHaveLength(1);
    const bad = await request('POST', `${gw.httpUrl}/api/v1/credentials/nodes`, { nodes: [{ site: 'wh2', node: 'n3' }, { site: 'wh2', node: 'bad/id' }] });
    expect(bad.status).toBe(400);
    expect((await getJson<{ credentials: Body[] }>(`${gw.httpUrl}/api/v1/credentials`)).credentials.map((x) => x.username)).not.toContain('wh2/n3');
  });

  it('rotates: the old secret stops working, the new one works', async () => {
    const old = a.password;
    const rotated = await issue('nodes/wh1/edge-a');
    expect(rotated.generation).toBe(2);
    expect(await refusal(a.clientId, a.username, old)).toBe(4);
    const c = await connect(rotated.clientId, rotated.username, rotated.password);
    await c.publishAsync(dataTopic('wh1', 'edge-a', 'probe-a'), reading(3), { qos: 1 });
    expect((await getJson<{ readings: unknown[] }>(`${gw.httpUrl}/api/v1/readings?device=probe-a`)).readings).toHaveLength(2);
  });
});
