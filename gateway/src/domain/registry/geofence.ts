/**
 * Geofences and distances on the earth (docs/domain.md §9). Pure: validation of an untrusted geofence, haversine
 * distance, containment and distance to a route.
 */
import type { Geofence, LatLon, Problem } from './types.js';
import { isFiniteNumber, isObject as isRecord, unknownFields } from './fields.js';

/** Earth radius, metres: 6371 km, the value the reference distance in docs/domain.md §3 and §9 is computed with. */
export const EARTH_RADIUS_M = 6_371_000;

/** Largest circle radius accepted, metres (1000 km): anything larger is a typo, not a site. */
export const MAX_RADIUS_M = 1_000_000;

const RAD = Math.PI / 180;

/** Great-circle distance between two points, metres (haversine, R = 6371 km; docs/domain.md §9). */
export function haversineM(a: LatLon, b: LatLon): number {
  return EARTH_RADIUS_M * angularDistance(a, b);
}

/**
 * Whether a point lies in a geofence; a point on the boundary is inside (bounds are inclusive, as elsewhere).
 * A circle measures on the sphere. A polygon is tested by ray casting on the plane of (lon, lat) degrees: its edges
 * are straight in that plane rather than great circles, which differs by centimetres over a site's few hundred
 * metres; polygons must not span the antimeridian (geofenceProblems refuses them).
 */
export function contains(g: Geofence, p: LatLon): boolean {
  if (g.kind === 'circle') return haversineM(g.center, p) <= g.radiusM;
  const pts = g.points;
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const a = pts[j]!;
    const b = pts[i]!;
    if (onSegment(a, b, p)) return true;
    // Half-open in latitude, so a ray through a vertex counts the two edges meeting there once, not twice.
    if ((a.lat > p.lat) !== (b.lat > p.lat)) {
      const lonAtLat = a.lon + ((p.lat - a.lat) / (b.lat - a.lat)) * (b.lon - a.lon);
      if (p.lon < lonAtLat) inside = !inside;
    }
  }
  return inside;
}

/**
 * Shortest distance from a point to a route (a polyline of great-circle segments), metres: the minimum over the
 * segments of the cross-track distance, clamped to the segment's ends by the along-track distance (docs/domain.md
 * §9). Exact on the sphere, so it has no projection error however long the segments; the sphere itself is within
 * 0.5 % of the ellipsoid. A one-point route is that point; an empty route is Infinity (no route known: callers do
 * not apply the corridor rule).
 */
export function distanceToPolylineM(route: readonly LatLon[], p: LatLon): number {
  if (route.length === 1) return haversineM(route[0]!, p);
  let best = Infinity;
  for (let i = 1; i < route.length; i++) best = Math.min(best, distanceToSegmentM(route[i - 1]!, route[i]!, p));
  return best;
}

/** Length of a route (great-circle segments), metres. */
/** Distance from a point to a geofence, metres: 0 inside, else to the circle's edge or the polygon's nearest side. */
export function distanceToGeofenceM(g: Geofence, p: LatLon): number {
  if (contains(g, p)) return 0;
  if (g.kind === 'circle') return Math.max(0, haversineM(g.center, p) - g.radiusM);
  return distanceToPolylineM([...g.points, g.points[0]!], p);
}

export function routeLengthM(route: readonly LatLon[]): number {
  let m = 0;
  for (let i = 1; i < route.length; i++) m += haversineM(route[i - 1]!, route[i]!);
  return m;
}

/**
 * How far along a route a point is, metres from its start: on the segment nearest the point, the along-track
 * distance clamped to the segment, plus the length of the segments before it. Undefined without a segment.
 */
export function alongRouteM(route: readonly LatLon[], p: LatLon): number | undefined {
  let best: { d: number; along: number } | undefined;
  let before = 0;
  for (let i = 1; i < route.length; i++) {
    const a = route[i - 1]!;
    const b = route[i]!;
    const ab = angularDistance(a, b);
    const d = distanceToSegmentM(a, b, p);
    if (best === undefined || d < best.d) {
      const ap = angularDistance(a, p);
      const along = ab === 0 || ap === 0 ? 0 : Math.atan2(Math.sin(ap) * Math.cos(bearing(a, p) - bearing(a, b)), Math.cos(ap));
      best = { d, along: before + EARTH_RADIUS_M * Math.max(0, Math.min(ab, along)) };
    }
    before += EARTH_RADIUS_M * ab;
  }
  return best?.along;
}

function distanceToSegmentM(a: LatLon, b: LatLon, p: LatLon): number {
  const ab = angularDistance(a, b);
  const ap = angularDistance(a, p);
  if (ab === 0 || ap === 0) return EARTH_RADIUS_M * ap;
  const dBearing = bearing(a, p) - bearing(a, b);
  const crossTrack = Math.asin(Math.max(-1, Math.min(1, Math.sin(ap) * Math.sin(dBearing))));
  // Along-track by atan2 rather than acos: signed (negative before the start) and precise at short distances.
  const alongTrack = Math.atan2(Math.sin(ap) * Math.cos(dBearing), Math.cos(ap));
  if (alongTrack <= 0) return EARTH_RADIUS_M * ap;
  if (alongTrack >= ab) return haversineM(b, p);
  return EARTH_RADIUS_M * Math.abs(crossTrack);
}

function angularDistance(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from a to b, radians. */
function bearing(a: LatLon, b: LatLon): number {
  const lat1 = a.lat * RAD;
  const lat2 = b.lat * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  return Math.atan2(Math.sin(dLon) * Math.cos(lat2), Math.cos(lat1) * Math.sin(lat2) - Math.sin(lat1) * Math.cos(lat2) * Math.cos(dLon));
}

// ---- Validation -------------------------------------------------------------------------------------------------

/**
 * Problems with an untrusted value as a Geofence, each named by its full path (`sites[2].geofence.points[3].lat`);
 * empty when it is valid. Polygon checks are O(n²) in the number of points, meant for site-sized polygons.
 */
export function geofenceProblems(g: unknown, path: string): Problem[] {
  if (!isRecord(g)) return [{ path, message: 'must be an object' }];
  if (g['kind'] === 'circle') {
    const problems = unknownFields(g, ['kind', 'center', 'radiusM'], path);
    problems.push(...latLonProblems(g['center'], `${path}.center`));
    const r = g['radiusM'];
    if (!isFiniteNumber(r) || r <= 0 || r > MAX_RADIUS_M) {
      problems.push({ path: `${path}.radiusM`, message: `must be a number of metres greater than 0 and at most ${MAX_RADIUS_M}` });
    }
    return problems;
  }
  if (g['kind'] === 'polygon') {
    const problems = unknownFields(g, ['kind', 'points'], path);
    problems.push(...polygonProblems(g['points'], `${path}.points`));
    return problems;
  }
  return [{ path: `${path}.kind`, message: "must be 'circle' or 'polygon'" }];
}

function polygonProblems(points: unknown, path: string): Problem[] {
  if (!Array.isArray(points)) return [{ path, message: 'must be an array of at least 3 points' }];
  const problems = points.flatMap((p: unknown, i) => latLonProblems(p, `${path}[${i}]`));
  if (problems.length > 0) return problems;
  const pts = points as LatLon[];
  if (pts.length < 3) return [{ path, message: 'must have at least 3 points' }];
  const n = pts.length;
  for (let i = 1; i < n; i++) {
    if (samePoint(pts[i]!, pts[i - 1]!)) problems.push({ path: `${path}[${i}]`, message: `repeats point ${i - 1}` });
  }
  if (samePoint(pts[n - 1]!, pts[0]!)) {
    problems.push({ path: `${path}[${n - 1}]`, message: 'equals point 0: the polygon closes itself, do not repeat the first point at the end' });
  }
  for (let i = 0; i < n; i++) {
    const a = pts[i]!;
    const b = pts[(i + 1) % n]!;
    if (Math.abs(b.lon - a.lon) > 180) {
      problems.push({ path, message: `edge ${edge(i, n)} spans more than 180° of longitude: polygons across the antimeridian are not supported` });
    }
  }
  if (problems.length > 0) return problems;
  return crossingProblems(pts, path);
}

/**
 * Edges that cross or touch, other than neighbours meeting at their shared corner. A polygon with every point on one
 * line folds back on itself somewhere, so it is caught here too.
 */
function crossingProblems(pts: readonly LatLon[], path: string): Problem[] {
  const n = pts.length;
  const problems: Problem[] = [];
  for (let i = 0; i < n; i++) {
    const a = pts[i]!;
    const b = pts[(i + 1) % n]!;
    for (let j = i + 1; j < n; j++) {
      const c = pts[j]!;
      const d = pts[(j + 1) % n]!;
      const neighbours = j === i + 1 || (i === 0 && j === n - 1);
      if (neighbours) {
        // Neighbours share a corner; they are wrong only if they fold back over each other.
        const shared = j === i + 1 ? b : a;
        const other1 = j === i + 1 ? a : b;
        const other2 = j === i + 1 ? d : c;
        if (orientation(other1, shared, other2) === 0 && dot(other1, shared, other2) > 0) {
          problems.push({ path, message: `edges ${edge(i, n)} and ${edge(j, n)} overlap` });
        }
      } else {
        const meet = segmentsMeet(a, b, c, d);
        if (meet !== undefined) problems.push({ path, message: `edges ${edge(i, n)} and ${edge(j, n)} ${meet}` });
      }
    }
  }
  return problems;
}

function latLonProblems(p: unknown, path: string): Problem[] {
  if (!isRecord(p)) return [{ path, message: 'must be an object with lat and lon' }];
  const problems = unknownFields(p, ['lat', 'lon'], path);
  const { lat, lon } = p;
  if (!isFiniteNumber(lat) || lat < -90 || lat > 90) problems.push({ path: `${path}.lat`, message: 'must be a number between -90 and 90' });
  if (!isFiniteNumber(lon) || lon < -180 || lon > 180) problems.push({ path: `${path}.lon`, message: 'must be a number between -180 and 180' });
  return problems;
}

function edge(i: number, n: number): string {
  return `${i}-${(i + 1) % n}`;
}

function samePoint(a: LatLon, b: LatLon): boolean {
  return a.lat === b.lat && a.lon === b.lon;
}

/** Sign of the turn a -> b -> c on the (lon, lat) plane: 1 left, -1 right, 0 collinear. */
function orientation(a: LatLon, b: LatLon, c: LatLon): number {
  return Math.sign((b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon));
}

/** Dot product of (a - m) and (c - m): positive when a and c lie on the same side of m. */
function dot(a: LatLon, m: LatLon, c: LatLon): number {
  return (a.lon - m.lon) * (c.lon - m.lon) + (a.lat - m.lat) * (c.lat - m.lat);
}

/** Whether p lies on the closed segment a-b. */
function onSegment(a: LatLon, b: LatLon, p: LatLon): boolean {
  return orientation(a, b, p) === 0
    && Math.min(a.lon, b.lon) <= p.lon && p.lon <= Math.max(a.lon, b.lon)
    && Math.min(a.lat, b.lat) <= p.lat && p.lat <= Math.max(a.lat, b.lat);
}

/** How closed segments a-b and c-d meet: 'cross' through each other, 'touch' (an end on the other, or overlapping). */
function segmentsMeet(a: LatLon, b: LatLon, c: LatLon, d: LatLon): 'cross' | 'touch' | undefined {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  if (o1 * o2 < 0 && o3 * o4 < 0) return 'cross';
  if (onSegment(a, b, c) || onSegment(a, b, d) || onSegment(c, d, a) || onSegment(c, d, b)) return 'touch';
  return undefined;
}
