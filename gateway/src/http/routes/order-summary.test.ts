/**
 * GET /api/v1/orders/{id}/summary on real SQLite stores: ORD-1's goods ride S-1, 5 h into a 400 km trip due north
 * with an hour at the Bettembourg hub, kept at 3.1-5.4 °C, with a warm excursion still going on; ORD-2's shipment
 * has not left yet and no reading has come in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { openDatabase } from '../../adapters/sqlite/database.js';
import { SqliteCarrierEventStore } from '../../adapters/sqlite/carrier/carrier-event-store.js';
import { SqliteFlagStore } from '../../adapters/sqlite/flags/flag-store.js';
import { SqliteRegistryStore } from '../../adapters/sqlite/registry/registry-store.js';
import { SqliteTelemetryStore } from '../../adapters/sqlite/telemetry-store.js';
import type { Finding } from '../../domain/flags/types.js';
import type { StoredReading } from '../../domain/reading.js';
import { CarrierEventService } from '../../services/carrier-events.js';
import { CustodyIndex } from '../../services/custody.js';
import { DeliveryWindowService } from '../../services/delivery-windows.js';
import { EvidenceService } from '../../services/evidence.js';
import { OrderSummaryService } from '../../services/order-summary.js';
import { RegistryService } from '../../services/registry.js';
import { ShipmentListService } from '../../services/shipments.js';
import { TrackService } from '../../services/tracks.js';
import { registerOrderSummaryRoutes } from './order-summary.js';

const H = 3_600_000;
const MIN = 60_000;
/** Mon 7 Dec 2026, 06:00 UTC: 07:00 in Amsterdam. */
const T0 = Date.UTC(2026, 11, 7, 6);
const NOW = T0 + 5 * H;
const AT = NOW + MIN;
const iso = (ms: number): string => new Date(ms).toISOString();
const KM_PER_DEG = 6_371 * Math.PI / 180;
const north = (km: number) => 50 + km / KM_PER_DEG;
const geofence = (km: number) => ({ kind: 'circle', center: { lat: north(km), lon: 5 }, radiusM: 500 });
const shipment = (id: string, depH: number) => ({
  id, carrier: 'Coldline', lane: 'SOUTH-NORTH', mode: 'road', origin: 'SOUTH', destination: 'NORTH', hubs: ['BET'],
  route: [{ lat: 50, lon: 5 }, { lat: north(400), lon: 5 }], corridorM: 5000,
  plannedDeparture: iso(T0 + depH * H), promisedDelivery: iso(T0 + (depH + 10) * H), gapThresholdMin: 30,
});
const order = (id: string, batch: string, ship: string) => ({ id, customer: 'Fresh BV', lines: [{ batch, quantity: 1 }], shipments: [ship], promisedDelivery: iso(T0 + 12 * H), minRemainingShelfLifeDays: 0, statuses: [] });
const batch = (id: string) => ({ id, product: 'P', quantity: 1, producedAt: '2026-12-01', expiresAt: '2027-06-01' });

/** Km along the route at `m` minutes: 60 km/h, but standing at the hub (km 120) from 2 h to 3 h. */
const kmAt = (m: number): number => (m <= 120 ? m : m <= 180 ? 120 : m - 60);

function warm(active: boolean): Finding {
  return {
    rule: 'excursion/temperature/upper/8/consecutive/30', params: {}, subject: { kind: 'batch', id: 'B-1' }, severity: 'major', title: 't',
    startMs: T0 + 4 * H, endMs: T0 + 5 * H, metAtMs: T0 + 4.5 * H, active, episodes: [], figures: {},
    related: { devices: ['S-T'], zones: [], batches: ['B-1'], shipments: ['S-1'], orders: ['ORD-1'] },
  };
}

interface Body { sentences: { kind: string; text: string }[]; facts: Record<string, unknown> }

describe('GET /api/v1/orders/{id}/summary', () => {
  const store = SqliteTelemetryStore.open(':memory:');
  const db = openDatabase(':memory:');
  const registryStore = new SqliteRegistryStore(db);
  const flags = new SqliteFlagStore(db);
  let app: FastifyInstance;
  let evidence: EvidenceService;
  let windows: DeliveryWindowService;
  const get = (path: string) => app.inject(`/api/v1/orders/${path}`);
  const texts = async (path: string) => (await get(path)).json<Body>().sentences.map((s) => s.text);

  beforeAll(async () => {
    await new RegistryService(registryStore, { now: () => T0 }).importDocument({
      format: 'coldtrace-registry/1',
      sites: [{ id: 'SOUTH', name: 'South DC', geofence: geofence(0) }, { id: 'NORTH', name: 'North DC', geofence: geofence(400) }],
      places: [{ id: 'BET', name: 'Bettembourg', kind: 'carrier_hub', geofence: geofence(120) }],
      devices: [{ id: 'T-1', kind: 'tracker', model: 'GPS', intervalS: 600, metrics: ['gps.lat', 'gps.lon'] }, { id: 'S-T', kind: 'logger', model: 'T', intervalS: 600, metrics: ['temperature'] }],
      products: [{ id: 'P', name: 'Yoghurt', preset: 'pharma-2-8' }],
      batches: [batch('B-1'), batch('B-2')],
      shipments: [shipment('S-1', 0), shipment('S-2', 20)],
      orders: [order('ORD-1', 'B-1', 'S-1'), order('ORD-2', 'B-2', 'S-2')],
      placements: [
        { id: 'P-T', device: 'T-1', shipment: 'S-1', from: iso(T0) },
        { id: 'P-S', device: 'S-T', shipment: 'S-1', from: iso(T0) },
        { id: 'P-B', batch: 'B-1', shipment: 'S-1', from: iso(T0) },
      ],
    }, { actor: 'test', source: 'test' });
    const rows: StoredReading[] = [];
    const base = { site: 's', node: 'n', seq: 1, flags: 0 };
    for (let m = 0; m <= 300; m += 10) {
      const t = T0 + m * MIN;
      rows.push({ ...base, device: 'T-1', time: t, receivedAt: t, metric: 'gps.lat', unit: 'deg', value: north(kmAt(m)) }, { ...base, device: 'T-1', time: t, receivedAt: t, metric: 'gps.lon', unit: 'deg', value: 5 });
      rows.push({ ...base, device: 'S-T', time: t, receivedAt: t, metric: 'temperature', unit: 'Cel', value: m === 60 ? 5.4 : m === 90 ? 3.1 : 4.2 });
    }
    // A reading after the evaluation time is not told yet.
    rows.push({ ...base, device: 'S-T', time: AT + H, receivedAt: AT + H, metric: 'temperature', unit: 'Cel', value: 20 });
    await store.write(rows);
    evidence = new EvidenceService(registryStore, new CustodyIndex(registryStore, { linked: () => undefined, unlinked: () => undefined }), store, flags);
    windows = new DeliveryWindowService(registryStore, new ShipmentListService(registryStore, store, flags));
    const summary = new OrderSummaryService(registryStore, evidence, store, new TrackService(registryStore, evidence, store), windows);
    app = Fastify();
    await app.register(registerOrderSummaryRoutes, { prefix: '/api/v1', deps: { orderSummary: summary, clock: { now: () => AT } } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('tells an order on its way in English: kept range, the hub stop, the window, the zone', async () => {
    const res = await get('ORD-1/summary?tz=Europe/Amsterdam');
    expect(res.statusCode).toBe(200);
    const body = res.json<Body & { lang: string; tz: string }>();
    expect(body).toMatchObject({ order: 'ORD-1', lang: 'en', tz: 'Europe/Amsterdam', at: iso(AT) });
    expect(body.facts).toMatchObject({ temperature: { minC: 3.1, maxC: 5.4, readings: 31 }, concerns: [], hubStays: [{ name: 'Bettembourg', arrived: iso(T0 + 2 * H) }], delivery: { kind: 'window' } });
    const [temperature, hub, delivery, zone] = body.sentences.map((s) => s.text);
    expect(temperature).toBe('Kept between 3.1 and 5.4 °C so far.');
    // The visit ends at the first of two fixes in a row outside the hub (docs/rules.md "GPS").
    expect(hub).toBe('A 1 h 10 min stop at the Bettembourg hub (7 Dec, 09:00–10:10).');
    // 160 km to go at 48 km/h (hours of 60, 60, 0, 60 and 60 km): most likely 15:20; the 80 % window widened to quarter hours.
    expect(body.facts['delivery']).toMatchObject({ p50: iso(NOW + (160 / 48) * H) });
    expect(delivery).toBe('Arrives today, 14:15–17:30 (80 % likely).');
    expect(zone).toBe('Times are in Europe/Amsterdam time.');
  });

  it('tells it in Chinese in another zone (the window past midnight), with a warm excursion still going on, then over', async () => {
    await flags.reconcile([{ kind: 'batch', id: 'B-1' }], [warm(true)], T0 + 5 * H);
    const zh = await texts('ORD-1/summary?lang=zh&tz=Asia/Shanghai');
    expect(zh[0]).toBe('途中温度介于 3.1 至 5.4 °C 之间。');
    expect(zh[1]).toBe('自12月7日 18:00起，温度高于货物 8.0 °C 的上限，目前尚未恢复正常。');
    expect(zh[2]).toBe('在 Bettembourg 枢纽停留 1 小时 10 分钟（12月7日 16:00–17:10）。');
    // Eight hours ahead of UTC, the same window runs past midnight.
    expect(zh[3]).toBe('预计今天 21:15 至明天 00:30 送达（可能性 80%）。');
    expect(zh.at(-1)).toBe('以上时间均为 Asia/Shanghai 时区时间。');
    await flags.reconcile([{ kind: 'batch', id: 'B-1' }], [warm(false)], T0 + 5 * H + MIN);
    expect((await texts('ORD-1/summary?tz=Europe/Amsterdam'))[1]).toBe("The temperature was above the goods' 8.0 °C limit for 1 h from 7 Dec, 11:00; it has been back in range since.");
  });

  it('tells an order not gone yet without readings, and refuses what it cannot tell', async () => {
    expect(await texts('ORD-2/summary?lang=zh&tz=Europe/Amsterdam')).toEqual(['暂无温度读数。', '尚未启运，启运后将提供预计送达时间。', '以上时间均为 Europe/Amsterdam 时区时间。']);
    expect((await get('NOPE/summary')).statusCode).toBe(404);
    expect((await get('ORD-1/summary?tz=Mars/Olympus')).json()).toMatchObject({ code: 'E_BAD_REQUEST' });
    expect((await get('ORD-1/summary?lang=fr')).statusCode).toBe(400);
  });

  it("judges the carrier's hub event with the claim window of the shipment's lane (COLDTRACE_CLAIMS_CONFIG), as the rules do", async () => {
    // The carrier says it arrived at Bettembourg at 09:50 (Amsterdam); the tracker arrived at 09:00, 50 min earlier.
    const carrier = new CarrierEventService(new SqliteCarrierEventStore(openDatabase(':memory:')), registryStore);
    await carrier.accept({ shipment: 'S-1', carrier: 'Coldline', events: [{ time: iso(T0 + 2 * H + 50 * MIN), code: 'in_transit', text: 'Arrived at facility', place: 'Bettembourg hub' }] }, T0 + 3 * H);
    const tracks = new TrackService(registryStore, evidence, store, carrier);
    const told = async (profiles?: ConstructorParameters<typeof OrderSummaryService>[5]) =>
      (await new OrderSummaryService(registryStore, evidence, store, tracks, windows, profiles).facts('ORD-1', AT))?.carrier;
    // The default window, 30 min: nothing to say either way (the rule has not flagged it: no flag in this store).
    expect(await told()).toEqual({ atMs: T0 + 2 * H + 50 * MIN, milestone: 'in_transit', text: 'Arrived at facility', placeName: 'Bettembourg hub' });
    // This lane's 60 min (its carrier's 20 min loses to the lane's): the tracker confirms it.
    const profiles = { carriers: { coldline: { hubWindowMin: 20 } }, lanes: { 'SOUTH-NORTH': { hubWindowMin: 60 } } };
    expect((await told(profiles))?.evidence).toEqual({ kind: 'confirmed', trackerAtMs: T0 + 2 * H });
    expect((await told({ carriers: { coldline: { hubWindowMin: 60 } } }))?.evidence).toEqual({ kind: 'confirmed', trackerAtMs: T0 + 2 * H });
    expect((await told({ lanes: { OTHER: { hubWindowMin: 60 } } }))?.evidence).toBeUndefined();
  });
});
