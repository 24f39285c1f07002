import { describe, expect, it } from 'vitest';
import { CARRIER_MILESTONES, milestoneOf, type CarrierVocabulary, type MilestoneOf } from './milestones.js';

/** [vocabulary, code, milestone]: the sources' own examples (docs/claims.md, "Milestones"). */
const TABLE: [CarrierVocabulary, string, MilestoneOf][] = [
  // AfterShip tags and subtags: a subtag means its tag, unless listed.
  ['aftership', 'InfoReceived', 'info_received'],
  ['aftership', 'InTransit', 'in_transit'],
  ['aftership', 'InTransit_007', 'in_transit'],
  ['aftership', 'OutForDelivery', 'out_for_delivery'],
  ['aftership', 'AttemptFail', 'failed_attempt'],
  ['aftership', 'AttemptFail_001', 'failed_attempt'],
  ['aftership', 'Delivered', 'delivered'],
  ['aftership', 'Delivered_002', 'delivered'],
  ['aftership', 'AvailableForPickup', 'available_for_pickup'],
  ['aftership', 'AvailableForPickup_001', 'available_for_pickup'],
  ['aftership', 'Exception', 'exception'],
  ['aftership', 'Exception_004', 'exception'],
  ['aftership', 'Exception_010', 'returned'],
  ['aftership', 'Exception_011', 'returned'],
  ['aftership', 'Pending', 'none'],
  ['aftership', 'Expired', 'none'],
  ['aftership', 'intransit', 'in_transit'],
  ['aftership', 'Teleported_001', 'unknown'],
  ['aftership', 'in_transit', 'unknown'],
  // EasyPost tracker statuses.
  ['easypost', 'pre_transit', 'info_received'],
  ['easypost', 'in_transit', 'in_transit'],
  ['easypost', 'out_for_delivery', 'out_for_delivery'],
  ['easypost', 'delivered', 'delivered'],
  ['easypost', 'available_for_pickup', 'available_for_pickup'],
  ['easypost', 'return_to_sender', 'returned'],
  ['easypost', 'failure', 'exception'],
  ['easypost', 'cancelled', 'cancelled'],
  ['easypost', 'unknown', 'none'],
  ['easypost', 'error', 'none'],
  ['easypost', 'InTransit', 'unknown'],
  // 17TRACK main statuses and sub-statuses.
  ['17track', 'NotFound', 'none'],
  ['17track', 'InfoReceived', 'info_received'],
  ['17track', 'InTransit', 'in_transit'],
  ['17track', 'InTransit_PickedUp', 'picked_up'],
  ['17track', 'InTransit_CustomsProcessing', 'in_transit'],
  ['17track', 'Expired', 'none'],
  ['17track', 'AvailableForPickup', 'available_for_pickup'],
  ['17track', 'OutForDelivery', 'out_for_delivery'],
  ['17track', 'DeliveryFailure', 'failed_attempt'],
  ['17track', 'DeliveryFailure_NoBody', 'failed_attempt'],
  ['17track', 'Delivered', 'delivered'],
  ['17track', 'Delivered_Other', 'delivered'],
  ['17track', 'Exception', 'exception'],
  ['17track', 'Exception_Returning', 'returned'],
  ['17track', 'Exception_Returned', 'returned'],
  ['17track', 'PickUp', 'unknown'],
  // Our own names.
  ['coldtrace', 'delivered', 'delivered'],
  ['coldtrace', ' Failed_Attempt ', 'failed_attempt'],
  ['coldtrace', 'none', 'none'],
  ['coldtrace', 'signed_for', 'unknown'],
  ['coldtrace', 'unknown', 'unknown'],
];

describe('milestoneOf', () => {
  it.each(TABLE)('maps %s %j to %s', (vocabulary, code, expected) => {
    expect(milestoneOf(vocabulary, code)).toBe(expected);
  });

  it('knows each of its own milestone names', () => {
    for (const m of CARRIER_MILESTONES) expect(milestoneOf('coldtrace', m)).toBe(m);
  });

  it('reaches every milestone from the aggregators, so none is dead', () => {
    const reached = new Set(TABLE.filter(([v]) => v !== 'coldtrace').map(([, , m]) => m));
    for (const m of CARRIER_MILESTONES) expect(reached.has(m), m).toBe(true);
  });
});
