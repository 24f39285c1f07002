/**
 * The Shipments view's API (#16, docs/dashboard.md): the shipments with status, trackers, last kept position and open
 * flags; a shipment's positions as the GPS rules see its track, for its route plot.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { SHIPMENT_MODES } from '../../domain/registry/types.js';
import { SHIPMENT_STATES, type ShipmentState } from '../../domain/shipments/status.js';
import type { Clock } from '../../ports/clock.js';
import type { ShipmentListService, ShipmentSummary } from '../../services/shipments.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const literals = <T extends string>(xs: readonly T[]) => Type.Union(xs.map((x) => Type.Literal(x)));

const ShipmentItem = Type.Object({
  id: Type.String(), carrier: Type.String(), lane: Type.String(), mode: literals(SHIPMENT_MODES),
  origin: Type.String({ description: 'site id' }), destination: Type.String({ description: 'site id' }),
  hubs: Type.Array(Type.String(), { description: 'place ids, in order' }),
  plannedDeparture: Type.String(), promisedDelivery: Type.String(),
  status: Type.Object({
    state: literals(SHIPMENT_STATES),
    late: Type.Boolean({ description: 'planned: not gone by its planned departure; in_transit: past its promised delivery; arrived: after it' }),
    departed: Type.Optional(Type.String({ description: 'start of its first placement (tracker or batch), once started' })),
    arrived: Type.Optional(Type.String({ description: 'end of its last placement, once all have ended' })),
  }, { description: 'derived from the placements on the shipment and its plan at the evaluation time' }),
  trackers: Type.Array(Type.Object({
    device: Type.String(), placement: Type.String(), from: Type.String(),
    to: Type.Optional(Type.String({ description: 'absent while the device is still on the shipment' })),
  }), { description: 'devices placed on the shipment, by start' }),
  lastPosition: Type.Optional(Type.Object({
    lat: Type.Number(), lon: Type.Number(), at: Type.String({ description: 'device time of the fix' }), device: Type.String(),
  }, { description: 'the latest fix the GPS rules keep (docs/rules.md, GPS); absent without one' })),
  openFlags: Type.Object({ warning: Type.Integer(), major: Type.Integer(), critical: Type.Integer() }, { description: 'open flags whose subject is the shipment, by severity' }),
});

const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const AtQuery = Type.Object({ at: Type.Optional(Type.Integer({ description: 'evaluation time, ms (default now): placements and fixes as of then; open flags as they are now' })) });

function item(s: ShipmentSummary) {
  const { shipment: sh, status: st, lastPosition: p } = s;
  return {
    id: sh.id, carrier: sh.carrier, lane: sh.lane, mode: sh.mode, origin: sh.origin, destination: sh.destination, hubs: [...sh.hubs],
    plannedDeparture: sh.plannedDeparture, promisedDelivery: sh.promisedDelivery,
    status: { state: st.state, late: st.late, ...(st.departedMs !== undefined ? { departed: iso(st.departedMs) } : {}), ...(st.arrivedMs !== undefined ? { arrived: iso(st.arrivedMs) } : {}) },
    trackers: s.trackers.map((t) => ({ device: t.device, placement: t.placement, from: iso(t.fromMs), ...(Number.isFinite(t.toMs) ? { to: iso(t.toMs) } : {}) })),
    ...(p !== undefined ? { lastPosition: { lat: p.lat, lon: p.lon, at: iso(p.t), device: p.device } } : {}),
    openFlags: { ...s.openFlags },
  };
}

export function registerShipmentRoutes(app: FastifyInstance, opts: { deps: { shipments: Pick<ShipmentListService, 'list' | 'one' | 'positions'>; clock: Clock } }): Promise<void> {
  const { shipments, clock } = opts.deps;
  app.get<{ Querystring: { state?: ShipmentState; after?: string; limit: number; at?: number } }>('/shipments', {
    config: { access: 'read' },
    schema: { summary: 'Shipments with their status, trackers, last kept GPS position and open flags by severity, in id order', tags: ['custody'],
      querystring: Type.Object({
        state: Type.Optional(literals(SHIPMENT_STATES)),
        after: Type.Optional(Type.String({ minLength: 1, description: 'paging: the previous answer’s next' })),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        ...AtQuery.properties,
      }),
      response: { 200: Type.Object({
        at: Type.String(), shipments: Type.Array(ShipmentItem),
        next: Type.Optional(Type.String({ description: 'pass as after for the next page; absent on the last page' })),
      }) } },
  }, async (req) => {
    const at = req.query.at ?? clock.now();
    const r = await shipments.list({ limit: req.query.limit, ...(req.query.state !== undefined ? { state: req.query.state } : {}), ...(req.query.after !== undefined ? { after: req.query.after } : {}) }, at);
    return { at: iso(at), shipments: r.shipments.map(item), ...(r.next !== undefined ? { next: r.next } : {}) };
  });

  app.get<{ Params: { id: string }; Querystring: { at?: number } }>('/shipments/:id', {
    config: { access: 'read' },
    schema: { summary: 'One shipment as the list shows it: status, trackers, last kept GPS position, open flags by severity', tags: ['custody'],
      params: IdParams, querystring: AtQuery,
      response: { 200: ShipmentItem, 404: ErrorBody } },
  }, async (req) => {
    const s = await shipments.one(req.params.id, req.query.at ?? clock.now());
    if (s === undefined) throw new GatewayError('E_NOT_FOUND', `no shipment '${req.params.id}'`);
    return item(s);
  });

  app.get<{ Params: { id: string }; Querystring: { at?: number } }>('/shipments/:id/positions', {
    config: { access: 'read' },
    schema: { summary: "A shipment's GPS positions as the rules see its track: its trackers' fixes over their time on it, without those the rules drop", tags: ['custody'],
      params: IdParams, querystring: AtQuery,
      response: { 200: Type.Object({
        shipment: Type.String(), at: Type.String(),
        positions: Type.Array(Type.Object({ device: Type.String(), time: Type.Integer({ description: 'device time, ms' }), lat: Type.Number(), lon: Type.Number() }),
          { description: 'per tracker (in id order) in time order' }),
        dropped: Type.Integer({ description: 'fixes the rules dropped (by reason: GET /shipments/{id}/track)' }),
      }), 404: ErrorBody } },
  }, async (req) => {
    const p = await shipments.positions(req.params.id, req.query.at ?? clock.now());
    if (p === undefined) throw new GatewayError('E_NOT_FOUND', `no shipment '${req.params.id}'`);
    return { shipment: p.shipment, at: iso(p.atMs), positions: p.positions.map((f) => ({ device: f.device, time: f.t, lat: f.lat, lon: f.lon })), dropped: p.dropped };
  });
  return Promise.resolve();
}
