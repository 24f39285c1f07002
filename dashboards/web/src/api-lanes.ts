/**
 * `GET /api/v1/reports/lanes`, the weekly lane report the Lanes view reads: incidents per carrier, lane or hub per
 * ISO week, and the tier 3 reviews. Types mirror the gateway's response.
 */
import type { ApiClient } from './api.js';

export type LaneDimension = 'carrier' | 'lane' | 'hub';

export interface LaneReport {
  readonly by: LaneDimension;
  readonly tz: string;
  /** ISO 8601; `to` exclusive. */
  readonly from: string;
  readonly to: string;
  /** Every ISO week of the range, in order; `monday` a local date. */
  readonly weeks: ReadonlyArray<{ readonly key: string; readonly monday: string }>;
  /** Most incidents first; cells only for weeks with incidents. */
  readonly rows: ReadonlyArray<{
    readonly key: string;
    readonly total: number;
    readonly cells: ReadonlyArray<{ readonly week: string; readonly incidents: number; readonly shipments: readonly string[]; readonly flags: readonly string[] }>;
  }>;
  readonly reviews: readonly LaneReview[];
  /** Claims against evidence per ISO week of departure, carrier and lane (the consistency report by week). */
  readonly consistency: readonly LaneConsistency[];
}

/** One week, carrier and lane of the consistency report (docs/claims.md "Consistency report"). */
export interface LaneConsistency {
  readonly week: string;
  readonly carrier: string;
  readonly lane: string;
  readonly shipments: number;
  readonly orders: number;
  readonly ordersShippedEarly: number;
  readonly deliveryClaims: number;
  readonly deliveriesNotCorroborated: number;
  readonly hubEvents: number;
  readonly hubEventsContradicted: number;
  readonly lagPairs: number;
  readonly medianLagMin?: number;
}

/** A `tier3/{by}` flag: the same carrier, lane or hub with 3 or more incidents within 7 days. */
export interface LaneReview {
  readonly flag: string;
  readonly subject: string;
  readonly state: 'open' | 'acknowledged' | 'resolved';
  readonly active: boolean;
  readonly title: string;
  readonly incidents: number;
  readonly start: string;
  readonly end: string;
  readonly shipments: readonly string[];
}

export function laneReport(api: ApiClient, q: { by: LaneDimension; from: string; to: string; tz: string }): Promise<LaneReport> {
  const p = new URLSearchParams({ by: q.by, from: q.from, to: q.to, tz: q.tz });
  return api.getJson<LaneReport>(`/api/v1/reports/lanes?${p.toString()}`);
}
