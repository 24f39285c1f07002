/**
 * Carrier tracking events (docs/claims.md): a batch in, answered event by event (new or duplicate, milestone,
 * shipments); the events of a shipment or a tracking number; what matches no shipment; codes no vocabulary knows.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { normaliseCarrier, normaliseTrackingNumber } from '../../domain/carrier/tracking.js';
import type { Clock } from '../../ports/clock.js';
import type { CarrierEventService } from '../../services/carrier-events.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';
import { RefusalBody } from '../registry-schemas.js';
import { AcceptBody, CarrierBatchBody, StoredEventBody, UnknownCodesBody, UnmatchedBody } from '../carrier-schemas.js';

/** Largest batch body, bytes: 10,000 events with long texts. */
export const CARRIER_BODY_LIMIT = 32 * 1024 * 1024;

export interface CarrierRouteDeps {
  readonly carrierEvents: Pick<CarrierEventService, 'accept' | 'ofShipment' | 'ofTracking' | 'unmatched' | 'unknownCodes'>;
  readonly clock: Clock;
}

// The body is read by the domain's reader (every problem with its path); parameters and query strings by Ajv.
const ajv = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, strict: false });
const bodyByReader = {
  validatorCompiler: ({ schema, httpPart }: { schema: object; httpPart?: string }) => (httpPart === 'body' ? () => true : ajv.compile(schema)),
};

export function registerCarrierRoutes(app: FastifyInstance, opts: { deps: CarrierRouteDeps }): Promise<void> {
  const { carrierEvents, clock } = opts.deps;

  app.post('/carrier-events', {
    config: { access: 'integrate' },
    ...bodyByReader, bodyLimit: CARRIER_BODY_LIMIT,
    schema: { summary: "A batch of a carrier's tracking events: stored once each by (carrier, tracking number, time, code); the answer says which were new", tags: ['carrier'],
      body: CarrierBatchBody, response: { 200: AcceptBody, 400: RefusalBody } },
  }, (req) => carrierEvents.accept(req.body, clock.now()));

  app.get<{ Querystring: { shipment?: string; carrier?: string; trackingNumber?: string } }>('/carrier-events', {
    config: { access: 'read' },
    schema: { summary: 'The carrier events of a shipment (by its tracking numbers, and named) or of one tracking number, oldest first', tags: ['carrier'],
      querystring: Type.Object({
        shipment: Type.Optional(Type.String({ minLength: 1 })), carrier: Type.Optional(Type.String({ minLength: 1 })), trackingNumber: Type.Optional(Type.String({ minLength: 1 })),
      }),
      response: { 200: Type.Object({ events: Type.Array(StoredEventBody) }), 400: ErrorBody, 404: ErrorBody } },
  }, async (req) => {
    const { shipment, carrier, trackingNumber } = req.query;
    if (shipment !== undefined) {
      const events = await carrierEvents.ofShipment(shipment);
      if (events === undefined) throw new GatewayError('E_NOT_FOUND', `no shipment '${shipment}'`);
      return { events };
    }
    if (carrier === undefined || trackingNumber === undefined) throw new GatewayError('E_BAD_REQUEST', 'give `shipment`, or `carrier` and `trackingNumber`');
    return { events: await carrierEvents.ofTracking({ carrier: normaliseCarrier(carrier), trackingNumber: normaliseTrackingNumber(trackingNumber) }) };
  });

  app.get<{ Querystring: { afterCarrier?: string; afterTrackingNumber?: string; limit: number } }>('/carrier-events/unmatched', {
    config: { access: 'read' },
    schema: { summary: 'Tracking numbers whose events belong to no registered shipment (kept; they attach when one lists the number)', tags: ['carrier'],
      querystring: Type.Object({
        afterCarrier: Type.Optional(Type.String()), afterTrackingNumber: Type.Optional(Type.String()),
        limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
      }),
      response: { 200: UnmatchedBody } },
  }, (req) => {
    const { afterCarrier, afterTrackingNumber, limit } = req.query;
    const after = afterCarrier !== undefined && afterTrackingNumber !== undefined ? { after: { carrier: afterCarrier, trackingNumber: afterTrackingNumber } } : {};
    return carrierEvents.unmatched({ ...after, limit });
  });

  app.get('/carrier-events/unknown-codes', {
    config: { access: 'read' },
    schema: { summary: 'Codes their vocabulary does not know (events kept with milestone `unknown`), with counts and the latest examples', tags: ['carrier'],
      response: { 200: UnknownCodesBody } },
  }, async () => ({ codes: await carrierEvents.unknownCodes() }));
  return Promise.resolve();
}
