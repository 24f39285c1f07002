/**
 * The whole gateway on an InfluxDB store (influxd 1.6.7) mirrors its flags (issue #16): a shock published over MQTT
 * has the rules raise flags on the shipment, and a person's acknowledgement over HTTP follows; both reach influxd as
 * flag_event points with the shipment, the order at risk and who acted. What the spool does with them during an
 * outage is flag-mirror.int.test.ts's; this holds the wiring in gateway.ts (once lost without a test noticing).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dataTopic } from '@coldtrace/contract';
import { FLAG_MEASUREMENT } from '../../src/adapters/influx/flag-schema.js';
import { connect, request, startTestGateway, type TestGateway } from '../support/gateway.js';
import { startInfluxd, type TestServer } from '../support/influx-servers.js';

const H = 3_600_000;
const NOW = Date.now();
const iso = (ms: number): string => new Date(ms).toISOString();
const DB = 'flags_gateway';
const REGISTRY = {
  format: 'coldtrace-registry/1',
  sites: [{ id: 'ORG', name: 'Origin', geofence: { kind: 'circle', center: { lat: 52, lon: 5 }, radiusM: 500 } },
    { id: 'DST', name: 'Destination', geofence: { kind: 'circle', center: { lat: 52, lon: 5.6 }, radiusM: 500 } }],
  devices: [{ id: 'trk-1', kind: 'tracker', model: 'GPS', intervalS: 60, metrics: ['gps.lat', 'gps.lon', 'shock.peak'] }],
  products: [{ id: 'P-VAX', name: 'Vaccine', preset: 'pharma-2-8' }],
  batches: [{ id: 'B-1', product: 'P-VAX', quantity: 10, producedAt: '2026-10-01', expiresAt: '2028-10-01' }],
  shipments: [{
    id: 'S-1', carrier: 'Polar', lane: 'ORG-DST', mode: 'road', origin: 'ORG', destination: 'DST', hubs: [], route: [{ lat: 52, lon: 5 }, { lat: 52, lon: 5.6 }],
    corridorM: 1000, plannedDeparture: iso(NOW - 2 * H), promisedDelivery: iso(NOW + 4 * H), gapThresholdMin: 600,
  }],
  orders: [{ id: 'O-1', customer: 'Pharmacy', lines: [{ batch: 'B-1', quantity: 10 }], shipments: ['S-1'], promisedDelivery: iso(NOW + 4 * H), minRemainingShelfLifeDays: 0, statuses: [] }],
  placements: [{ id: 'P-T', device: 'trk-1', shipment: 'S-1', from: iso(NOW - 2 * H) }, { id: 'P-B', batch: 'B-1', shipment: 'S-1', from: iso(NOW - 2 * H) }],
};

let influx: TestServer;
let gw: TestGateway | undefined;
beforeAll(async () => {
  influx = await startInfluxd();
  gw = await startTestGateway({ COLDTRACE_STORE: 'influx-v1', COLDTRACE_INFLUX_URL: influx.url, COLDTRACE_INFLUX_DB: DB, COLDTRACE_LOG_LEVEL: 'error' });
}, 60_000);
afterAll(async () => {
  await gw?.destroy();
  await influx?.stop();
});

/** The flag points in influxd, as rows of named columns, oldest first. */
async function flagRows(): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${influx.url}/query?${new URLSearchParams({ db: DB, epoch: 'ms', q: `SELECT * FROM "${FLAG_MEASUREMENT}" ORDER BY time ASC` })}`);
  const body = await res.json() as { results: { series?: { columns: string[]; values: unknown[][] }[] }[] };
  const s = body.results[0]?.series?.[0];
  return s === undefined ? [] : s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]])));
}

it('mirrors the rules\' flags and a person\'s acknowledgement into InfluxDB', async () => {
  const put = await request('PUT', `${gw!.httpUrl}/api/v1/registry`, REGISTRY);
  expect(put.status).toBe(200);
  const client = await connect(gw!.mqttUrl, `flag-mirror-gw-${process.pid}`);
  try {
    await client.publishAsync(dataTopic('truck', 'edge-1', 'trk-1'), JSON.stringify({ v: 1, seq: 1, time: NOW - 60_000, readings: [{ metric: 'shock.peak', value: 62, unit: '[g]' }] }), { qos: 1 });
  } finally {
    await client.endAsync();
  }
  const raised = (rows: Record<string, unknown>[]) => rows.find((r) => r.event === 'raised' && String(r.flag).startsWith('shock/shock.peak/50/'));
  await expect.poll(async () => raised(await flagRows()), { timeout: 60_000, interval: 250 }).toBeDefined();
  const flag = raised(await flagRows())!;
  expect(flag).toMatchObject({ subject_kind: 'shipment', subject_id: 'S-1', shipment: 'S-1', orders: 'O-1', state: 'open', severity: expect.any(String), actor: 'rules' });

  const ack = await request('POST', `${gw!.httpUrl}/api/v1/flags/${encodeURIComponent(String(flag.flag))}/acknowledge`, { comment: 'box checked' }, { 'x-coldtrace-actor': 'qa-anna' });
  expect(ack.status).toBe(200);
  await expect.poll(async () => (await flagRows()).find((r) => r.flag === flag.flag && r.event === 'acknowledged'), { timeout: 60_000, interval: 250 })
    .toMatchObject({ state: 'acknowledged', actor: 'qa-anna', comment: 'box checked' });
}, 180_000);
