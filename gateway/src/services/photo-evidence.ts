/**
 * Which photos are evidence for an order or a shipment (issue #21, docs/photos.md "Custody"): a camera is placed like
 * any device (a zone such as the packing station, or a shipment at a dock), so the device segments custody gives a
 * subject (EvidenceService.segments) name its cameras too; a photo is evidence when its camera took it inside one of
 * them. Computed on request from the placements, so a placement recorded late links the photos it covers at once.
 * The timeline carries ids, times and links only: the bytes are separate, cached URLs.
 */
import type { Location, Segment } from '../domain/custody/spans.js';
import type { Placement } from '../domain/registry/types.js';
import type { PhotoRecord, PhotoRecords } from '../ports/photos.js';
import { spanOfPlacement } from './custody.js';

export interface LinkedPhoto {
  readonly record: PhotoRecord;
  /** Where its camera was placed when it was taken. */
  readonly location: Location;
}

/** The API paths of a photo's bytes (what the timeline links to). */
export const photoLinks = (sha256: string): { original: string; thumbnail: string } => ({ original: `/api/v1/photos/${sha256}`, thumbnail: `/api/v1/photos/${sha256}/thumbnail` });

/** Photos taken by a device inside one of its segments (received by `receivedBy` when given), by takenAt, each once. */
export async function photosInSegments(photos: Pick<PhotoRecords, 'ofDevices'>, segments: readonly Segment[], receivedBy?: number): Promise<LinkedPhoto[]> {
  if (segments.length === 0) return [];
  const from = Math.min(...segments.map((s) => s.fromMs));
  const to = Math.max(...segments.map((s) => s.toMs));
  const byDevice = new Map<string, Segment[]>();
  for (const s of segments) byDevice.set(s.device, [...(byDevice.get(s.device) ?? []), s]);
  const out: LinkedPhoto[] = [];
  for (const record of await photos.ofDevices([...byDevice.keys()], from, to)) {
    if (receivedBy !== undefined && record.receivedAt > receivedBy) continue;
    const seg = byDevice.get(record.device)?.find((s) => s.fromMs <= record.takenAtMs && record.takenAtMs < s.toMs);
    if (seg !== undefined) out.push({ record, location: seg.location });
  }
  return out;
}

/** The batches among `placements` that were at `location` at `t`. */
export function batchesAt(placements: readonly Placement[], location: Location, t: number): string[] {
  const out = new Set<string>();
  for (const p of placements) {
    if (p.batch === undefined) continue;
    const s = spanOfPlacement(p);
    if (s.location.kind === location.kind && s.location.id === location.id && s.fromMs <= t && t < s.toMs) out.add(p.batch);
  }
  return [...out].sort();
}
