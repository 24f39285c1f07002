/**
 * No tracking update at all (docs/claims.md, "Corroboration"): a shipment on its way (a placement on it has started
 * and one is still open) with neither a tracker reading nor a carrier event for `hours`: the customer hears nothing
 * and nobody can say where the goods are. A tier-1 flag (warning: the customer notice), active until either speaks
 * again. Pure.
 */
import type { Finding, Related } from '../flags/types.js';

export const DEFAULT_NO_UPDATE_HOURS = 24;

export interface SilenceClaimInput {
  readonly shipment: string;
  /** When it left (its first placement's start), and whether a placement on it is still open at `nowMs`. */
  readonly startedMs: number;
  readonly onItsWay: boolean;
  /** The latest tracker reading (any metric) and the latest carrier event, if any. */
  readonly lastReadingMs?: number;
  readonly lastCarrierEventMs?: number;
  readonly nowMs: number;
  readonly related: Related;
  readonly hours?: number;
}

export function silenceClaimFinding(input: SilenceClaimInput): Finding | undefined {
  const limit = (input.hours ?? DEFAULT_NO_UPDATE_HOURS) * 3_600_000;
  if (!input.onItsWay || input.startedMs > input.nowMs) return undefined;
  const last = Math.max(input.startedMs, input.lastReadingMs ?? -Infinity, input.lastCarrierEventMs ?? -Infinity);
  if (input.nowMs - last < limit) return undefined;
  const hours = limit / 3_600_000;
  return {
    rule: `claim/no-update/${hours}h`, params: { hours }, subject: { kind: 'shipment', id: input.shipment }, severity: 'warning',
    title: `no tracking update for ${hours} h: neither a tracker reading nor a carrier event`,
    // Ends at its last update while the silence goes on, so it does not change every time it is judged.
    startMs: last, endMs: last, metAtMs: last + limit, active: true, episodes: [],
    figures: {
      silentSinceMs: last,
      ...(input.lastReadingMs !== undefined ? { lastReadingMs: input.lastReadingMs } : {}),
      ...(input.lastCarrierEventMs !== undefined ? { lastCarrierEventMs: input.lastCarrierEventMs } : {}),
    },
    related: input.related,
  };
}
