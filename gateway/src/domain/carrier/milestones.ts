/**
 * Carrier status vocabularies -> Coldtrace's own milestone kinds (issue #20, docs/claims.md "Milestones").
 *
 * A carrier event's `code` means something only in the vocabulary it comes from: `Delivered_002` is AfterShip's
 * "picked up by the customer", `return_to_sender` is EasyPost's, `InTransit_PickedUp` is 17TRACK's. The tables below
 * say what each means to us. A code a table does not know maps to `unknown` (the event is kept and listed, never
 * dropped); a code known to mark no milestone (an aggregator's "pending", "not found", "expired") maps to `none`.
 *
 * Sources: AfterShip "Delivery Statuses" and "Delivery Sub-statuses" (aftership.com/docs/tracking/enum/...);
 * EasyPost "Tracker" object, `status` (docs.easypost.com/docs/trackers); 17TRACK "Understanding Tracking Status:
 * Main Status & Substatus" (help.17track.net).
 */

/** What a carrier event says happened to the shipment, in our words. */
export const CARRIER_MILESTONES = [
  'info_received', 'picked_up', 'in_transit', 'out_for_delivery', 'failed_attempt', 'available_for_pickup',
  'delivered', 'exception', 'returned', 'cancelled',
] as const;
export type CarrierMilestone = (typeof CARRIER_MILESTONES)[number];

/** A milestone, `none` (a known code that marks no milestone) or `unknown` (a code the vocabulary does not know). */
export type MilestoneOf = CarrierMilestone | 'none' | 'unknown';

/** The vocabularies an event's code may come from; `coldtrace` is the milestone names themselves. */
export const CARRIER_VOCABULARIES = ['coldtrace', 'aftership', 'easypost', '17track'] as const;
export type CarrierVocabulary = (typeof CARRIER_VOCABULARIES)[number];

type Table = Readonly<Record<string, MilestoneOf>>;

/** AfterShip tags (the part before `_` of a subtag). `Expired` and `Pending` are AfterShip's own states, not events. */
const AFTERSHIP_TAGS: Table = {
  pending: 'none', inforeceived: 'info_received', intransit: 'in_transit', outfordelivery: 'out_for_delivery',
  attemptfail: 'failed_attempt', delivered: 'delivered', availableforpickup: 'available_for_pickup',
  exception: 'exception', expired: 'none',
};

/** AfterShip subtags whose meaning differs from their tag's. */
const AFTERSHIP_SUBTAGS: Table = {
  exception_010: 'returned', // returning to sender
  exception_011: 'returned', // returned to sender
};

/** EasyPost `status` values. `failure`: the carrier could not deliver and gave up, which is no single attempt. */
const EASYPOST: Table = {
  unknown: 'none', pre_transit: 'info_received', in_transit: 'in_transit', out_for_delivery: 'out_for_delivery',
  delivered: 'delivered', available_for_pickup: 'available_for_pickup', return_to_sender: 'returned',
  failure: 'exception', cancelled: 'cancelled', error: 'none',
};

/** 17TRACK main statuses (the part before `_` of a sub-status). */
const SEVENTEEN_TRACK: Table = {
  notfound: 'none', inforeceived: 'info_received', intransit: 'in_transit', expired: 'none',
  availableforpickup: 'available_for_pickup', outfordelivery: 'out_for_delivery', deliveryfailure: 'failed_attempt',
  delivered: 'delivered', exception: 'exception',
};

/** 17TRACK sub-statuses whose meaning differs from their main status's. */
const SEVENTEEN_TRACK_SUB: Table = {
  intransit_pickedup: 'picked_up',
  exception_returning: 'returned',
  exception_returned: 'returned',
};

const COLDTRACE: Table = Object.fromEntries([...CARRIER_MILESTONES, 'none'].map((m) => [m, m])) as Table;

/** Looks `code` up whole, then by its part before the first `_` (a sub-status falls back to its main status). */
function lookup(code: string, subs: Table, mains: Table): MilestoneOf {
  const c = code.toLowerCase();
  const sub = subs[c];
  if (sub !== undefined) return sub;
  const cut = c.indexOf('_');
  return mains[cut < 0 ? c : c.slice(0, cut)] ?? 'unknown';
}

/** The milestone a code of a vocabulary marks. Case does not matter; surrounding spaces are ignored. */
export function milestoneOf(vocabulary: CarrierVocabulary, code: string): MilestoneOf {
  const c = code.trim();
  switch (vocabulary) {
    case 'coldtrace': return COLDTRACE[c.toLowerCase()] ?? 'unknown';
    case 'aftership': return lookup(c, AFTERSHIP_SUBTAGS, AFTERSHIP_TAGS);
    case 'easypost': return EASYPOST[c.toLowerCase()] ?? 'unknown';
    case '17track': return lookup(c, SEVENTEEN_TRACK_SUB, SEVENTEEN_TRACK);
  }
}
