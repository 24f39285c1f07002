/**
 * GET /api/v1/reports/lanes on real SQLite stores: four shipments of two carriers with flags around the turn of
 * 2026 (which has an ISO week 53), the tier 3 flags judged from them as the rules judge them; and a fifth shipment
 * whose carrier's delivery claim the consistency report by week counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { SqliteCarrierEventStore } from '../../adapters/sqlite/carrier/carrier-event-store.js';
import { SqliteMilestoneStore } from '../../adapters/sqlite/milestones/milestone-store.js';
import { openDatabase } from '../../adapters/sqlite/database.js';
import { SqliteFlagStore } from '../../adapters/sqlite/flags/flag-store.js';
import { SqliteRegistryStore } from '../../adapters/sqlite/registry/registry-store.js';
import type { Finding, Subject } from '../../domain/flags/types.js';
import { CarrierEventService } from '../../services/carrier-events.js';
import { ConsistencyReportService } from '../../services/consistency-report.js';
import { evaluateTier3 } from '../../services/escalation.js';
import { MilestoneService } from '../../services/milestones.js';
import { LaneReportService } from '../../services/lane-report.js';
import { RegistryService } from '../../services/registry.js';
import { registerLaneReportRoutes } from './lane-report.js';

const at = (iso: string): number => Date.parse(iso);
const NOW = at('2027-01-08T12:00:00Z');

const site = (id: string) => ({ id, name: id, geofence: { kind: 'circle', center: { lat: 50, lon: 5 }, radiusM: 500 } });
const shipment = (id: string, carrier: string, lane: string, hubs: string[]) => ({
  id, carrier, lane, mode: 'road', origin: 'AMS', destination: 'MUC', hubs, route: [{ lat: 50, lon: 5 }, { lat: 51, lon: 5 }], corridorM: 5000,
  plannedDeparture: '2026-12-20T06:00:00Z', promisedDelivery: '2027-01-10T06:00:00Z', gapThresholdMin: 30,
});

/** A finding of `rule` on `subject`, met at `iso` (its episode start too). */
function finding(rule: string, subject: Subject, iso: string, shipments: string[], batches: string[] = []): Finding {
  const t = at(iso);
  return {
    rule, params: {}, subject, severity: 'major', title: rule, startMs: t, endMs: t + 60_000, metAtMs: t, active: false, episodes: [], figures: {},
    related: { devices: [], zones: [], shipments, orders: [], batches },
  };
}
const ship = (id: string): Subject => ({ kind: 'shipment', id });
const batch = (id: string): Subject => ({ kind: 'batch', id });

interface Report {
  weeks: { key: string }[];
  rows: { key: string; total: number; cells: { week: string; incidents: number; shipments: string[]; flags: string[] }[] }[];
  reviews: { flag: string; subject: string; state: string; incidents: number; shipments: string[] }[];
}

describe('GET /api/v1/reports/lanes', () => {
  const db = openDatabase(':memory:');
  const registry = new SqliteRegistryStore(db);
  const flags = new SqliteFlagStore(db);
  let app: FastifyInstance;
  const get = (q: string) => app.inject(`/api/v1/reports/lanes?from=2026-12-21T00:00:00Z&to=2027-01-11T00:00:00Z&${q}`);
  const grid = (r: Report) => r.rows.map((row) => `${row.key}: ${row.cells.map((c) => `${c.week}=${c.incidents}`).join(' ')}`);

  beforeAll(async () => {
    await new RegistryService(registry, { now: () => NOW }).importDocument({
      format: 'coldtrace-registry/1', sites: [site('AMS'), site('MUC')],
      places: ['HUB-A', 'HUB-B'].map((id) => ({ ...site(id), kind: 'carrier_hub' })),
      shipments: [shipment('S1', 'Coldline', 'AMS-MUC', ['HUB-A']), shipment('S2', 'Coldline', 'AMS-MUC', ['HUB-A']),
        shipment('S3', 'Coldline', 'AMS-MUC', []), shipment('S4', 'Polar', 'AMS-PAR', ['HUB-A', 'HUB-B']),
        // Leaves on Monday 4 Jan 2027 (week 1): no anomaly, one delivery claim by its carrier.
        { ...shipment('S5', 'Coldline', 'AMS-MUC', []), plannedDeparture: '2027-01-04T06:00:00Z' }],
    }, { actor: 'test', source: 'test' });
    const found = [
      // One shock seen by the 25 g and the 50 g rule: one incident. Then a stop: a second.
      finding('shock/shock.peak/25/instant', ship('S1'), '2026-12-29T10:00:00Z', ['S1']),
      finding('shock/shock.peak/50/instant', ship('S1'), '2026-12-29T10:00:00Z', ['S1']),
      finding('unplanned-stop/20', ship('S1'), '2026-12-31T10:00:00Z', ['S1']),
      finding('route-deviation/1000/10', ship('S2'), '2027-01-01T09:00:00Z', ['S2']),
      // Sunday 23:30 UTC: Monday 00:30 in Amsterdam.
      finding('shock/shock.peak/25/instant', ship('S3'), '2027-01-03T23:30:00Z', ['S3']),
      // One warm spell seen on two batches of S4: one incident.
      finding('excursion/temperature/upper/8/instant', batch('B1'), '2027-01-05T08:00:00Z', ['S4'], ['B1']),
      finding('excursion/temperature/upper/8/instant', batch('B2'), '2027-01-05T08:00:00Z', ['S4'], ['B2']),
      // Outside the range.
      finding('route-deviation/1000/10', ship('S4'), '2027-01-11T00:00:00Z', ['S4']),
    ];
    await flags.reconcile([...new Map(found.map((f) => [`${f.subject.kind}:${f.subject.id}`, f.subject])).values()], found, NOW);
    await evaluateTier3(flags, registry, NOW);
    const carrier = new CarrierEventService(new SqliteCarrierEventStore(openDatabase(':memory:')), registry);
    await carrier.accept({ shipment: 'S5', carrier: 'Coldline', events: [{ time: '2027-01-04T18:00:00Z', code: 'delivered', text: 'Delivered' }] }, NOW);
    const milestones = new MilestoneService({ store: new SqliteMilestoneStore(db), registry, clock: { now: () => NOW }, log: pino({ level: 'silent' }) });
    const consistency = new ConsistencyReportService(registry, flags, carrier, milestones);
    app = Fastify();
    await app.register(registerLaneReportRoutes, { prefix: '/api/v1', deps: { laneReports: new LaneReportService(flags, registry, consistency), clock: { now: () => NOW } } });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('counts incidents per carrier and ISO week, each anomaly once, new year\'s day in 2026-W53', async () => {
    const res = await get('by=carrier&tz=UTC');
    expect(res.statusCode).toBe(200);
    const r = res.json<Report>();
    expect(r.weeks.map((w) => w.key)).toEqual(['2026-W52', '2026-W53', '2027-W01']);
    expect(grid(r)).toEqual(['Coldline: 2026-W53=4', 'Polar: 2027-W01=1']);
    expect(r.rows[0]?.cells[0]).toMatchObject({ shipments: ['S1', 'S2', 'S3'], flags: ['route-deviation/1000/10@shipment:S2', 'shock/shock.peak/25/instant@shipment:S1', 'shock/shock.peak/25/instant@shipment:S3', 'unplanned-stop/20@shipment:S1'] });
  });

  it('cuts the weeks in the time zone asked for', async () => {
    expect(grid((await get('by=carrier&tz=Europe/Amsterdam')).json<Report>())).toEqual(['Coldline: 2026-W53=3 2027-W01=1', 'Polar: 2027-W01=1']);
  });

  it('counts per lane and per hub, a shipment through two hubs in each', async () => {
    expect(grid((await get('by=lane&tz=UTC')).json<Report>())).toEqual(['AMS-MUC: 2026-W53=4', 'AMS-PAR: 2027-W01=1']);
    expect(grid((await get('by=hub&tz=UTC')).json<Report>())).toEqual(['HUB-A: 2026-W53=3 2027-W01=1', 'HUB-B: 2027-W01=1']);
  });

  it('lists the tier 3 reviews of the dimension asked for', async () => {
    const r = (await get('by=carrier&tz=UTC')).json<Report>();
    expect(r.reviews).toEqual([expect.objectContaining({ flag: 'tier3/carrier@carrier:Coldline', subject: 'Coldline', state: 'open', incidents: 4, shipments: ['S1', 'S2', 'S3'] })]);
    expect((await get('by=lane&tz=UTC')).json<Report>().reviews.map((v) => v.flag)).toEqual(['tier3/lane@lane:AMS-MUC']);
    expect((await get('by=hub&tz=UTC')).json<Report>().reviews.map((v) => `${v.flag} ${v.incidents}`)).toEqual(['tier3/hub@hub:HUB-A 4']);
  });

  it('refuses an unknown zone, a dimension it does not know and an empty range', async () => {
    expect((await get('by=carrier&tz=Mars/Olympus')).json()).toMatchObject({ code: 'E_BAD_REQUEST' });
    expect((await get('by=driver&tz=UTC')).statusCode).toBe(400);
    expect((await app.inject('/api/v1/reports/lanes?from=2027-01-11T00:00:00Z&to=2027-01-01T00:00:00Z')).statusCode).toBe(400);
  });

  it('defaults to the 8 weeks before now, by carrier, in UTC', async () => {
    const r = (await app.inject('/api/v1/reports/lanes')).json<Report & { by: string; tz: string; from: string; to: string }>();
    expect(r).toMatchObject({ by: 'carrier', tz: 'UTC', to: '2027-01-08T12:00:00.000Z', from: '2026-11-13T12:00:00.000Z' });
    expect(grid(r)).toEqual(['Coldline: 2026-W53=4', 'Polar: 2027-W01=1']);
  });

  it('keeps a resolved review only for the range of its incidents, an open one always', async () => {
    expect((await flags.transition('tier3/lane@lane:AMS-MUC', 'resolved', 'qa', 'carrier briefed', NOW))?.state).toBe('resolved');
    expect((await get('by=lane&tz=UTC')).json<Report>().reviews.map((v) => `${v.flag} ${v.state}`)).toEqual(['tier3/lane@lane:AMS-MUC resolved']);
    const later = (by: string) => app.inject(`/api/v1/reports/lanes?from=2027-01-11T00:00:00Z&to=2027-02-01T00:00:00Z&by=${by}`);
    expect((await later('lane')).json<Report>().reviews).toEqual([]);
    expect((await later('carrier')).json<Report>().reviews.map((v) => v.flag)).toEqual(['tier3/carrier@carrier:Coldline']);
  });

  it("carries the consistency report by the same weeks: the carrier's delivery claim, then the flag that it was not corroborated", async () => {
    type Row = { week: string; carrier: string; lane: string; shipments: number; deliveryClaims: number; deliveriesNotCorroborated: number };
    const rows = async (q: string) => (await get(q)).json<{ consistency: Row[] }>().consistency;
    const row = { week: '2027-W01', carrier: 'Coldline', lane: 'AMS-MUC', shipments: 1, orders: 0, ordersShippedEarly: 0, deliveryClaims: 1, hubEvents: 0, hubEventsContradicted: 0, lagPairs: 0 };
    // Whatever the dimension shown; S1-S4 left on 20 Dec, before the range.
    expect(await rows('by=carrier&tz=UTC')).toEqual([{ ...row, deliveriesNotCorroborated: 0 }]);
    expect(await rows('by=hub&tz=UTC')).toEqual([{ ...row, deliveriesNotCorroborated: 0 }]);
    await flags.reconcile([ship('S5')], [{ ...finding('claim/delivered/30', ship('S5'), '2027-01-04T18:30:00Z', ['S5']), figures: { claims: 1 } }], NOW);
    expect(await rows('by=lane&tz=UTC')).toEqual([{ ...row, deliveriesNotCorroborated: 1 }]);
    // Departures are cut into weeks in the zone asked for, as the incidents are; a range without S5's departure has none.
    expect((await app.inject('/api/v1/reports/lanes?from=2027-01-05T00:00:00Z&to=2027-01-11T00:00:00Z&tz=UTC')).json<{ consistency: Row[] }>().consistency).toEqual([]);
  });
});
