/**
 * The facts a customer summary is told from (issue #16, docs/dashboard.md "Customer summary"): gathered by
 * services/order-summary.ts from the order's custody readings, flags, visits, carrier events and delivery window.
 * Times are ms since the epoch; the summary names them in the customer's zone.
 */

/** The temperatures the order's batches were kept at: min and max over their custody legs' readings, °C. */
export interface TemperatureFacts {
  readonly minC: number;
  readonly maxC: number;
  readonly readings: number;
}

/** What a group of flags means for the customer, one kind per sentence. */
export type ConcernKind = 'warm' | 'cold' | 'shock' | 'drop' | 'vibration' | 'stop' | 'deviation' | 'silence' | 'shelf-life';

export interface Concern {
  readonly kind: ConcernKind;
  /** First and last offending moment over the group's episodes. */
  readonly startMs: number;
  readonly endMs: number;
  /** Start of the latest stretch (a concern still going on: since when). */
  readonly latestStartMs: number;
  /** Time the condition held in all (episodes merged where they overlap), ms. */
  readonly totalMs: number;
  /** The longest single stretch, ms. */
  readonly longestMs: number;
  /** Separate stretches (shocks: separate knocks). */
  readonly count: number;
  /** Still going on at the end of the data. */
  readonly active: boolean;
  /** warm: the lowest upper limit crossed; cold: the highest lower limit, °C. */
  readonly limitC?: number;
}

/** A stay at a hub of the order's shipments (from the GPS track's visits). */
export interface HubStay {
  readonly name: string;
  readonly arrivedMs: number;
  /** Absent: still there. */
  readonly departedMs?: number;
}

/** The carrier's latest tracking event on the order's shipments. */
export interface CarrierClaim {
  readonly atMs: number;
  /** Our milestone kind (`in_transit`, `out_for_delivery`, ...) or `unknown`/`none`. */
  readonly milestone: string;
  /** The carrier's own words, told when the milestone says nothing. */
  readonly text: string;
  readonly placeName?: string;
  /**
   * What our evidence says of it (docs/claims.md, "Corroboration"): a tracker there within the claim window (when), or
   * a corroboration flag naming it (how far the tracker was, when it was seen at all). Absent: nothing to say.
   */
  readonly evidence?: { readonly kind: 'confirmed'; readonly trackerAtMs: number } | { readonly kind: 'contradicted'; readonly trackerKm?: number };
}

export type DeliveryFacts =
  /** `delayedBy`: the weather alert (its event, as the issuer names it) a stop inside which holds the window back. */
  | { readonly kind: 'window'; readonly p10Ms: number; readonly p50Ms: number; readonly p90Ms: number; readonly delayedBy?: string }
  | { readonly kind: 'arrived'; readonly atMs: number }
  | { readonly kind: 'not-departed' }
  /** In transit, but nothing to estimate from yet (no route, no kept fix, too little track and lane history). */
  | { readonly kind: 'no-basis' };

export interface OrderFacts {
  /** Undefined: no temperature reading yet. */
  readonly temperature?: TemperatureFacts;
  readonly concerns: readonly Concern[];
  readonly hubStays: readonly HubStay[];
  readonly carrier?: CarrierClaim;
  /** Undefined: the order lists no shipment. */
  readonly delivery?: DeliveryFacts;
}
