/**
 * A carrier's "delivered" checked against the evidence (docs/claims.md, "Corroboration"): a delivery claim while no
 * tracker of the shipment was inside the destination's geofence around that time (within `windowMin`: a visit to the
 * destination, from its first fix inside to its first fix outside, reaching within the window of the claim) is a
 * flag on the shipment, with how far the trackers were. Without a tracker, custody speaks: the goods placed at the
 * destination within the window. A claim is judged once its window has passed (until then the tracker may still
 * arrive); the same claims and evidence give the same finding. Pure.
 */
import type { Finding, Related } from '../flags/types.js';
import { haversineM } from '../registry/geofence.js';
import type { Geofence, LatLon } from '../registry/types.js';
import type { Visit } from './gps.js';

export const DEFAULT_CLAIM_WINDOW_MIN = 30;

export interface DeliveryClaim {
  readonly timeMs: number;
  readonly carrier: string;
  readonly code: string;
  readonly text?: string;
}

export interface DeliveryClaimInput {
  readonly shipment: string;
  readonly claims: readonly DeliveryClaim[];
  readonly destination: { readonly id: string; readonly geofence: Geofence };
  /** Whether any tracker rode on the shipment (else custody is the evidence). */
  readonly tracked: boolean;
  /** The trackers' visits to the destination (gpsFindings). */
  readonly visits: readonly Visit[];
  /** The trackers' kept fixes (for the distance of the nearest one). */
  readonly fixes: readonly { readonly device: string; readonly t: number; readonly lat: number; readonly lon: number }[];
  /** Custody: when the goods were placed in a zone of the destination site (ms), if they were. */
  readonly placedAtDestinationMs: readonly number[];
  readonly nowMs: number;
  readonly related: Related;
  readonly windowMin?: number;
}

/** The finding, or undefined when every claim whose window has passed is corroborated. */
export function deliveryClaimFinding(input: DeliveryClaimInput): Finding | undefined {
  const w = (input.windowMin ?? DEFAULT_CLAIM_WINDOW_MIN) * 60_000;
  const claims = [...input.claims].sort((a, b) => a.timeMs - b.timeMs || (a.code < b.code ? -1 : 1));
  const unconfirmed: { claim: DeliveryClaim; nearest?: { device: string; t: number; m: number } }[] = [];
  for (const c of claims) {
    if (c.timeMs + w > input.nowMs) continue;
    const confirmed = input.tracked
      ? input.visits.some((v) => v.arrivedMs - w <= c.timeMs && (v.departedMs === undefined || c.timeMs <= v.departedMs + w))
      : input.placedAtDestinationMs.some((t) => Math.abs(t - c.timeMs) <= w);
    if (!confirmed) unconfirmed.push({ claim: c, ...nearestFix(input, c.timeMs, w) });
  }
  if (unconfirmed.length === 0) return undefined;
  const centre = centreOf(input.destination.geofence);
  const last = unconfirmed[unconfirmed.length - 1]!;
  return {
    rule: `claim/delivered/${w / 60_000}`, params: { windowMin: w / 60_000, evidence: input.tracked ? 'tracker' : 'custody' },
    subject: { kind: 'shipment', id: input.shipment }, severity: 'major',
    title: `delivery claimed by ${last.claim.carrier} but no ${input.tracked ? 'tracker at' : 'custody record at'} ${input.destination.id} within ${w / 60_000} min`,
    // A claim carries no readings: the evidence is the claim's time, the trackers' visits and the nearest fix.
    startMs: unconfirmed[0]!.claim.timeMs, endMs: last.claim.timeMs, metAtMs: unconfirmed[0]!.claim.timeMs + w, active: true, episodes: [],
    figures: {
      claims: unconfirmed.length, claimCode: last.claim.code, ...(last.claim.text !== undefined ? { claimText: last.claim.text } : {}),
      ...(last.nearest !== undefined
        ? { nearestFixMs: last.nearest.t, nearestFixKm: Math.round(haversineM(fixOf(input, last.nearest), centre) / 100) / 10, nearestFixMinFromClaim: Math.round(Math.abs(last.nearest.t - last.claim.timeMs) / 60_000) }
        : { trackerSilent: input.tracked ? 'yes' : 'no tracker' }),
    },
    related: input.related,
  };
}

/** The fix nearest the claim in time, within the window (a silent tracker has none). */
function nearestFix(input: DeliveryClaimInput, t: number, w: number): { nearest?: { device: string; t: number; m: number } } {
  let best: { device: string; t: number; m: number } | undefined;
  for (const f of input.fixes) {
    const m = Math.abs(f.t - t);
    if (m <= w && (best === undefined || m < best.m || (m === best.m && f.t < best.t))) best = { device: f.device, t: f.t, m };
  }
  return best === undefined ? {} : { nearest: best };
}

function fixOf(input: DeliveryClaimInput, n: { device: string; t: number }): LatLon {
  const f = input.fixes.find((x) => x.device === n.device && x.t === n.t)!;
  return { lat: f.lat, lon: f.lon };
}

function centreOf(g: Geofence): LatLon {
  if (g.kind === 'circle') return g.center;
  const n = g.points.length;
  return { lat: g.points.reduce((s, p) => s + p.lat, 0) / n, lon: g.points.reduce((s, p) => s + p.lon, 0) / n };
}
