/** Custody and evidence: where a device was, the readings behind a batch, shipment or order, an order's timeline. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { GatewayError } from '../errors.js';
import { ErrorBody, ReadingBody } from '../schemas.js';
import { OrderBody } from '../registry-schemas.js';
import { FlagBody } from '../flag-schemas.js';
import { CarrierTimelineFields } from '../carrier-schemas.js';
import { PhotoTimelineFields } from '../photo-schemas.js';
import { DROP_REASONS } from '../../domain/rules/gps.js';

const LocationBody = Type.Object({ kind: Type.Union([Type.Literal('zone'), Type.Literal('shipment')]), id: Type.String() });
const SegmentBody = Type.Object({ device: Type.String(), location: LocationBody, fromMs: Type.Number(), toMs: Type.Union([Type.Number(), Type.Null()], { description: 'null while the custody is open' }) });
const EvidenceQuery = Type.Object({
  from: Type.Optional(Type.Integer({ description: 'Device time from (inclusive), ms. Default: the start of custody' })),
  to: Type.Optional(Type.Integer({ description: 'Device time to (exclusive), ms. Default: now + 1 h' })),
  metric: Type.Optional(Type.String({ minLength: 1 })),
  limit: Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000 }),
});
const SubjectParams = Type.Object({ kind: Type.Union([Type.Literal('batches'), Type.Literal('shipments'), Type.Literal('orders')]), id: Type.String({ minLength: 1 }) });
const EventBody = Type.Object({
  at: Type.String(), kind: Type.Union([Type.Literal('status'), Type.Literal('custody'), Type.Literal('tracker'), Type.Literal('flag'), Type.Literal('place'), Type.Literal('carrier'), Type.Literal('scan'), Type.Literal('photo')]),
  status: Type.Optional(Type.String()), operator: Type.Optional(Type.String()), source: Type.Optional(Type.String()),
  change: Type.Optional(Type.String({ description: 'custody: arrived | left; tracker: attached | detached; place: arrived | departed' })),
  place: Type.Optional(Type.String({ description: 'place: the known place (origin, destination, hub) a tracker arrived at or departed from, by its GPS track' })),
  placeKind: Type.Optional(Type.Union([Type.Literal('origin'), Type.Literal('destination'), Type.Literal('hub')])),
  batch: Type.Optional(Type.String()), location: Type.Optional(LocationBody), placement: Type.Optional(Type.String()),
  device: Type.Optional(Type.String()), shipment: Type.Optional(Type.String()),
  flag: Type.Optional(Type.String({ description: 'flag: its id (see flags)' })), rule: Type.Optional(Type.String()),
  severity: Type.Optional(Type.String()), title: Type.Optional(Type.String()),
  outcome: Type.Optional(Type.String({ description: 'scan: moved, repeat, refused, contradiction, unresolved (docs/scans.md)' })),
  via: Type.Optional(Type.String({ description: 'scan: barcode or rfid' })), reasonCode: Type.Optional(Type.String({ description: 'scan: why it did not move custody' })),
  reason: Type.Optional(Type.String()),
  ...CarrierTimelineFields,
  ...PhotoTimelineFields,
});

const TrackBody = Type.Object({
  shipment: Type.String(), at: Type.String(),
  fixes: Type.Integer({ description: 'fixes the trackers sent while on the shipment (gps.lat and gps.lon paired by device time)' }),
  dropped: Type.Array(Type.Object({ reason: Type.Union(DROP_REASONS.map((r) => Type.Literal(r))), count: Type.Integer() }), { description: 'fixes left out of every GPS rule, by reason' }),
  visits: Type.Array(Type.Object({
    place: Type.String(), placeKind: Type.Union([Type.Literal('origin'), Type.Literal('destination'), Type.Literal('hub')]), device: Type.String(),
    arrived: Type.String(), departed: Type.Optional(Type.String({ description: 'absent while the tracker is still there (exit needs 2 fixes or 2 min outside)' })),
  })),
  coverage: Type.Object({
    percent: Type.Number({ description: 'covered / on the shipment; 100 without a tracker on it yet' }),
    coveredMin: Type.Number({ description: 'time on it covered by the trackers\' readings (a silence up to the gap threshold counts), min' }),
    onShipmentMin: Type.Number({ description: 'time trackers rode on it up to `at`, min' }),
    gaps: Type.Array(Type.Object({ from: Type.String(), to: Type.String() }), { description: 'silences longer than the gap threshold (the last one ends at `at` while it goes on)' }),
  }, { description: 'coverage of the shipment by its trackers' }),
});

export function registerCustodyRoutes(app: FastifyInstance, opts: { deps: AppDeps }): Promise<void> {
  const { custody, evidence, tracks, clock } = opts.deps;

  app.get<{ Querystring: { device: string; time: number } }>('/custody/resolve', {
    config: { access: 'read' },
    schema: { summary: 'Where a device was at a device time, the batches exposed there and their orders', tags: ['custody'],
      querystring: Type.Object({ device: Type.String({ minLength: 1 }), time: Type.Integer({ description: 'Device time, ms' }) }),
      response: { 200: Type.Object({
        device: Type.String(), time: Type.Integer(), location: Type.Optional(LocationBody), placement: Type.Optional(Type.String()),
        batches: Type.Array(Type.String()), orders: Type.Array(Type.String()),
      }) } },
  }, (req) => evidence.resolve(req.query.device, req.query.time));

  app.get('/custody/unassigned', {
    config: { access: 'read' },
    schema: { summary: 'Devices that publish but that the registry does not know (since the gateway started): stored, not linked', tags: ['custody'],
      response: { 200: Type.Object({ devices: Type.Array(Type.Object({ device: Type.String(), site: Type.String(), node: Type.String(), readings: Type.Integer(), firstTime: Type.Integer(), lastTime: Type.Integer() })) }) } },
  }, () => ({ devices: custody.unassignedDevices() }));

  app.get('/custody/unlinked', {
    config: { access: 'read' },
    schema: { summary: 'Known devices with readings outside every placement (since the gateway started), as runs of device time', tags: ['custody'],
      response: { 200: Type.Object({ devices: Type.Array(Type.Object({ device: Type.String(), runs: Type.Array(Type.Object({
        firstTime: Type.Integer(), lastTime: Type.Integer(), readings: Type.Union([Type.Integer(), Type.Null()], { description: 'null once a later placement covered part of the run' }),
      })) })) }) } },
  }, () => ({ devices: custody.unlinkedDevices() }));

  app.get<{ Params: { kind: 'batches' | 'shipments' | 'orders'; id: string }; Querystring: { from?: number; to?: number; metric?: string; limit: number } }>('/evidence/:kind/:id', {
    config: { access: 'read' },
    schema: { summary: 'Readings that are evidence for a batch, shipment or order over its whole custody, each with where it was taken', tags: ['custody'],
      params: SubjectParams, querystring: EvidenceQuery,
      response: { 200: Type.Object({
        segments: Type.Array(SegmentBody), truncated: Type.Boolean({ description: 'limit cut the readings: narrow from/to to page' }),
        readings: Type.Array(Type.Intersect([ReadingBody, Type.Object({ location: LocationBody })])),
      }), 404: ErrorBody } },
  }, async (req) => {
    const to = req.query.to ?? Date.now() + 3_600_000;
    const from = req.query.from ?? Number.MIN_SAFE_INTEGER;
    if (from >= to) throw new GatewayError('E_BAD_REQUEST', '`from` must be before `to`');
    const ev = await evidence.evidence(req.params, { from, to, limit: req.query.limit, ...(req.query.metric !== undefined ? { metric: req.query.metric } : {}) });
    if (ev === undefined) throw new GatewayError('E_NOT_FOUND', `no ${req.params.kind.slice(0, -1).replace('batche', 'batch')} '${req.params.id}'`);
    return { ...ev, segments: ev.segments.map((s) => ({ ...s, toMs: Number.isFinite(s.toMs) ? s.toMs : null })) };
  });

  app.get<{ Params: { id: string } }>('/orders/:id/timeline', {
    config: { access: 'read' },
    schema: { summary: "An order's story in time order: status changes, custody moves of its batches and the scans behind them, trackers on its shipments, arrivals at and departures from known places, carriers' tracking events, flags", tags: ['custody'],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      response: { 200: Type.Object({ order: OrderBody, events: Type.Array(EventBody), flags: Type.Array(FlagBody) }), 404: ErrorBody } },
  }, async (req) => {
    const t = await tracks.orderTimeline(req.params.id, clock.now());
    if (t === undefined) throw new GatewayError('E_NOT_FOUND', `no order '${req.params.id}'`);
    return t;
  });

  app.get<{ Params: { id: string }; Querystring: { at?: number } }>('/shipments/:id/track', {
    config: { access: 'read' },
    schema: { summary: "A shipment's GPS track as the rules judge it: fixes received, invalid ones dropped by reason, visits to its known places", tags: ['custody'],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      querystring: Type.Object({ at: Type.Optional(Type.Integer({ description: 'evaluation time, ms (default now)' })) }),
      response: { 200: TrackBody, 404: ErrorBody } },
  }, async (req) => {
    const t = await tracks.shipment(req.params.id, req.query.at ?? clock.now());
    if (t === undefined) throw new GatewayError('E_NOT_FOUND', `no shipment '${req.params.id}'`);
    const c = t.coverage;
    const min = (ms: number): number => Math.round(ms / 600) / 100;
    return {
      shipment: t.shipment, at: new Date(t.atMs).toISOString(), fixes: t.fixes, dropped: [...t.dropped], visits: t.visits.map((v) => ({
        place: v.place, placeKind: v.placeKind, device: v.device, arrived: new Date(v.arrivedMs).toISOString(), ...(v.departedMs !== undefined ? { departed: new Date(v.departedMs).toISOString() } : {}),
      })),
      coverage: {
        percent: c.totalMs > 0 ? Math.round((c.coveredMs / c.totalMs) * 10_000) / 100 : 100, coveredMin: min(c.coveredMs), onShipmentMin: min(c.totalMs),
        gaps: c.gaps.map((g) => ({ from: new Date(g.fromMs).toISOString(), to: new Date(g.toMs).toISOString() })),
      },
    };
  });
  return Promise.resolve();
}
