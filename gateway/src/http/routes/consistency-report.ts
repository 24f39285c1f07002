/** The consistency report (#20, docs/claims.md "Consistency report"): per carrier, lane and month, as JSON or CSV. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Clock } from '../../ports/clock.js';
import { consistencyCsv, monthOf } from '../../domain/reports/consistency.js';
import type { ConsistencyReportService } from '../../services/consistency-report.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';

export interface ConsistencyReportRouteDeps {
  readonly consistency: Pick<ConsistencyReportService, 'report'>;
  readonly clock: Clock;
}

const MONTH = '^\\d{4}-(0[1-9]|1[0-2])$';
/** Longest range: three years of months. */
const MAX_MONTHS = 36;

const Query = Type.Object({
  from: Type.Optional(Type.String({ pattern: MONTH, description: 'first month, YYYY-MM, UTC (default: the month before `to`)' })),
  to: Type.Optional(Type.String({ pattern: MONTH, description: 'month after the last, YYYY-MM (default: the current month, so the last complete one is reported)' })),
  format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
});

/** A row's counts, whatever its period (the monthly report here, the weekly lane report: lane-report.ts). */
export const ConsistencyCounts = {
  carrier: Type.String(), lane: Type.String(), shipments: Type.Integer(), orders: Type.Integer(),
  ordersShippedEarly: Type.Integer({ description: 'orders set shipped more than 30 min before their goods left (claim/shipped-not-departed)' }),
  deliveryClaims: Type.Integer({ description: "the carrier's delivered events" }),
  deliveriesNotCorroborated: Type.Integer({ description: 'of them, not confirmed by a tracker or custody (claim/delivered)' }),
  hubEvents: Type.Integer({ description: "the carrier's events at one of the shipments' hubs" }),
  hubEventsContradicted: Type.Integer({ description: 'of them, contradicted by the track (claim/hub)' }),
  lagPairs: Type.Integer({ description: 'carrier events paired with what a tracker saw' }),
  medianLagMin: Type.Optional(Type.Number({ description: "median of the carrier's time minus the tracker's, minutes" })),
};

const Row = Type.Object({ month: Type.String(), ...ConsistencyCounts });

const addMonths = (month: string, n: number): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthOf(Date.UTC(y, m - 1 + n, 1));
};

export function registerConsistencyReportRoutes(app: FastifyInstance, opts: { deps: ConsistencyReportRouteDeps }): Promise<void> {
  const { consistency, clock } = opts.deps;
  app.get<{ Querystring: Static<typeof Query> }>('/reports/consistency', {
    config: { access: 'read' },
    schema: {
      summary: "Consistency report: per carrier, lane and month, how often the carrier's and the order hub's word disagreed with the evidence (JSON, or CSV with format=csv)",
      tags: ['flags'], querystring: Query,
      response: { 200: Type.Object({ from: Type.String(), to: Type.String(), rows: Type.Array(Row) }), 400: ErrorBody },
    },
  }, async (req, reply) => {
    const to = req.query.to ?? monthOf(clock.now());
    const from = req.query.from ?? addMonths(to, -1);
    if (from >= to || addMonths(from, MAX_MONTHS) < to) throw new GatewayError('E_BAD_REQUEST', `from must be before to, by at most ${MAX_MONTHS} months`);
    const rows = await consistency.report(from, to);
    if (req.query.format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="consistency-${from}-${to}.csv"`).serializer((x: string) => x).send(consistencyCsv(rows));
    }
    return { from, to, rows: rows.map(({ period, ...r }) => ({ month: period, ...r })) };
  });
  return Promise.resolve();
}
