/**
 * An uploaded photo judged (issue #21, docs/photos.md "Validation"): its query (who took it, when, why), its bytes
 * (a JPEG whose hash is the one in its path, of a size and pixel count within the limits) and its EXIF capture time
 * against its device time. Refusals carry a code, the HTTP status the contract gives them, and a reason; every one
 * is kept in the photo quarantine by the service. Pure: the hash and the EXIF fields are read by the caller.
 */
import { isValidId, MAX_STATION_LENGTH, PHOTO_TRIGGERS, type PhotoTrigger } from '@coldtrace/contract';
import { readJpegHeader, type JpegHeader } from './jpeg-header.js';

export interface PhotoLimits {
  /** Largest body, bytes. Default 10 MiB (COLDTRACE_PHOTO_MAX_BYTES). */
  readonly maxBytes: number;
  /** Most pixels (width x height) a photo may declare. Default 50 million (COLDTRACE_PHOTO_MAX_PIXELS). */
  readonly maxPixels: number;
  /** EXIF DateTimeOriginal further than this from takenAt is flagged, ms. Default 10 min (COLDTRACE_PHOTO_EXIF_TOLERANCE_S). */
  readonly exifToleranceMs: number;
}

export const DEFAULT_PHOTO_LIMITS: PhotoLimits = { maxBytes: 10 * 1024 * 1024, maxPixels: 50_000_000, exifToleranceMs: 10 * 60_000 };

export type PhotoRefusalCode =
  | 'E_PHOTO_QUERY' | 'E_PHOTO_HASH' | 'E_PHOTO_TOO_LARGE' | 'E_PHOTO_MEDIA_TYPE' | 'E_PHOTO_NOT_JPEG' | 'E_PHOTO_PIXELS' | 'E_PHOTO_CORRUPT';

/** The contract's status per refusal. */
export const REFUSAL_STATUS: Readonly<Record<PhotoRefusalCode, 400 | 413 | 415 | 422>> = {
  E_PHOTO_QUERY: 400, E_PHOTO_HASH: 400, E_PHOTO_TOO_LARGE: 413, E_PHOTO_MEDIA_TYPE: 415, E_PHOTO_NOT_JPEG: 415, E_PHOTO_PIXELS: 422, E_PHOTO_CORRUPT: 422,
};

export interface PhotoRefusal {
  readonly code: PhotoRefusalCode;
  readonly reason: string;
}

/** The upload's query, checked. */
export interface PhotoMeta {
  readonly device: string;
  /** As sent (ISO 8601 with an offset). */
  readonly takenAt: string;
  readonly takenAtMs: number;
  /** The offset of takenAt, minutes east of UTC: an EXIF time without its own offset is read in it. */
  readonly offsetMin: number;
  readonly seq: number;
  readonly trigger: PhotoTrigger;
  readonly station?: string;
  /** The node as the query names it (checked against the credential by the route). */
  readonly site?: string;
  readonly node?: string;
}

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** ms and offset (minutes east) of an ISO 8601 time with an offset; undefined when it is not one or not a real time. */
export function parseOffsetTime(s: string): { ms: number; offsetMin: number } | undefined {
  const m = ISO_WITH_OFFSET.exec(s);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, se, frac, zone] = m as unknown as [string, string, string, string, string, string, string, string | undefined, string];
  const offsetMin = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se), frac === undefined ? 0 : Math.floor(Number(`0${frac}`) * 1000));
  const back = new Date(local);
  // Date.UTC rolls 2026-02-30 over to March: a date that does not round-trip does not exist.
  if (back.getUTCFullYear() !== Number(y) || back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return undefined;
  if (Math.abs(offsetMin) > 18 * 60) return undefined;
  return { ms: local - offsetMin * 60_000, offsetMin };
}

type Query = Readonly<Record<string, unknown>>;

/** The upload's query checked; every problem named. */
export function parsePhotoQuery(q: Query): { ok: true; meta: PhotoMeta } | { ok: false; refusal: PhotoRefusal } {
  const problems: string[] = [];
  const str = (k: string): string | undefined => (typeof q[k] === 'string' && q[k] !== '' ? q[k] : undefined);
  const device = str('device');
  if (device === undefined) problems.push('device: required');
  else if (!isValidId(device)) problems.push(`device: not a device id: ${JSON.stringify(device.slice(0, 80))}`);
  const takenAtRaw = str('takenAt');
  const takenAt = takenAtRaw === undefined ? undefined : parseOffsetTime(takenAtRaw);
  if (takenAtRaw === undefined) problems.push('takenAt: required');
  else if (takenAt === undefined) problems.push(`takenAt: expected an ISO 8601 time with an offset (2026-03-01T10:00:00+01:00), got ${JSON.stringify(takenAtRaw.slice(0, 40))}`);
  const seqRaw = str('seq');
  if (seqRaw === undefined) problems.push('seq: required');
  else if (!/^\d{1,15}$/.test(seqRaw)) problems.push(`seq: expected an integer >= 0, got ${JSON.stringify(seqRaw.slice(0, 20))}`);
  const trigger = str('trigger');
  if (trigger === undefined) problems.push('trigger: required');
  else if (!(PHOTO_TRIGGERS as readonly string[]).includes(trigger)) problems.push(`trigger: expected one of ${PHOTO_TRIGGERS.join(', ')}, got ${JSON.stringify(trigger.slice(0, 20))}`);
  const station = str('station');
  if (station !== undefined && [...station].length > MAX_STATION_LENGTH) problems.push(`station: at most ${MAX_STATION_LENGTH} characters`);
  const site = str('site');
  const node = str('node');
  for (const [k, v] of [['site', site], ['node', node]] as const) if (v !== undefined && !isValidId(v)) problems.push(`${k}: not an id: ${JSON.stringify(v.slice(0, 80))}`);
  if (problems.length > 0 || device === undefined || takenAt === undefined || takenAtRaw === undefined || seqRaw === undefined) {
    return { ok: false, refusal: { code: 'E_PHOTO_QUERY', reason: problems.join('; ') } };
  }
  return {
    ok: true,
    meta: {
      device, takenAt: takenAtRaw, takenAtMs: takenAt.ms, offsetMin: takenAt.offsetMin, seq: Number(seqRaw), trigger: trigger as PhotoTrigger,
      ...(station !== undefined ? { station } : {}), ...(site !== undefined ? { site } : {}), ...(node !== undefined ? { node } : {}),
    },
  };
}

/**
 * The bytes judged: the hash in the path against the body's (`actualSha256`, computed by the caller), then the JPEG
 * header, then the declared pixels. Order matters: a bomb is refused before anything decodes it.
 */
export function judgePhotoBytes(bytes: Uint8Array, pathSha256: string, actualSha256: string, limits: PhotoLimits): { ok: true; header: JpegHeader } | { ok: false; refusal: PhotoRefusal } {
  if (bytes.length > limits.maxBytes) return { ok: false, refusal: { code: 'E_PHOTO_TOO_LARGE', reason: `${bytes.length} bytes, more than the ${limits.maxBytes} allowed` } };
  const read = readJpegHeader(bytes);
  if (!read.ok) return { ok: false, refusal: { code: read.problem.kind === 'not-jpeg' ? 'E_PHOTO_NOT_JPEG' : 'E_PHOTO_CORRUPT', reason: read.problem.reason } };
  if (actualSha256 !== pathSha256) {
    return { ok: false, refusal: { code: 'E_PHOTO_HASH', reason: `the body's SHA-256 is ${actualSha256}, not the ${pathSha256} of its path: changed on the way or after it was hashed` } };
  }
  const { width, height } = read.header;
  if (width * height > limits.maxPixels) {
    return { ok: false, refusal: { code: 'E_PHOTO_PIXELS', reason: `declares ${width} x ${height} = ${width * height} pixels, more than the ${limits.maxPixels} allowed (a decompression bomb?)` } };
  }
  return { ok: true, header: read.header };
}

const EXIF_TIME = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const EXIF_OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/**
 * An EXIF DateTimeOriginal ("2026:03:01 10:00:00", no zone) as ms: in its OffsetTimeOriginal when the camera wrote
 * one, else in the offset of takenAt (the device's own clock zone). Undefined when it is not a real time.
 */
export function exifTimeMs(original: string, offset: string | undefined, fallbackOffsetMin: number): number | undefined {
  const m = EXIF_TIME.exec(original.trim().replace(/\0+$/, ''));
  if (m === null) return undefined;
  const o = offset === undefined ? null : EXIF_OFFSET.exec(offset.trim());
  const offsetMin = o === null ? fallbackOffsetMin : (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3]));
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return parseOffsetTime(iso)?.ms;
}

/**
 * The EXIF time against the device time: a warning when they are further apart than the tolerance (the camera's
 * clock is off, or the picture is an old one sent again), none when close or when there is no EXIF time.
 */
export function exifTimeWarnings(exifMs: number | undefined, takenAtMs: number, toleranceMs: number): string[] {
  if (exifMs === undefined) return [];
  const diff = exifMs - takenAtMs;
  if (Math.abs(diff) <= toleranceMs) return [];
  const s = Math.round(Math.abs(diff) / 1000);
  return [`EXIF_TIME_OFF: the EXIF capture time ${new Date(exifMs).toISOString()} is ${s} s ${diff < 0 ? 'before' : 'after'} takenAt (tolerance ${Math.round(toleranceMs / 1000)} s)`];
}
