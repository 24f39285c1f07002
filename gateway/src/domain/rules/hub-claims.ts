/**
 * A carrier's event at a named hub checked against the tracker (docs/claims.md, "Corroboration"): an event whose
 * place names one of the shipment's hubs (its id or name, or the carrier's coordinates inside the hub's geofence),
 * while no tracker of the shipment visited that hub within `windowMin` of it and the tracker's nearest fix in that
 * window was more than `farKm` from the hub's geofence, is a flag on the shipment with that distance. A tracker
 * silent around the event contradicts nothing (the no-update rule speaks for silence); a shipment without a tracker
 * is not judged here (custody does not place goods at hubs). An event is judged once its window has passed. Pure.
 */
import type { Finding, Related } from '../flags/types.js';
import { contains, distanceToGeofenceM } from '../registry/geofence.js';
import type { Geofence, LatLon } from '../registry/types.js';
import type { Visit } from './gps.js';
import { DEFAULT_CLAIM_WINDOW_MIN } from './delivery-claims.js';

/** How far from the hub's geofence the tracker must have been for the event to be contradicted, km. */
export const DEFAULT_HUB_FAR_KM = 5;

export interface HubEvent {
  readonly timeMs: number;
  readonly carrier: string;
  readonly code: string;
  readonly text?: string;
  readonly place?: string;
  readonly position?: LatLon;
}

export interface HubClaimInput {
  readonly shipment: string;
  readonly events: readonly HubEvent[];
  readonly hubs: readonly { readonly id: string; readonly name: string; readonly geofence: Geofence }[];
  /** The trackers' visits to hubs (gpsFindings, kind 'hub'). */
  readonly visits: readonly Visit[];
  readonly fixes: readonly { readonly device: string; readonly t: number; readonly lat: number; readonly lon: number }[];
  readonly nowMs: number;
  readonly related: Related;
  readonly windowMin?: number;
  readonly farKm?: number;
}

/** Case, accents, punctuation and the words "hub", "depot" ... do not tell two names apart. */
export function placeKey(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/\b(hub|depot|facility|terminal|sort(ing)?|centre|center|warehouse|dc)\b/g, ' ').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** The hub an event names: by id or name inside its place text, else by the carrier's position in its geofence. */
export function hubOf(e: HubEvent, hubs: HubClaimInput['hubs']): HubClaimInput['hubs'][number] | undefined {
  if (e.place !== undefined) {
    const p = ` ${placeKey(e.place)} `;
    const named = hubs.find((h) => [h.id, h.name].some((n) => { const k = placeKey(n); return k !== '' && p.includes(` ${k} `); }));
    if (named !== undefined) return named;
  }
  return e.position === undefined ? undefined : hubs.find((h) => contains(h.geofence, e.position!));
}


/** The finding, or undefined when every hub event whose window has passed is corroborated or cannot be judged. */
export function hubClaimFinding(input: HubClaimInput): Finding | undefined {
  const w = (input.windowMin ?? DEFAULT_CLAIM_WINDOW_MIN) * 60_000;
  const farM = (input.farKm ?? DEFAULT_HUB_FAR_KM) * 1000;
  const contradicted: { e: HubEvent; hub: string; km: number; fixMs: number }[] = [];
  const events = [...input.events].sort((a, b) => a.timeMs - b.timeMs || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  for (const e of events) {
    if (e.timeMs + w > input.nowMs) continue;
    const hub = hubOf(e, input.hubs);
    if (hub === undefined) continue;
    const visited = input.visits.some((v) => v.place === hub.id && v.arrivedMs - w <= e.timeMs && (v.departedMs === undefined || e.timeMs <= v.departedMs + w));
    if (visited) continue;
    let nearest: { t: number; m: number } | undefined;
    for (const f of input.fixes) {
      if (Math.abs(f.t - e.timeMs) > w) continue;
      const m = distanceToGeofenceM(hub.geofence, f);
      const dt = Math.abs(f.t - e.timeMs);
      if (nearest === undefined || dt < Math.abs(nearest.t - e.timeMs) || (dt === Math.abs(nearest.t - e.timeMs) && f.t < nearest.t)) nearest = { t: f.t, m };
    }
    if (nearest !== undefined && nearest.m > farM) contradicted.push({ e, hub: hub.id, km: Math.round(nearest.m / 100) / 10, fixMs: nearest.t });
  }
  if (contradicted.length === 0) return undefined;
  const last = contradicted[contradicted.length - 1]!;
  return {
    rule: `claim/hub/${w / 60_000}`, params: { windowMin: w / 60_000, farKm: farM / 1000 },
    subject: { kind: 'shipment', id: input.shipment }, severity: 'warning',
    title: `${last.e.carrier} reports the shipment at ${last.hub}; its tracker was ${last.km} km away`,
    startMs: contradicted[0]!.e.timeMs, endMs: last.e.timeMs, metAtMs: contradicted[0]!.e.timeMs + w, active: true, episodes: [],
    figures: {
      claims: contradicted.length, hub: last.hub, claimCode: last.e.code, ...(last.e.text !== undefined ? { claimText: last.e.text } : {}),
      ...(last.e.place !== undefined ? { claimPlace: last.e.place } : {}), nearestFixKm: last.km, nearestFixMs: last.fixMs,
      nearestFixMinFromClaim: Math.round(Math.abs(last.fixMs - last.e.timeMs) / 60_000),
    },
    related: input.related,
  };
}
