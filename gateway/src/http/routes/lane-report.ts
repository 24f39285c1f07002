/** The weekly lane report (#16, docs/dashboard.md "Lanes"): incidents per carrier, lane or hub per ISO week. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Clock } from '../../ports/clock.js';
import type { LaneDimension } from '../../domain/reports/lane-weeks.js';
import { isTimeZone } from '../../domain/reports/iso-week.js';
import type { LaneReportService } from '../../services/lane-report.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';
import { ConsistencyCounts } from './consistency-report.js';

const DAY_MS = 86_400_000;
/** Default range: the 8 weeks before `to`. */
const DEFAULT_SPAN_MS = 56 * DAY_MS;
/** Longest range: two years of weekly columns. */
const MAX_SPAN_MS = 731 * DAY_MS;

const iso = (ms: number): string => new Date(ms).toISOString();

const Ids = Type.Array(Type.String());
const ReportBody = Type.Object({
  by: Type.String(), tz: Type.String(), from: Type.String(), to: Type.String(),
  weeks: Type.Array(Type.Object({ key: Type.String({ description: 'ISO week, 2026-W53' }), monday: Type.String({ description: 'its Monday, local date' }) }), { description: 'every ISO week of the range, in order' }),
  rows: Type.Array(Type.Object({
    key: Type.String({ description: 'the carrier, lane or hub' }), total: Type.Integer(),
    cells: Type.Array(Type.Object({
      week: Type.String(), incidents: Type.Integer({ description: 'incidents met that week: one per shipment anomaly, as tier 3 counts them' }),
      shipments: Ids, flags: Type.Array(Type.String(), { description: 'the flag that met each incident first' }),
    }), { description: 'weeks with incidents only' }),
  }), { description: 'most incidents first' }),
  reviews: Type.Array(Type.Object({
    flag: Type.String(), subject: Type.String(), state: Type.String(), active: Type.Boolean(), title: Type.String(),
    incidents: Type.Integer({ description: 'incidents of the densest 7-day window' }), start: Type.String(), end: Type.String(), shipments: Ids,
  }), { description: 'tier3/{by} flags open or acknowledged, or with incidents in the range' }),
  consistency: Type.Array(Type.Object({ week: Type.String({ description: 'ISO week of the planned departure, in `tz`' }), ...ConsistencyCounts }), {
    description: "the consistency report (docs/claims.md) by week: per ISO week, carrier and lane of the shipments departing in the range, how often the carrier's and the order hub's word disagreed with the evidence",
  }),
});

export interface LaneReportRouteDeps {
  readonly laneReports: Pick<LaneReportService, 'report'>;
  readonly clock: Clock;
}

export function registerLaneReportRoutes(app: FastifyInstance, opts: { deps: LaneReportRouteDeps }): Promise<void> {
  const { laneReports, clock } = opts.deps;
  app.get<{ Querystring: { from?: string; to?: string; tz: string; by: LaneDimension } }>('/reports/lanes', {
    config: { access: 'read' },
    schema: { summary: 'Weekly lane report: incidents per carrier, lane or hub per ISO week, and the tier 3 reviews', tags: ['flags'],
      querystring: Type.Object({
        from: Type.Optional(Type.String({ description: 'start, inclusive: ISO 8601 date-time (default: 8 weeks before `to`)' })),
        to: Type.Optional(Type.String({ description: 'end, exclusive: ISO 8601 date-time (default now)' })),
        tz: Type.String({ default: 'UTC', description: 'IANA time zone the weeks (Monday to Sunday) are cut in' }),
        by: Type.Union([Type.Literal('carrier'), Type.Literal('lane'), Type.Literal('hub')], { default: 'carrier' }),
      }),
      response: { 200: ReportBody, 400: ErrorBody } },
  }, async (req) => {
    const q = req.query;
    const toMs = q.to === undefined ? clock.now() : Date.parse(q.to);
    const fromMs = q.from === undefined ? toMs - DEFAULT_SPAN_MS : Date.parse(q.from);
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) throw new GatewayError('E_BAD_REQUEST', 'from and to must be ISO 8601 date-times');
    if (toMs <= fromMs || toMs - fromMs > MAX_SPAN_MS) throw new GatewayError('E_BAD_REQUEST', 'from must be before to, by at most 731 days');
    if (!isTimeZone(q.tz)) throw new GatewayError('E_BAD_REQUEST', `unknown time zone '${q.tz}'`);
    const r = await laneReports.report({ by: q.by, fromMs, toMs, zone: q.tz });
    return {
      by: q.by, tz: q.tz, from: iso(fromMs), to: iso(toMs),
      weeks: r.weeks.map((w) => ({ key: w.key, monday: w.monday })), rows: r.rows,
      reviews: r.reviews.map((f) => ({
        flag: f.id, subject: f.subject.id, state: f.state, active: f.active, title: f.title,
        incidents: Number(f.figures['incidents'] ?? 0), start: iso(f.startMs), end: iso(f.endMs), shipments: f.related.shipments,
      })),
      consistency: r.consistency.map(({ period, ...c }) => ({ week: period, ...c })),
    };
  });
  return Promise.resolve();
}
