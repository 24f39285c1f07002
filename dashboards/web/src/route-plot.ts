/**
 * A shipment's route plot in SVG, without map tiles: the planned route and its corridor, the geofences of its
 * origin, destination and hubs, its trackers' track as the GPS rules see it, where its flags happened (stops,
 * deviations, shocks) and, when given, where it was last seen. Drawn by the Order and Shipments views from the
 * registry and the gateway's positions.
 */
import type { ApiClient } from './api.js';
import { located, shipment, type Flag, type Located, type Shipment } from './api-orders.js';
import { shipmentPositions } from './api-shipments.js';
import { h, svg } from './dom.js';
import { fitProjection, fixesBetween, nearestFix, polyline, type Fix, type Projection } from './model-route.js';
import { formatZoned } from './model-zone.js';

const W = 640;
const H = 480;

export interface RouteData {
  readonly shipment: Shipment;
  readonly places: ReadonlyArray<{ readonly role: string; readonly place: Located }>;
  /** The trackers' fixes the GPS rules keep (GET /api/v1/shipments/{id}/positions), per tracker in time order. */
  readonly fixes: readonly Fix[];
  /** Fixes the rules dropped (out of range, (0, 0), implausible speed): not drawn. */
  readonly dropped: number;
  readonly flags: readonly Flag[];
  /** Where the shipment was last seen as the rules see its track (the list's last kept position), marked when given. */
  readonly last?: Fix;
}

/** The shipment, its places, its track as the GPS rules see it and its flags (those naming it). */
export async function loadRoute(api: ApiClient, id: string, flags: readonly Flag[]): Promise<RouteData> {
  const sh = await shipment(api, id);
  const roles: Array<[string, string]> = [
    ...(sh.origin !== undefined ? [['origin', sh.origin] as [string, string]] : []),
    ...(sh.destination !== undefined ? [['destination', sh.destination] as [string, string]] : []),
    ...(sh.hubs ?? []).map((hub) => ['hub', hub] as [string, string]),
  ];
  const [places, track] = await Promise.all([
    Promise.all(roles.map(async ([role, pid]) => ({ role, place: await located(api, pid) }))),
    shipmentPositions(api, id),
  ]);
  const mine = flags.filter((f) => (f.subject.kind === 'shipment' && f.subject.id === id) || f.related.shipments.includes(id));
  return {
    shipment: sh,
    places: places.filter((p): p is { role: string; place: Located } => p.place !== undefined),
    fixes: track.positions,
    dropped: track.dropped,
    flags: mine,
  };
}

function titled<T extends SVGElement>(doc: Document, el: T, text: string): T {
  el.append(svg(doc, 'title', {}, text));
  return el;
}

function flagMarks(doc: Document, d: RouteData, proj: Projection, zone: string): SVGElement[] {
  const marks: SVGElement[] = [];
  for (const f of d.flags) {
    const family = f.rule.split('/')[0] ?? '';
    for (const ep of f.episodes.length > 0 ? f.episodes : [{ startMs: f.startMs, endMs: f.endMs }]) {
      const when = `${f.title}, ${formatZoned(ep.startMs, zone)} to ${formatZoned(ep.endMs, zone)}`;
      const stretch = fixesBetween(d.fixes, ep.startMs, ep.endMs);
      if (family === 'route-deviation' && stretch.length > 0) {
        marks.push(titled(doc, svg(doc, 'path', { class: 'track-deviation', d: polyline(stretch, proj), 'data-flag': f.id, 'data-points': stretch.length }), when));
      } else if ((family === 'unplanned-stop' || family === 'prolonged-stop') && stretch[0] !== undefined) {
        const p = proj.at(stretch[0]);
        marks.push(titled(doc, svg(doc, 'rect', { class: 'marker marker-stop', x: p.x - 6, y: p.y - 6, width: 12, height: 12, 'data-flag': f.id }), when));
      } else if (family === 'shock' || family === 'free-fall') {
        const fix = nearestFix(d.fixes, ep.firstOffending?.t ?? ep.startMs);
        if (fix === undefined) continue;
        const p = proj.at(fix);
        const star = `M${p.x} ${p.y - 8} L${p.x + 7} ${p.y + 6} L${p.x - 7} ${p.y + 6} Z`;
        marks.push(titled(doc, svg(doc, 'path', { class: `marker marker-shock severity-${f.severity}`, d: star, 'data-flag': f.id }), when));
      }
    }
  }
  return marks;
}

/** The SVG plot of one shipment. */
export function renderRoute(doc: Document, d: RouteData, zone: string): SVGSVGElement {
  const route = d.shipment.route ?? [];
  const corridorM = d.shipment.corridorM ?? 0;
  const proj = fitProjection(
    [
      ...route.map((p) => ({ ...p, marginM: corridorM })),
      ...d.fixes,
      ...d.places.flatMap((p) => (p.place.geofence !== undefined ? [{ ...p.place.geofence.center, marginM: p.place.geofence.radiusM }] : [])),
    ],
    W,
    H,
  );
  const label = `Shipment ${d.shipment.id}: planned route of ${route.length} points with a ${corridorM} m corridor, ${d.fixes.length} fixes, ${d.places.length} places`;
  const plot = svg(doc, 'svg', { class: 'route-plot', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, 'data-shipment': d.shipment.id });
  plot.append(svg(doc, 'title', {}, label));
  if (route.length > 1) {
    // The corridor is the route stroked 2 × its half-width wide: a buffer around the polyline, drawn to scale.
    plot.append(svg(doc, 'path', { class: 'route-corridor', d: polyline(route, proj), 'stroke-width': Math.max(1, 2 * corridorM * proj.perM) }));
  }
  for (const { role, place } of d.places) {
    const g = place.geofence;
    if (g === undefined) continue;
    const c = proj.at(g.center);
    plot.append(
      titled(doc, svg(doc, 'circle', { class: `geofence geofence-${role}`, cx: c.x, cy: c.y, r: Math.max(3, g.radiusM * proj.perM), 'data-place': place.id }),
        `${role} ${place.name ?? place.id}: geofence ${g.radiusM} m`),
      // Labels point inwards, so a place at the plot's edge keeps its name readable.
      svg(doc, 'text', { class: 'place-label', x: c.x < W / 2 ? c.x + 8 : c.x - 8, y: c.y - 8, 'text-anchor': c.x < W / 2 ? 'start' : 'end' }, place.name ?? place.id),
    );
  }
  if (route.length > 1) plot.append(svg(doc, 'path', { class: 'route-planned', d: polyline(route, proj), 'data-points': route.length }));
  const byDevice = new Map<string, Fix[]>();
  for (const f of d.fixes) byDevice.set(f.device, [...(byDevice.get(f.device) ?? []), f]);
  for (const [device, fixes] of byDevice) {
    plot.append(svg(doc, 'path', { class: 'route-track', d: polyline(fixes, proj), 'data-device': device, 'data-points': fixes.length }));
  }
  plot.append(...flagMarks(doc, d, proj, zone));
  if (d.last !== undefined) {
    const p = proj.at(d.last);
    plot.append(titled(doc, svg(doc, 'circle', { class: 'marker marker-last', cx: p.x, cy: p.y, r: 6, 'data-device': d.last.device, 'data-time': d.last.time }),
      `last position (${d.last.device}), ${formatZoned(d.last.time, zone)}`));
  }
  return plot;
}

/** The figure for one shipment: the plot and its legend, or why there is none. */
export async function routeFigure(doc: Document, api: ApiClient, id: string, flags: readonly Flag[], zone: string, last?: Fix): Promise<HTMLElement> {
  try {
    const d = { ...(await loadRoute(api, id, flags)), ...(last !== undefined ? { last } : {}) };
    return h(
      doc,
      'figure',
      { class: 'route', 'data-shipment': id },
      renderRoute(doc, d, zone),
      h(doc, 'figcaption', { class: 'muted small' },
        `Shipment ${id}: planned route (dashed) and its ${d.shipment.corridorM ?? 0} m corridor (band), ${d.fixes.length} GPS fixes the rules keep (line${d.dropped > 0 ? `; ${d.dropped} dropped, not drawn` : ''}), ` +
        'geofences of origin, hubs and destination (circles); squares: unplanned stops, triangles: shocks, red line: off the route' +
        `${last !== undefined ? '; ringed dot: last position' : ''}.`),
    );
  } catch (err) {
    return h(doc, 'p', { class: 'error-detail' }, `Route of ${id} could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}
