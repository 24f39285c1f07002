/**
 * "Shipped" before the goods left (docs/claims.md, "Corroboration"): an order of the shipment set to `shipped` by
 * its order hub while the evidence shows no departure from the origin within `withinMin` of it (the trackers' first
 * fix outside the origin's geofence, or, without a tracker, the goods' first placement on the shipment): a flag on
 * the shipment. Active until the departure shows; judged once the time has passed. Pure.
 */
import type { Finding, Related } from '../flags/types.js';

export const DEFAULT_SHIPPED_WITHIN_MIN = 30;

export interface ShippedClaimInput {
  readonly shipment: string;
  readonly origin: string;
  /** The orders' `shipped` statuses. */
  readonly shipped: readonly { readonly order: string; readonly atMs: number }[];
  /** The departure from the origin as the evidence shows it (milestones.ts), if it does. */
  readonly departedMs?: number;
  readonly nowMs: number;
  readonly related: Related;
  readonly withinMin?: number;
}

export function shippedClaimFinding(input: ShippedClaimInput): Finding | undefined {
  const within = (input.withinMin ?? DEFAULT_SHIPPED_WITHIN_MIN) * 60_000;
  const early = [...input.shipped]
    .filter((s) => s.atMs + within <= input.nowMs && (input.departedMs === undefined || input.departedMs > s.atMs + within))
    .sort((a, b) => a.atMs - b.atMs || (a.order < b.order ? -1 : 1));
  const first = early[0];
  if (first === undefined) return undefined;
  const minutes = within / 60_000;
  return {
    rule: `claim/shipped-not-departed/${minutes}`, params: { withinMin: minutes }, subject: { kind: 'shipment', id: input.shipment }, severity: 'major',
    title: `set shipped while the goods had not left ${input.origin} within ${minutes} min`,
    startMs: first.atMs, endMs: input.departedMs ?? input.nowMs, metAtMs: first.atMs + within, active: input.departedMs === undefined, episodes: [],
    figures: {
      orders: [...new Set(early.map((s) => s.order))].sort().join(','), shippedMs: first.atMs,
      ...(input.departedMs !== undefined ? { departedMs: input.departedMs, minutesEarly: Math.round((input.departedMs - first.atMs) / 60_000) } : {}),
    },
    related: input.related,
  };
}
