import type { ScannerRegistration } from '../scans/registration.js';

/**
 * The registry: who and what the readings are about (docs/registry.md). Sites and their zones, known places
 * (carrier hubs, ports), devices, product profiles, batches, shipments, orders, and the time-bounded placements
 * that say where a device or a batch was. As documents carry them: times are ISO 8601 strings, ids are the
 * owner's own (the WMS's batch number, the order hub's order id).
 */

export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

/** A circle (centre and radius, metres) or a polygon (at least three distinct corners, not closed, not crossing). */
export type Geofence =
  | { readonly kind: 'circle'; readonly center: LatLon; readonly radiusM: number }
  | { readonly kind: 'polygon'; readonly points: readonly LatLon[] };

export interface Site {
  readonly id: string;
  readonly name: string;
  readonly geofence: Geofence;
  /** Least shelf life a batch must have left to be received here, days (docs/scans.md, "Refused at the door"). */
  readonly minRemainingShelfLifeDays?: number;
}

export interface Zone {
  readonly id: string;
  readonly site: string;
  readonly name: string;
}

export const PLACE_KINDS = ['carrier_hub', 'port', 'airport', 'rail_terminal', 'customer', 'other'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

/** A known place that is not one of ours: a carrier hub, a port, a customer's dock. */
export interface Place {
  readonly id: string;
  readonly name: string;
  readonly kind: PlaceKind;
  readonly geofence: Geofence;
}

export const DEVICE_KINDS = ['zone_sensor', 'tracker', 'logger', 'door_sensor', 'scanner', 'other'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export interface Device {
  /** The device id of its MQTT topic (`coldtrace/v1/{site}/{node}/{device}/data`). */
  readonly id: string;
  readonly kind: DeviceKind;
  readonly model: string;
  /** Nominal reading interval, seconds. */
  readonly intervalS: number;
  /** Metrics it reports (names of the contract's metric catalogue). */
  readonly metrics: readonly string[];
  /** A scanner's door: where its reads put what they name (docs/scans.md). */
  readonly scanner?: ScannerRegistration;
}

export const ALARM_TYPES = ['instant', 'consecutive', 'cumulative'] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];

/**
 * One bound of a range (docs/domain.md, "Excursions"). Inclusive: an upper limit of 30.0 is crossed by 30.0.
 * `consecutive` needs `delayMin` (continuously beyond for that long); `cumulative` needs `budgetMin` (total time
 * beyond within a batch's custody or a shipment).
 */
export interface Limit {
  readonly metric: string;
  readonly bound: 'upper' | 'lower';
  readonly value: number;
  readonly alarm: AlarmType;
  readonly delayMin?: number;
  readonly budgetMin?: number;
}

/** Kinetic shelf-life model (docs/domain.md, "Kinetic shelf life"): life `refLifeDays` at `refTempC`. */
export type ShelfLifeModel =
  | { readonly model: 'q10'; readonly refTempC: number; readonly refLifeDays: number; readonly q10: number }
  | { readonly model: 'arrhenius'; readonly refTempC: number; readonly refLifeDays: number; readonly eaKJPerMol: number }
  | { readonly model: 'sqrt'; readonly refTempC: number; readonly refLifeDays: number; readonly tMinC: number };

/** Mean kinetic temperature window (docs/domain.md, "Mean kinetic temperature"). */
export interface MktWindow {
  readonly windowH: number;
  readonly limitC: number;
  /** ΔH/R, kelvin. Default 10 000 (ΔH 83.144 kJ/mol). */
  readonly activationK?: number;
}

/** A product profile: what a product tolerates. Batches name one. */
export interface Product {
  readonly id: string;
  readonly name: string;
  /** Temperature it is stored at, °C: remaining life is stated at it. */
  readonly storageTempC: number;
  readonly limits: readonly Limit[];
  readonly mkt: readonly MktWindow[];
  readonly shelfLife?: ShelfLifeModel;
  /** Readings in the first minutes of a shipment are not held against it (loading). 0 by default. */
  readonly ignoreStartMin: number;
  /** GTIN-14s of the product: scanned codes name it by them (docs/scans.md). */
  readonly gtins?: readonly string[];
}

export interface Batch {
  readonly id: string;
  readonly product: string;
  readonly quantity: number;
  /** Production date, ISO 8601 (date or date-time). */
  readonly producedAt: string;
  /** Labelled expiry, ISO 8601. */
  readonly expiresAt: string;
}

export const SHIPMENT_MODES = ['road', 'air', 'sea', 'rail'] as const;
export type ShipmentMode = (typeof SHIPMENT_MODES)[number];

export interface Shipment {
  readonly id: string;
  readonly carrier: string;
  readonly lane: string;
  readonly mode: ShipmentMode;
  /** Site ids. */
  readonly origin: string;
  readonly destination: string;
  /** Place ids of the hubs on the way, in order. */
  readonly hubs: readonly string[];
  /** Planned route, a polyline (may be empty when none is known). */
  readonly route: readonly LatLon[];
  /** Half-width of the corridor around the route, metres. */
  readonly corridorM: number;
  readonly plannedDeparture: string;
  readonly promisedDelivery: string;
  /** No reading from a tracker on the shipment for this long is a data gap, minutes. */
  readonly gapThresholdMin: number;
  /**
   * The carriers' tracking numbers of the shipment (several when a line-haul carrier hands over to a last-mile
   * one), normalised: carrier events with one of them belong to it (issue #20, docs/claims.md). Absent when none.
   */
  readonly tracking?: readonly ShipmentTracking[];
}

/** A tracking number of a shipment with its carrier, both normalised (domain/carrier/tracking.ts). */
export interface ShipmentTracking {
  readonly carrier: string;
  readonly number: string;
}

/** The order hub's seven states. */
export const ORDER_STATES = ['pending_payment', 'paid', 'approved', 'allocated', 'packed', 'shipped', 'completed'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export interface OrderStatus {
  readonly status: OrderState;
  readonly at: string;
  readonly operator: string;
  /** The system that reported it (the order hub's name). */
  readonly source: string;
}

export interface OrderLine {
  readonly batch: string;
  readonly quantity: number;
}

export interface Order {
  /** The id the order hub knows it by. */
  readonly id: string;
  readonly customer: string;
  readonly lines: readonly OrderLine[];
  readonly shipments: readonly string[];
  readonly promisedDelivery: string;
  /** Shelf life the customer requires left on delivery, days. */
  readonly minRemainingShelfLifeDays: number;
  /** In time order. */
  readonly statuses: readonly OrderStatus[];
}

/**
 * Custody: a device or a batch was in a zone or on a shipment from `from` until `to` (open while absent), half-open
 * [from, to). Exactly one of device/batch and one of zone/shipment.
 */
export interface Placement {
  readonly id: string;
  readonly device?: string;
  readonly batch?: string;
  readonly zone?: string;
  readonly shipment?: string;
  readonly from: string;
  readonly to?: string;
}

/** The registry as one document (import and export). */
export interface RegistryDocument {
  readonly format: typeof REGISTRY_FORMAT;
  readonly sites: readonly Site[];
  readonly zones: readonly Zone[];
  readonly places: readonly Place[];
  readonly devices: readonly Device[];
  readonly products: readonly Product[];
  readonly batches: readonly Batch[];
  readonly shipments: readonly Shipment[];
  readonly orders: readonly Order[];
  readonly placements: readonly Placement[];
}

export const REGISTRY_FORMAT = 'coldtrace-registry/1';

/**
 * Entity kinds in dependency order: an entity refers only to kinds before it, but for a scanner's door on a shipment
 * (`devices[].scanner.shipment`), checked like any reference against the document and the store.
 */
export const ENTITY_KINDS = ['sites', 'zones', 'places', 'devices', 'products', 'batches', 'shipments', 'orders', 'placements'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export interface EntityOf {
  sites: Site; zones: Zone; places: Place; devices: Device; products: Product;
  batches: Batch; shipments: Shipment; orders: Order; placements: Placement;
}

/** A problem with a document, by path: `orders[3].lines[0].batch: unknown batch 'B-9'`. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}
