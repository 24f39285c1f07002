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
 * Carrier names compare case-blind and without surrounding spaces: `DHL ` is `dhl`. Upper case first, then lower,
 * until it no longer changes: lower case alone is no case folding (`STRASSE` is `strasse`, `straße` stayed `straße`;
 * `ἈΙ` and `ᾀ` likewise), and one round is not stable (`ẞ` lowers to `ß`, which uppers to `SS`); found by fuzzing
 * (#17). ASCII names are unchanged.
 */
export function normaliseCarrier(s: string): string {
  let name = s.trim();
  for (let round = 0; round < 4; round++) {
    const next = name.toUpperCase().toLowerCase();
    if (next === name) break;
    name = next;
  }
  return name;
}

/** Tracking numbers are printed with spaces (`1Z 999 AA1 01 2345 6784`) and read back in any case. */
export function normaliseTrackingNumber(s: string): string {
  return s.replace(/\s+/g, '').toUpperCase();
}
