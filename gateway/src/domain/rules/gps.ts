/**
 * A shipment's GPS rules (docs/domain.md §3, §9): invalid fixes dropped and counted, route deviation, unplanned and
 * prolonged stops, and visits to known places (arrival and departure with hysteresis). Each tracker's track is
 * judged on its own and the flags are their union, as for the other transit rules (episodes name the tracker).
 * Pure: a function of the fixes, the route, the known geofences and the evaluation time; the same fixes in any
 * order, repeated or not, give the same result.
 */
import type { Episode, Finding, Related, Severity } from '../flags/types.js';
import { contains, distanceToPolylineM, haversineM } from '../registry/geofence.js';
import type { Geofence, LatLon, ShipmentMode } from '../registry/types.js';
import { dedupe, type Sample } from './step-hold.js';

const MIN_MS = 60_000;

/** One position of one tracker: device time, ms, and WGS 84 degrees. */
export interface Fix {
  readonly t: number;
  readonly lat: number;
  readonly lon: number;
  readonly device: string;
}

export interface KnownPlace {
  readonly id: string;
  readonly kind: 'origin' | 'destination' | 'hub';
  readonly geofence: Geofence;
}

export interface GpsSettings {
  /** Highest plausible speed per mode, km/h: a fix implying more, from the tracker's previous kept fix, is dropped. */
  readonly maxSpeedKmh: Readonly<Record<ShipmentMode, number>>;
  /** Beyond the corridor for at least this long is a route deviation. */
  readonly deviationMin: number;
  /** A stop: staying within this distance of its first fix ... */
  readonly stopRadiusM: number;
  /** ... for at least this long (unplanned stop), or this many hours (prolonged stop). */
  readonly stopMin: number;
  readonly prolongedStopH: number;
  /** Geofence exit hysteresis: this many consecutive fixes outside, or outside fixes spanning this many minutes. */
  readonly exitFixes: number;
  readonly exitMin: number;
}

/**
 * Defaults of docs/domain.md §3 and §9. Road 150 and air 1000 km/h are the reference's. Rail 350 km/h: high-speed
 * freight trains run on 350 km/h lines, and the check is there to catch position jumps, not to police speed, so a
 * maximum below a real service speed would drop true fixes. Sea 100 km/h (54 kn): above any cargo vessel, fast
 * ro-ro ferries included (about 40 kn).
 */
export const GPS_DEFAULTS: GpsSettings = {
  maxSpeedKmh: { road: 150, air: 1000, rail: 350, sea: 100 },
  deviationMin: 10,
  stopRadiusM: 200,
  stopMin: 30,
  prolongedStopH: 4,
  exitFixes: 2,
  exitMin: 2,
};

export interface GpsInput {
  readonly shipment: string;
  readonly mode: ShipmentMode;
  /** Any order; `pairFixes` makes them from a tracker's gps.lat and gps.lon readings. */
  readonly fixes: readonly Fix[];
  /** The planned route; empty: no route known, no route deviation rule. */
  readonly route: readonly LatLon[];
  /** Half-width of the corridor around the route, metres. */
  readonly corridorM: number;
  /** The shipment's origin and destination sites and its hubs. */
  readonly known: readonly KnownPlace[];
  /** Evaluation time, ms: fixes after it are dropped (`future`). */
  readonly nowMs: number;
  /** Passed through to every finding. */
  readonly related: Related;
  readonly settings?: Partial<GpsSettings>;
}

export const DROP_REASONS = ['out-of-range', 'zero-position', 'future', 'duplicate-time', 'speed'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** A stay of one tracker inside a known place: from the first fix inside to the first fix of the exit. */
export interface Visit {
  readonly place: string;
  readonly kind: KnownPlace['kind'];
  readonly device: string;
  readonly arrivedMs: number;
  /** Absent while the tracker has not (yet, by the hysteresis) left. */
  readonly departedMs?: number;
}

export interface GpsResult {
  /** Route deviation, unplanned stop, prolonged stop, in that order (each only when found). */
  findings: Finding[];
  /** Fixes dropped as invalid, by reason (only reasons that dropped any, in DROP_REASONS order). */
  dropped: { reason: DropReason; count: number }[];
  /** In order of arrival (then place, then tracker). */
  visits: Visit[];
}

/** A tracker's gps.lat and gps.lon readings joined by device time (each deduped as `dedupe` does); unpaired ones are left out. */
export function pairFixes(lat: readonly Sample[], lon: readonly Sample[], device: string): Fix[] {
  const lons = new Map(dedupe(lon).map((s) => [s.t, s.v]));
  return dedupe(lat).flatMap((s) => {
    const v = lons.get(s.t);
    return v === undefined ? [] : [{ t: s.t, lat: s.v, lon: v, device }];
  });
}

export function gpsFindings(input: GpsInput): GpsResult {
  const s: GpsSettings = { ...GPS_DEFAULTS, ...input.settings };
  const { tracks, dropped } = cleanTracks(input.fixes, input.nowMs, s.maxSpeedKmh[input.mode]);
  const findings: Finding[] = [];
  const subject = { kind: 'shipment' as const, id: input.shipment };
  const make = (rule: string, params: Record<string, unknown>, severity: Severity, title: string, found: Found[], figures: Record<string, number>): void => {
    const episodes = found.map((f) => f.episode).sort((a, b) => a.startMs - b.startMs || ((a.device ?? '') < (b.device ?? '') ? -1 : 1));
    if (episodes.length === 0) return;
    findings.push({
      rule, params, subject, severity, title,
      startMs: Math.min(...episodes.map((e) => e.startMs)), endMs: Math.max(...episodes.map((e) => e.endMs)),
      metAtMs: Math.min(...episodes.map((e) => e.metAtMs)), active: found.some((f) => f.active), episodes, figures, related: input.related,
    });
  };

  if (input.route.length > 0) {
    const deviations = [...tracks].flatMap(([device, track]) => deviationRuns(track, device, input.route, input.corridorM, s.deviationMin * MIN_MS));
    make(`route-deviation/${input.corridorM}/${s.deviationMin}`, { corridorM: input.corridorM, minDurationMin: s.deviationMin }, 'major',
      `off the route by more than ${input.corridorM} m for ${s.deviationMin} min or more`, deviations,
      { deviations: deviations.length, maxDistanceM: Math.round(Math.max(0, ...deviations.map((d) => d.episode.max))), longestMin: longestMin(deviations) });
  }

  const stopMs = s.stopMin * MIN_MS;
  const allStops = [...tracks].flatMap(([device, track]) => stopsOf(track, device, s.stopRadiusM, stopMs))
    // A stop inside a known place never flags, whatever its length (docs/domain.md §9): any of its fixes inside counts.
    .filter((st) => !st.fixes.some((f) => input.known.some((k) => contains(k.geofence, f))));
  const stopFigures = (found: Stop[]): Record<string, number> => {
    const last = [...found].sort((a, b) => a.episode.startMs - b.episode.startMs || (a.centre.device < b.centre.device ? -1 : 1)).at(-1);
    return { stops: found.length, longestMin: longestMin(found), ...(last && { lastStopLat: last.centre.lat, lastStopLon: last.centre.lon }) };
  };
  const params = { radiusM: s.stopRadiusM, minDurationMin: s.stopMin };
  make(`unplanned-stop/${s.stopRadiusM}/${s.stopMin}`, params, 'warning',
    `stopped (within ${s.stopRadiusM} m) for ${s.stopMin} min or more outside known places`, allStops, stopFigures(allStops));
  // The same stops reaching the longer duration: a second, escalated flag, its metAt at start + that duration.
  const prolongedMs = s.prolongedStopH * 60 * MIN_MS;
  const prolonged = allStops.filter((st) => st.episode.durationMs >= prolongedMs)
    .map((st) => ({ ...st, episode: { ...st.episode, metAtMs: st.episode.startMs + prolongedMs } }));
  make(`prolonged-stop/${s.prolongedStopH}h`, { radiusM: s.stopRadiusM, minDurationH: s.prolongedStopH }, 'major',
    `stopped (within ${s.stopRadiusM} m) for ${s.prolongedStopH} h or more outside known places`, prolonged, stopFigures(prolonged));

  const visits = [...tracks].flatMap(([device, track]) => input.known.flatMap((k) => visitsOf(track, device, k, s)))
    .sort((a, b) => a.arrivedMs - b.arrivedMs || cmp(a.place, b.place) || cmp(a.kind, b.kind) || cmp(a.device, b.device));
  return { findings, dropped, visits };
}

interface Found {
  readonly episode: Episode;
  /** The tracker's last fix belongs to this episode: the condition still holds at the end of the data. */
  readonly active: boolean;
}

interface Stop extends Found {
  readonly centre: Fix;
  readonly fixes: readonly Fix[];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const longestMin = (found: readonly Found[]): number => Math.round(Math.max(0, ...found.map((f) => f.episode.durationMs)) / MIN_MS);

/**
 * Valid fixes per tracker, in time order (trackers in id order). Dropped, in this order: non-finite or out-of-range
 * values, position (0, 0), a time after `nowMs`; then of several fixes at one time the one with the lowest latitude
 * (then longitude) is kept; then, walking in time order, a fix implying a speed above `maxKmh` from the previous
 * kept fix (docs/domain.md §3). The walk trusts the first valid fix: a wrong first fix drops the true ones after it.
 */
function cleanTracks(fixes: readonly Fix[], nowMs: number, maxKmh: number): { tracks: Map<string, Fix[]>; dropped: GpsResult['dropped'] } {
  const counts = new Map<DropReason, number>();
  const drop = (r: DropReason): void => void counts.set(r, (counts.get(r) ?? 0) + 1);
  const byDevice = new Map<string, Fix[]>();
  for (const f of fixes) {
    const finite = Number.isFinite(f.t) && Number.isFinite(f.lat) && Number.isFinite(f.lon);
    if (!finite || Math.abs(f.lat) > 90 || Math.abs(f.lon) > 180) drop('out-of-range');
    else if (f.lat === 0 && f.lon === 0) drop('zero-position');
    else if (f.t > nowMs) drop('future');
    else {
      const list = byDevice.get(f.device);
      if (list === undefined) byDevice.set(f.device, [f]);
      else list.push(f);
    }
  }
  const tracks = new Map<string, Fix[]>();
  for (const device of [...byDevice.keys()].sort(cmp)) {
    const sorted = byDevice.get(device)!.sort((a, b) => a.t - b.t || a.lat - b.lat || a.lon - b.lon);
    const kept: Fix[] = [];
    let prevT: number | undefined;
    for (const f of sorted) {
      if (f.t === prevT) { drop('duplicate-time'); continue; }
      prevT = f.t;
      const prev = kept.at(-1);
      // Distance over time against speed, as metres against (km/h / 3.6) m/s × seconds: no division by the interval.
      if (prev !== undefined && haversineM(prev, f) > (maxKmh / 3.6) * ((f.t - prev.t) / 1000)) { drop('speed'); continue; }
      kept.push(f);
    }
    tracks.set(device, kept);
  }
  return { tracks, dropped: DROP_REASONS.flatMap((reason) => (counts.has(reason) ? [{ reason, count: counts.get(reason)! }] : [])) };
}

/**
 * Runs of consecutive fixes farther than `corridorM` from the route (a fix inside ends a run) lasting at least `minMs`
 * from the first fix beyond to the last (inclusive; only observed time counts, none after the last fix beyond).
 * Met at the run's start + `minMs`; the episode's values are distances to the route, metres.
 */
function deviationRuns(track: readonly Fix[], device: string, route: readonly LatLon[], corridorM: number, minMs: number): Found[] {
  const out: Found[] = [];
  let run: Sample[] = [];
  const close = (atEnd: boolean): void => {
    const first = run[0];
    const last = run.at(-1);
    if (first !== undefined && last !== undefined && last.t - first.t >= minMs) out.push({ episode: episodeOf(run, first.t + minMs, device), active: atEnd });
    run = [];
  };
  for (const f of track) {
    const d = distanceToPolylineM(route, f);
    if (d > corridorM) run.push({ t: f.t, v: d });
    else close(false);
  }
  close(true);
  return out;
}

/**
 * Stops of one tracker: from a fix, the fixes after it staying within `radiusM` of it, for at least `minMs` from it
 * to the last of them (inclusive). A stop ends at the first fix farther than `radiusM` from its first fix (the
 * stop's centre), where the search goes on; from a fix that starts no stop, it goes on at the next fix. Values are
 * distances from the centre, metres.
 */
function stopsOf(track: readonly Fix[], device: string, radiusM: number, minMs: number): Stop[] {
  const out: Stop[] = [];
  let i = 0;
  while (i < track.length) {
    const centre = track[i]!;
    let j = i + 1;
    while (j < track.length && haversineM(centre, track[j]!) <= radiusM) j++;
    const fixes = track.slice(i, j);
    if (fixes.at(-1)!.t - centre.t < minMs) { i++; continue; }
    const samples = fixes.map((f) => ({ t: f.t, v: haversineM(centre, f) }));
    out.push({ centre, fixes, episode: episodeOf(samples, centre.t + minMs, device), active: j === track.length });
    i = j;
  }
  return out;
}

/** The evidence of a run of samples (at least one, time order): each value holds until the next sample (step-hold). */
function episodeOf(run: readonly Sample[], metAtMs: number, device: string): Episode {
  const first = run[0]!;
  const last = run.at(-1)!;
  const durationMs = last.t - first.t;
  let weighted = 0;
  for (let k = 0; k + 1 < run.length; k++) weighted += run[k]!.v * (run[k + 1]!.t - run[k]!.t);
  const values = run.map((x) => x.v);
  // Reduced rather than spread: a long run of frequent fixes can exceed the engine's argument count.
  return {
    startMs: first.t, endMs: last.t, metAtMs, durationMs, firstOffending: first, lastOffending: last,
    min: values.reduce((a, b) => Math.min(a, b)), max: values.reduce((a, b) => Math.max(a, b)),
    twa: durationMs > 0 ? weighted / durationMs : values.reduce((a, b) => a + b, 0) / values.length, mkt: undefined, device,
  };
}

/**
 * Visits of one tracker to one place, with hysteresis (docs/domain.md §9): it arrives at the first fix inside; it
 * leaves only when `exitFixes` consecutive fixes lie outside, or outside fixes span `exitMin` from the first to the
 * last of them, and then at the first of them; an outside fix followed by one inside again was a blip. A run of
 * outside fixes at the end of the data that does not meet this yet leaves the visit open.
 */
function visitsOf(track: readonly Fix[], device: string, place: KnownPlace, s: GpsSettings): Visit[] {
  const out: Visit[] = [];
  const base = { place: place.id, kind: place.kind, device };
  let arrivedMs: number | undefined;
  let outside: Fix[] = [];
  for (const f of track) {
    const inside = contains(place.geofence, f);
    if (arrivedMs === undefined) {
      if (inside) arrivedMs = f.t;
      continue;
    }
    if (inside) { outside = []; continue; }
    outside.push(f);
    const firstOut = outside[0]!;
    if (outside.length >= s.exitFixes || f.t - firstOut.t >= s.exitMin * MIN_MS) {
      out.push({ ...base, arrivedMs, departedMs: firstOut.t });
      arrivedMs = undefined;
      outside = [];
    }
  }
  if (arrivedMs !== undefined) out.push({ ...base, arrivedMs });
  return out;
}
