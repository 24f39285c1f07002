/**
 * Photos as evidence (issue #21, docs/photos.md): an upload judged (domain/photos/upload.ts), decoded once for its
 * thumbnail and its EXIF time, its bytes and thumbnail stored content-addressed (ports/photo-blobs.ts), its record
 * written and chained (ports/photos.ts). Bad input is refused with the contract's status and a reason and kept in
 * the photo quarantine with its bytes; never dropped.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { exifTimeMs, exifTimeWarnings, judgePhotoBytes, parsePhotoQuery, REFUSAL_STATUS, type PhotoLimits, type PhotoMeta, type PhotoRefusal, type PhotoRefusalCode } from '../domain/photos/upload.js';
import type { Clock } from '../ports/clock.js';
import type { PhotoBlobs } from '../ports/photo-blobs.js';
import { PhotoDecodeError, type PhotoImages } from '../ports/photo-images.js';
import type { PhotoQuarantine, PhotoRecord, PhotoRecords } from '../ports/photos.js';

/** Longest edge of a thumbnail, pixels. */
export const THUMBNAIL_EDGE = 320;

/** The blob key of a photo's thumbnail. */
export const thumbnailKey = (sha256: string): string => `${sha256}.thumb.jpg`;
/** The blob key of refused bytes: their own hash, marked, so a refused body never passes for a stored photo. */
export const quarantineKey = (sha256: string): string => `${sha256}.quarantine`;

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Who uploads: the node of the credential, or (MQTT auth open) the one the query names. */
export interface Uploader {
  readonly site?: string;
  readonly node?: string;
  /** The credential's node: the query must name the same one (a node speaks only for its own devices). */
  readonly authenticated: boolean;
}

export interface Upload {
  readonly pathSha256: string;
  readonly query: Readonly<Record<string, unknown>>;
  /** The query string as received, kept with a refusal. */
  readonly rawQuery: string;
  readonly contentType: string | undefined;
  readonly bytes: Uint8Array;
  readonly uploader: Uploader;
}

export type UploadOutcome =
  | { readonly ok: true; readonly status: 200 | 201; readonly sha256: string; readonly stored: 'new' | 'duplicate'; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly status: 400 | 413 | 415 | 422; readonly code: PhotoRefusalCode; readonly reason: string; readonly quarantineId: number };

export type PhotoOutcome = 'new' | 'duplicate' | 'flagged' | PhotoRefusalCode;

export interface PhotoServiceDeps {
  readonly blobs: PhotoBlobs;
  readonly records: PhotoRecords;
  readonly quarantine: PhotoQuarantine;
  readonly images: PhotoImages;
  readonly clock: Clock;
  readonly log: Logger;
  readonly limits: PhotoLimits;
  /** Counts each upload by outcome (coldtrace_photo_uploads_total). */
  readonly count?: (outcome: PhotoOutcome) => void;
}

export class PhotoService {
  constructor(private readonly deps: PhotoServiceDeps) {}

  get limits(): PhotoLimits {
    return this.deps.limits;
  }

  async upload(u: Upload): Promise<UploadOutcome> {
    const actual = sha256Hex(u.bytes);
    const q = parsePhotoQuery(u.query);
    if (!q.ok) return this.refuse(u, q.refusal, actual);
    const node = nodeOf(u.uploader, q.meta);
    if ('refusal' in node) return this.refuse(u, node.refusal, actual, q.meta);
    if (u.contentType?.split(';')[0]?.trim().toLowerCase() !== 'image/jpeg') {
      return this.refuse(u, { code: 'E_PHOTO_MEDIA_TYPE', reason: `Content-Type must be image/jpeg, not ${JSON.stringify(u.contentType ?? 'none')}` }, actual, q.meta, node);
    }
    // The same bytes again: stored once, answered without decoding them again.
    if (actual === u.pathSha256 && await this.deps.records.get(actual) !== undefined) {
      this.deps.count?.('duplicate');
      return { ok: true, status: 200, sha256: actual, stored: 'duplicate', warnings: [] };
    }
    const judged = judgePhotoBytes(u.bytes, u.pathSha256, actual, this.deps.limits);
    if (!judged.ok) return this.refuse(u, judged.refusal, actual, q.meta, node);
    // The decode (libuv's pool) and the EXIF read at once; the EXIF is not used when the decode fails.
    const exifRead = judged.header.exif ? this.deps.images.exifTimes(u.bytes) : Promise.resolve(undefined);
    let thumb;
    try {
      thumb = await this.deps.images.thumbnail(u.bytes, { edge: THUMBNAIL_EDGE, maxPixels: this.deps.limits.maxPixels });
    } catch (e) {
      await exifRead;
      if (!(e instanceof PhotoDecodeError)) throw e;
      return this.refuse(u, { code: 'E_PHOTO_CORRUPT', reason: e.reason }, actual, q.meta, node);
    }
    const exif = await exifRead;
    const exifMs = exif?.original === undefined ? undefined : exifTimeMs(exif.original, exif.offset, q.meta.offsetMin);
    const warnings = exifTimeWarnings(exifMs, q.meta.takenAtMs, this.deps.limits.exifToleranceMs);
    // Bytes first (both at once: their fsyncs overlap), then the record: a record always names blobs that exist; a
    // blob left without one by a crash is stored again as 'exists' when the agent retries.
    await Promise.all([this.deps.blobs.put(actual, u.bytes, 'image/jpeg'), this.deps.blobs.put(thumbnailKey(actual), thumb.bytes, 'image/jpeg')]);
    const m = q.meta;
    const record: PhotoRecord = {
      sha256: actual, site: node.site, node: node.node, device: m.device, takenAt: m.takenAt, takenAtMs: m.takenAtMs, seq: m.seq, trigger: m.trigger,
      ...(m.station !== undefined ? { station: m.station } : {}), bytes: u.bytes.length, width: judged.header.width, height: judged.header.height,
      ...(exifMs !== undefined ? { exifTimeMs: exifMs } : {}), warnings, thumbnailKey: thumbnailKey(actual), receivedAt: this.deps.clock.now(),
    };
    const stored = await this.deps.records.upsert(record);
    if (stored === 'exists') {
      this.deps.count?.('duplicate');
      return { ok: true, status: 200, sha256: actual, stored: 'duplicate', warnings: [] };
    }
    this.deps.count?.(warnings.length > 0 ? 'flagged' : 'new');
    if (warnings.length > 0) this.deps.log.warn({ sha256: actual, device: m.device, warnings }, 'photo stored with warnings');
    return { ok: true, status: 201, sha256: actual, stored: 'new', warnings };
  }

  /** An upload refused before its body was read (larger than the limit): kept without its bytes. */
  async refuseUnread(u: Omit<Upload, 'bytes'> & { readonly size: number }, refusal: PhotoRefusal): Promise<UploadOutcome> {
    return this.keep(u, refusal, { size: u.size });
  }

  private async refuse(u: Upload, refusal: PhotoRefusal, actual: string, meta?: PhotoMeta, node?: { site: string; node: string }): Promise<UploadOutcome> {
    await this.deps.blobs.put(quarantineKey(actual), u.bytes, u.contentType ?? 'application/octet-stream');
    return this.keep(u, refusal, { size: u.bytes.length, actual }, meta, node);
  }

  private async keep(u: Omit<Upload, 'bytes'>, refusal: PhotoRefusal, body: { size: number; actual?: string }, meta?: PhotoMeta, node?: { site: string; node: string }): Promise<UploadOutcome> {
    const site = node?.site ?? u.uploader.site;
    const nodeId = node?.node ?? u.uploader.node;
    const device = meta?.device ?? (typeof u.query.device === 'string' ? u.query.device.slice(0, 64) : undefined);
    const quarantineId = await this.deps.quarantine.put({
      receivedAt: this.deps.clock.now(), code: refusal.code, reason: refusal.reason, pathSha256: u.pathSha256, query: u.rawQuery.slice(0, 2048), size: body.size,
      ...(site !== undefined ? { site } : {}), ...(nodeId !== undefined ? { node: nodeId } : {}), ...(device !== undefined ? { device } : {}),
      ...(body.actual !== undefined ? { actualSha256: body.actual, blobKey: quarantineKey(body.actual) } : {}),
    });
    this.deps.count?.(refusal.code);
    this.deps.log.warn({ code: refusal.code, reason: refusal.reason, device, site, node: nodeId, quarantineId }, 'photo refused and kept in the photo quarantine');
    return { ok: false, status: REFUSAL_STATUS[refusal.code], code: refusal.code, reason: refusal.reason, quarantineId };
  }
}

/** The node a photo is filed under: the credential's, which the query must not contradict; or the query's. */
function nodeOf(up: Uploader, meta: PhotoMeta): { site: string; node: string } | { refusal: PhotoRefusal } {
  if (up.authenticated && up.site !== undefined && up.node !== undefined) {
    if ((meta.site !== undefined && meta.site !== up.site) || (meta.node !== undefined && meta.node !== up.node)) {
      return { refusal: { code: 'E_PHOTO_QUERY', reason: `the query names node ${meta.site ?? up.site}/${meta.node ?? up.node}, the credential is ${up.site}/${up.node}'s: a node uploads only its own devices' photos` } };
    }
    return { site: up.site, node: up.node };
  }
  if (meta.site === undefined || meta.node === undefined) return { refusal: { code: 'E_PHOTO_QUERY', reason: 'site and node: required (the gateway takes the node from them when MQTT auth is open)' } };
  return { site: meta.site, node: meta.node };
}
