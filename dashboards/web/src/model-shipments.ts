/**
 * How the Shipments view names, colours and orders shipments, pure: the board's status of a shipment (its state
 * and whether it is late), the order of the list (what needs attention first), the flag counts in words and
 * the view's address.
 */
import type { DeliveryWindowAnswer, ShipmentItem, TrackSummary, Visit } from './api-shipments.js';
import { formatZoned, formatZonedClock } from './model-zone.js';

/** The status shown: colour class and words (colour is never the only signal). */
export type BoardStatus = 'overdue' | 'planned' | 'late' | 'in-transit' | 'arrived-late' | 'arrived';

export const BOARD_LABEL: Readonly<Record<BoardStatus, string>> = {
  overdue: 'Departure overdue', planned: 'Planned', late: 'In transit, late', 'in-transit': 'In transit', 'arrived-late': 'Arrived late', arrived: 'Arrived',
};

export function boardStatus(s: Pick<ShipmentItem, 'status'>): BoardStatus {
  const { state, late } = s.status;
  if (state === 'planned') return late ? 'overdue' : 'planned';
  if (state === 'in_transit') return late ? 'late' : 'in-transit';
  return late ? 'arrived-late' : 'arrived';
}

const RANK: Readonly<Record<BoardStatus, number>> = { late: 0, 'in-transit': 1, overdue: 2, planned: 3, 'arrived-late': 4, arrived: 5 };
const flagWeight = (s: ShipmentItem): number => s.openFlags.critical * 1e6 + s.openFlags.major * 1e3 + s.openFlags.warning;

/**
 * What needs attention first: late in transit, in transit, departure overdue, planned, then arrived; within a
 * status the most severe open flags first, then the earliest promised delivery, then by id (stable between reads).
 */
export function sortForBoard(items: readonly ShipmentItem[]): ShipmentItem[] {
  return [...items].sort((a, b) => RANK[boardStatus(a)] - RANK[boardStatus(b)] || flagWeight(b) - flagWeight(a)
    || Date.parse(a.promisedDelivery) - Date.parse(b.promisedDelivery) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `2 major, 1 warning` (most severe first); `none` without open flags. */
export function openFlagsText(f: ShipmentItem['openFlags']): string {
  const parts = (['critical', 'major', 'warning'] as const).filter((s) => f[s] > 0).map((s) => `${f[s]} ${s}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** `312 fixes, 3 dropped by the rules (speed 2, zero-position 1)`. */
export function trackText(t: Pick<TrackSummary, 'fixes' | 'dropped'>): string {
  const dropped = t.dropped.reduce((n, d) => n + d.count, 0);
  const fixes = `${t.fixes} fix${t.fixes === 1 ? '' : 'es'}`;
  return dropped === 0 ? `${fixes}, none dropped by the rules` : `${fixes}, ${dropped} dropped by the rules (${t.dropped.map((d) => `${d.reason} ${d.count}`).join(', ')})`;
}

/**
 * `hub Cross-dock: arrived 7 Dec 2026, 06:04:17 GMT+5:30, left after 1 min` (or `still there`): a planned stop, at a
 * known place, which no rule flags. `names` gives places' names where known.
 */
export function visitText(v: Visit, names: ReadonlyMap<string, string>, zone: string, locale?: string): string {
  const arrived = Date.parse(v.arrived);
  const stay = v.departed === undefined ? 'still there' : `left after ${durationText(Date.parse(v.departed) - arrived)}`;
  return `${v.placeKind} ${names.get(v.place) ?? v.place}: arrived ${formatZoned(arrived, zone, locale)}, ${stay}`;
}

/** `45 min`, `2 h 05 min`, `3 d 4 h`: a stay, rounded to the minute. */
export function durationText(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  if (min < 24 * 60) return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
  return `${Math.floor(min / 1440)} d ${Math.floor((min % 1440) / 60)} h`;
}

/**
 * `arrives 7 Dec 2026, 10:12–11:40 (80 %), most likely 10:51; 160 km to go at 60 km/h seen on this shipment`: the
 * delivery window from P10 to P90 (an 80 % interval) and its P50; or why there is none.
 */
export function windowText(a: DeliveryWindowAnswer, zone: string, locale?: string): string {
  const w = a.window;
  if (w === undefined) return a.reason === 'arrived' ? 'arrived' : `no estimate: ${a.reason ?? 'nothing to go by'}`;
  if (w.p10 === null || w.p50 === null || w.p90 === null) return `no estimate: no progress seen on ${w.basis} (${Math.round(w.remainingKm)} km to go)`;
  const [p10, p50, p90] = [Date.parse(w.p10), Date.parse(w.p50), Date.parse(w.p90)];
  const to = formatZonedClock(p90, zone, locale);
  const day = (ms: number): string => formatZoned(ms, zone, locale).split(',')[0]!;
  const end = day(p90) === day(p10) ? to : formatZoned(p90, zone, locale);
  return `arrives ${formatZoned(p10, zone, locale)}–${end} (80 %), most likely ${formatZonedClock(p50, zone, locale)}; ` +
    `${Math.round(w.remainingKm)} km to go at ${Math.round(w.meanKmh)} km/h seen on ${w.basis}`;
}

/** `52.1234° N, 4.8765° E`. */
export function positionText(p: { lat: number; lon: number }): string {
  return `${Math.abs(p.lat).toFixed(4)}° ${p.lat >= 0 ? 'N' : 'S'}, ${Math.abs(p.lon).toFixed(4)}° ${p.lon >= 0 ? 'E' : 'W'}`;
}

/** The shipment selected by `#/shipments/ID`; undefined for `#/shipments`. */
export function shipmentFromHash(hash: string): string | undefined {
  const m = /^#\/shipments\/(.+)$/.exec(hash);
  return m?.[1] !== undefined ? decodeURIComponent(m[1]) : undefined;
}
