/**
 * Schemas of the carrier events API (docs/claims.md): they shape responses and generate OpenAPI. Request bodies are
 * read by the domain's reader (every problem with its path, domain/carrier/events.ts); these document them.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { CARRIER_MILESTONES, CARRIER_VOCABULARIES } from '../domain/carrier/milestones.js';
import { MAX_BATCH_EVENTS, MAX_TEXT_LENGTH } from '../domain/carrier/events.js';
import { LatLonBody } from './registry-schemas.js';

const oneOf = (values: readonly string[], description: string): TSchema => Type.Union(values.map((v) => Type.Literal(v)), { description });

export const MilestoneBody = oneOf([...CARRIER_MILESTONES, 'none', 'unknown'],
  "What the code means to Coldtrace (docs/claims.md): a milestone; `none` for a code known to mark none (pending, not found); `unknown` for a code its vocabulary does not know (kept, listed at /carrier-events/unknown-codes)");

const Vocabulary = oneOf(CARRIER_VOCABULARIES, 'The vocabulary of `code` (default coldtrace: the milestone names)');

const EventFields = {
  carrier: Type.Optional(Type.String({ description: 'Carrier (here or on the batch); compared case-blind' })),
  trackingNumber: Type.Optional(Type.String({ description: 'Tracking number (here or on the batch; default: the shipment); spaces are dropped, letters upper-cased' })),
  shipment: Type.Optional(Type.String({ description: 'The Coldtrace shipment, when the sender knows it (here or on the batch)' })),
  vocabulary: Type.Optional(Vocabulary),
};

export const CarrierBatchBody = Type.Object({
  ...EventFields,
  events: Type.Array(Type.Object({
    ...EventFields,
    time: Type.String({ description: 'When it happened: ISO 8601 with a zone (or a date, UTC midnight)' }),
    code: Type.String({ description: "The carrier's or aggregator's status code in `vocabulary`" }),
    text: Type.Optional(Type.String({ maxLength: MAX_TEXT_LENGTH, description: "The carrier's own words" })),
    place: Type.Optional(Type.String({ maxLength: MAX_TEXT_LENGTH, description: "The carrier's place name ('Beijing Chaoyang depot')" })),
    position: Type.Optional(LatLonBody),
  }), { minItems: 1, maxItems: MAX_BATCH_EVENTS }),
}, { description: 'A batch of events: fields on the batch are defaults for its events' });

const StoredFields = {
  carrier: Type.String(), trackingNumber: Type.String(), shipment: Type.Optional(Type.String({ description: 'The shipment the sender named' })),
  vocabulary: Vocabulary, time: Type.String({ description: 'ISO 8601 UTC' }), timeMs: Type.Integer(), code: Type.String(), text: Type.String(),
  place: Type.Optional(Type.String()), position: Type.Optional(LatLonBody),
  milestone: MilestoneBody,
  shipments: Type.Array(Type.String(), { description: 'Registered shipments it belongs to (by tracking number, or named); empty: unmatched, kept' }),
};

export const AcceptBody = Type.Object({
  new: Type.Integer(), duplicates: Type.Integer({ description: 'Events already stored (same carrier, tracking number, time and code): nothing written for them' }),
  events: Type.Array(Type.Object({ ...StoredFields, status: oneOf(['new', 'duplicate'], 'new: stored now; duplicate: stored before, this copy changed nothing') }), { description: 'In the order sent' }),
});

export const StoredEventBody = Type.Object({ ...StoredFields, receivedMs: Type.Integer({ description: 'Gateway time the first copy arrived, ms' }) });

export const UnmatchedBody = Type.Object({
  groups: Type.Array(Type.Object({
    carrier: Type.String(), trackingNumber: Type.String(), events: Type.Integer(), firstMs: Type.Integer(), lastMs: Type.Integer(),
    unknownShipments: Type.Array(Type.String(), { description: 'Shipments named on its events that are not registered (yet)' }),
  })),
  next: Type.Optional(Type.Object({ carrier: Type.String(), trackingNumber: Type.String() }, { description: 'More may follow: pass as afterCarrier and afterTrackingNumber' })),
});

export const UnknownCodesBody = Type.Object({
  codes: Type.Array(Type.Object({
    vocabulary: Type.String(), code: Type.String(), events: Type.Integer(), firstMs: Type.Integer(), lastMs: Type.Integer(),
    examples: Type.Array(Type.Omit(StoredEventBody, ['milestone', 'shipments']), { description: 'The latest events with it, at most 10' }),
  })),
});

/** The fields a `carrier` event adds to the order timeline (routes/custody.ts). */
export const CarrierTimelineFields = {
  carrier: Type.Optional(Type.String({ description: 'carrier: the carrier' })), trackingNumber: Type.Optional(Type.String()),
  milestone: Type.Optional(MilestoneBody), code: Type.Optional(Type.String({ description: "carrier: the carrier's code, in `vocabulary`" })),
  vocabulary: Type.Optional(Type.String()), text: Type.Optional(Type.String({ description: "carrier: the carrier's words" })),
  placeName: Type.Optional(Type.String({ description: "carrier: the carrier's place name" })), position: Type.Optional(LatLonBody),
};
