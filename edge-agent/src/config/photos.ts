/**
 * The `photos` section (issue #21): where the camera sources' photos go. The gateway's HTTP(S) base URL, and the
 * bounds of the photo outbox (forward/photo-outbox.ts). Credentials and TLS files are the node's MQTT ones.
 */
import { DEFAULT_PHOTO_OUTBOX_OPTIONS } from '../forward/photo-outbox.js';
import { number, object, optional, string, type Problems } from './check.js';
import type { SourceConfig } from './types.js';

export interface PhotosConfig {
  /** The gateway's base URL, http(s)://host:port; photos go to `PUT {url}/api/v1/photos/{sha256}`. */
  readonly url: string;
  /** Photo outbox cap, bytes. Default 256 MiB. */
  readonly maxBytes: number;
  /** Photo outbox cap, photos. Default 2000. */
  readonly maxPhotos: number;
  /** Photos the gateway refused for good kept in `{dataDir}/photos/rejected`. Default 200. */
  readonly maxRejected: number;
  /** One upload, ms. Default 60 000. */
  readonly timeoutMs: number;
}

export function validatePhotos(raw: unknown, problems: Problems): PhotosConfig | undefined {
  const before = problems.length;
  const o = object(raw, 'photos', problems, ['url', 'maxBytes', 'maxPhotos', 'maxRejected', 'timeoutMs']);
  if (!o) return undefined;
  const url = string(o['url'], 'photos.url', problems, { pattern: /^https?:\/\/[^\s/]+\/?$/, patternText: 'http(s)://host:port (the gateway, no path)' });
  const d = DEFAULT_PHOTO_OUTBOX_OPTIONS;
  const maxBytes = optional(o['maxBytes'], d.maxBytes, (v) => number(v, 'photos.maxBytes', problems, { integer: true, min: 1024 * 1024 }));
  const maxPhotos = optional(o['maxPhotos'], d.maxPhotos, (v) => number(v, 'photos.maxPhotos', problems, { integer: true, min: 1, max: 1_000_000 }));
  const maxRejected = optional(o['maxRejected'], d.maxRejected, (v) => number(v, 'photos.maxRejected', problems, { integer: true, min: 0, max: 100_000 }));
  const timeoutMs = optional(o['timeoutMs'], 60_000, (v) => number(v, 'photos.timeoutMs', problems, { integer: true, min: 1000, max: 3_600_000 }));
  if (problems.length > before) return undefined;
  return { url: url!, maxBytes: maxBytes!, maxPhotos: maxPhotos!, maxRejected: maxRejected!, timeoutMs: timeoutMs! };
}

/**
 * The device ids a source's config names: its `device`, a Modbus bus's `devices[].id`, an LLRP reader's
 * `antennas[].device` (each antenna may be another door). Read by shape, so a new kind with these fields is covered.
 */
function devicesOf(s: SourceConfig): string[] {
  const o = s as unknown as Record<string, unknown>;
  const out = typeof o['device'] === 'string' ? [o['device']] : [];
  for (const [list, key] of [['devices', 'id'], ['antennas', 'device']] as const) {
    const items = o[list];
    if (!Array.isArray(items)) continue;
    for (const item of items as Record<string, unknown>[]) if (typeof item[key] === 'string') out.push(item[key]);
  }
  return out;
}

/**
 * Cross-source checks of camera sources: a camera needs the `photos` section, and each trigger must name a device
 * another source of this agent has (a trigger on a device of another node would never fire).
 */
export function checkCameraReferences(
  sources: readonly SourceConfig[], indexOf: (s: SourceConfig) => number, hasPhotos: boolean, problems: Problems,
): void {
  const cameras = sources.filter((s) => s.kind === 'camera');
  if (cameras.length === 0) return;
  if (!hasPhotos) problems.push(`photos: required with a camera source (sources[${indexOf(cameras[0]!)}]): the gateway URL the photos go to`);
  const devices = new Set(sources.flatMap(devicesOf));
  for (const c of cameras) {
    c.triggers.forEach((t, i) => {
      if (!devices.has(t.device)) problems.push(`sources[${indexOf(c)}].triggers[${i}].device: no source of this agent has device ${JSON.stringify(t.device)}`);
    });
  }
}
