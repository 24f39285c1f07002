/** An order's customer summary in plain language, English or Chinese (#16, docs/dashboard.md "Customer summary"). */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Clock } from '../../ports/clock.js';
import type { OrderSummaryService } from '../../services/order-summary.js';
import type { DeliveryFacts, OrderFacts } from '../../domain/summary/facts.js';
import { isTimeZone } from '../../domain/reports/iso-week.js';
import type { Lang } from '../../domain/summary/format.js';
import { orderSummary } from '../../domain/summary/summary.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const minutes = (ms: number): number => Math.round(ms / 60_000);
const Time = Type.String({ description: 'ISO 8601, UTC' });

const FactsBody = Type.Object({
  temperature: Type.Optional(Type.Object({ minC: Type.Number(), maxC: Type.Number(), readings: Type.Integer() }, { description: 'over the temperature readings of the order\'s batches\' custody legs; absent: none yet' })),
  concerns: Type.Array(Type.Object({
    kind: Type.String({ description: 'warm, cold, shelf-life, shock, drop, vibration, stop, deviation or silence: the flags of that kind taken together' }),
    start: Time, end: Time, latestStart: Time, totalMin: Type.Integer(), longestMin: Type.Integer(), count: Type.Integer(), active: Type.Boolean(),
    limitC: Type.Optional(Type.Number()),
  })),
  hubStays: Type.Array(Type.Object({ name: Type.String(), arrived: Time, departed: Type.Optional(Time) })),
  carrier: Type.Optional(Type.Object({
    at: Time, milestone: Type.String(), text: Type.String(), placeName: Type.Optional(Type.String()),
    evidence: Type.Optional(Type.Object({
      kind: Type.Union([Type.Literal('confirmed'), Type.Literal('contradicted')], { description: "what our evidence says of the carrier's latest update (docs/claims.md)" }),
      trackerAt: Type.Optional(Time), trackerKm: Type.Optional(Type.Number({ description: 'how far the tracker was, km (contradicted)' })),
    })),
  })),
  delivery: Type.Optional(Type.Object({
    kind: Type.String({ description: 'window, arrived, not-departed or no-basis' }),
    p10: Type.Optional(Time), p50: Type.Optional(Time), p90: Type.Optional(Time), at: Type.Optional(Time),
  })),
});

const SummaryBody = Type.Object({
  order: Type.String(), lang: Type.String(), tz: Type.String(), at: Time,
  sentences: Type.Array(Type.Object({ kind: Type.String({ description: 'temperature, concern, hub, carrier, delivery or zone' }), text: Type.String() })),
  facts: FactsBody,
});

export function registerOrderSummaryRoutes(app: FastifyInstance, opts: { deps: { orderSummary: Pick<OrderSummaryService, 'facts'>; clock: Clock } }): Promise<void> {
  const { orderSummary: service, clock } = opts.deps;
  app.get<{ Params: { id: string }; Querystring: { lang: Lang; tz: string; at?: number } }>('/orders/:id/summary', {
    config: { access: 'read' },
    schema: { summary: "An order's summary for its customer in plain sentences: the temperatures its goods were kept at, what happened on the way, hub stops, the carrier's latest update and the expected arrival", tags: ['custody'],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      querystring: Type.Object({
        lang: Type.Union([Type.Literal('en'), Type.Literal('zh')], { default: 'en', description: 'en: English; zh: Simplified Chinese' }),
        tz: Type.String({ default: 'UTC', minLength: 1, description: 'the customer\'s time zone, IANA name (Europe/Amsterdam)' }),
        at: Type.Optional(Type.Integer({ description: 'evaluation time, ms (default now)' })),
      }),
      response: { 200: SummaryBody, 400: ErrorBody, 404: ErrorBody } },
  }, async (req) => {
    const { lang, tz } = req.query;
    if (!isTimeZone(tz)) throw new GatewayError('E_BAD_REQUEST', `unknown time zone '${tz}'`);
    const at = req.query.at ?? clock.now();
    const facts = await service.facts(req.params.id, at);
    if (facts === undefined) throw new GatewayError('E_NOT_FOUND', `no order '${req.params.id}'`);
    return { order: req.params.id, lang, tz, at: iso(at), sentences: orderSummary(facts, { lang, tz, nowMs: at }), facts: factsBody(facts) };
  });
  return Promise.resolve();
}

function factsBody(f: OrderFacts) {
  return {
    ...(f.temperature !== undefined ? { temperature: f.temperature } : {}),
    concerns: f.concerns.map((c) => ({
      kind: c.kind, start: iso(c.startMs), end: iso(c.endMs), latestStart: iso(c.latestStartMs), totalMin: minutes(c.totalMs), longestMin: minutes(c.longestMs),
      count: c.count, active: c.active, ...(c.limitC !== undefined ? { limitC: c.limitC } : {}),
    })),
    hubStays: f.hubStays.map((s) => ({ name: s.name, arrived: iso(s.arrivedMs), ...(s.departedMs !== undefined ? { departed: iso(s.departedMs) } : {}) })),
    ...(f.carrier !== undefined ? { carrier: carrierBody(f.carrier) } : {}),
    ...(f.delivery !== undefined ? { delivery: deliveryBody(f.delivery) } : {}),
  };
}

function carrierBody(c: NonNullable<OrderFacts['carrier']>) {
  const e = c.evidence;
  const evidence = e === undefined ? {} : { evidence: e.kind === 'confirmed' ? { kind: e.kind, trackerAt: iso(e.trackerAtMs) } : { kind: e.kind, ...(e.trackerKm !== undefined ? { trackerKm: e.trackerKm } : {}) } };
  return { at: iso(c.atMs), milestone: c.milestone, text: c.text, ...(c.placeName !== undefined ? { placeName: c.placeName } : {}), ...evidence };
}

function deliveryBody(d: DeliveryFacts) {
  switch (d.kind) {
    case 'window': return { kind: d.kind, p10: iso(d.p10Ms), p50: iso(d.p50Ms), p90: iso(d.p90Ms) };
    case 'arrived': return { kind: d.kind, at: iso(d.atMs) };
    default: return { kind: d.kind };
  }
}
