/**
 * FEFO by what the goods lived through (issue #15): readings through MQTT into the running gateway, stock placed in
 * zones through the registry API, the site's FEFO list through the HTTP API. Product P-Q10: Q10 = 3, 60 days at
 * 5 °C, so 20 days at 15 °C. Over 12 days zone WARM held 15 °C and zone COOL 5 °C:
 *   B-WARM (label +60 d) consumed 12/20 = 60 % of its life: 40 % × 60 d = 24 d left -> picked first;
 *   B-COOL (label +30 d) consumed 20 %, 48 d left: its label decides;
 *   B-PLAIN (label +40 d) has no shelf-life model: its label decides;
 * B-GONE left the site before the evaluation time and B-ELSE is at another site: neither is listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { connect, getJson, request as send, startTestGateway, type Body, type TestGateway } from '../support/gateway.js';
import { HOUR, iso } from '../support/registry-fixture.js';

const DAY = 24 * HOUR;
const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const t0 = end - 12 * DAY;

function document(): Record<string, unknown> {
  const circle = (lat: number) => ({ kind: 'circle', center: { lat, lon: 4.9 }, radiusM: 300 });
  return {
    format: 'coldtrace-registry/1',
    sites: [{ id: 'WH1', name: 'Warehouse 1', geofence: circle(52.3) }, { id: 'WH2', name: 'Warehouse 2', geofence: circle(52.5) }],
    zones: [{ id: 'COOL', site: 'WH1', name: 'Cold room' }, { id: 'WARM', site: 'WH1', name: 'Cold room with a failing unit' }, { id: 'W2', site: 'WH2', name: 'Other' }],
    places: [],
    devices: ['S-COOL', 'S-WARM', 'S-W2'].map((id) => ({ id, kind: 'zone_sensor', model: 'XY-MD02', intervalS: 3600, metrics: ['temperature'] })),
    products: [
      { id: 'P-Q10', name: 'Insulin pens', preset: 'pharma-2-8', shelfLife: { model: 'q10', refTempC: 5, refLifeDays: 60, q10: 3 } },
      { id: 'P-PLAIN', name: 'Saline', preset: 'pharma-2-8' },
    ],
    batches: [
      { id: 'B-WARM', product: 'P-Q10', quantity: 100, producedAt: iso(t0), expiresAt: iso(end + 60 * DAY) },
      { id: 'B-COOL', product: 'P-Q10', quantity: 200, producedAt: iso(t0), expiresAt: iso(end + 30 * DAY) },
      { id: 'B-PLAIN', product: 'P-PLAIN', quantity: 50, producedAt: iso(t0), expiresAt: iso(end + 40 * DAY) },
      { id: 'B-GONE', product: 'P-Q10', quantity: 10, producedAt: iso(t0), expiresAt: iso(end + DAY) },
      { id: 'B-ELSE', product: 'P-Q10', quantity: 10, producedAt: iso(t0), expiresAt: iso(end + DAY) },
    ],
    shipments: [],
    orders: [],
    placements: [
      { id: 'P-S-COOL', device: 'S-COOL', zone: 'COOL', from: iso(t0 - DAY) },
      { id: 'P-S-WARM', device: 'S-WARM', zone: 'WARM', from: iso(t0 - DAY) },
      { id: 'P-S-W2', device: 'S-W2', zone: 'W2', from: iso(t0 - DAY) },
      { id: 'P-B-WARM', batch: 'B-WARM', zone: 'WARM', from: iso(t0) },
      { id: 'P-B-COOL', batch: 'B-COOL', zone: 'COOL', from: iso(t0) },
      { id: 'P-B-PLAIN', batch: 'B-PLAIN', zone: 'COOL', from: iso(t0) },
      { id: 'P-B-GONE', batch: 'B-GONE', zone: 'COOL', from: iso(t0), to: iso(end - DAY) },
      { id: 'P-B-ELSE', batch: 'B-ELSE', zone: 'W2', from: iso(t0) },
    ],
  };
}

describe('FEFO list of a site', () => {
  let gw: TestGateway;
  let client: MqttClient;
  let api: string;
  let seq = 0;

  /** One reading an hour over [t0, end) at `c` °C. */
  const publish = async (device: string, c: number): Promise<void> => {
    const readings = [];
    for (let t = t0; t < end; t += HOUR) readings.push({ metric: 'temperature', value: c, unit: 'Cel', time: t });
    const body = { v: 1, seq: ++seq, time: t0, readings };
    await client.publishAsync(dataTopic('wh1', 'node-f', device), JSON.stringify(body), { qos: 1 });
  };

  beforeAll(async () => {
    gw = await startTestGateway();
    api = `${gw.httpUrl}/api/v1`;
    client = await connect(gw.mqttUrl, 'node-f');
    const r = await send('PUT', `${api}/registry`, document());
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    await publish('S-WARM', 15);
    await publish('S-COOL', 5);
    await publish('S-W2', 5);
    await gw.rules.idle();
  });
  afterAll(async () => {
    await client.endAsync();
    await gw.destroy();
  });

  it('ranks a batch that aged in the warm zone before batches with earlier labels, with the numbers behind it', async () => {
    const list = await getJson<{ site: string; at: string; batches: Body[]; unreadable: string[] }>(`${api}/sites/WH1/fefo?at=${end}`);
    expect(list.site).toBe('WH1');
    expect(list.at).toBe(iso(end));
    expect(list.unreadable).toEqual([]);
    expect(list.batches.map((b) => b.batch)).toEqual(['B-WARM', 'B-COOL', 'B-PLAIN']);
    const [warm, cool, plain] = list.batches;
    expect(warm).toMatchObject({
      rank: 1, zone: 'WARM', quantity: 100, basis: 'dynamic', pickBy: iso(end + 24 * DAY), labelExpiry: iso(end + 60 * DAY), daysBeforeLabel: 36, expired: false,
      shelfLife: { dynamicExpiry: iso(end + 24 * DAY), remainingDays: 24, consumedPercent: 60, asOf: iso(end) },
    });
    expect(cool).toMatchObject({ rank: 2, basis: 'label', pickBy: iso(end + 30 * DAY), daysBeforeLabel: 0, shelfLife: { remainingDays: 48, consumedPercent: 20, level: 'ok' } });
    expect(plain).toMatchObject({ rank: 3, basis: 'label', pickBy: iso(end + 40 * DAY) });
    expect(plain!.shelfLife).toBeUndefined();
  });

  it('lists the stock placed at the evaluation time: a batch still on site earlier is listed then', async () => {
    const earlier = end - 2 * DAY;
    const list = await getJson<{ batches: Body[] }>(`${api}/sites/WH1/fefo?at=${earlier}`);
    expect(list.batches.map((b) => b.batch)).toContain('B-GONE');
    // 10 days at 15 °C by then: 50 % consumed, 30 days left from that moment.
    expect(list.batches.find((b) => b.batch === 'B-WARM')).toMatchObject({ shelfLife: { consumedPercent: 50, dynamicExpiry: iso(earlier + 30 * DAY) } });
  });

  it("ages stock by its sensor's corrected temperature: a certificate saying S-W2 reads 10 °C low triples B-ELSE's consumption", async () => {
    const before = await getJson<{ batches: Body[] }>(`${api}/sites/WH2/fefo?at=${end}`);
    expect(before.batches[0]).toMatchObject({ batch: 'B-ELSE', shelfLife: { consumedPercent: 20 } });
    const cert = { laboratory: 'Lab', calibratedAt: iso(t0 - 30 * DAY), dueAt: iso(end + 300 * DAY), metrics: { temperature: { correction: 10, uncertainty: 0.2 } } };
    expect((await send('PUT', `${api}/devices/S-W2/calibrations/C-W2`, cert)).status).toBe(200);
    const after = await getJson<{ batches: Body[] }>(`${api}/sites/WH2/fefo?at=${end}`);
    // 12 days at 15 °C of 20: 60 %, as in zone WARM.
    expect(after.batches[0]).toMatchObject({ batch: 'B-ELSE', shelfLife: { consumedPercent: 60 } });
  });

  it('answers 404 for an unknown site, and the route is in the OpenAPI document', async () => {
    expect((await send('GET', `${api}/sites/NOPE/fefo`)).status).toBe(404);
    const spec = await getJson<{ paths: Record<string, unknown> }>(`${gw.httpUrl}/openapi.json`);
    expect(Object.keys(spec.paths)).toContain('/api/v1/sites/{id}/fefo');
  });
});
