/**
 * Weather and disruption alerts against a shipment (docs/claims.md, "Weather and disruption alerts"; CAP 1.2). Pure.
 *
 * - At risk (`weather/at-risk`, warning: tier 1): while an actual Severe or Extreme alert is in force (onset <= t <
 *   expires, not replaced or cancelled), the shipment's last kept position lies in its area, or its remaining planned
 *   route (from that position on) enters it. Judged at every kept fix inside the alert's time, and for the route at
 *   the alert's start and at its end (or now). Active while it holds now; once the alert has expired, been cancelled
 *   or replaced, or the truck and its route have left the area, cleared (kept as history).
 * - Stopped in it (`weather/stopped/4h`, major): a stop (the track staying within `stopRadiusM` of its first fix)
 *   whose place lies in such an area, for more than `stopHours` of the alert's time: a predicted delay. The finding
 *   carries the delivery window widened by the stop (`windowP10Ms` ...): each quantile moves later by the time
 *   stopped; the late end moves to at least the alert's expiry plus the time still to go at the late end (the storm
 *   may hold the truck until it ends). Active while the stop goes on inside the alert's time.
 */
import { activeAt, areaContains, boxesMeet, boxOf, counts, inBox, infoSpan, mergeBoxes, polygonBox, putsAtRisk, RISK_SEVERITIES, routeEntersArea, type Box } from '../alerts/cap-area.js';
import type { CapAlert, CapArea, CapCertainty, CapSeverity, CapUrgency } from '../alerts/cap.js';
import type { Finding, Related } from '../flags/types.js';
import { alongRouteM, haversineM } from '../registry/geofence.js';
import type { LatLon } from '../registry/types.js';
import type { Fix } from './gps.js';

export const DEFAULT_WEATHER_STOP_HOURS = 4;
/** A stop: the track staying within this distance of its first fix, m (as the GPS rules' stops: gps.ts). */
export const DEFAULT_WEATHER_STOP_RADIUS_M = 200;

/** An alert as stored (ports/alerts.ts StoredCapAlert): the message and when an Update or Cancel ended it. */
export interface AlertOnRecord {
  readonly alert: CapAlert;
  readonly endedMs?: number;
}

/** One area of one info block that can put a shipment at risk, with its time. */
export interface RiskZone {
  readonly identifier: string;
  readonly event: string;
  readonly severity: CapSeverity;
  readonly urgency: CapUrgency;
  readonly certainty: CapCertainty;
  readonly headline?: string;
  readonly area: CapArea;
  readonly box: Box;
  readonly fromMs: number;
  readonly toMs: number;
}

/** The zones of the alerts that can put a shipment at risk (actual, with a shape; cap-area.ts putsAtRisk). */
export function riskZones(alerts: readonly AlertOnRecord[]): RiskZone[] {
  const out: RiskZone[] = [];
  for (const { alert, endedMs } of alerts) {
    if (!counts(alert)) continue;
    for (const info of alert.infos) {
      if (!putsAtRisk(info)) continue;
      const span = infoSpan(alert, info, endedMs);
      if (span.toMs <= span.fromMs) continue;
      for (const area of info.areas) {
        const box = boxOf(area);
        if (box === undefined) continue;
        out.push({ identifier: alert.identifier, event: info.event, severity: info.severity, urgency: info.urgency, certainty: info.certainty, ...(info.headline !== undefined ? { headline: info.headline } : {}), area, box, fromMs: span.fromMs, toMs: span.toMs });
      }
    }
  }
  return out;
}

/** Zones by the 1° cells their boxes cover, to find those near a shipment without looking at all of them. */
export interface ZoneIndex {
  readonly cells: ReadonlyMap<number, readonly RiskZone[]>;
  /** Zones too wide to list by cell (more than `MAX_CELLS`): always looked at. */
  readonly wide: readonly RiskZone[];
  readonly size: number;
}

const MAX_CELLS = 4096;
const cellKey = (lat: number, lon: number): number => (lat + 90) * 1000 + (lon + 540);

export function indexZones(zones: readonly RiskZone[]): ZoneIndex {
  const cells = new Map<number, RiskZone[]>();
  const wide: RiskZone[] = [];
  for (const z of zones) {
    const [la0, la1, lo0, lo1] = [Math.floor(z.box.minLat), Math.floor(z.box.maxLat), Math.floor(z.box.minLon), Math.floor(z.box.maxLon)];
    if ((la1 - la0 + 1) * (lo1 - lo0 + 1) > MAX_CELLS) { wide.push(z); continue; }
    for (let la = la0; la <= la1; la++) for (let lo = lo0; lo <= lo1; lo++) {
      const k = cellKey(la, lo);
      const list = cells.get(k);
      if (list === undefined) cells.set(k, [z]);
      else list.push(z);
    }
  }
  return { cells, wide, size: zones.length };
}

/** The zones whose boxes meet `b`, each once, in index order. */
export function zonesNear(index: ZoneIndex, b: Box): RiskZone[] {
  const found = new Set<RiskZone>(index.wide.filter((z) => boxesMeet(z.box, b)));
  const cellsOf = (Math.floor(b.maxLat) - Math.floor(b.minLat) + 1) * (Math.floor(b.maxLon) - Math.floor(b.minLon) + 1);
  if (cellsOf > MAX_CELLS) {
    for (const list of index.cells.values()) for (const z of list) if (boxesMeet(z.box, b)) found.add(z);
    return [...found];
  }
  for (let la = Math.floor(b.minLat); la <= Math.floor(b.maxLat); la++) {
    for (let lo = Math.floor(b.minLon); lo <= Math.floor(b.maxLon); lo++) {
      for (const z of index.cells.get(cellKey(la, lo)) ?? []) if (!found.has(z) && boxesMeet(z.box, b)) found.add(z);
    }
  }
  return [...found];
}

export interface WeatherInput {
  readonly shipment: string;
  /** The kept fixes of its trackers (keptTrack), any order. */
  readonly kept: readonly Fix[];
  /** The planned route; empty: only the position counts. */
  readonly route: readonly LatLon[];
  /** The zones (riskZones), indexed once by the caller for many shipments (indexZones). */
  readonly zones: readonly RiskZone[] | ZoneIndex;
  /** A placement on the shipment is open now (it is on its way). */
  readonly onItsWay: boolean;
  /** The delivery window before the stop (delivery-window.ts, on the track up to the stop), else the promised delivery for all three. */
  readonly windowBefore: (stopStartMs: number) => { readonly p10Ms: number; readonly p50Ms: number; readonly p90Ms: number; readonly basis: string };
  readonly nowMs: number;
  readonly related: Related;
  readonly stopHours?: number;
  readonly stopRadiusM?: number;
}

export function weatherFindings(input: WeatherInput): Finding[] {
  const index = 'cells' in input.zones ? input.zones : indexZones(input.zones);
  const track = [...input.kept].filter((f) => f.t <= input.nowMs).sort((a, b) => a.t - b.t || (a.device < b.device ? -1 : 1));
  if (track.length === 0 || index.size === 0) return [];
  // Only zones near the track or the route can matter: their boxes meet, with half a degree to spare (a great-circle
  // segment, which the circle test measures along, bows out of the box of its ends: by about 0.2° for 1,000 km at 50°).
  const b = mergeBoxes([polygonBox(track), ...(input.route.length > 0 ? [polygonBox(input.route)] : [])]);
  const reach = { minLat: b.minLat - 0.5, maxLat: b.maxLat + 0.5, minLon: b.minLon - 0.5, maxLon: b.maxLon + 0.5 };
  // Polygons are tested in the plane of the box: no margin for them.
  const near = { ...input, zones: zonesNear(index, reach).filter((z) => z.area.circles.length > 0 || boxesMeet(z.box, b)) };
  if (near.zones.length === 0) return [];
  const out: Finding[] = [];
  const risk = atRisk(near, track);
  if (risk !== undefined) out.push(risk);
  const stopped = stoppedIn(near, track);
  if (stopped !== undefined) out.push(stopped);
  return out;
}

/** The route still to go from a position: the position, then the route's points beyond it. */
export function remainingRoute(route: readonly LatLon[], p: LatLon): LatLon[] {
  if (route.length < 2) return [p];
  const along = alongRouteM(route, p) ?? 0;
  const out: LatLon[] = [p];
  let m = 0;
  for (let i = 0; i < route.length; i++) {
    if (i > 0) m += haversineM(route[i - 1]!, route[i]!);
    if (m > along) out.push(route[i]!);
  }
  return out;
}

function lastAtOrBefore(track: readonly Fix[], t: number): Fix | undefined {
  let lo = 0, hi = track.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (track[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : track[lo - 1];
}

type Exposure = (z: RiskZone, f: Fix) => 'position' | 'route' | undefined;

/** Whether a fix is in a zone or its remaining route enters it; each fix's remaining route and answers worked out once. */
function exposure(input: WeatherInput): Exposure {
  const rests = new Map<Fix, { route: LatLon[]; box: Box; answers: Map<RiskZone, 'position' | 'route' | undefined> }>();
  return (z, f) => {
    let rest = rests.get(f);
    if (rest === undefined) {
      const route = remainingRoute(input.route, f);
      rests.set(f, (rest = { route, box: polygonBox(route), answers: new Map() }));
    }
    if (rest.answers.has(z)) return rest.answers.get(z);
    const answer = inBox(z.box, f) && areaContains(z.area, f) ? 'position'
      : boxesMeet(rest.box, z.box) && routeEntersArea(rest.route, z.area, rest.box) ? 'route' : undefined;
    rest.answers.set(z, answer);
    return answer;
  };
}

type NearInput = WeatherInput & { readonly zones: readonly RiskZone[] };

function atRisk(input: NearInput, track: readonly Fix[]): Finding | undefined {
  const exposed = exposure(input);
  const trackBox = polygonBox(track);
  const hits: { z: RiskZone; atMs: number; how: 'position' | 'route'; now: boolean }[] = [];
  const last = track.at(-1)!;
  for (const z of input.zones) {
    if (z.fromMs > input.nowMs) continue;
    const end = Math.min(z.toMs, input.nowMs + 1);
    let first: { atMs: number; how: 'position' | 'route' } | undefined;
    // The route at the alert's start, from where the truck then was.
    const atStart = lastAtOrBefore(track, z.fromMs);
    const startHow = atStart === undefined ? undefined : exposed(z, atStart);
    if (startHow !== undefined) first = { atMs: z.fromMs, how: startHow };
    for (const f of boxesMeet(trackBox, z.box) ? track : []) {
      if (first !== undefined || f.t >= end) break;
      if (f.t >= z.fromMs && inBox(z.box, f) && areaContains(z.area, f)) first = { atMs: f.t, how: 'position' };
    }
    // The route at the alert's end (or now), from where the truck then was.
    const atEnd = lastAtOrBefore(track, end - 1);
    const how = atEnd !== undefined && atEnd.t >= z.fromMs ? exposed(z, atEnd) : undefined;
    if (first === undefined && how !== undefined) first = { atMs: atEnd!.t, how };
    if (first === undefined) continue;
    const nowHow = input.onItsWay && activeAt(z, input.nowMs) ? exposed(z, last) : undefined;
    hits.push({ z, atMs: first.atMs, how: nowHow ?? first.how, now: nowHow !== undefined });
  }
  if (hits.length === 0) return undefined;
  const current = hits.filter((h) => h.now);
  // The one to show: in force now first, then the most severe, then the latest to end, then by identifier.
  const shown = [...(current.length > 0 ? current : hits)].sort((a, b) => rank(a.z) - rank(b.z) || b.z.toMs - a.z.toMs || (a.z.identifier < b.z.identifier ? -1 : 1))[0]!;
  const startMs = Math.min(...hits.map((h) => h.atMs));
  return {
    rule: 'weather/at-risk', params: { severities: RISK_SEVERITIES.join(',') }, subject: { kind: 'shipment', id: input.shipment }, severity: 'warning',
    title: `at risk: ${shown.z.severity.toLowerCase()} ${shown.z.event} alert on its ${shown.how === 'position' ? 'position' : 'remaining route'} (${shown.z.area.areaDesc})`,
    // Ends with the alerts' end (known in advance), so it does not change every time it is judged. `on`: how it is
    // exposed now while active, how it first was once cleared.
    startMs, endMs: Math.max(...hits.map((h) => h.z.toMs)), metAtMs: startMs, active: current.length > 0, episodes: [],
    figures: {
      alerts: new Set(hits.map((h) => h.z.identifier)).size, alert: shown.z.identifier, event: shown.z.event, alertSeverity: shown.z.severity,
      alertUrgency: shown.z.urgency, alertCertainty: shown.z.certainty,
      areaDesc: shown.z.area.areaDesc, on: shown.how, alertFromMs: shown.z.fromMs, alertToMs: shown.z.toMs, ...(shown.z.headline !== undefined ? { headline: shown.z.headline } : {}),
    },
    related: input.related,
  };
}

function rank(z: RiskZone): number {
  return z.severity === 'Extreme' ? 0 : 1;
}

interface Stop { readonly fixes: readonly Fix[]; readonly centre: Fix; readonly ongoing: boolean }

/** Stops of each tracker: runs of fixes within `radiusM` of the run's first fix. */
function stopsOf(track: readonly Fix[], radiusM: number): Stop[] {
  const byDevice = new Map<string, Fix[]>();
  for (const f of track) {
    const list = byDevice.get(f.device);
    if (list === undefined) byDevice.set(f.device, [f]);
    else list.push(f);
  }
  const out: Stop[] = [];
  for (const fixes of byDevice.values()) {
    let i = 0;
    while (i < fixes.length) {
      const centre = fixes[i]!;
      let j = i + 1;
      while (j < fixes.length && haversineM(centre, fixes[j]!) <= radiusM) j++;
      if (j - i > 1) out.push({ fixes: fixes.slice(i, j), centre, ongoing: j === fixes.length });
      i = j;
    }
  }
  return out;
}

function stoppedIn(input: NearInput, track: readonly Fix[]): Finding | undefined {
  const limitMs = (input.stopHours ?? DEFAULT_WEATHER_STOP_HOURS) * 3_600_000;
  let best: { stop: Stop; z: RiskZone; fromMs: number; toMs: number } | undefined;
  for (const stop of stopsOf(track, input.stopRadiusM ?? DEFAULT_WEATHER_STOP_RADIUS_M)) {
    for (const z of input.zones) {
      if (!inBox(z.box, stop.centre) || !areaContains(z.area, stop.centre)) continue;
      const fromMs = Math.max(stop.centre.t, z.fromMs);
      const toMs = Math.min(stop.fixes.at(-1)!.t, z.toMs);
      if (toMs - fromMs <= limitMs) continue;
      // The latest such stop is the one to tell (then the longest).
      if (best === undefined || fromMs > best.fromMs || (fromMs === best.fromMs && toMs - fromMs > best.toMs - best.fromMs)) best = { stop, z, fromMs, toMs };
    }
  }
  if (best === undefined) return undefined;
  const { stop, z, fromMs, toMs } = best;
  const hours = limitMs / 3_600_000;
  const stoppedMs = toMs - fromMs;
  const before = input.windowBefore(stop.centre.t);
  const window = {
    windowP10Ms: before.p10Ms + stoppedMs, windowP50Ms: before.p50Ms + stoppedMs,
    windowP90Ms: Math.max(before.p90Ms + stoppedMs, z.toMs + Math.max(0, before.p90Ms - stop.centre.t)),
  };
  return {
    rule: `weather/stopped/${hours}h`, params: { hours, radiusM: input.stopRadiusM ?? DEFAULT_WEATHER_STOP_RADIUS_M, severities: RISK_SEVERITIES.join(',') },
    subject: { kind: 'shipment', id: input.shipment }, severity: 'major',
    title: `stopped more than ${hours} h inside a ${z.severity.toLowerCase()} ${z.event} alert (${z.area.areaDesc}): delivery predicted late`,
    startMs: fromMs, endMs: toMs, metAtMs: fromMs + limitMs, active: stop.ongoing && input.onItsWay && activeAt(z, input.nowMs), episodes: [],
    figures: {
      stoppedMin: Math.round(stoppedMs / 60_000), stopLat: stop.centre.lat, stopLon: stop.centre.lon, device: stop.centre.device,
      alert: z.identifier, event: z.event, alertSeverity: z.severity, alertUrgency: z.urgency, alertCertainty: z.certainty, alertToMs: z.toMs, windowBasis: before.basis, ...window,
    },
    related: input.related,
  };
}
