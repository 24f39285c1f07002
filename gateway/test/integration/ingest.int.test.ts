/** Ingest end to end over real sockets: MQTT publish -> embedded broker -> validation -> SQLite -> HTTP API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { connect, getJson, startTestGateway, type TestGateway } from '../support/gateway.js';

interface Case { name: string; topic: string; body?: unknown; raw?: string; rawBase64?: string; code: string }
const cases = JSON.parse(readFileSync(new URL('../fixtures/rejections.json', import.meta.url), 'utf8')) as Case[];

describe('ingest over MQTT', () => {
  let gw: TestGateway;
  let client: MqttClient;
  beforeAll(async () => {
    gw = await startTestGateway();
    client = await connect(gw.mqttUrl, 'node-it');
  });
  afterAll(async () => {
    await client.endAsync();
    await gw.destroy();
  });

  it('stores a reading with its value, device time and sequence intact', async () => {
    const time = Date.now() - 1000;
    await client.publishAsync(dataTopic('wh1', 'node-it', 'th-1'), JSON.stringify({ v: 1, seq: 7, time, readings: [{ metric: 'temperature', value: 4.3, unit: 'Cel' }] }), { qos: 1 });
    // The PUBACK has arrived: the reading must already be committed, with no polling.
    const { readings } = await getJson<{ readings: { value: number; time: number; seq: number; receivedAt: number }[] }>(`${gw.httpUrl}/api/v1/readings?device=th-1&metric=temperature`);
    expect(readings).toHaveLength(1);
    expect(readings[0]).toMatchObject({ value: 4.3, time, seq: 7 });
    expect(readings[0]!.receivedAt).toBeGreaterThanOrEqual(time);
    // A single reading waits in the store's ingest log for more of its series; the gauge shows it.
    const metrics = await (await fetch(`${gw.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^coldtrace_store_log_readings 1$/m);
    // Its receive -> durable ack time was observed once.
    expect(metrics).toMatch(/^coldtrace_ingest_ack_seconds_count\{lane="live"\} 1$/m);
  });

  it('stores a store-and-forward replay through the backlog lane, durable when acknowledged', async () => {
    // 600 readings from two hours ago, every one LATE: a replayed outbox, large enough (> 16 KiB) to be paced.
    const t0 = Date.now() - 2 * 3_600_000;
    const readings = Array.from({ length: 600 }, (_, i) => ({ metric: 'temperature', value: 4 + (i % 10) / 10, unit: 'Cel', time: t0 + i * 1000 }));
    const payload = JSON.stringify({ v: 1, seq: 1, time: t0, readings });
    expect(payload.length).toBeGreaterThan(16 * 1024);
    await client.publishAsync(dataTopic('wh1', 'node-it', 'replay-1'), payload, { qos: 1 });
    const { readings: stored } = await getJson<{ readings: { time: number }[] }>(`${gw.httpUrl}/api/v1/readings?device=replay-1&limit=1000&from=${t0}&to=${t0 + 600_000}`);
    expect(stored).toHaveLength(600);
    const metrics = await (await fetch(`${gw.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^coldtrace_ingest_ack_seconds_count\{lane="backlog"\} 1$/m);
    expect(metrics).toMatch(/^coldtrace_ingest_flagged_readings_total\{flag="late"\} 600$/m);
  });

  it('shows sequence gaps on the live view, and fills them when the late message arrives', async () => {
    const t = Date.now() - 10_000;
    const send = (seq: number): Promise<unknown> => client.publishAsync(dataTopic('wh1', 'node-it', 'seq-1'), JSON.stringify({ v: 1, seq, time: t + seq, readings: [{ metric: 'temperature', value: 5, unit: 'Cel' }] }), { qos: 1 });
    for (const seq of [1, 2, 5]) await send(seq);
    const view = async (): Promise<{ missing: number; coverage: number }> => (await getJson<{ devices: { device: string; sequence: { missing: number; coverage: number } }[] }>(`${gw.httpUrl}/api/v1/devices`)).devices.find((d) => d.device === 'seq-1')!.sequence;
    expect(await view()).toMatchObject({ missing: 2, coverage: 0.6 });
    for (const seq of [3, 4]) await send(seq);
    expect(await view()).toMatchObject({ missing: 0, coverage: 1 });
  });

  it('stores a duplicate (same device, metric and device time) once', async () => {
    const time = Date.now() - 2000;
    const msg = JSON.stringify({ v: 1, seq: 8, time, readings: [{ metric: 'humidity', value: 50, unit: '%RH' }] });
    for (let i = 0; i < 3; i++) await client.publishAsync(dataTopic('wh1', 'node-it', 'th-2'), msg, { qos: 1 });
    const { readings } = await getJson<{ readings: unknown[] }>(`${gw.httpUrl}/api/v1/readings?device=th-2`);
    expect(readings).toHaveLength(1);
  });

  it('quarantines every malformed message with its own reason, and keeps ingesting', async () => {
    for (const c of cases) {
      const payload = c.rawBase64 !== undefined ? Buffer.from(c.rawBase64, 'base64') : c.raw ?? JSON.stringify(c.body);
      await client.publishAsync(c.topic, payload, { qos: 1 });
    }
    const good = Date.now();
    await client.publishAsync(dataTopic('wh1', 'node-it', 'th-3'), JSON.stringify({ v: 1, seq: 1, time: good, readings: [{ metric: 'temperature', value: -18.5, unit: 'Cel' }] }), { qos: 1 });
    const q = await getJson<{ entries: { code: string; topic: string; detail: string; payload: string }[]; counts: Record<string, number> }>(`${gw.httpUrl}/api/v1/quarantine?limit=100`);
    expect(q.entries.map((e) => e.code).reverse()).toEqual(cases.map((c) => c.code));
    for (const e of q.entries) expect(e.detail.length).toBeGreaterThan(5);
    const empty = q.entries.find((e) => e.code === 'E_FIELD_UNKNOWN');
    expect(empty?.payload).toContain('"orderId":""');
    const { readings } = await getJson<{ readings: { value: number }[] }>(`${gw.httpUrl}/api/v1/readings?device=th-3`);
    expect(readings.map((r) => r.value)).toEqual([-18.5]);
    const metrics = await (await fetch(`${gw.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/coldtrace_quarantine_total\{code="E_METRIC_UNKNOWN"\} 1/);
  });

  it('records node birth and the broker-published will as status events', async () => {
    const will = { topic: 'ct/v1/wh1/node-lwt/status', payload: Buffer.from(JSON.stringify({ v: 1, state: 'offline', time: Date.now(), boot: 'b1', will: true })), qos: 1 as const, retain: true };
    const c = await (await import('mqtt')).default.connectAsync(gw.mqttUrl, { clientId: 'node-lwt', reconnectPeriod: 0, will });
    await c.publishAsync('ct/v1/wh1/node-lwt/status', JSON.stringify({ v: 1, state: 'online', time: Date.now(), boot: 'b1' }), { qos: 1, retain: true });
    (c as unknown as { stream: { destroy(): void } }).stream.destroy();
    let events: { state: string }[] = [];
    for (let i = 0; i < 50 && events.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      events = (await getJson<{ events: { state: string }[] }>(`${gw.httpUrl}/api/v1/status-events?node=node-lwt`)).events;
    }
    expect(events.map((e) => e.state)).toEqual(['offline', 'online']);
    const { nodes } = await getJson<{ nodes: { node: string; state: string; will: boolean }[] }>(`${gw.httpUrl}/api/v1/devices`);
    expect(nodes.find((n) => n.node === 'node-lwt')).toMatchObject({ state: 'offline', will: true });
    c.end(true);
  });
});

describe('quarantine replay', () => {
  it('stores a quarantined message once the cause is fixed, and records the outcome', async () => {
    const { METRICS } = await import('@coldtrace/contract');
    const { 'door.open': _omitted, ...withoutDoor } = METRICS;
    // First gateway: a catalogue that does not know door.open yet.
    const first = await startTestGateway({}, { validation: { catalogue: withoutDoor } });
    const c1 = await connect(first.mqttUrl, 'node-replay');
    const time = Date.now();
    await c1.publishAsync(dataTopic('wh1', 'node-replay', 'door-1'), JSON.stringify({ v: 1, seq: 1, time, readings: [{ metric: 'door.open', value: true, unit: '1' }] }), { qos: 1 });
    await c1.endAsync();
    const q = await getJson<{ entries: { id: number; code: string }[] }>(`${first.httpUrl}/api/v1/quarantine`);
    expect(q.entries.map((e) => e.code)).toEqual(['E_METRIC_UNKNOWN']);
    // Replayed before the fix: refused again, recorded as attempts of the same entry, no new entries (issue #23).
    for (let i = 0; i < 2; i++) {
      const again = await fetch(`${first.httpUrl}/api/v1/quarantine/${q.entries[0]!.id}/replay`, { method: 'POST' });
      expect(await again.json()).toMatchObject({ outcome: 'quarantined', quarantineId: q.entries[0]!.id, code: 'E_METRIC_UNKNOWN' });
    }
    const after = await getJson<{ entries: { id: number; replays: { result: string }[] }[]; counts: Record<string, number> }>(`${first.httpUrl}/api/v1/quarantine`);
    expect(after.entries.map((e) => e.id)).toEqual([q.entries[0]!.id]);
    expect(after.counts).toEqual({ E_METRIC_UNKNOWN: 1 });
    expect(after.entries[0]!.replays.map((r) => r.result)).toEqual([1, 2].map(() => expect.stringMatching(/^refused again: E_METRIC_UNKNOWN: /)));
    await first.close();
    // The fix ships: same data directory, full catalogue.
    const { startGateway } = await import('../../src/gateway.js');
    const { testConfig } = await import('../support/gateway.js');
    const second = await startGateway({ config: testConfig(first.dataDir) });
    try {
      const res = await fetch(`${second.httpUrl}/api/v1/quarantine/${q.entries[0]!.id}/replay`, { method: 'POST' });
      expect(await res.json()).toEqual({ outcome: 'stored', readings: 1 });
      const { readings } = await getJson<{ readings: { value: number; time: number }[] }>(`${second.httpUrl}/api/v1/readings?device=door-1`);
      expect(readings).toMatchObject([{ value: 1, time }]);
      const entry = await getJson<{ replayResult: string; replayedAt: number; replays: { result: string }[] }>(`${second.httpUrl}/api/v1/quarantine/${q.entries[0]!.id}`);
      expect(entry.replayResult).toBe('stored');
      expect(entry.replays.map((r) => r.result.split(':')[0])).toEqual(['refused again', 'refused again', 'stored']);
      expect((await fetch(`${second.httpUrl}/api/v1/quarantine/999999/replay`, { method: 'POST' })).status).toBe(404);
    } finally {
      await second.close();
      await first.destroy().catch(() => undefined);
    }
  });
});
