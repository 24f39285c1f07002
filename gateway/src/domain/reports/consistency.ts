/**
 * The consistency report (issue #20, docs/claims.md "Consistency report"): per carrier, lane and period, how often what
 * the carrier and the order hub said disagreed with the evidence. A period is a UTC month (the monthly report) or an
 * ISO week in the viewer's zone (the weekly lane report) of each shipment's planned departure. Counted from the corroboration flags (withdrawn ones left out: the evidence came round) and from the
 * carrier events and tracker milestones themselves:
 * - orders whose "shipped" preceded the real departure by more than the claim window: `claim/shipped-not-departed/*`
 *   flags, each naming its orders, over the orders of the month's shipments;
 * - deliveries not corroborated: the claims of `claim/delivered/*` flags over the carrier's `delivered` events;
 * - hub events contradicted by the track: the claims of `claim/hub/*` flags over the carrier's events at a hub;
 * - the median lag, minutes, between what a tracker saw and when the carrier said it happened: each carrier
 *   `delivered` against the tracker's `arrived_destination`, each hub event against the tracker's arrival at that hub,
 *   paired with the nearest such milestone within a day (positive: the carrier's time is later).
 * Pure.
 */
import { isoWeekOfDay, localDays } from './iso-week.js';

export interface ConsistencyShipment {
  readonly id: string;
  readonly carrier: string;
  readonly lane: string;
  readonly plannedDepartureMs: number;
  readonly orders: readonly string[];
}

export interface ConsistencyFlag {
  readonly rule: string;
  readonly shipment: string;
  readonly figures: Readonly<Record<string, string | number>>;
}

/** A carrier event of a shipment, as judged: delivered, or at one of the shipment's hubs (which), or neither. */
export interface ConsistencyEvent {
  readonly shipment: string;
  readonly timeMs: number;
  readonly delivered: boolean;
  readonly hub?: string;
}

/** A tracker milestone: arrived at the destination, or at a hub (which). */
export interface ConsistencyMilestone {
  readonly shipment: string;
  readonly atMs: number;
  readonly kind: 'arrived_destination' | 'arrived_hub';
  readonly place: string;
}

export interface ConsistencyRow {
  readonly carrier: string;
  readonly lane: string;
  /** YYYY-MM (UTC) or YYYY-Www (an ISO week in the report's zone). */
  readonly period: string;
  readonly shipments: number;
  readonly orders: number;
  readonly ordersShippedEarly: number;
  readonly deliveryClaims: number;
  readonly deliveriesNotCorroborated: number;
  readonly hubEvents: number;
  readonly hubEventsContradicted: number;
  /** Pairs behind the median; the median itself is absent without any. */
  readonly lagPairs: number;
  readonly medianLagMin?: number;
}

/** A lag beyond this is no pairing of the same moment, ms. */
export const MAX_PAIRING_MS = 24 * 3_600_000;

export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** A shipment's period from its planned departure, or undefined when it is outside the report. */
export type PeriodOf = (departureMs: number) => string | undefined;

/** The UTC months [fromMonth, toMonth), YYYY-MM. */
export function monthsIn(fromMonth: string, toMonth: string): PeriodOf {
  return (ms) => {
    const m = monthOf(ms);
    return m >= fromMonth && m < toMonth ? m : undefined;
  };
}

/** The ISO weeks (Monday to Sunday in `zone`) of departures in [fromMs, toMs), as the lane report cuts them. */
export function weeksIn(fromMs: number, toMs: number, zone: string): PeriodOf {
  const dayOf = localDays(zone);
  return (ms) => (ms >= fromMs && ms < toMs ? isoWeekOfDay(dayOf(ms)).key : undefined);
}

export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The carrier's time minus the nearest matching tracker milestone's, minutes; undefined with none within a day. */
export function lagMin(e: ConsistencyEvent, milestones: readonly ConsistencyMilestone[]): number | undefined {
  let best: number | undefined;
  for (const m of milestones) {
    const match = e.delivered ? m.kind === 'arrived_destination' : e.hub !== undefined && m.kind === 'arrived_hub' && m.place === e.hub;
    if (!match || m.shipment !== e.shipment || Math.abs(e.timeMs - m.atMs) > MAX_PAIRING_MS) continue;
    if (best === undefined || Math.abs(e.timeMs - m.atMs) < Math.abs(best)) best = e.timeMs - m.atMs;
  }
  return best === undefined ? undefined : best / 60_000;
}

const claimsOf = (f: ConsistencyFlag): number => (typeof f.figures['claims'] === 'number' ? f.figures['claims'] : 1);

export function consistencyRows(input: {
  readonly shipments: readonly ConsistencyShipment[];
  readonly flags: readonly ConsistencyFlag[];
  readonly events: readonly ConsistencyEvent[];
  readonly milestones: readonly ConsistencyMilestone[];
  /** Each shipment's period (monthsIn, weeksIn); shipments outside the report have none. */
  readonly periodOf: PeriodOf;
}): ConsistencyRow[] {
  const groups = new Map<string, ConsistencyShipment[]>();
  for (const s of input.shipments) {
    const period = input.periodOf(s.plannedDepartureMs);
    if (period === undefined) continue;
    const key = JSON.stringify([s.carrier, s.lane, period]);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [s]);
    else g.push(s);
  }
  const rows: ConsistencyRow[] = [];
  for (const [key, shipments] of groups) {
    const [carrier, lane, period] = JSON.parse(key) as [string, string, string];
    const ids = new Set(shipments.map((s) => s.id));
    const orders = new Set(shipments.flatMap((s) => s.orders));
    const flags = input.flags.filter((f) => ids.has(f.shipment));
    const events = input.events.filter((e) => ids.has(e.shipment));
    const early = new Set(flags.filter((f) => f.rule.startsWith('claim/shipped-not-departed/'))
      .flatMap((f) => String(f.figures['orders'] ?? '').split(',').filter((o) => orders.has(o))));
    const lags = events.flatMap((e) => { const l = lagMin(e, input.milestones); return l === undefined ? [] : [l]; });
    const med = median(lags);
    rows.push({
      carrier, lane, period, shipments: shipments.length, orders: orders.size, ordersShippedEarly: early.size,
      deliveryClaims: events.filter((e) => e.delivered).length,
      deliveriesNotCorroborated: flags.filter((f) => f.rule.startsWith('claim/delivered/')).reduce((n, f) => n + claimsOf(f), 0),
      hubEvents: events.filter((e) => e.hub !== undefined).length,
      hubEventsContradicted: flags.filter((f) => f.rule.startsWith('claim/hub/')).reduce((n, f) => n + claimsOf(f), 0),
      lagPairs: lags.length, ...(med !== undefined ? { medianLagMin: Math.round(med * 10) / 10 } : {}),
    });
  }
  return rows.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.carrier < b.carrier ? -1 : a.carrier > b.carrier ? 1 : a.lane < b.lane ? -1 : a.lane > b.lane ? 1 : 0));
}

/** The CSV's header after its first column, which names the period (`month`, `week`). */
export const CONSISTENCY_CSV_HEADER = 'carrier,lane,shipments,orders,orders_shipped_early,orders_shipped_early_share,delivery_claims,deliveries_not_corroborated,deliveries_not_corroborated_share,hub_events,hub_events_contradicted,hub_events_contradicted_share,lag_pairs,median_lag_min';

/** A share to three decimals, empty when there is nothing to divide by. */
const share = (n: number, of: number): string => (of === 0 ? '' : String(Math.round((n / of) * 1000) / 1000));

/** RFC 4180 quoting where a field needs it. */
const field = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

export function consistencyCsv(rows: readonly ConsistencyRow[], period: 'month' | 'week' = 'month'): string {
  return [`${period},${CONSISTENCY_CSV_HEADER}`, ...rows.map((r) => [
    r.period, field(r.carrier), field(r.lane), r.shipments, r.orders, r.ordersShippedEarly, share(r.ordersShippedEarly, r.orders),
    r.deliveryClaims, r.deliveriesNotCorroborated, share(r.deliveriesNotCorroborated, r.deliveryClaims),
    r.hubEvents, r.hubEventsContradicted, share(r.hubEventsContradicted, r.hubEvents), r.lagPairs, r.medianLagMin ?? '',
  ].join(','))].join('\r\n') + '\r\n';
}
