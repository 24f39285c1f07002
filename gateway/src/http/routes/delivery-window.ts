/** A shipment's predicted delivery window (#16, docs/dashboard.md "Delivery window"). */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Clock } from '../../ports/clock.js';
import type { DeliveryWindowService } from '../../services/delivery-windows.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';

const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

const WindowBody = Type.Object({
  shipment: Type.String(), at: Type.String(),
  state: Type.String({ description: 'planned, in_transit or arrived (as the shipments list derives it)' }),
  window: Type.Optional(Type.Object({
    basis: Type.Union([Type.Literal('this shipment'), Type.Literal('this lane')], { description: 'whose speeds: its own track\'s hourly progress (3 hours or more), else the lane\'s past trips' }),
    remainingKm: Type.Number({ description: 'planned route still to go from the latest kept fix' }),
    samples: Type.Integer(), meanKmh: Type.Number(), sdKmh: Type.Number(),
    p10: Type.Union([Type.String(), Type.Null()], { description: 'arrival 10 % likely by then (null: no progress seen, no estimate)' }),
    p50: Type.Union([Type.String(), Type.Null()]),
    p90: Type.Union([Type.String(), Type.Null()]),
  })),
  reason: Type.Optional(Type.String({ description: 'why there is no window: arrived, not departed yet, no planned route, no kept GPS fix yet, too little to go by' })),
  delay: Type.Optional(Type.Object({
    flag: Type.String({ description: 'the active weather/stopped flag holding the window' }),
    alert: Type.String({ description: 'the CAP alert identifier' }), event: Type.String(),
    alertEnds: Type.String({ description: 'when the alert stops being in force' }), stoppedMin: Type.Integer(),
    p10: Type.String(), p50: Type.String(), p90: Type.String({ description: 'the flag\'s window: the window before the stop moved by the time stopped, its late end held to the alert\'s end' }),
  }, { description: 'a truck stopped in a severe weather alert area: `window` is no earlier, quantile by quantile, than this' })),
});

export function registerDeliveryWindowRoutes(app: FastifyInstance, opts: { deps: { deliveryWindows: Pick<DeliveryWindowService, 'of'>; clock: Clock } }): Promise<void> {
  const { deliveryWindows, clock } = opts.deps;
  app.get<{ Params: { id: string }; Querystring: { at?: number } }>('/shipments/:id/delivery-window', {
    config: { access: 'read' },
    schema: { summary: 'A shipment\'s predicted delivery window: P10/P50/P90 of its arrival from the route to go and the speeds seen on it and its lane', tags: ['custody'],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      querystring: Type.Object({ at: Type.Optional(Type.Integer({ description: 'evaluation time, ms (default now)' })) }),
      response: { 200: WindowBody, 404: ErrorBody } },
  }, async (req) => {
    const at = req.query.at ?? clock.now();
    const r = await deliveryWindows.of(req.params.id, at);
    if (r === undefined) throw new GatewayError('E_NOT_FOUND', `no shipment '${req.params.id}'`);
    const w = r.window;
    return {
      shipment: req.params.id, at: new Date(at).toISOString(), state: r.status.state,
      ...(w !== undefined ? { window: { basis: w.basis, remainingKm: round(w.remainingKm), samples: w.samples, meanKmh: round(w.meanKmh), sdKmh: round(w.sdKmh), p10: iso(w.p10Ms), p50: iso(w.p50Ms), p90: iso(w.p90Ms) } } : {}),
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      ...(r.delay !== undefined ? { delay: { flag: r.delay.flag, alert: r.delay.alert, event: r.delay.event, alertEnds: new Date(r.delay.alertToMs).toISOString(), stoppedMin: r.delay.stoppedMin, p10: new Date(r.delay.p10Ms).toISOString(), p50: new Date(r.delay.p50Ms).toISOString(), p90: new Date(r.delay.p90Ms).toISOString() } } : {}),
    };
  });
  return Promise.resolve();
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
