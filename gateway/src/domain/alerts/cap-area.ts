/**
 * Where and when a CAP alert counts (docs/claims.md, "Weather and disruption alerts"): whether a point lies in an
 * alert's area, whether a route (a polyline) enters it, and when an info block is in force. Pure.
 *
 * Polygons are tested as the registry's geofences are (domain/registry/geofence.ts `contains`: ray casting in the
 * plane of (lon, lat) degrees, the boundary inside), circles on the sphere. A route enters a polygon when one of its
 * points lies inside or one of its segments crosses an edge (segments straight in the same plane); it enters a
 * circle when its distance to the centre (great-circle segments) is at most the radius.
 */
import { contains, distanceToPolylineM } from '../registry/geofence.js';
import type { LatLon } from '../registry/types.js';
import type { CapAlert, CapArea, CapInfo, CapSeverity } from './cap.js';

/** Without `expires`, an info block counts this long from its onset, hours (CAP makes `expires` optional). */
export const DEFAULT_NO_EXPIRY_HOURS = 24;
/** The severities that put a shipment at risk. */
export const RISK_SEVERITIES: readonly CapSeverity[] = ['Extreme', 'Severe'];

/**
 * Whether an info block can put a shipment at risk: Severe or Extreme, unless its issuer says no action is needed any
 * more (urgency `Past`) or that it is not expected to happen (certainty `Unlikely`, p ~ 0), CAP 1.2 §3.2.2. `Possible`
 * (p <= ~50 %) and `Unknown` still count: a planner wants to hear of a storm that may well come.
 */
export function putsAtRisk(info: Pick<CapInfo, 'severity' | 'urgency' | 'certainty'>): boolean {
  return RISK_SEVERITIES.includes(info.severity) && info.urgency !== 'Past' && info.certainty !== 'Unlikely';
}

/** A box in degrees around a shape, to skip the exact test for what is far away. */
export interface Box {
  readonly minLat: number;
  readonly maxLat: number;
  readonly minLon: number;
  readonly maxLon: number;
}

const KM_PER_DEG_LAT = 111.32;

export function polygonBox(ring: readonly LatLon[]): Box {
  let minLat = Infinity, maxLat = -Infinity, minLon = Infinity, maxLon = -Infinity;
  for (const p of ring) {
    minLat = Math.min(minLat, p.lat); maxLat = Math.max(maxLat, p.lat);
    minLon = Math.min(minLon, p.lon); maxLon = Math.max(maxLon, p.lon);
  }
  return { minLat, maxLat, minLon, maxLon };
}

/** A box that holds the circle (its longitude span widened by the latitude's cosine; the whole globe near a pole). */
export function circleBox(c: { center: LatLon; radiusKm: number }): Box {
  const dLat = c.radiusKm / KM_PER_DEG_LAT;
  const cos = Math.cos(((Math.abs(c.center.lat) + dLat) * Math.PI) / 180);
  const dLon = cos <= 0.01 || Math.abs(c.center.lat) + dLat >= 90 ? 360 : dLat / cos;
  return { minLat: c.center.lat - dLat, maxLat: c.center.lat + dLat, minLon: c.center.lon - dLon, maxLon: c.center.lon + dLon };
}

export function boxOf(area: CapArea): Box | undefined {
  const boxes = [...area.polygons.map(polygonBox), ...area.circles.map(circleBox)];
  if (boxes.length === 0) return undefined;
  return mergeBoxes(boxes);
}

export function mergeBoxes(boxes: readonly Box[]): Box {
  return {
    minLat: Math.min(...boxes.map((b) => b.minLat)), maxLat: Math.max(...boxes.map((b) => b.maxLat)),
    minLon: Math.min(...boxes.map((b) => b.minLon)), maxLon: Math.max(...boxes.map((b) => b.maxLon)),
  };
}

export function inBox(b: Box, p: LatLon): boolean {
  return p.lat >= b.minLat && p.lat <= b.maxLat && p.lon >= b.minLon && p.lon <= b.maxLon;
}

export function boxesMeet(a: Box, b: Box): boolean {
  return a.minLat <= b.maxLat && b.minLat <= a.maxLat && a.minLon <= b.maxLon && b.minLon <= a.maxLon;
}

/** Whether the point lies in one of the area's polygons or circles (an area of geocodes only has no shape: false). */
export function areaContains(area: CapArea, p: LatLon): boolean {
  for (const ring of area.polygons) if (inBox(polygonBox(ring), p) && contains({ kind: 'polygon', points: ring }, p)) return true;
  for (const c of area.circles) if (contains({ kind: 'circle', center: c.center, radiusM: c.radiusKm * 1000 }, p)) return true;
  return false;
}

/** Whether the route (a polyline, at least one point) enters the area. `rb`: the route's box, when known. */
export function routeEntersArea(route: readonly LatLon[], area: CapArea, rb = route.length === 0 ? undefined : polygonBox(route)): boolean {
  if (rb === undefined || route.length === 0) return false;
  for (const ring of area.polygons) {
    const pb = polygonBox(ring);
    if (!boxesMeet(rb, pb)) continue;
    if (route.some((p) => inBox(pb, p) && contains({ kind: 'polygon', points: ring }, p))) return true;
    for (let i = 1; i < route.length; i++) {
      const a = route[i - 1]!, b = route[i]!;
      // A segment whose box misses the ring's crosses none of its edges.
      if (Math.max(a.lat, b.lat) < pb.minLat || Math.min(a.lat, b.lat) > pb.maxLat || Math.max(a.lon, b.lon) < pb.minLon || Math.min(a.lon, b.lon) > pb.maxLon) continue;
      for (let j = 1; j < ring.length; j++) if (segmentsCross(a, b, ring[j - 1]!, ring[j]!)) return true;
    }
  }
  for (const c of area.circles) {
    if (boxesMeet(rb, circleBox(c)) && distanceToPolylineM(route, c.center) <= c.radiusKm * 1000) return true;
  }
  return false;
}

/** Whether two segments meet, in the plane of (lon, lat) degrees (touching counts). */
export function segmentsCross(a: LatLon, b: LatLon, c: LatLon, d: LatLon): boolean {
  const o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && within(a, b, c)) || (o2 === 0 && within(a, b, d)) || (o3 === 0 && within(c, d, a)) || (o4 === 0 && within(c, d, b));
}

function orient(a: LatLon, b: LatLon, c: LatLon): number {
  const v = (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function within(a: LatLon, b: LatLon, p: LatLon): boolean {
  return Math.min(a.lon, b.lon) <= p.lon && p.lon <= Math.max(a.lon, b.lon) && Math.min(a.lat, b.lat) <= p.lat && p.lat <= Math.max(a.lat, b.lat);
}

/**
 * When an info block is in force, ms: from its onset (else its effective time, else the alert's sent) to its expiry
 * (else `DEFAULT_NO_EXPIRY_HOURS` later), and never past `endedMs` (an Update replaced it, a Cancel ended it).
 */
export function infoSpan(alert: Pick<CapAlert, 'sentMs'>, info: CapInfo, endedMs?: number): { fromMs: number; toMs: number } {
  const fromMs = info.onsetMs ?? info.effectiveMs ?? alert.sentMs;
  const expires = info.expiresMs ?? fromMs + DEFAULT_NO_EXPIRY_HOURS * 3_600_000;
  return { fromMs, toMs: endedMs === undefined ? expires : Math.min(expires, endedMs) };
}

/** Whether the alert counts at all for the rules: an actual Alert or Update (not a test, an exercise, a Cancel). */
export function counts(alert: Pick<CapAlert, 'status' | 'msgType'>): boolean {
  return alert.status === 'Actual' && (alert.msgType === 'Alert' || alert.msgType === 'Update');
}

/** In force at `t`: onset <= t < expiry (docs/claims.md). */
export function activeAt(span: { fromMs: number; toMs: number }, t: number): boolean {
  return span.fromMs <= t && t < span.toMs;
}
