import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { openDatabase } from '../../adapters/sqlite/database.js';
import { SqliteFlagStore } from '../../adapters/sqlite/flags/flag-store.js';
import { SqliteRegistryStore } from '../../adapters/sqlite/registry/registry-store.js';
import { SqliteTelemetryStore } from '../../adapters/sqlite/telemetry-store.js';
import type { Finding, Severity } from '../../domain/flags/types.js';
import { RegistryService } from '../../services/registry.js';
import { ShipmentListService } from '../../services/shipments.js';
import { registerShipmentRoutes } from './shipments.js';

const H = 3_600_000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1, 6);
/** Evaluation time: 4 h after T0. */
const NOW = T0 + 4 * H;
const iso = (ms: number): string => new Date(ms).toISOString();

const site = (id: string, lat: number, lon: number) => ({ id, name: id, geofence: { kind: 'circle', center: { lat, lon }, radiusM: 500 } });
const shipment = (id: string, depH: number, delH: number) => ({
  id, carrier: 'Coldline', lane: 'AMS-UTR', mode: 'road', origin: 'AMS', destination: 'UTR', hubs: [],
  route: [{ lat: 52.37, lon: 4.89 }, { lat: 52.09, lon: 5.12 }], corridorM: 2000,
  plannedDeparture: iso(T0 + depH * H), promisedDelivery: iso(T0 + delH * H), gapThresholdMin: 30,
});
const tracker = (id: string) => ({ id, kind: 'tracker', model: 'GPS', intervalS: 60, metrics: ['gps.lat', 'gps.lon'] });

/**
 * S-ARRIVED (tracker on 0-2 h), S-LATE (on since 1 h, promised by 3 h: in transit and late), S-MOVING (on since 1 h,
 * promised by 8 h; its last fix is a jump the rules drop), S-PLANNED (leaves at 6 h), S-OVERDUE (was to leave at 2 h).
 */
const document = {
  format: 'coldtrace-registry/1',
  sites: [site('AMS', 52.37, 4.89), site('UTR', 52.09, 5.12)],
  devices: ['T-A', 'T-L', 'T-M'].map(tracker),
  shipments: [shipment('S-ARRIVED', 0, 3), shipment('S-LATE', 1, 3), shipment('S-MOVING', 1, 8), shipment('S-OVERDUE', 2, 5), shipment('S-PLANNED', 6, 9)],
  placements: [
    { id: 'P-A', device: 'T-A', shipment: 'S-ARRIVED', from: iso(T0), to: iso(T0 + 2 * H) },
    { id: 'P-L', device: 'T-L', shipment: 'S-LATE', from: iso(T0 + H) },
    { id: 'P-M', device: 'T-M', shipment: 'S-MOVING', from: iso(T0 + H) },
  ],
};

function fix(device: string, t: number, lat: number, lon: number) {
  const base = { site: 's', node: 'n', device, time: t, unit: 'deg', seq: 1, receivedAt: t, flags: 0 };
  return [{ ...base, metric: 'gps.lat', value: lat }, { ...base, metric: 'gps.lon', value: lon }];
}

function finding(rule: string, severity: Severity, id: string): Finding {
  return { rule, params: {}, subject: { kind: 'shipment', id }, severity, title: rule, startMs: T0, endMs: T0, metAtMs: T0, active: true, episodes: [], figures: {},
    related: { devices: [], zones: [], batches: [], shipments: [id], orders: [] } };
}

interface Item { id: string; status: { state: string; late: boolean; departed?: string; arrived?: string }; trackers: { device: string; from: string; to?: string }[];
  lastPosition?: { lat: number; lon: number; at: string; device: string }; openFlags: Record<Severity, number> }

describe('GET /api/v1/shipments', () => {
  const store = SqliteTelemetryStore.open(':memory:');
  const db = openDatabase(':memory:');
  const registryStore = new SqliteRegistryStore(db);
  const flags = new SqliteFlagStore(db);
  let app: FastifyInstance;
  const list = async (query: string): Promise<{ at: string; shipments: Item[]; next?: string }> => {
    const res = await app.inject(`/api/v1/shipments${query}`);
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    await new RegistryService(registryStore, { now: () => NOW }).importDocument(document, { actor: 'test', source: 'test' });
    // Trackers heading south-east at about 40 km/h, a fix a minute; T-M's last one jumps 60 km north.
    const rows = [];
    for (let i = 0; i <= 60; i++) {
      rows.push(...fix('T-L', T0 + H + i * MIN, 52.37 - i * 0.004, 4.89 + i * 0.003));
      rows.push(...fix('T-M', T0 + H + i * MIN, 52.37 - i * 0.004, 4.89 + i * 0.003));
    }
    rows.push(...fix('T-M', T0 + 2 * H + MIN, 52.9, 4.9));
    // A fix after the evaluation time: never the last position at NOW.
    rows.push(...fix('T-L', NOW + MIN, 52.0, 5.1));
    await store.write(rows);
    await flags.reconcile([{ kind: 'shipment', id: 'S-LATE' }], [finding('unplanned-stop/200/30', 'warning', 'S-LATE'), finding('route-deviation/2000/10', 'major', 'S-LATE'), finding('shock/shock.peak/50/instant', 'major', 'S-LATE')], NOW);
    await flags.transition('shock/shock.peak/50/instant@shipment:S-LATE', 'acknowledged', 'dana', undefined, NOW);
    app = Fastify();
    await app.register(fastifySwagger, { openapi: { openapi: '3.1.0', info: { title: 'test', version: '1' } } });
    await app.register(registerShipmentRoutes, { prefix: '/api/v1', deps: { shipments: new ShipmentListService(registryStore, store, flags), clock: { now: () => NOW } } });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await registryStore.close();
  });

  it('derives each shipment’s status from its placements and its plan', async () => {
    const body = await list('');
    expect(body.at).toBe(iso(NOW));
    expect(Object.fromEntries(body.shipments.map((s) => [s.id, s.status]))).toEqual({
      'S-ARRIVED': { state: 'arrived', late: false, departed: iso(T0), arrived: iso(T0 + 2 * H) },
      'S-LATE': { state: 'in_transit', late: true, departed: iso(T0 + H) },
      'S-MOVING': { state: 'in_transit', late: false, departed: iso(T0 + H) },
      'S-OVERDUE': { state: 'planned', late: true },
      'S-PLANNED': { state: 'planned', late: false },
    });
    expect(body.shipments.find((s) => s.id === 'S-ARRIVED')?.trackers).toEqual([{ device: 'T-A', placement: 'P-A', from: iso(T0), to: iso(T0 + 2 * H) }]);
    expect(body.shipments.find((s) => s.id === 'S-LATE')?.trackers).toEqual([{ device: 'T-L', placement: 'P-L', from: iso(T0 + H) }]);
  });

  it('filters by state', async () => {
    expect((await list('?state=in_transit')).shipments.map((s) => s.id)).toEqual(['S-LATE', 'S-MOVING']);
    expect((await list('?state=planned')).shipments.map((s) => s.id)).toEqual(['S-OVERDUE', 'S-PLANNED']);
    expect((await list('?state=arrived')).shipments.map((s) => s.id)).toEqual(['S-ARRIVED']);
    expect((await app.inject('/api/v1/shipments?state=lost')).statusCode).toBe(400);
  });

  it('gives the last fix the GPS rules keep: not one after the evaluation time, not a jump', async () => {
    const byId = new Map((await list('?state=in_transit')).shipments.map((s) => [s.id, s]));
    expect(byId.get('S-LATE')?.lastPosition).toEqual({ lat: 52.37 - 60 * 0.004, lon: 4.89 + 60 * 0.003, at: iso(T0 + 2 * H), device: 'T-L' });
    expect(byId.get('S-MOVING')?.lastPosition?.at).toBe(iso(T0 + 2 * H));
    expect((await list('?state=planned')).shipments.every((s) => s.lastPosition === undefined)).toBe(true);
  });

  it('counts the open flags of the shipment by severity (acknowledged ones are not open)', async () => {
    const body = await list('?state=in_transit');
    expect(body.shipments.find((s) => s.id === 'S-LATE')?.openFlags).toEqual({ warning: 1, major: 1, critical: 0 });
    expect(body.shipments.find((s) => s.id === 'S-MOVING')?.openFlags).toEqual({ warning: 0, major: 0, critical: 0 });
  });

  it('answers one shipment as the list shows it, and 404 for an unknown one', async () => {
    const listed = (await list('?state=in_transit')).shipments.find((s) => s.id === 'S-LATE');
    const res = await app.inject('/api/v1/shipments/S-LATE');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(listed);
    expect((await app.inject('/api/v1/shipments/S-NOPE')).statusCode).toBe(404);
  });

  it('answers a shipment’s positions as the rules see its track: kept fixes only, the dropped ones counted', async () => {
    const res = await app.inject('/api/v1/shipments/S-MOVING/positions');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ shipment: string; at: string; positions: { device: string; time: number; lat: number; lon: number }[]; dropped: number }>();
    expect(body.positions).toHaveLength(61);
    expect(body.positions.every((p) => p.device === 'T-M' && p.lat < 52.5)).toBe(true);
    expect(body.positions.map((p) => p.time)).toEqual(Array.from({ length: 61 }, (_, i) => T0 + H + i * MIN));
    expect(body.dropped).toBe(1);
    // The fix after the evaluation time is not read at all: it is neither a position nor dropped.
    const late = (await app.inject('/api/v1/shipments/S-LATE/positions')).json<{ positions: unknown[]; dropped: number }>();
    expect([late.positions.length, late.dropped]).toEqual([61, 0]);
    expect((await app.inject(`/api/v1/shipments/S-LATE/positions?at=${T0 + H + 10 * MIN}`)).json<{ positions: unknown[] }>().positions).toHaveLength(10);
    expect((await app.inject('/api/v1/shipments/S-NOPE/positions')).statusCode).toBe(404);
  });

  it('documents both routes in OpenAPI, the states included', async () => {
    await app.ready();
    const doc = app.swagger() as { paths: Record<string, { get?: { parameters?: { name: string; schema?: { anyOf?: { const?: string; enum?: string[] }[] } }[] } }> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/shipments', '/api/v1/shipments/{id}', '/api/v1/shipments/{id}/positions']));
    const state = doc.paths['/api/v1/shipments']?.get?.parameters?.find((p) => p.name === 'state');
    expect(JSON.stringify(state?.schema)).toMatch(/in_transit/);
  });

  it('pages in id order with after and next', async () => {
    const first = await list('?limit=2');
    expect(first.shipments.map((s) => s.id)).toEqual(['S-ARRIVED', 'S-LATE']);
    expect(first.next).toBe('S-LATE');
    const second = await list(`?limit=2&after=${first.next}`);
    expect(second.shipments.map((s) => s.id)).toEqual(['S-MOVING', 'S-OVERDUE']);
    const third = await list(`?limit=2&after=${second.next}`);
    expect(third.shipments.map((s) => s.id)).toEqual(['S-PLANNED']);
    expect(third.next).toBeUndefined();
    expect((await list('?state=planned&limit=1')).shipments.map((s) => s.id)).toEqual(['S-OVERDUE']);
  });
});
