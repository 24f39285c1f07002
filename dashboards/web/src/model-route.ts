/**
 * Geometry of the route plot, pure: a local plane around the shipment (equirectangular, metres; at a trip's scale
 * the error is far below a corridor's width), fitted into the plot's box, and where on the track a flag happened.
 */
import type { LatLon } from './api-orders.js';

export interface Fix extends LatLon {
  readonly device: string;
  readonly time: number;
}

const EARTH_M = 6_371_008.8;
const RAD = Math.PI / 180;

export interface Projection {
  /** Plot coordinates of a position. */
  readonly at: (p: LatLon) => { x: number; y: number };
  /** Plot units per metre. */
  readonly perM: number;
}

/** Fits the positions, each with a margin in metres (a geofence's radius, the corridor), into width × height. */
export function fitProjection(points: ReadonlyArray<LatLon & { readonly marginM?: number }>, width: number, height: number, padPx = 16): Projection {
  if (points.length === 0) return { at: () => ({ x: width / 2, y: height / 2 }), perM: 1 };
  const lat0 = points.reduce((s, p) => s + p.lat, 0) / points.length;
  const lon0 = points.reduce((s, p) => s + p.lon, 0) / points.length;
  const k = Math.cos(lat0 * RAD);
  const local = (p: LatLon): { x: number; y: number } => ({ x: (p.lon - lon0) * RAD * EARTH_M * k, y: (p.lat - lat0) * RAD * EARTH_M });
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const p of points) {
    const q = local(p);
    const m = p.marginM ?? 0;
    minX = Math.min(minX, q.x - m); maxX = Math.max(maxX, q.x + m);
    minY = Math.min(minY, q.y - m); maxY = Math.max(maxY, q.y + m);
  }
  const spanX = Math.max(1, maxX - minX);
  const spanY = Math.max(1, maxY - minY);
  const perM = Math.min((width - 2 * padPx) / spanX, (height - 2 * padPx) / spanY);
  // Centre the drawing: the unused axis gets equal space on both sides.
  const offX = (width - spanX * perM) / 2;
  const offY = (height - spanY * perM) / 2;
  return {
    at: (p) => {
      const q = local(p);
      return { x: offX + (q.x - minX) * perM, y: height - offY - (q.y - minY) * perM };
    },
    perM,
  };
}

/** SVG path data through the positions in order; empty for none. */
export function polyline(points: readonly LatLon[], proj: Projection): string {
  return points
    .map((p, i) => {
      const q = proj.at(p);
      return `${i === 0 ? 'M' : 'L'}${Math.round(q.x * 10) / 10} ${Math.round(q.y * 10) / 10}`;
    })
    .join(' ');
}

/** The fixes within [from, to] (a flag's stretch), in time order. */
export function fixesBetween(fixes: readonly Fix[], from: number, to: number): Fix[] {
  return fixes.filter((f) => f.time >= from && f.time <= to);
}

/** The fix closest in time to `t`, for marking an event (a shock) that has no position of its own. */
export function nearestFix(fixes: readonly Fix[], t: number): Fix | undefined {
  let best: Fix | undefined;
  for (const f of fixes) if (best === undefined || Math.abs(f.time - t) < Math.abs(best.time - t)) best = f;
  return best;
}
