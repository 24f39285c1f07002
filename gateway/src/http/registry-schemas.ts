/**
 * Schemas of the registry API (docs/registry.md): they shape responses and generate OpenAPI. Request bodies are
 * checked by the registry's own reader (every problem with its path), not by these: the schemas document them.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { ALARM_TYPES, DEVICE_KINDS, ORDER_STATES, PLACE_KINDS, SHIPMENT_MODES } from '../domain/registry/types.js';
import { ErrorBody } from './schemas.js';

const oneOf = (values: readonly string[], description?: string): TSchema =>
  Type.Union(values.map((v) => Type.Literal(v)), description !== undefined ? { description } : {});
const Time = (description: string): TSchema => Type.String({ description: `${description}; ISO 8601 with a zone, or a date (UTC)` });

export const LatLonBody = Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) });

export const GeofenceBody = Type.Union([
  Type.Object({ kind: Type.Literal('circle'), center: LatLonBody, radiusM: Type.Number({ exclusiveMinimum: 0 }) }),
  Type.Object({ kind: Type.Literal('polygon'), points: Type.Array(LatLonBody, { minItems: 3, description: 'Corners, not closed (the first is not repeated), edges not crossing' }) }),
]);

export const SiteBody = Type.Object({
  id: Type.String(), name: Type.String(), geofence: GeofenceBody,
  minRemainingShelfLifeDays: Type.Optional(Type.Number({ minimum: 0, description: 'Least shelf life left to be received here, days (docs/scans.md)' })),
});
export const ZoneBody = Type.Object({ id: Type.String(), site: Type.String({ description: 'Site id' }), name: Type.String() });
export const PlaceBody = Type.Object({ id: Type.String(), name: Type.String(), kind: oneOf(PLACE_KINDS), geofence: GeofenceBody });
export const RegistryDeviceBody = Type.Object({
  id: Type.String({ description: 'The device id of its MQTT topic' }), kind: oneOf(DEVICE_KINDS), model: Type.String(),
  intervalS: Type.Number({ description: 'Nominal reading interval, s' }), metrics: Type.Array(Type.String()),
  scanner: Type.Optional(Type.Object({
    zone: Type.Optional(Type.String({ description: 'Zone id: reads put what they name in it (in) or take it out (out)' })),
    shipment: Type.Optional(Type.String({ description: 'Shipment id: reads load what they name on it' })),
    direction: oneOf(['in', 'out']),
  }, { description: "A scanner's door (docs/scans.md): exactly one of zone and shipment" })),
});

export const LimitBody = Type.Object({
  metric: Type.String(), bound: oneOf(['upper', 'lower']), value: Type.Number({ description: 'Inclusive: an upper limit of 30.0 is crossed by 30.0' }),
  alarm: oneOf(ALARM_TYPES), delayMin: Type.Optional(Type.Number({ description: 'consecutive: minutes continuously beyond' })),
  budgetMin: Type.Optional(Type.Number({ description: 'cumulative: total minutes beyond' })),
});
export const ShelfLifeBody = Type.Union([
  Type.Object({ model: Type.Literal('q10'), refTempC: Type.Number(), refLifeDays: Type.Number(), q10: Type.Number() }),
  Type.Object({ model: Type.Literal('arrhenius'), refTempC: Type.Number(), refLifeDays: Type.Number(), eaKJPerMol: Type.Number() }),
  Type.Object({ model: Type.Literal('sqrt'), refTempC: Type.Number(), refLifeDays: Type.Number(), tMinC: Type.Number() }),
]);
export const ProductBody = Type.Object({
  id: Type.String(), name: Type.String(), storageTempC: Type.Number(), limits: Type.Array(LimitBody),
  mkt: Type.Array(Type.Object({ windowH: Type.Number(), limitC: Type.Number(), activationK: Type.Optional(Type.Number()) })),
  shelfLife: Type.Optional(ShelfLifeBody), ignoreStartMin: Type.Number(),
  gtins: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{14}$' }), { description: 'GTIN-14s scanned codes name the product by (docs/scans.md)' })),
}, { description: "On input, `preset` may name a profile of GET /product-presets whose fields fill what the product leaves out" });
export const BatchBody = Type.Object({
  id: Type.String(), product: Type.String({ description: 'Product id' }), quantity: Type.Number(),
  producedAt: Time('Production date'), expiresAt: Time('Labelled expiry'),
});
export const ShipmentBody = Type.Object({
  id: Type.String(), carrier: Type.String(), lane: Type.String(), mode: oneOf(SHIPMENT_MODES),
  origin: Type.String({ description: 'Site id' }), destination: Type.String({ description: 'Site id' }),
  hubs: Type.Array(Type.String(), { description: 'Place ids, in order' }), route: Type.Array(LatLonBody, { description: 'Planned route (polyline)' }),
  corridorM: Type.Number({ description: 'Half-width of the route corridor, m (default 5000)' }),
  plannedDeparture: Time('Planned departure'), promisedDelivery: Time('Promised delivery'),
  gapThresholdMin: Type.Number({ description: 'No reading for this long is a data gap, min (default 30)' }),
  tracking: Type.Optional(Type.Array(Type.Object({
    carrier: Type.String({ description: "Carrier, lower case (default on input: the shipment's)" }), number: Type.String({ description: 'Tracking number, upper case without spaces' }),
  }), { description: 'Tracking numbers: carrier events with one of them belong to the shipment (docs/claims.md). Absent when none' })),
});
export const OrderStatusBody = Type.Object({ status: oneOf(ORDER_STATES), at: Time('When'), operator: Type.String(), source: Type.String({ description: 'System that reported it' }) });
export const OrderBody = Type.Object({
  id: Type.String({ description: 'The id the order hub knows it by' }), customer: Type.String(),
  lines: Type.Array(Type.Object({ batch: Type.String(), quantity: Type.Number() })), shipments: Type.Array(Type.String()),
  promisedDelivery: Time('Promised delivery'), minRemainingShelfLifeDays: Type.Number(), statuses: Type.Array(OrderStatusBody),
});
export const PlacementBody = Type.Object({
  id: Type.String(), device: Type.Optional(Type.String()), batch: Type.Optional(Type.String()),
  zone: Type.Optional(Type.String()), shipment: Type.Optional(Type.String()),
  from: Time('Start (inclusive)'), to: Type.Optional(Time('End (exclusive); open while absent')),
}, { description: 'Exactly one of device/batch and one of zone/shipment' });

export const ENTITY_BODIES = {
  sites: SiteBody, zones: ZoneBody, places: PlaceBody, devices: RegistryDeviceBody, products: ProductBody,
  batches: BatchBody, shipments: ShipmentBody, orders: OrderBody, placements: PlacementBody,
} as const;

export const RegistryDocumentBody = Type.Object({
  format: Type.Literal('coldtrace-registry/1'),
  sites: Type.Array(SiteBody), zones: Type.Array(ZoneBody), places: Type.Array(PlaceBody), devices: Type.Array(RegistryDeviceBody),
  products: Type.Array(ProductBody), batches: Type.Array(BatchBody), shipments: Type.Array(ShipmentBody), orders: Type.Array(OrderBody),
  placements: Type.Array(PlacementBody),
});
export const ImportBody = Type.Object({
  format: Type.Optional(Type.Literal('coldtrace-registry/1')),
  ...Object.fromEntries(Object.entries(ENTITY_BODIES).map(([k, s]) => [k, Type.Optional(Type.Array(s))])),
}, { description: 'Any subset of the kinds: entities are added or replaced by id, never deleted' });

const Counts = Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), deleted: Type.Integer() });
export const ApplyBody = Type.Object({ applied: Type.Record(Type.String(), Counts) });
export const ProblemsBody = Type.Object({
  code: Type.Literal('E_INVALID'), message: Type.String(),
  problems: Type.Array(Type.Object({ path: Type.String({ description: "e.g. orders[3].lines[0].batch" }), message: Type.String() })),
});
/**
 * A 400 of a registry route: problems by path, or `{ code, message }` for a request the route could not read (not
 * JSON, CSV sent as JSON, a kind that does not exist). With only the first, the second failed serialization: a 500 (#17).
 */
export const RefusalBody = Type.Union([ProblemsBody, ErrorBody]);
export const HistoryBody = Type.Object({
  entries: Type.Array(Type.Object({
    kind: Type.String(), id: Type.String(), change: oneOf(['created', 'updated', 'deleted']),
    before: Type.Optional(Type.Unknown()), after: Type.Optional(Type.Unknown()),
    at: Type.String(), actor: Type.String(), source: Type.String(),
  })),
});
