/**
 * Just enough geometry for scripting a truck: haversine distances (R = 6371 km, docs/domain.md §9), points between
 * two positions, an offset in metres, and the distance of a point to a route. The route distance is computed on a
 * local plane centred on the point (equirectangular): within 0.5 % of the great-circle figure over a few tens of km,
 * which is why scenarios keep their fixes well clear of a corridor's edge (reefer-trip.test.ts checks the margin).
 */
export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

const R = 6_371_000;
const rad = (deg: number): number => (deg * Math.PI) / 180;

export function haversineM(a: LatLon, b: LatLon): number {
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lon - a.lon) / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

/** The point a fraction `f` of the way from `a` to `b` (linear in degrees: metres from the great circle over 50 km). */
export function between(a: LatLon, b: LatLon, f: number): LatLon {
  return { lat: a.lat + (b.lat - a.lat) * f, lon: a.lon + (b.lon - a.lon) * f };
}

/** East/north metres of `p` from `origin` on the local plane. */
function toPlane(origin: LatLon, p: LatLon): { e: number; n: number } {
  return { e: rad(p.lon - origin.lon) * R * Math.cos(rad(origin.lat)), n: rad(p.lat - origin.lat) * R };
}

/** `p` moved `eastM` east and `northM` north. */
export function offset(p: LatLon, eastM: number, northM: number): LatLon {
  return { lat: p.lat + (northM / R) * (180 / Math.PI), lon: p.lon + (eastM / (R * Math.cos(rad(p.lat)))) * (180 / Math.PI) };
}

/** `p` moved `metres` to the right of the direction from `a` to `b` (negative: to the left). */
export function rightOf(a: LatLon, b: LatLon, p: LatLon, metres: number): LatLon {
  const d = toPlane(a, b);
  const len = Math.hypot(d.e, d.n);
  return offset(p, (d.n / len) * metres, (-d.e / len) * metres);
}

/** Distance from `p` to the polyline `route`, metres: the nearest point of any segment (its ends included). */
export function distanceToRouteM(p: LatLon, route: readonly LatLon[]): number {
  let best = Infinity;
  for (let i = 0; i + 1 < route.length; i++) {
    const a = toPlane(p, route[i]!);
    const b = toPlane(p, route[i + 1]!);
    const ab = { e: b.e - a.e, n: b.n - a.n };
    const len2 = ab.e ** 2 + ab.n ** 2;
    // The point is the plane's origin: project it onto the segment.
    const f = len2 === 0 ? 0 : Math.min(1, Math.max(0, -(a.e * ab.e + a.n * ab.n) / len2));
    best = Math.min(best, Math.hypot(a.e + ab.e * f, a.n + ab.n * f));
  }
  return best;
}
