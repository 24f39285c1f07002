/**
 * Flag events end to end: a gateway configured with a webhook (COLDTRACE_WEBHOOKS) tells a real HTTP receiver of
 * the flags its rules raise and of people's moves, signed with the configured secret, each event once per key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MqttClient } from 'mqtt';
import { dataTopic, FLAG_EVENT_FILTER, MILESTONE_EVENT_FILTER } from '@coldtrace/contract';
import { loadGatewayConfig } from '../../src/config.js';
import { connect, request, startTestGateway, type Body, type TestGateway } from '../support/gateway.js';
import { custodyDocument, HOUR } from '../support/registry-fixture.js';

const SECRET = 'order-hub-shared-secret';
const MIN = 60_000;
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;

describe('flag events to the order hub', () => {
  let receiver: Server;
  const received: { key: string; type: string; signed: boolean; body: Body }[] = [];
  let gw: TestGateway;
  let client: MqttClient;
  let listener: MqttClient;
  const onMqtt: { topic: string; body: Body }[] = [];

  /** Waits until the receiver holds an event of `type` on `subject` (delivery polls every 500 ms; no verdict on how fast). */
  async function eventOf(type: string, subject = 'batch:B-1'): Promise<Body> {
    for (let i = 0; i < 600; i++) {
      const e = received.find((r) => r.type === type && `${r.body.flag.subject.kind}:${r.body.flag.subject.id}` === subject);
      if (e !== undefined) return e;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${type} event arrived; got ${received.map((r) => r.type).join(', ')}`);
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const expected = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
        received.push({ key: String(req.headers['x-coldtrace-idempotency-key']), type: String(req.headers['x-coldtrace-event']), signed: req.headers['x-coldtrace-signature'] === expected, body: JSON.parse(raw.toString('utf8')) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    gw = await startTestGateway({ COLDTRACE_WEBHOOKS: `hub=http://127.0.0.1:${port}/coldtrace`, COLDTRACE_WEBHOOK_SECRET: SECRET, COLDTRACE_NOTICE_LINK_TEMPLATE: 'https://shop.example/orders/{order}' });
    client = await connect(gw.mqttUrl, 'node-e');
    listener = await connect(gw.mqttUrl, 'order-hub-listener');
    listener.on('message', (topic, payload) => onMqtt.push({ topic, body: JSON.parse(payload.toString('utf8')) }));
    await listener.subscribeAsync([FLAG_EVENT_FILTER, MILESTONE_EVENT_FILTER], { qos: 1 });
    expect((await request('PUT', `${gw.httpUrl}/api/v1/registry`, custodyDocument(t0))).status).toBe(200);
  });
  afterAll(async () => {
    await client.endAsync();
    await listener.endAsync();
    await gw.destroy();
    await new Promise((r) => receiver.close(r));
  });

  it('delivers the raised flag, signed, with the orders and a customer notice', async () => {
    const readings = [];
    for (let t = t0 + HOUR; t < t0 + 3 * HOUR; t += MIN) readings.push({ metric: 'temperature', value: t >= t0 + 1.5 * HOUR && t < t0 + 2.25 * HOUR ? 9 : 5, unit: 'Cel', time: t });
    await client.publishAsync(dataTopic('wh1', 'node-e', 'S-B'), JSON.stringify({ v: 1, seq: 1, time: t0 + HOUR, readings }), { qos: 1 });
    await gw.rules.idle();
    const raised = await eventOf('flag.raised');
    expect(raised.signed).toBe(true);
    // (B-1 and B-2 also get a data-gap/zone flag: zones A and the destination sent nothing while they were there.)
    const batchRaised = received.filter((r) => r.type === 'flag.raised' && r.body.flag.subject.kind === 'batch' && r.body.flag.rule.startsWith('excursion/'));
    expect(batchRaised).toHaveLength(1);
    expect(batchRaised[0]!.body).toMatchObject({
      flag: { id: 'excursion/temperature/upper/8/consecutive/30@batch:B-1', severity: 'major' }, orders: ['O-1'],
      notice: { orders: ['O-1'], since: new Date(t0 + 2 * HOUR).toISOString(), links: [{ order: 'O-1', url: 'https://shop.example/orders/O-1' }] },
    });
    // The same event, live on MQTT, under the same key; the broker did not take the gateway's own events for data.
    for (let i = 0; i < 200 && !onMqtt.some((m) => m.body.id === batchRaised[0]!.key); i++) await new Promise((r) => setTimeout(r, 25));
    expect(onMqtt.find((m) => m.body.id === batchRaised[0]!.key)?.topic).toBe('ct/v1/_events/flag/raised');
    expect((await request('GET', `${gw.httpUrl}/api/v1/quarantine`)).json.entries).toEqual([]);
  });

  it("delivers a person's move, and every event once per key", async () => {
    const id = encodeURIComponent('excursion/temperature/upper/8/consecutive/30@batch:B-1');
    expect((await request('POST', `${gw.httpUrl}/api/v1/flags/${id}/acknowledge`, { comment: 'on it' }, { 'x-coldtrace-actor': 'qa.ben' })).status).toBe(200);
    const ack = await eventOf('flag.acknowledged');
    expect(ack.body).toMatchObject({ actor: 'qa.ben', comment: 'on it' });
    expect(ack.signed).toBe(true);
    const keys = received.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    const stats = (await request('GET', `${gw.httpUrl}/api/v1/events/stats`)).json;
    expect(JSON.stringify(stats)).toContain('hub');
  });

  it('refuses webhook settings it cannot use, naming them', () => {
    const r = loadGatewayConfig({ COLDTRACE_WEBHOOKS: 'hub=ftp://x, =http://y, a=http://z,a=http://w' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(expect.arrayContaining([
      expect.stringContaining("'ftp://x' of 'hub' is not an http(s) URL"), expect.stringContaining("'=http://y' is not name=url"),
      expect.stringContaining("the name 'a' is used twice"), expect.stringContaining('COLDTRACE_WEBHOOK_SECRET: required'),
    ]));
  });

  it("never lets a client's publish pass for a flag event: refused into quarantine, not routed", async () => {
    const forged = { v: 1, id: 'forged', type: 'flag.raised', flag: { subject: { kind: 'batch', id: 'B-1' } } };
    await client.publishAsync('ct/v1/_events/flag/raised', JSON.stringify(forged), { qos: 1 });
    // Every event family is the gateway's alone, milestones too.
    await client.publishAsync('ct/v1/_events/milestone/reached', JSON.stringify({ ...forged, type: 'milestone.reached' }), { qos: 1 });
    const q = (await request('GET', `${gw.httpUrl}/api/v1/quarantine`)).json;
    expect(q.entries.map((e: Body) => e.topic).sort()).toEqual(['ct/v1/_events/flag/raised', 'ct/v1/_events/milestone/reached']);
    // An event the gateway publishes after it (resolving the flag) arrives; the forged one, before it, did not.
    const id = encodeURIComponent('excursion/temperature/upper/8/consecutive/30@batch:B-1');
    expect((await request('POST', `${gw.httpUrl}/api/v1/flags/${id}/resolve`, { comment: 'done' })).status).toBe(200);
    for (let i = 0; i < 400 && !onMqtt.some((m) => m.topic === 'ct/v1/_events/flag/resolved'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(onMqtt.some((m) => m.topic === 'ct/v1/_events/flag/resolved')).toBe(true);
    expect(onMqtt.some((m) => m.body.id === 'forged')).toBe(false);
  });
});
