/**
 * Tracking numbers and carriers as keys (issue #20): a carrier's event and a shipment's tracking number meet on
 * (carrier, tracking number), so both sides are normalised the same way before they are compared or stored.
 */

/** Identity of a tracking number across carriers. */
export interface TrackingRef {
  /** Normalised (normaliseCarrier). */
  readonly carrier: string;
  /** Normalised (normaliseTrackingNumber). */
  readonly trackingNumber: string;
}

/**
 * Case folding by mapping to upper and lower case, until it no longer changes, ending in `last`. One way alone is
 * no folding (`STRASSE` lowers to `strasse` but `straße` stays; `ϴ` uppers to itself, `θ` to `Θ`), and one round
 * is not stable (`ẞ` lowers to `ß`, which uppers to `SS`); found by fuzzing (#17). ASCII only changes case.
 */
function foldCase(s: string, last: 'upper' | 'lower'): string {
  let t = s;
  for (let round = 0; round < 4; round++) {
    const next = last === 'lower' ? t.toUpperCase().toLowerCase() : t.toLowerCase().toUpperCase();
    if (next === t) break;
    t = next;
  }
  return t;
}

/** Carrier names compare case-blind and without surrounding spaces: `DHL ` is `dhl`. */
export function normaliseCarrier(s: string): string {
  return foldCase(s.trim(), 'lower');
}

/** Tracking numbers are printed with spaces (`1Z 999 AA1 01 2345 6784`) and read back in any case. */
export function normaliseTrackingNumber(s: string): string {
  return foldCase(s.replace(/\s+/g, ''), 'upper');
}
