/**
 * A shipment's status for the Shipments view (#16), derived from the custody record and the plan, never stored:
 * the devices and batches placed on it say whether it has left and whether it has arrived; its planned departure and
 * promised delivery say whether it is late. Pure: the evaluation time is passed in.
 */

export const SHIPMENT_STATES = ['planned', 'in_transit', 'arrived'] as const;
export type ShipmentState = (typeof SHIPMENT_STATES)[number];

/** One placement on the shipment (a tracker or a batch): device time, ms; `toMs` Infinity while open. */
export interface SpanOnShipment {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface ShipmentStatus {
  readonly state: ShipmentState;
  /**
   * planned: not gone by its planned departure; in transit: past its promised delivery; arrived: after it. Always
   * false without a plan to compare with.
   */
  readonly late: boolean;
  /** The first placement's start, once one has started. */
  readonly departedMs?: number;
  /** The last placement's end, once every placement has ended. */
  readonly arrivedMs?: number;
}

/**
 * planned: no placement on the shipment has started at `nowMs` (none recorded, or all in the future); in transit:
 * one is going on; arrived: some started and all have ended. Placements are half-open `[from, to)`, as custody is.
 */
export function shipmentStatus(spans: readonly SpanOnShipment[], plannedDepartureMs: number, promisedDeliveryMs: number, nowMs: number): ShipmentStatus {
  const started = spans.filter((s) => s.fromMs <= nowMs);
  if (started.length === 0) return { state: 'planned', late: nowMs > plannedDepartureMs };
  const departedMs = started.reduce((m, s) => Math.min(m, s.fromMs), Infinity);
  if (spans.some((s) => s.toMs > nowMs)) {
    // A placement recorded for later (the next leg's tracker) keeps the shipment in transit: it has not arrived yet.
    return { state: 'in_transit', late: nowMs > promisedDeliveryMs, departedMs };
  }
  const arrivedMs = spans.reduce((m, s) => Math.max(m, s.toMs), -Infinity);
  return { state: 'arrived', late: arrivedMs > promisedDeliveryMs, departedMs, arrivedMs };
}
