/**
 * Refused at the door (issue #21, docs/scans.md): an inbound scan of a batch past its labelled expiry, past its
 * dynamic expiry (the shelf-life rule's estimate from the temperatures it lived through, issue #15), or with less
 * life left than the receiving site's minimum. Pure: the scan time and the facts are passed in.
 */

const DAY_MS = 86_400_000;

export interface DoorFacts {
  /** Labelled expiry, ms: the end of the day a GS1 expiry date (AI 17) names, or the registry batch's expiresAt. */
  readonly labelledExpiryMs: number;
  /** Dynamic expiry from the shelf-life rule, ms, when it has one. */
  readonly dynamicExpiryMs?: number;
  /** The receiving site's minimum remaining shelf life, days. */
  readonly minRemainingDays?: number;
}

export type DoorCode = 'E_SCAN_EXPIRED' | 'E_SCAN_DYNAMIC_EXPIRED' | 'E_SCAN_SHORT_DATED';

export type DoorVerdict =
  | { readonly ok: true; readonly remainingDays: number }
  | { readonly ok: false; readonly code: DoorCode; readonly reason: string; readonly remainingDays: number };

/** The end (exclusive) of the UTC day of an ISO date `2027-03-31`: a product is good through its expiry day. */
export function endOfDayMs(isoDate: string): number {
  return Date.parse(`${isoDate}T00:00:00Z`) + DAY_MS;
}

/** Whether a batch scanned in at `t` may be received. The earliest of the expiries counts. */
export function doorVerdict(t: number, f: DoorFacts): DoorVerdict {
  const expiry = Math.min(f.labelledExpiryMs, f.dynamicExpiryMs ?? Infinity);
  const remainingDays = Math.floor(((expiry - t) / DAY_MS) * 10) / 10;
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  if (t >= f.labelledExpiryMs) return { ok: false, code: 'E_SCAN_EXPIRED', reason: `expired: labelled expiry ${day(f.labelledExpiryMs - 1)} has passed`, remainingDays };
  if (f.dynamicExpiryMs !== undefined && t >= f.dynamicExpiryMs) {
    return { ok: false, code: 'E_SCAN_DYNAMIC_EXPIRED', reason: `expired by its temperature history: dynamic expiry ${new Date(f.dynamicExpiryMs).toISOString()} has passed (labelled ${day(f.labelledExpiryMs - 1)})`, remainingDays };
  }
  if (f.minRemainingDays !== undefined && remainingDays < f.minRemainingDays) {
    return { ok: false, code: 'E_SCAN_SHORT_DATED', reason: `short-dated: ${remainingDays} days of shelf life left, the site receives ${f.minRemainingDays} or more`, remainingDays };
  }
  return { ok: true, remainingDays };
}
