/** The FEFO list of a site: what to pick first, by what the goods lived through (docs/rules.md, FEFO). */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { FefoEntry } from '../../domain/rules/fefo.js';
import type { FefoService } from '../../services/fefo.js';
import type { Clock } from '../../ports/clock.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';

const FefoEntryBody = Type.Object({
  rank: Type.Integer({ description: '1 = pick first' }),
  batch: Type.String(), product: Type.String(), zone: Type.String(), quantity: Type.Number(),
  pickBy: Type.String({ description: 'the earlier of the dynamic and the labelled expiry, ISO 8601' }),
  basis: Type.Union([Type.Literal('dynamic'), Type.Literal('label')], { description: 'which of the two decided pickBy' }),
  labelExpiry: Type.String(),
  daysBeforeLabel: Type.Number({ description: 'days the batch runs out before its label (0 when the label decides)' }),
  expired: Type.Boolean({ description: 'pickBy is at or before the evaluation time: take it out of stock' }),
  shelfLife: Type.Optional(Type.Object({
    dynamicExpiry: Type.String({ description: 'ISO 8601, or "never" when the model predicts no spoilage at the storage temperature' }),
    remainingDays: Type.Union([Type.Number(), Type.Null()], { description: 'life left at the storage temperature; null: unlimited' }),
    consumedPercent: Type.Number(),
    level: Type.Union([Type.Literal('ok'), Type.Literal('warning'), Type.Literal('major'), Type.Literal('critical')]),
    asOf: Type.String({ description: 'the last reading judged: the dynamic expiry is stated as of then' }),
  }, { description: 'absent when the product has no shelf-life model or the batch no readings' })),
});

const iso = (ms: number): string => new Date(ms).toISOString();

function body(e: FefoEntry) {
  const sl = e.shelfLife;
  return {
    rank: e.rank, batch: e.batch, product: e.product, zone: e.zone, quantity: e.quantity, pickBy: iso(e.pickByMs), basis: e.basis,
    labelExpiry: iso(e.labelExpiryMs), daysBeforeLabel: e.daysBeforeLabel, expired: e.expired,
    ...(sl !== undefined
      ? { shelfLife: {
          dynamicExpiry: Number.isFinite(sl.dynamicExpiryMs) ? iso(sl.dynamicExpiryMs) : 'never',
          remainingDays: Number.isFinite(sl.remainingDays) ? Math.round(sl.remainingDays * 100) / 100 : null,
          consumedPercent: Math.round(sl.consumed * 10_000) / 100, level: sl.level, asOf: iso(sl.asOfMs),
        } }
      : {}),
  };
}

export function registerFefoRoutes(app: FastifyInstance, opts: { deps: { fefo: Pick<FefoService, 'site'>; clock: Clock } }): Promise<void> {
  const { fefo, clock } = opts.deps;
  app.get<{ Params: { id: string }; Querystring: { at?: number } }>('/sites/:id/fefo', {
    config: { access: 'read' },
    schema: { summary: "A site's FEFO list: the batches in its zones, first to pick first, by dynamic expiry capped by the label", tags: ['rules'],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      querystring: Type.Object({ at: Type.Optional(Type.Integer({ description: 'evaluation time, ms (default now): the stock placed then, its readings up to then' })) }),
      response: { 200: Type.Object({ site: Type.String(), at: Type.String(), batches: Type.Array(FefoEntryBody), unreadable: Type.Array(Type.String()) }), 404: ErrorBody } },
  }, async (req) => {
    const list = await fefo.site(req.params.id, req.query.at ?? clock.now());
    if (list === undefined) throw new GatewayError('E_NOT_FOUND', `no site ${req.params.id}`);
    return { site: list.site, at: iso(list.atMs), batches: list.batches.map(body), unreadable: [...list.unreadable] };
  });
  return Promise.resolve();
}
