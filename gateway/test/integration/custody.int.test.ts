/**
 * Custody end to end over real sockets: registry through the HTTP API, readings through MQTT into SQLite, evidence
 * and timelines back through the API. A batch moves zone A -> zone B -> truck -> destination zone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { getJson, request as send, type TestGateway } from '../support/gateway.js';
import { HOUR, iso } from '../support/registry-fixture.js';
import { startCustodyWorld, type CustodyWorld } from '../support/custody-world.js';

const STEP = 10 * 60_000;
/** Device times are whole hours in the past, so every leg lies before now. */
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;


/** One message per device: a temperature every 10 min over [from, to). */
async function publishSeries(client: MqttClient, device: string, from: number, to: number): Promise<number[]> {
  const times: number[] = [];
  for (let t = from; t < to; t += STEP) times.push(t);
  const readings = times.map((t, i) => ({ metric: 'temperature', value: 4 + (i % 5) / 10, unit: 'Cel', time: t }));
  await client.publishAsync(dataTopic('wh1', 'node-c', device), JSON.stringify({ v: 1, seq: 1, time: from, readings }), { qos: 1 });
  return times;
}

interface EvidenceReading { device: string; time: number; location: { kind: string; id: string } }

describe('custody: readings resolve to the batches and orders they are evidence for', () => {
  let world: CustodyWorld;
  let gw: TestGateway;
  let client: MqttClient;
  let api: string;
  beforeAll(async () => {
    world = await startCustodyWorld(t0);
    ({ gw, client, api } = world);
    // Every sensor reports from two hours before t0 to seven hours after: custody covers only part of it.
    for (const d of ['S-A', 'S-B', 'S-DEST', 'T-1']) await publishSeries(client, d, t0 - 2 * HOUR, t0 + 7 * HOUR);
    // The rules judged the shipment when it was registered, before its tracker's readings: let them catch up.
    await gw.rules.idle();
  });
  afterAll(() => world.close());

  it("returns, for each leg of the batch's custody, the readings taken there and none from outside it", async () => {
    const { readings, truncated } = await getJson<{ readings: EvidenceReading[]; truncated: boolean }>(`${api}/evidence/batches/B-1`);
    expect(truncated).toBe(false);
    const expected: string[] = [];
    const leg = (device: string, kind: string, id: string, from: number, to: number): void => {
      for (let t = from; t < to; t += STEP) expected.push(`${t} ${device} ${kind}:${id}`);
    };
    leg('S-A', 'zone', 'Z-A', t0, t0 + HOUR);
    leg('S-B', 'zone', 'Z-B', t0 + HOUR, t0 + 3 * HOUR);
    leg('T-1', 'shipment', 'SH-1', t0 + 3 * HOUR, t0 + 5 * HOUR);
    leg('S-DEST', 'zone', 'Z-DEST', t0 + 5 * HOUR, t0 + 7 * HOUR);
    expect(readings.map((r) => `${r.time} ${r.device} ${r.location.kind}:${r.location.id}`)).toEqual(expected);
    // The order's evidence is its batch's: the same readings, each once.
    const order = await getJson<{ readings: EvidenceReading[] }>(`${api}/evidence/orders/O-1`);
    expect(order.readings.map((r) => `${r.time} ${r.device}`)).toEqual(readings.map((r) => `${r.time} ${r.device}`));
  });

  it('resolves a device and a device time to its zone or shipment, the batches exposed there and their orders', async () => {
    const at = (device: string, t: number) => getJson<{ location?: { kind: string; id: string }; batches: string[]; orders: string[] }>(`${api}/custody/resolve?device=${device}&time=${t}`);
    expect(await at('S-B', t0 + 2 * HOUR)).toMatchObject({ location: { kind: 'zone', id: 'Z-B' }, batches: ['B-1'], orders: ['O-1'] });
    // Later in the same zone: B-1 has left, B-2 has arrived, so the reading serves O-2 and not O-1.
    expect(await at('S-B', t0 + 4 * HOUR)).toMatchObject({ location: { kind: 'zone', id: 'Z-B' }, batches: ['B-2'], orders: ['O-2'] });
    expect(await at('T-1', t0 + 4 * HOUR)).toMatchObject({ location: { kind: 'shipment', id: 'SH-1' }, batches: ['B-1'], orders: ['O-1'] });
    const outside = await at('T-1', t0 + 6 * HOUR);
    expect(outside.location).toBeUndefined();
    expect(outside.batches).toEqual([]);
  });

  it("tells the order's story in time order: statuses, custody moves, trackers", async () => {
    const { events } = await getJson<{ events: { at: string; kind: string; change?: string; status?: string; location?: { id: string }; device?: string }[] }>(`${api}/orders/O-1/timeline`);
    // Flags on the timeline (here, the holes in B-1's zone evidence) are rules.int.test.ts's business.
    expect(events.filter((e) => e.kind !== 'flag').map((e) => `${e.at} ${e.kind} ${e.status ?? e.change} ${e.location?.id ?? e.device ?? ''}`.trim())).toEqual([
      `${iso(t0 - HOUR)} status paid`,
      `${iso(t0)} custody arrived Z-A`,
      `${iso(t0 + HOUR)} custody left Z-A`,
      `${iso(t0 + HOUR)} custody arrived Z-B`,
      `${iso(t0 + 3 * HOUR)} status shipped`,
      `${iso(t0 + 3 * HOUR)} custody left Z-B`,
      `${iso(t0 + 3 * HOUR)} custody arrived SH-1`,
      `${iso(t0 + 3 * HOUR)} tracker attached T-1`,
      `${iso(t0 + 5 * HOUR)} custody left SH-1`,
      `${iso(t0 + 5 * HOUR)} tracker detached T-1`,
      `${iso(t0 + 5 * HOUR)} custody arrived Z-DEST`,
    ]);
  });

  it('links readings to a placement recorded after them, and lists them as unlinked until then', async () => {
    const times = await publishSeries(client, 'S-LATE', t0 + 5 * HOUR, t0 + 6 * HOUR);
    const before = await getJson<{ devices: { device: string; runs: { firstTime: number; lastTime: number; readings: number | null }[] }[] }>(`${api}/custody/unlinked`);
    expect(before.devices.find((d) => d.device === 'S-LATE')?.runs).toEqual([{ firstTime: times[0], lastTime: times.at(-1), readings: times.length }]);
    const evidenceBefore = await getJson<{ readings: EvidenceReading[] }>(`${api}/evidence/batches/B-1`);
    expect(evidenceBefore.readings.filter((r) => r.device === 'S-LATE')).toEqual([]);
    const put = await send('PUT', `${api}/registry/placements/P-SL`, { device: 'S-LATE', zone: 'Z-DEST', from: iso(t0 + 5 * HOUR) });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    const evidence = await getJson<{ readings: EvidenceReading[] }>(`${api}/evidence/batches/B-1`);
    expect(evidence.readings.filter((r) => r.device === 'S-LATE').map((r) => r.time)).toEqual(times);
    const after = await getJson<{ devices: { device: string }[] }>(`${api}/custody/unlinked`);
    expect(after.devices.map((d) => d.device)).not.toContain('S-LATE');
  });

  it('keeps and lists the readings of a device the registry does not know', async () => {
    const times = await publishSeries(client, 'ghost', t0, t0 + HOUR);
    const { devices } = await getJson<{ devices: { device: string; readings: number }[] }>(`${api}/custody/unassigned`);
    expect(devices).toContainEqual(expect.objectContaining({ device: 'ghost', readings: times.length }));
    const stored = await getJson<{ readings: unknown[] }>(`${gw.httpUrl}/api/v1/readings?device=ghost&from=${t0}&to=${t0 + HOUR}`);
    expect(stored.readings).toHaveLength(times.length);
    const metrics = await (await fetch(`${gw.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^coldtrace_custody_readings_total\{custody="unlinked"\} [1-9]\d*$/m);
  });

  it('keeps the history of a correction: what changed, by whom, when, from which source', async () => {
    const corrected = await send('PUT', `${api}/registry/placements/P-B2-B`, { batch: 'B-2', zone: 'Z-B', from: iso(t0 + 3.5 * HOUR), to: iso(t0 + 8 * HOUR) },
      { 'x-coldtrace-actor': 'alice', 'x-coldtrace-source': 'wms' });
    expect(corrected.json).toEqual({ applied: { placements: { created: 0, updated: 1, unchanged: 0, deleted: 0 } } });
    const { entries } = await getJson<{ entries: { change: string; actor: string; source: string; before?: { to?: string }; after?: { to?: string } }[] }>(`${api}/registry/placements/P-B2-B/history`);
    expect(entries.map((e) => `${e.change} by ${e.actor} via ${e.source}`)).toEqual(['created by setup via test', 'updated by alice via wms']);
    expect(entries[1]!.before?.to).toBeUndefined();
    expect(entries[1]!.after?.to).toBe(iso(t0 + 8 * HOUR));
    // The same correction again changes nothing and adds no history.
    const again = await send('PUT', `${api}/registry/placements/P-B2-B`, { batch: 'B-2', zone: 'Z-B', from: iso(t0 + 3.5 * HOUR), to: iso(t0 + 8 * HOUR) });
    expect(again.json.applied.placements.unchanged).toBe(1);
    expect((await getJson<{ entries: unknown[] }>(`${api}/registry/placements/P-B2-B/history`)).entries).toHaveLength(2);
  });

  it('appends an order status from the order hub, refusing a state outside the seven', async () => {
    const ok = await send('POST', `${api}/registry/orders/O-2/statuses`, { status: 'allocated', at: iso(t0), operator: 'wms', source: 'order-hub' });
    expect(ok.status).toBe(200);
    expect(ok.json.statuses).toEqual([{ status: 'allocated', at: iso(t0), operator: 'wms', source: 'order-hub' }]);
    const bad = await send('POST', `${api}/registry/orders/O-2/statuses`, { status: 'lost', at: iso(t0), operator: 'wms', source: 'order-hub' });
    expect(bad.status).toBe(400);
    expect(bad.json.problems).toEqual([expect.objectContaining({ path: 'status' })]);
  });
});
