/**
 * The parts of the gateway API the Shipments view reads: `GET /api/v1/shipments` (status, trackers, last kept
 * position, open flags), a shipment's flags, its kept positions (the route plots of both the Shipments and the Order
 * views) and its track summary as the rules see it (docs/rules.md, GPS). Types mirror the
 * gateway's responses, trimmed to what the view uses.
 */
import { ApiError, type ApiClient } from './api.js';
import type { Flag, Severity } from './api-orders.js';
import type { Fix } from './model-route.js';

export type ShipmentState = 'planned' | 'in_transit' | 'arrived';

export interface ShipmentItem {
  readonly id: string;
  readonly carrier: string;
  readonly lane: string;
  readonly mode: string;
  readonly origin: string;
  readonly destination: string;
  readonly hubs: readonly string[];
  /** ISO 8601. */
  readonly plannedDeparture: string;
  readonly promisedDelivery: string;
  readonly status: { readonly state: ShipmentState; readonly late: boolean; readonly departed?: string; readonly arrived?: string };
  /** `to` absent while the tracker is still on the shipment. */
  readonly trackers: ReadonlyArray<{ readonly device: string; readonly placement: string; readonly from: string; readonly to?: string }>;
  /** The latest fix the GPS rules keep; `at` is its device time, ISO 8601. */
  readonly lastPosition?: { readonly lat: number; readonly lon: number; readonly at: string; readonly device: string };
  readonly openFlags: Readonly<Record<Exclude<Severity, 'info'>, number>>;
}

/** `GET /api/v1/shipments/{id}/delivery-window`: the predicted arrival, or why there is none. */
export interface DeliveryWindowAnswer {
  readonly state: ShipmentState;
  readonly window?: {
    readonly basis: 'this shipment' | 'this lane';
    readonly remainingKm: number;
    readonly meanKmh: number;
    /** ISO 8601; null: no progress seen, no estimate. */
    readonly p10: string | null;
    readonly p50: string | null;
    readonly p90: string | null;
  };
  readonly reason?: string;
}

/** A tracker's stay inside the origin, the destination or a hub, by its kept fixes; times ISO 8601. */
export interface Visit {
  readonly place: string;
  readonly placeKind: 'origin' | 'destination' | 'hub';
  readonly device: string;
  readonly arrived: string;
  /** Absent while the tracker is still there. */
  readonly departed?: string;
}

/** `GET /api/v1/shipments/{id}/track`: fixes received, those the rules dropped by reason, visits to known places. */
export interface TrackSummary {
  readonly fixes: number;
  readonly dropped: ReadonlyArray<{ readonly reason: string; readonly count: number }>;
  readonly visits: readonly Visit[];
}

const enc = encodeURIComponent;

/**
 * The first `limit` shipments (or those in `state`) in id order, and whether there are more: each listed shipment's
 * track is judged for its last position, so the list is bounded rather than read whole.
 */
export async function listShipments(api: ApiClient, state?: ShipmentState, limit = 200): Promise<{ shipments: ShipmentItem[]; more: boolean }> {
  const q = new URLSearchParams({ limit: String(limit), ...(state !== undefined ? { state } : {}) });
  const page = await api.getJson<{ shipments: ShipmentItem[]; next?: string }>(`/api/v1/shipments?${q.toString()}`);
  return { shipments: page.shipments, more: page.next !== undefined };
}

/** One shipment as the list shows it; undefined when there is none (404). */
export async function oneShipment(api: ApiClient, id: string): Promise<ShipmentItem | undefined> {
  try {
    return await api.getJson<ShipmentItem>(`/api/v1/shipments/${enc(id)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

/** The shipment's own flags, every state (withdrawn ones left out, as the API does). */
export async function shipmentFlags(api: ApiClient, id: string, limit = 1000): Promise<Flag[]> {
  return (await api.getJson<{ flags: Flag[] }>(`/api/v1/flags?subject=${enc(`shipment:${id}`)}&limit=${limit}`)).flags;
}

/** `GET /api/v1/shipments/{id}/positions`: the fixes the GPS rules keep, per tracker in time order. */
export function shipmentPositions(api: ApiClient, id: string): Promise<{ positions: Fix[]; dropped: number }> {
  return api.getJson<{ positions: Fix[]; dropped: number }>(`/api/v1/shipments/${enc(id)}/positions`);
}

export function shipmentTrack(api: ApiClient, id: string): Promise<TrackSummary> {
  return api.getJson<TrackSummary>(`/api/v1/shipments/${enc(id)}/track`);
}

export function shipmentDeliveryWindow(api: ApiClient, id: string): Promise<DeliveryWindowAnswer> {
  return api.getJson<DeliveryWindowAnswer>(`/api/v1/shipments/${enc(id)}/delivery-window`);
}
