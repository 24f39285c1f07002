/**
 * A GPS receiver driving along a route: GGA + RMC once per interval (1 Hz by default) with correct checksums
 * (NMEA 0183, docs/domain.md §4), written to a serial port. Deterministic given the seed, the clock and the ticker.
 *
 * Its encoder is written independently of the agent's decoder, so a test of one against the other can fail.
 */
import { realTicker, systemSimClock, SerialWriter, type SimClock, type Ticker } from './serial-writer.js';
import { seededRandom } from '../random.js';

export interface Waypoint {
  /** Decimal degrees, south negative. */
  readonly lat: number;
  /** Decimal degrees, west negative. */
  readonly lon: number;
}

/** One epoch as the simulator emitted it (positions as encoded, to 1e-5 minute). */
export interface EmittedFix {
  /** GPS time, ms since the epoch. */
  readonly time: number;
  readonly lat: number;
  readonly lon: number;
  readonly speedKmh: number;
  readonly courseDeg: number;
  readonly satellites: number;
  readonly hdop: number;
  readonly altitudeM: number;
  /** A fault injected into this epoch; such an epoch must not become a fix. */
  readonly fault?: GpsFault;
}

export type GpsFault = 'bad-checksum' | 'no-fix';

export interface GpsSimulatorOptions {
  /** Serial path to write to (one end of a pty pair). */
  readonly path: string;
  /** Default 9600. */
  readonly baudRate?: number;
  /** At least one waypoint; with one, the receiver stands still. */
  readonly route: readonly Waypoint[];
  /** Ground speed along the route, km/h. Default 60. */
  readonly speedKmh?: number;
  /** Time between epochs, ms. Default 1000. */
  readonly intervalMs?: number;
  /** How far the receiving device's clock runs AHEAD of GPS time, ms: GPS time = clock - offset. Default 0. */
  readonly clockOffsetMs?: number;
  /** Constant altitude, m. Default 50. */
  readonly altitudeM?: number;
  /** Talker id. Default `GP`. */
  readonly talker?: string;
  /** Restart the route at the end instead of parking at the last waypoint. Default false. */
  readonly loop?: boolean;
  /** Seed of the satellite-count and HDOP jitter. Default 1. */
  readonly seed?: number;
  readonly clock?: SimClock;
  readonly ticker?: Ticker;
}

const EARTH_RADIUS_KM = 6371;
const KMH_PER_KNOT = 1.852;
const rad = (d: number): number => (d * Math.PI) / 180;

/** Great-circle distance, km (haversine, R = 6371 km, docs/domain.md §3). */
export function haversineKm(p: Waypoint, q: Waypoint): number {
  const dLat = rad(q.lat - p.lat);
  const dLon = rad(q.lon - p.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(p.lat)) * Math.cos(rad(q.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from p to q, degrees true in [0, 360). */
export function bearingDeg(p: Waypoint, q: Waypoint): number {
  const y = Math.sin(rad(q.lon - p.lon)) * Math.cos(rad(q.lat));
  const x = Math.cos(rad(p.lat)) * Math.sin(rad(q.lat)) - Math.sin(rad(p.lat)) * Math.cos(rad(q.lat)) * Math.cos(rad(q.lon - p.lon));
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

/**
 * Where a vehicle is after `distanceKm` along the route. Within a segment the position is interpolated linearly in
 * lat/lon (fine for segments of a few km); past the end it parks at the last waypoint (`moving` false).
 */
export function positionAlong(route: readonly Waypoint[], distanceKm: number, loop = false): Waypoint & { courseDeg: number; moving: boolean } {
  const first = route[0];
  if (!first) throw new Error('route needs at least one waypoint');
  const lengths = route.slice(1).map((q, i) => haversineKm(route[i] as Waypoint, q));
  const total = lengths.reduce((s, l) => s + l, 0);
  let d = loop && total > 0 ? distanceKm % total : distanceKm;
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i] as number;
    const p = route[i] as Waypoint;
    const q = route[i + 1] as Waypoint;
    if (d <= len && len > 0) {
      const f = d / len;
      return { lat: p.lat + (q.lat - p.lat) * f, lon: p.lon + (q.lon - p.lon) * f, courseDeg: bearingDeg(p, q), moving: true };
    }
    d -= len;
  }
  const last = route[route.length - 1] as Waypoint;
  const prev = route.length > 1 ? (route[route.length - 2] as Waypoint) : last;
  return { lat: last.lat, lon: last.lon, courseDeg: route.length > 1 ? bearingDeg(prev, last) : 0, moving: false };
}

function checksum(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return x.toString(16).toUpperCase().padStart(2, '0');
}

/** Decimal degrees -> [`ddmm.mmmmm`, hemisphere] and the value that text stands for. */
export function encodeCoordinate(deg: number, axis: 'lat' | 'lon'): { text: string; hemisphere: string; value: number } {
  const totalMin = Math.round(Math.abs(deg) * 60 * 1e5) / 1e5;
  const d = Math.floor(totalMin / 60);
  const m = totalMin - d * 60;
  const text = `${String(d).padStart(axis === 'lat' ? 2 : 3, '0')}${m.toFixed(5).padStart(8, '0')}`;
  const hemisphere = axis === 'lat' ? (deg < 0 ? 'S' : 'N') : deg < 0 ? 'W' : 'E';
  return { text, hemisphere, value: (deg < 0 ? -1 : 1) * (d + Number(m.toFixed(5)) / 60) };
}

function utcFields(time: number): { hhmmss: string; ddmmyy: string } {
  const t = new Date(time);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const cs = p2(Math.floor(t.getUTCMilliseconds() / 10));
  return {
    hhmmss: `${p2(t.getUTCHours())}${p2(t.getUTCMinutes())}${p2(t.getUTCSeconds())}.${cs}`,
    ddmmyy: `${p2(t.getUTCDate())}${p2(t.getUTCMonth() + 1)}${p2(t.getUTCFullYear() % 100)}`,
  };
}

/** The GGA and RMC lines (CRLF-terminated) of one epoch. `fix.time` must be a multiple of 10 ms. */
export function nmeaEpoch(fix: Omit<EmittedFix, 'lat' | 'lon'> & Waypoint, talker = 'GP'): string[] {
  const { hhmmss, ddmmyy } = utcFields(fix.time);
  const lat = encodeCoordinate(fix.lat, 'lat');
  const lon = encodeCoordinate(fix.lon, 'lon');
  const noFix = fix.fault === 'no-fix';
  const gga = noFix
    ? `${talker}GGA,${hhmmss},,,,,0,00,99.99,,M,,M,,`
    : `${talker}GGA,${hhmmss},${lat.text},${lat.hemisphere},${lon.text},${lon.hemisphere},1,${String(fix.satellites).padStart(2, '0')},${fix.hdop.toFixed(2)},${fix.altitudeM.toFixed(1)},M,46.9,M,,`;
  const rmc = `${talker}RMC,${hhmmss},${noFix ? 'V' : 'A'},${lat.text},${lat.hemisphere},${lon.text},${lon.hemisphere},${(fix.speedKmh / KMH_PER_KNOT).toFixed(3)},${fix.courseDeg.toFixed(2)},${ddmmyy},,,${noFix ? 'N' : 'A'}`;
  return [gga, rmc].map((body) => {
    const sum = fix.fault === 'bad-checksum' ? checksum(body + 'X') : checksum(body);
    return `$${body}*${sum}\r\n`;
  });
}

export class GpsSimulator {
  /** Every epoch written, in order. */
  readonly emitted: EmittedFix[] = [];
  private readonly o: Required<Omit<GpsSimulatorOptions, 'clock' | 'ticker'>>;
  private readonly clock: SimClock;
  private readonly ticker: Ticker;
  private readonly random: () => number;
  private writer: SerialWriter | undefined;
  private task: { cancel(): void } | undefined;
  private startedAt: number | undefined;
  private nextFault: GpsFault | undefined;

  constructor(options: GpsSimulatorOptions) {
    this.o = {
      baudRate: 9600, speedKmh: 60, intervalMs: 1000, clockOffsetMs: 0, altitudeM: 50, talker: 'GP', loop: false, seed: 1,
      ...options,
    };
    this.clock = options.clock ?? systemSimClock;
    this.ticker = options.ticker ?? realTicker;
    this.random = seededRandom(this.o.seed);
  }

  /** Opens the port and starts emitting, the first epoch at once. */
  async start(): Promise<void> {
    this.writer = await SerialWriter.open(this.o.path, this.o.baudRate);
    this.startedAt = this.clock.now();
    this.epoch();
    this.task = this.ticker.every(this.o.intervalMs, () => this.epoch());
  }

  /** Makes the next epoch faulty: its sentences must be dropped by the receiver side. */
  inject(fault: GpsFault): void {
    this.nextFault = fault;
  }

  /** Writes one epoch now (the ticker calls this; tests may too). */
  epoch(): EmittedFix {
    const now = this.clock.now();
    const elapsedH = (now - (this.startedAt ?? now)) / 3_600_000;
    const pos = positionAlong(this.o.route, elapsedH * this.o.speedKmh, this.o.loop);
    const lat = encodeCoordinate(pos.lat, 'lat').value;
    const lon = encodeCoordinate(pos.lon, 'lon').value;
    const fix: EmittedFix = {
      // Receivers report time to the centisecond.
      time: Math.round((now - this.o.clockOffsetMs) / 10) * 10,
      lat,
      lon,
      speedKmh: pos.moving ? Number((this.o.speedKmh / KMH_PER_KNOT).toFixed(3)) * KMH_PER_KNOT : 0,
      courseDeg: Number(pos.courseDeg.toFixed(2)),
      satellites: 7 + Math.floor(this.random() * 5),
      hdop: Number((0.8 + this.random() * 0.6).toFixed(2)),
      altitudeM: this.o.altitudeM,
      ...(this.nextFault ? { fault: this.nextFault } : {}),
    };
    this.nextFault = undefined;
    this.emitted.push(fix);
    for (const line of nmeaEpoch(fix, this.o.talker)) this.writer?.write(line);
    return fix;
  }

  async stop(): Promise<void> {
    this.task?.cancel();
    this.task = undefined;
    await this.writer?.drain().catch(() => undefined);
    await this.writer?.close();
    this.writer = undefined;
  }
}
