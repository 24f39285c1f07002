/**
 * The parts of the gateway API the Flags and Order views read (docs/rules.md: flags, their lifecycle, the order
 * timeline; docs/registry.md: shipments, sites, places). Types mirror the gateway's responses, trimmed to what the
 * views use.
 */
import type { ApiClient, ReadingRow } from './api.js';

export type Severity = 'info' | 'warning' | 'major' | 'critical';
export type FlagState = 'open' | 'acknowledged' | 'resolved';
export type FlagAction = 'acknowledge' | 'resolve';

export interface FlagEpisode {
  /** Device time of the first and last offending readings' stretch, ms. */
  readonly startMs: number;
  readonly endMs: number;
  readonly device?: string;
  readonly firstOffending?: { readonly t: number; readonly v: number };
}

export interface FlagEvent {
  readonly kind: string;
  readonly at: number;
  readonly by: string;
  readonly comment?: string;
}

export interface Flag {
  /** `{rule}@{subject kind}:{subject id}`. */
  readonly id: string;
  readonly rule: string;
  /** The rule's parameters as they were; excursions and shocks carry `metric`, `bound` and `value` (the limit). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly subject: { readonly kind: string; readonly id: string };
  readonly severity: Severity;
  readonly title: string;
  readonly startMs: number;
  readonly endMs: number;
  /** When the alarm condition was met, ms. */
  readonly metAtMs: number;
  readonly active: boolean;
  readonly episodes: readonly FlagEpisode[];
  readonly figures: Readonly<Record<string, unknown>>;
  readonly related: {
    readonly devices: readonly string[];
    readonly batches: readonly string[];
    readonly shipments: readonly string[];
    readonly orders: readonly string[];
  };
  readonly state: FlagState;
  readonly events: readonly FlagEvent[];
}

/** One entry of an order's story; `at` is ISO 8601. The kinds the view knows; others are shown generically. */
export type TimelineEvent =
  | { readonly at: string; readonly kind: 'status'; readonly status: string; readonly operator?: string; readonly source?: string }
  | { readonly at: string; readonly kind: 'custody'; readonly change: string; readonly batch: string; readonly location: { readonly kind: string; readonly id: string } }
  | { readonly at: string; readonly kind: 'tracker'; readonly change: 'attached' | 'detached'; readonly device: string; readonly shipment: string }
  | { readonly at: string; readonly kind: 'place'; readonly change: 'arrived' | 'departed'; readonly place: string; readonly placeKind: string; readonly shipment: string }
  | { readonly at: string; readonly kind: 'flag'; readonly flag: string; readonly rule: string; readonly severity: Severity; readonly title: string }
  | {
    readonly at: string; readonly kind: 'carrier'; readonly shipment: string; readonly carrier: string; readonly trackingNumber: string;
    readonly milestone: string; readonly code: string; readonly text: string; readonly placeName?: string;
  }
  | { readonly at: string; readonly kind: 'scan'; readonly device: string; readonly batch: string; readonly outcome: string; readonly via: string; readonly reasonCode?: string; readonly reason?: string; readonly placement?: string }
  | {
    readonly at: string; readonly kind: 'photo'; readonly sha256: string; readonly device: string; readonly trigger: string; readonly station?: string;
    readonly location: { readonly kind: string; readonly id: string }; readonly batches: readonly string[]; readonly warnings: number; readonly original: string; readonly thumbnail: string;
  };

export interface OrderTimeline {
  readonly order: { readonly id: string; readonly customer?: string; readonly shipments?: readonly string[] };
  readonly events: readonly TimelineEvent[];
  readonly flags: readonly Flag[];
}

export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

export interface Geofence {
  readonly kind: 'circle';
  readonly center: LatLon;
  /** Radius, m. */
  readonly radiusM: number;
}

export interface Shipment {
  readonly id: string;
  readonly origin?: string;
  readonly destination?: string;
  readonly hubs?: readonly string[];
  readonly route?: readonly LatLon[];
  /** Half-width of the corridor around the planned route, m. */
  readonly corridorM?: number;
}

/** A site or place of the registry: only its geofence matters to the route plot. */
export interface Located {
  readonly id: string;
  readonly name?: string;
  readonly geofence?: Geofence;
}

const enc = encodeURIComponent;

/** Open and acknowledged flags (two requests: the API filters one state at a time). */
export async function unresolvedFlags(api: ApiClient, limit = 1000): Promise<Flag[]> {
  const [open, acked] = await Promise.all(
    (['open', 'acknowledged'] as const).map((state) => api.getJson<{ flags: Flag[] }>(`/api/v1/flags?state=${state}&limit=${limit}`)),
  );
  return [...(open?.flags ?? []), ...(acked?.flags ?? [])];
}

/** The answer of a lifecycle move: the flag moved, or the gateway's refusal with its message. */
export type MoveResult = { readonly ok: true; readonly flag: Flag } | { readonly ok: false; readonly status: number; readonly message: string };

export async function moveFlag(api: ApiClient, id: string, action: FlagAction, comment: string, actor: string): Promise<MoveResult> {
  const res = await api.postJson<Flag | { code?: string; message?: string }>(
    `/api/v1/flags/${enc(id)}/${action}`,
    comment.trim() === '' ? {} : { comment: comment.trim() },
    { 'x-coldtrace-actor': actor },
  );
  if (res.status >= 200 && res.status < 300) return { ok: true, flag: res.body as Flag };
  const b = res.body as { message?: string };
  return { ok: false, status: res.status, message: b.message ?? `HTTP ${res.status}` };
}

export function orderTimeline(api: ApiClient, id: string): Promise<OrderTimeline> {
  return api.getJson<OrderTimeline>(`/api/v1/orders/${enc(id)}/timeline`);
}

export function shipment(api: ApiClient, id: string): Promise<Shipment> {
  return api.getJson<Shipment>(`/api/v1/registry/shipments/${enc(id)}`);
}

/** A shipment's origin or destination is a site, a hub is a place: try the place first, then the site. */
export async function located(api: ApiClient, id: string): Promise<Located | undefined> {
  for (const kind of ['places', 'sites']) {
    try {
      return await api.getJson<Located>(`/api/v1/registry/${kind}/${enc(id)}`);
    } catch {
      // not of this kind: try the next
    }
  }
  return undefined;
}

/** Readings of one device and metric in [from, to). */
export function series(api: ApiClient, device: string, metric: string, from: number, to: number): Promise<ReadingRow[]> {
  return api.readings({ device, metric, from, to, limit: 20_000 });
}
