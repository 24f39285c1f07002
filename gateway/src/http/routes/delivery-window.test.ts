/**
 * GET /api/v1/shipments/{id}/delivery-window on real SQLite stores: a truck 4 h into a 400 km trip due north at
 * 60 km/h (basis: its own track), one an hour in with the lane's past trips to go by, one not gone yet, and one like
 * the first held back by an active weather stop flag (its window later than the track says) until the flag clears.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { openDatabase } from '../../adapters/sqlite/database.js';
import { SqliteFlagStore } from '../../adapters/sqlite/flags/flag-store.js';
import { SqliteRegistryStore } from '../../adapters/sqlite/registry/registry-store.js';
import { SqliteTelemetryStore } from '../../adapters/sqlite/telemetry-store.js';
import { DeliveryWindowService } from '../../services/delivery-windows.js';
import { RegistryService } from '../../services/registry.js';
import { ShipmentListService } from '../../services/shipments.js';
import type { StoredReading } from '../../domain/reading.js';
import { registerDeliveryWindowRoutes } from './delivery-window.js';

const H = 3_600_000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1, 6);
const NOW = T0 + 4 * H;
const iso = (ms: number): string => new Date(ms).toISOString();
const KM_PER_DEG = 6_371 * Math.PI / 180;
const north = (km: number) => 50 + km / KM_PER_DEG;

const site = (id: string, lat: number) => ({ id, name: id, geofence: { kind: 'circle', center: { lat, lon: 5 }, radiusM: 500 } });
const shipment = (id: string, depH: number) => ({
  id, carrier: 'Coldline', lane: 'SOUTH-NORTH', mode: 'road', origin: 'SOUTH', destination: 'NORTH', hubs: [],
  route: [{ lat: 50, lon: 5 }, { lat: north(400), lon: 5 }], corridorM: 5000,
  plannedDeparture: iso(T0 + depH * H), promisedDelivery: iso(T0 + (depH + 8) * H), gapThresholdMin: 30,
});
const tracker = (id: string) => ({ id, kind: 'tracker', model: 'GPS', intervalS: 60, metrics: ['gps.lat', 'gps.lon'] });

describe('GET /api/v1/shipments/{id}/delivery-window', () => {
  const store = SqliteTelemetryStore.open(':memory:');
  const db = openDatabase(':memory:');
  const registryStore = new SqliteRegistryStore(db);
  const flags = new SqliteFlagStore(db);
  let app: FastifyInstance;
  // A minute after the last fixes (the evaluation time is exclusive).
  const AT = NOW + MIN;
  const get = async (id: string) => (await app.inject(`/api/v1/shipments/${id}/delivery-window?at=${AT}`));

  beforeAll(async () => {
    await new RegistryService(registryStore, { now: () => NOW }).importDocument({
      format: 'coldtrace-registry/1',
      sites: [site('SOUTH', 50), site('NORTH', north(400))],
      devices: ['T-1', 'T-2', 'T-3', 'T-OLD-1', 'T-OLD-2', 'T-OLD-3'].map(tracker),
      // Three past trips of 400 km in 8, 10 and 5 h (50, 40 and 80 km/h).
      shipments: [shipment('S-4H', 0), shipment('S-STORM', 0), shipment('S-1H', 3), shipment('S-LATER', 6), shipment('S-PAST-1', -40), shipment('S-PAST-2', -30), shipment('S-PAST-3', -20)],
      placements: [
        { id: 'P-1', device: 'T-1', shipment: 'S-4H', from: iso(T0) },
        { id: 'P-2', device: 'T-2', shipment: 'S-1H', from: iso(T0 + 3 * H) },
        { id: 'P-3', device: 'T-3', shipment: 'S-STORM', from: iso(T0) },
        { id: 'P-O1', device: 'T-OLD-1', shipment: 'S-PAST-1', from: iso(T0 - 40 * H), to: iso(T0 - 32 * H) },
        { id: 'P-O2', device: 'T-OLD-2', shipment: 'S-PAST-2', from: iso(T0 - 30 * H), to: iso(T0 - 20 * H) },
        { id: 'P-O3', device: 'T-OLD-3', shipment: 'S-PAST-3', from: iso(T0 - 20 * H), to: iso(T0 - 15 * H) },
      ],
    }, { actor: 'test', source: 'test' });
    const rows: StoredReading[] = [];
    const fix = (device: string, t: number, km: number) => {
      const base = { site: 's', node: 'n', device, time: t, unit: 'deg', seq: 1, receivedAt: t, flags: 0 };
      rows.push({ ...base, metric: 'gps.lat', value: north(km) }, { ...base, metric: 'gps.lon', value: 5 });
    };
    // 60 km/h, a fix every 10 min: S-4H for its 4 hours, S-1H for its one.
    for (let m = 0; m <= 240; m += 10) fix('T-1', T0 + m * MIN, m);
    for (let m = 0; m <= 240; m += 10) fix('T-3', T0 + m * MIN, m);
    for (let m = 0; m <= 60; m += 10) fix('T-2', T0 + 3 * H + m * MIN, m);
    await store.write(rows);
    const shipments = new ShipmentListService(registryStore, store, flags);
    app = Fastify();
    await app.register(registerDeliveryWindowRoutes, { prefix: '/api/v1', deps: { deliveryWindows: new DeliveryWindowService(registryStore, shipments, flags), clock: { now: () => NOW } } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('from its own track: 160 km to go at a steady 60 km/h, 2 h 40 min', async () => {
    const res = await get('S-4H');
    expect(res.statusCode).toBe(200);
    const w = res.json<{ state: string; window: Record<string, unknown> }>();
    expect(w.state).toBe('in_transit');
    expect(w.window).toMatchObject({ basis: 'this shipment', remainingKm: 160, samples: 4, meanKmh: 60, sdKmh: 0 });
    const eta = iso(NOW + 160 / 60 * H);
    expect([w.window['p10'], w.window['p50'], w.window['p90']]).toEqual([eta, eta, eta]);
  });

  it("with an hour of its own track, from the lane's past trips (50, 40, 80 km/h)", async () => {
    const w = (await get('S-1H')).json<{ window: Record<string, unknown> }>().window;
    expect(w).toMatchObject({ basis: 'this lane', samples: 3, remainingKm: 340, meanKmh: 56.7, sdKmh: 20.8 });
    // 340 km at 56.67 km/h: 6 h from the last fix at 4 h.
    expect(w['p50']).toBe(iso(NOW + 6 * H));
    expect(Date.parse(w['p10'] as string)).toBeLessThan(NOW + 6 * H);
    expect(Date.parse(w['p90'] as string)).toBeGreaterThan(NOW + 6 * H);
  });

  it('no window for a shipment not gone yet or gone by, and 404 for one unknown', async () => {
    expect((await get('S-LATER')).json()).toEqual({ shipment: 'S-LATER', at: iso(AT), state: 'planned', reason: 'not departed yet' });
    expect((await get('S-PAST-1')).json()).toMatchObject({ state: 'arrived', reason: 'arrived' });
    expect((await get('NOPE')).statusCode).toBe(404);
  });

  it('held back by an active weather stop: each quantile no earlier than the flag\'s, until the flag clears', async () => {
    const subject = { kind: 'shipment', id: 'S-STORM' } as const;
    // The flag's window: 3 h, 4 h and 9 h after NOW; the track alone says 2 h 40 min for all three.
    const finding = (active: boolean) => ({
      rule: 'weather/stopped/4h', params: { hours: 4 }, subject, severity: 'major' as const, title: 'stopped in a storm',
      startMs: T0, endMs: NOW, metAtMs: T0 + 4 * H, active, episodes: [],
      figures: { stoppedMin: 250, alert: 'STORM-1', event: 'Storm', alertToMs: NOW + 8 * H, windowP10Ms: NOW + 3 * H, windowP50Ms: NOW + 4 * H, windowP90Ms: NOW + 9 * H },
      related: { devices: ['T-3'], zones: [], batches: [], shipments: ['S-STORM'], orders: [] },
    });
    await flags.reconcile([subject], [finding(true)], NOW);
    const held = (await get('S-STORM')).json<{ window: Record<string, unknown>; delay: Record<string, unknown> }>();
    expect([held.window['p10'], held.window['p50'], held.window['p90']]).toEqual([iso(NOW + 3 * H), iso(NOW + 4 * H), iso(NOW + 9 * H)]);
    expect(held.window).toMatchObject({ basis: 'this shipment', remainingKm: 160 });
    expect(held.delay).toEqual({ flag: 'weather/stopped/4h@shipment:S-STORM', alert: 'STORM-1', event: 'Storm', alertEnds: iso(NOW + 8 * H), stoppedMin: 250, p10: iso(NOW + 3 * H), p50: iso(NOW + 4 * H), p90: iso(NOW + 9 * H) });
    // The shipment beside it, same track, no flag: untouched.
    expect((await get('S-4H')).json<{ delay?: unknown }>().delay).toBeUndefined();
    // The truck moved on: the flag clears (kept as history) and the window is the track's again.
    await flags.reconcile([subject], [finding(false)], NOW);
    const free = (await get('S-STORM')).json<{ window: Record<string, unknown>; delay?: unknown }>();
    const eta = iso(NOW + 160 / 60 * H);
    expect([free.window['p10'], free.window['p50'], free.window['p90'], free.delay]).toEqual([eta, eta, eta, undefined]);
  });
});
