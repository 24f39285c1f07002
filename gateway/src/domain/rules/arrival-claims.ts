/**
 * Arrival without a delivery confirmation (docs/claims.md, "Corroboration"): a tracker of the shipment arrived in the
 * destination's geofence, and neither the carrier ("delivered") nor the order hub (an order "completed") confirmed
 * a delivery within `withinMin` of it: the "go and check" task, a flag on the shipment with where the goods were last
 * seen. Active while no confirmation has come; the first confirmation, however late, clears it. Judged once the time
 * has passed (until then the confirmation may still come). Pure.
 */
import type { Finding, Related } from '../flags/types.js';
import type { Visit } from './gps.js';

export const DEFAULT_ARRIVAL_CONFIRMATION_MIN = 120;

export interface ArrivalClaimInput {
  readonly shipment: string;
  readonly destination: string;
  /** The trackers' visits to the destination. */
  readonly visits: readonly Visit[];
  /** When a delivery was confirmed: the carrier's "delivered" events and the orders' "completed" statuses, ms. */
  readonly confirmations: readonly number[];
  /** The latest kept fix, where the goods were last seen. */
  readonly lastFix?: { readonly t: number; readonly lat: number; readonly lon: number };
  readonly nowMs: number;
  readonly related: Related;
  readonly withinMin?: number;
}

export function arrivalClaimFinding(input: ArrivalClaimInput): Finding | undefined {
  const within = (input.withinMin ?? DEFAULT_ARRIVAL_CONFIRMATION_MIN) * 60_000;
  const arrived = input.visits.reduce((m, v) => Math.min(m, v.arrivedMs), Infinity);
  if (!Number.isFinite(arrived) || arrived + within > input.nowMs) return undefined;
  // A confirmation before the arrival (the carrier ahead of the tracker) or up to `within` after it confirms it.
  const confirmations = [...input.confirmations].sort((a, b) => a - b);
  if (confirmations.some((t) => t <= arrived + within)) return undefined;
  const late = confirmations[0];
  const minutes = within / 60_000;
  return {
    rule: `claim/arrival-unconfirmed/${minutes}`, params: { withinMin: minutes }, subject: { kind: 'shipment', id: input.shipment }, severity: 'major',
    title: `at ${input.destination} with no delivery confirmed within ${minutes} min: go and check`,
    startMs: arrived, endMs: late ?? input.nowMs, metAtMs: arrived + within, active: late === undefined, episodes: [],
    figures: {
      arrivedMs: arrived, ...(late !== undefined ? { confirmedMs: late } : {}),
      ...(input.lastFix !== undefined ? { lastFixMs: input.lastFix.t, lastFixLat: input.lastFix.lat, lastFixLon: input.lastFix.lon } : {}),
    },
    related: input.related,
  };
}
