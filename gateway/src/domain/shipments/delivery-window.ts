/**
 * A shipment's predicted delivery window (docs/dashboard.md, "Delivery window"): when it arrives, as P10, P50 and P90
 * of the arrival time, from the route distance still to go and the speeds observed. Pure.
 *
 * - Still to go: the planned route's length beyond the point of the route nearest the latest kept fix.
 * - Speeds on this shipment: its progress along the route in each whole hour of its track (stops included, so an
 *   hour at a hub or in a queue counts as the zero it was), km/h. The time to go is the distance over the mean of as
 *   many hours as it takes; that mean is near-normal for more than a few hours (central limit), with the spread of
 *   one hour over √n: quantiles of the speed give those of the time (P10 of the time from P90 of the speed).
 * - Speeds on this lane: without 3 hours of its own track, the effective speeds (route length over the time from
 *   departure to arrival) of the lane's past shipments; each is a whole trip's mean already, so its spread is used
 *   as it is.
 * Without either, there is no window: the promised delivery is all there is to go by.
 */
import { alongRouteM, routeLengthM } from '../registry/geofence.js';
import type { LatLon } from '../registry/types.js';

const HOUR_MS = 3_600_000;
/** The standard normal's 90th percentile. */
const Z90 = 1.2816;
/** Hours needed for a basis. */
export const MIN_SAMPLES = 3;

export interface DeliveryWindowInput {
  readonly route: readonly LatLon[];
  /** The shipment's kept fixes, any order. */
  readonly track: readonly { readonly t: number; readonly lat: number; readonly lon: number }[];
  /** Effective speeds of the lane's past shipments, km/h. */
  readonly laneKmh: readonly number[];
}

export interface DeliveryWindow {
  readonly basis: 'this shipment' | 'this lane';
  /** Route still to go from the latest kept fix, km. */
  readonly remainingKm: number;
  /** The speed samples the window is from, and their mean and spread, km/h. */
  readonly samples: number;
  readonly meanKmh: number;
  readonly sdKmh: number;
  /** Arrival times, ms: 10 %, 50 % and 90 % likely by then. */
  readonly p10Ms: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
}

/** The window, or undefined without a route, a fix, or 3 speed samples from either source. */
export function deliveryWindow(input: DeliveryWindowInput): DeliveryWindow | undefined {
  if (input.route.length < 2 || input.track.length === 0) return undefined;
  const track = [...input.track].sort((a, b) => a.t - b.t);
  const along = track.map((f) => ({ t: f.t, m: alongRouteM(input.route, f)! }));
  const last = along[along.length - 1]!;
  const remainingKm = Math.max(0, routeLengthM(input.route) - last.m) / 1000;
  const own = hourlyKmh(along);
  const basis = own.length >= MIN_SAMPLES ? 'this shipment' : input.laneKmh.length >= MIN_SAMPLES ? 'this lane' : undefined;
  if (basis === undefined) return undefined;
  const xs = basis === 'this shipment' ? own : input.laneKmh;
  const meanKmh = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sdKmh = Math.sqrt(xs.reduce((a, b) => a + (b - meanKmh) ** 2, 0) / Math.max(1, xs.length - 1));
  const at = (kmh: number): number => last.t + (remainingKm / kmh) * HOUR_MS;
  if (remainingKm === 0 || meanKmh <= 0) {
    const t = remainingKm === 0 ? last.t : Infinity;
    return { basis, remainingKm, samples: xs.length, meanKmh, sdKmh, p10Ms: t, p50Ms: t, p90Ms: t };
  }
  // The mean of the hours to go (about remaining / mean of them) for the shipment's own hours; a trip mean as it is for the lane's.
  const n = basis === 'this shipment' ? Math.max(1, remainingKm / meanKmh) : 1;
  const spread = (Z90 * sdKmh) / Math.sqrt(n);
  // A slow tail never slower than a quarter of the mean: an hour's spread over few hours would otherwise reach zero.
  return { basis, remainingKm, samples: xs.length, meanKmh, sdKmh, p10Ms: at(meanKmh + spread), p50Ms: at(meanKmh), p90Ms: at(Math.max(meanKmh / 4, meanKmh - spread)) };
}

/** Progress along the route in each whole hour from the first fix, km/h (the last partial hour left out). */
function hourlyKmh(along: readonly { readonly t: number; readonly m: number }[]): number[] {
  const out: number[] = [];
  const first = along[0];
  if (first === undefined) return out;
  let start = first;
  for (const p of along) {
    if (p.t - start.t < HOUR_MS) continue;
    // Whole hours between two fixes (a silence of 3 h is 3 hours at the mean of that stretch).
    const hours = Math.floor((p.t - start.t) / HOUR_MS);
    const kmh = (p.m - start.m) / 1000 / ((p.t - start.t) / HOUR_MS);
    for (let i = 0; i < hours; i++) out.push(kmh);
    start = p;
  }
  return out;
}
