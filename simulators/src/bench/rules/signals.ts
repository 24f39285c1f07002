/**
 * Synthetic but realistic sensor signals for the rules bench: a cold room's air temperature (daily swing, defrost
 * cycles every 6 h, door openings, sensor noise, missed readings) and a truck tracker's track along a route (driving,
 * a short stop on the way, a night at a hub, a long stop, a detour off the corridor). Deterministic for a seed.
 */
import { seededRandom } from '../../random.js';
import type { LatLon, Sample } from './gateway-domain.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** A stretch where the signal is forced to `value` (an excursion, a cold dip), device time, ms. */
export interface Spell {
  readonly fromMs: number;
  readonly toMs: number;
  readonly value: number;
}

export interface ColdRoomOptions {
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMs: number;
  /** Set point, °C. */
  readonly setC: number;
  readonly seed: number;
  readonly spells?: readonly Spell[];
  /** Share of readings lost on the way (radio, restarts). Default 0.005. */
  readonly lossShare?: number;
}

/** A cold room sensor's temperature readings over [fromMs, toMs). */
export function coldRoomTemperature(o: ColdRoomOptions): Sample[] {
  const rnd = seededRandom(o.seed);
  const out: Sample[] = [];
  // Door openings: about eight a day, each warming the air at the sensor for 2-5 min.
  const doors: Spell[] = [];
  for (let t = o.fromMs; t < o.toMs; t += 3 * HOUR) doors.push({ fromMs: t + rnd() * 3 * HOUR, toMs: 0, value: 1 + rnd() });
  const phase = rnd() * 6 * HOUR;
  for (let t = o.fromMs; t < o.toMs; t += o.stepMs) {
    if (rnd() < (o.lossShare ?? 0.005)) continue;
    const spell = o.spells?.find((s) => t >= s.fromMs && t < s.toMs);
    let v = o.setC + 0.4 * Math.sin((2 * Math.PI * (t % DAY)) / DAY) + (rnd() - 0.5) * 0.3;
    // Defrost: 12 min every 6 h, the coil's heat reaching the sensor as a bump of up to 2.5 °C.
    const intoDefrost = (t - o.fromMs + phase) % (6 * HOUR);
    if (intoDefrost < 12 * MIN) v += 2.5 * Math.sin((Math.PI * intoDefrost) / (12 * MIN));
    for (const d of doors) if (t >= d.fromMs && t < d.fromMs + 4 * MIN) v += d.value;
    if (spell !== undefined) v = spell.value + (rnd() - 0.5) * 0.2;
    out.push({ t, v: Math.round(v * 100) / 100 });
  }
  return out;
}

/** Where a stop or a detour of the truck happens, relative to departure, ms. */
export interface TrackPlan {
  readonly departMs: number;
  readonly toMs: number;
  readonly stepMs: number;
  /** Origin, hub, destination. */
  readonly route: readonly LatLon[];
  readonly speedKmh: number;
  /** Stops outside any known place: [start after departure, length], ms. */
  readonly stops: readonly (readonly [number, number])[];
  /** Hours waited at the route's middle point (a hub) when the truck reaches it. */
  readonly hubWaitMs: number;
  /** Off the corridor (~11 km north) over [start, start + length) after departure, ms. */
  readonly detour?: readonly [number, number];
  readonly seed: number;
}

/** A tracker's fixes every stepMs along the plan: lat and lon samples at the same device times. */
export function truckTrack(p: TrackPlan): { lat: Sample[]; lon: Sample[] } {
  const rnd = seededRandom(p.seed);
  const legs = p.route.slice(1).map((b, i) => ({ a: p.route[i]!, b, km: kmBetween(p.route[i]!, b) }));
  const hubKm = legs[0]?.km ?? 0;
  const totalKm = legs.reduce((s, l) => s + l.km, 0);
  const lat: Sample[] = [];
  const lon: Sample[] = [];
  let km = 0;
  let hubUntil = -1;
  for (let t = p.departMs; t < p.toMs; t += p.stepMs) {
    const since = t - p.departMs;
    const stopped = p.stops.some(([s, len]) => since >= s && since < s + len) || t < hubUntil;
    if (!stopped && km < totalKm) {
      const before = km;
      km = Math.min(totalKm, km + (p.speedKmh * p.stepMs) / HOUR);
      if (before < hubKm && km >= hubKm) {
        km = hubKm;
        hubUntil = t + p.hubWaitMs;
      }
    }
    const at = along(legs, km);
    const off = p.detour !== undefined && since >= p.detour[0] && since < p.detour[0] + p.detour[1] ? 0.1 : 0;
    // GPS noise of a few metres.
    lat.push({ t, v: Math.round((at.lat + off + (rnd() - 0.5) * 1e-4) * 1e6) / 1e6 });
    lon.push({ t, v: Math.round((at.lon + (rnd() - 0.5) * 1e-4) * 1e6) / 1e6 });
  }
  return { lat, lon };
}

function along(legs: readonly { a: LatLon; b: LatLon; km: number }[], km: number): LatLon {
  let left = km;
  for (const l of legs) {
    if (left <= l.km) {
      const f = l.km === 0 ? 0 : left / l.km;
      return { lat: l.a.lat + (l.b.lat - l.a.lat) * f, lon: l.a.lon + (l.b.lon - l.a.lon) * f };
    }
    left -= l.km;
  }
  const last = legs[legs.length - 1];
  return last === undefined ? { lat: 0, lon: 0 } : last.b;
}

/** Great-circle distance, km (haversine). */
export function kmBetween(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/**
 * A tracker's motion sensors every stepMs: shock peak (g) and vibration (Grms) per interval, from the truck's state
 * (moving when its position changed), with the given shock events; free falls as sparse event readings.
 */
export function motion(lat: readonly Sample[], lon: readonly Sample[], seed: number, shocks: readonly (readonly [number, number])[]): { shock: Sample[]; vibration: Sample[] } {
  const rnd = seededRandom(seed);
  const shock: Sample[] = [];
  const vibration: Sample[] = [];
  for (let i = 0; i < lat.length; i++) {
    const t = lat[i]!.t;
    const prev = i > 0 ? i - 1 : 0;
    const moving = Math.abs(lat[i]!.v - lat[prev]!.v) + Math.abs(lon[i]!.v - lon[prev]!.v) > 3e-4;
    const event = shocks.find(([at]) => t >= at && t < at + 30_000);
    shock.push({ t, v: event !== undefined ? event[1] : Math.round((moving ? 0.8 + rnd() * 2.5 : 0.1 + rnd() * 0.3) * 100) / 100 });
    vibration.push({ t, v: Math.round((moving ? 0.2 + rnd() * 0.3 : 0.01 + rnd() * 0.02) * 1000) / 1000 });
  }
  return { shock, vibration };
}
