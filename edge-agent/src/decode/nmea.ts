/**
 * NMEA 0183 sentence decoding (docs/domain.md §4): GGA and RMC, checksum verified. Pure: no I/O, no clock reads.
 *
 * Invalid fixes are not errors of the decoder: they come back as `{ ok: false, reason }` so the caller can count
 * them per reason as data quality (docs/domain.md §3).
 */
import { METRICS, type MetricSpec } from '@coldtrace/contract';

/** Why a sentence was not turned into a fix. */
export type NmeaDropReason =
  /** Missing `*hh`, or the XOR of the characters between `$` and `*` differs. */
  | 'checksum'
  /** Not a `$...` sentence, too few fields, or a field that does not parse. */
  | 'malformed'
  /** A well-formed sentence of a type we do not decode (GSV, GSA, VTG ...). Not a data-quality problem. */
  | 'unsupported'
  /** GGA fix quality 0: the receiver has no fix. */
  | 'no_fix'
  /** RMC status V: navigation receiver warning, the position is not valid. */
  | 'void'
  /** Latitude and longitude both exactly 0: an unset position some receivers emit before the first fix. */
  | 'null_island';

export const NMEA_DROP_REASONS: readonly NmeaDropReason[] = ['checksum', 'malformed', 'unsupported', 'no_fix', 'void', 'null_island'];

export interface GgaSentence {
  readonly type: 'GGA';
  /** Two-letter talker id: GP (GPS), GN (multi-GNSS), GL, GA, BD ... */
  readonly talker: string;
  /** UTC time of the fix, ms since midnight. */
  readonly timeOfDayMs: number;
  /** Decimal degrees, south negative. */
  readonly lat: number;
  /** Decimal degrees, west negative. */
  readonly lon: number;
  /** Fix quality: 1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, 6 dead reckoning ... (0 is dropped). */
  readonly quality: number;
  readonly satellites?: number;
  readonly hdop?: number;
  /** Altitude above mean sea level, metres. */
  readonly altitudeM?: number;
}

export interface RmcSentence {
  readonly type: 'RMC';
  readonly talker: string;
  readonly timeOfDayMs: number;
  /** GPS time of the fix (date + time, UTC), ms since the epoch. */
  readonly time: number;
  readonly lat: number;
  readonly lon: number;
  /** Speed over ground, km/h (knots × 1.852). */
  readonly speedKmh?: number;
  /** Course over ground, degrees true. Receivers leave it empty when stationary. */
  readonly courseDeg?: number;
}

export type NmeaSentence = GgaSentence | RmcSentence;

export type NmeaParseResult =
  | { readonly ok: true; readonly sentence: NmeaSentence }
  | { readonly ok: false; readonly reason: NmeaDropReason; readonly detail?: string };

/** km/h per knot (international nautical mile, 1852 m). */
export const KMH_PER_KNOT = 1.852;

/** XOR of every character of `body` (the text between `$` and `*`). */
export function nmeaChecksum(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i) & 0xff;
  return sum;
}

/** `hhmmss(.sss)` -> ms since midnight, or undefined. */
export function parseNmeaTime(field: string): number | undefined {
  const m = /^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$/.exec(field);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3]);
  if (h > 23 || min > 59 || s >= 61) return undefined;
  return Math.round(((h * 60 + min) * 60 + s) * 1000);
}

/**
 * `ddmmyy` -> ms since the epoch at 00:00 UTC. Two-digit years: 80-99 are 1980-1999, 00-79 are 2000-2079
 * (the GPS epoch is 1980, so no receiver reports an earlier year).
 */
export function parseNmeaDate(field: string): number | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(field);
  if (!m) return undefined;
  const day = Number(m[1]);
  const month = Number(m[2]);
  const yy = Number(m[3]);
  if (day < 1 || day > 31 || month < 1 || month > 12) return undefined;
  const year = yy >= 80 ? 1900 + yy : 2000 + yy;
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 31 Feb over into March: reject dates that do not exist.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  return ms;
}

/**
 * `ddmm.mmmm` (latitude) or `dddmm.mmmm` (longitude) with its hemisphere -> decimal degrees: dd + mm/60,
 * S and W negative (docs/domain.md §4).
 */
export function parseNmeaCoordinate(value: string, hemisphere: string, axis: 'lat' | 'lon'): number | undefined {
  const degDigits = axis === 'lat' ? 2 : 3;
  const re = axis === 'lat' ? /^(\d{2})(\d{2}(?:\.\d+)?)$/ : /^(\d{3})(\d{2}(?:\.\d+)?)$/;
  const m = re.exec(value);
  if (!m || m[1]?.length !== degDigits) return undefined;
  const deg = Number(m[1]);
  const min = Number(m[2]);
  if (min >= 60) return undefined;
  const abs = deg + min / 60;
  if (abs > (axis === 'lat' ? 90 : 180)) return undefined;
  const neg = axis === 'lat' ? 'S' : 'W';
  const pos = axis === 'lat' ? 'N' : 'E';
  if (hemisphere === neg) return -abs;
  if (hemisphere === pos) return abs;
  return undefined;
}

function optionalNumber(field: string | undefined): number | undefined | null {
  if (field === undefined || field === '') return undefined;
  if (!/^-?\d+(?:\.\d+)?$/.test(field)) return null;
  return Number(field);
}

/**
 * Whether a decoded number is one the metric catalogue accepts: a value outside it would get the whole fix (its
 * position too) refused by the gateway, so the sentence is malformed here, where it is counted (issue #17: fuzzing
 * found `GGA ... 1,240000,...` published as 240000 satellites).
 */
function plausible(v: number | undefined, metric: keyof typeof METRICS): boolean {
  if (v === undefined) return true;
  const spec: MetricSpec = METRICS[metric];
  return (spec.type !== 'int' || Number.isInteger(v)) && (spec.min === undefined || v >= spec.min) && (spec.max === undefined || v <= spec.max);
}

type Fail = { ok: false; reason: NmeaDropReason; detail?: string };
const fail = (reason: NmeaDropReason, detail?: string): Fail => (detail === undefined ? { ok: false, reason } : { ok: false, reason, detail });

/** Splits `$BODY*hh`, verifies the checksum and returns the comma-separated fields of BODY. */
export function splitNmea(line: string): { ok: true; fields: string[] } | Fail {
  const text = line.trim();
  if (!text.startsWith('$')) return fail('malformed', 'does not start with $');
  const star = text.lastIndexOf('*');
  if (star < 0) return fail('checksum', 'no checksum');
  const body = text.slice(1, star);
  const given = text.slice(star + 1);
  if (!/^[0-9A-Fa-f]{2}$/.test(given)) return fail('checksum', `bad checksum field "${given}"`);
  const expected = nmeaChecksum(body);
  if (parseInt(given, 16) !== expected) {
    return fail('checksum', `checksum ${given.toUpperCase()}, computed ${expected.toString(16).toUpperCase().padStart(2, '0')}`);
  }
  return { ok: true, fields: body.split(',') };
}

function position(f: readonly string[], i: number): { lat: number; lon: number } | Fail {
  const lat = parseNmeaCoordinate(f[i] ?? '', f[i + 1] ?? '', 'lat');
  const lon = parseNmeaCoordinate(f[i + 2] ?? '', f[i + 3] ?? '', 'lon');
  if (lat === undefined || lon === undefined) return fail('malformed', 'bad position');
  if (lat === 0 && lon === 0) return fail('null_island');
  return { lat, lon };
}

function parseGga(talker: string, f: readonly string[]): NmeaParseResult {
  if (f.length < 10) return fail('malformed', 'GGA has too few fields');
  const quality = optionalNumber(f[6]);
  // Quality first: a receiver without a fix sends empty position fields, which is "no fix", not "malformed".
  if (quality === 0 || quality === undefined) return fail('no_fix');
  if (quality === null || !Number.isInteger(quality)) return fail('malformed', 'bad GGA quality');
  const timeOfDayMs = parseNmeaTime(f[1] ?? '');
  if (timeOfDayMs === undefined) return fail('malformed', 'bad GGA time');
  const pos = position(f, 2);
  if ('ok' in pos) return pos;
  const sats = optionalNumber(f[7]);
  const hdop = optionalNumber(f[8]);
  const alt = optionalNumber(f[9]);
  if (sats === null || hdop === null || alt === null) return fail('malformed', 'bad GGA number');
  if (!plausible(sats, 'gps.sats') || !plausible(hdop, 'gps.hdop') || !plausible(alt, 'gps.alt')) return fail('malformed', 'GGA number outside the metric catalogue');
  const gga: GgaSentence = {
    type: 'GGA', talker, timeOfDayMs, lat: pos.lat, lon: pos.lon, quality,
    ...(sats === undefined ? {} : { satellites: sats }),
    ...(hdop === undefined ? {} : { hdop }),
    ...(alt === undefined ? {} : { altitudeM: alt }),
  };
  return { ok: true, sentence: gga };
}

function parseRmc(talker: string, f: readonly string[]): NmeaParseResult {
  if (f.length < 10) return fail('malformed', 'RMC has too few fields');
  if (f[2] === 'V') return fail('void');
  if (f[2] !== 'A') return fail('malformed', 'bad RMC status');
  // NMEA 2.3+ mode indicator: N (data not valid) also means no fix.
  if (f[12] === 'N') return fail('void');
  const timeOfDayMs = parseNmeaTime(f[1] ?? '');
  const date = parseNmeaDate(f[9] ?? '');
  if (timeOfDayMs === undefined || date === undefined) return fail('malformed', 'bad RMC time or date');
  const pos = position(f, 3);
  if ('ok' in pos) return pos;
  const knots = optionalNumber(f[7]);
  const course = optionalNumber(f[8]);
  if (knots === null || course === null) return fail('malformed', 'bad RMC number');
  const speedKmh = knots === undefined ? undefined : knots * KMH_PER_KNOT;
  if (!plausible(speedKmh, 'gps.speed') || !plausible(course, 'gps.course')) return fail('malformed', 'RMC number outside the metric catalogue');
  const rmc: RmcSentence = {
    type: 'RMC', talker, timeOfDayMs, time: date + timeOfDayMs, lat: pos.lat, lon: pos.lon,
    ...(speedKmh === undefined ? {} : { speedKmh }),
    ...(course === undefined ? {} : { courseDeg: course }),
  };
  return { ok: true, sentence: rmc };
}

/** Decodes one NMEA 0183 line (with or without the trailing CR/LF). */
export function parseNmeaSentence(line: string): NmeaParseResult {
  const split = splitNmea(line);
  if (!split.ok) return split;
  const address = split.fields[0] ?? '';
  // Proprietary sentences ($PUBX ...) have no talker/type split.
  if (!/^[A-Z]{2}[A-Z]{3}$/.test(address)) return fail('unsupported', address);
  const talker = address.slice(0, 2);
  switch (address.slice(2)) {
    case 'GGA':
      return parseGga(talker, split.fields);
    case 'RMC':
      return parseRmc(talker, split.fields);
    default:
      return fail('unsupported', address);
  }
}
