/**
 * The photos of the PDF evidence report (issue #21, docs/photos.md "Evidence"): each photo its cameras took while
 * custody linked them to the subject, as its thumbnail with its SHA-256 (the original's: `sha256sum` of the photo
 * downloaded from the gateway gives it), its device time, camera, place and the batches there.
 */
import type { Location } from '../domain/custody/spans.js';
import type { PhotoBlobs } from '../ports/photo-blobs.js';
import type { PhotoRecords } from '../ports/photos.js';
import type { Doc } from './evidence-pdf-chart.js';
import type { ExportPlan } from './evidence-export.js';
import { batchesAt, photosInSegments } from './photo-evidence.js';

/** Most photos drawn in one report; the rest are counted (the timeline and the API list them all). */
export const MAX_REPORT_PHOTOS = 200;

export interface ReportPhoto {
  readonly sha256: string;
  readonly takenAt: string;
  readonly takenAtMs: number;
  readonly device: string;
  readonly trigger: string;
  readonly station?: string;
  readonly location: Location;
  readonly batches: readonly string[];
  readonly warnings: readonly string[];
  /** Thumbnail JPEG; undefined when its blob is missing (said in the report). */
  readonly thumbnail?: Uint8Array;
}

export interface ReportPhotos {
  readonly photos: readonly ReportPhoto[];
  /** Photos linked beyond MAX_REPORT_PHOTOS, not drawn. */
  readonly more: number;
}

/** The photos of an export plan (received by its cut-off), with their thumbnails. */
export async function reportPhotos(deps: { readonly records: Pick<PhotoRecords, 'ofDevices'>; readonly blobs: Pick<PhotoBlobs, 'get'> }, plan: ExportPlan): Promise<ReportPhotos> {
  const linked = await photosInSegments(deps.records, plan.segments, plan.asOfMs);
  const photos: ReportPhoto[] = [];
  for (const { record: r, location } of linked.slice(0, MAX_REPORT_PHOTOS)) {
    const thumbnail = await deps.blobs.get(r.thumbnailKey);
    photos.push({
      sha256: r.sha256, takenAt: r.takenAt, takenAtMs: r.takenAtMs, device: r.device, trigger: r.trigger, ...(r.station !== undefined ? { station: r.station } : {}),
      location, batches: batchesAt(plan.batchPlacements, location, r.takenAtMs), warnings: r.warnings, ...(thumbnail !== undefined ? { thumbnail } : {}),
    });
  }
  return { photos, more: Math.max(0, linked.length - MAX_REPORT_PHOTOS) };
}

const MARGIN = 50;
const THUMB_W = 150;
const THUMB_H = 112;
const ROW_H = THUMB_H + 14;

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Pages of photos: one row per photo, its thumbnail on the left, what it is on the right. */
export function drawReportPhotos(doc: Doc, r: ReportPhotos): void {
  if (r.photos.length === 0) return;
  doc.addPage();
  doc.font('Helvetica-Bold').fontSize(12).fillColor('#000000').text(`Photos (${r.photos.length + r.more})`, MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(9).text('Taken by cameras placed where the goods were. Each SHA-256 is that of the original JPEG: download it from the gateway and check it with sha256sum. The hashes are in the gateway\'s tamper-evidence chain.');
  let y = doc.y + 10;
  for (const p of r.photos) {
    if (y + ROW_H > doc.page.height - MARGIN) {
      doc.addPage();
      y = MARGIN;
    }
    if (p.thumbnail !== undefined) doc.image(Buffer.from(p.thumbnail.buffer, p.thumbnail.byteOffset, p.thumbnail.byteLength), MARGIN, y, { fit: [THUMB_W, THUMB_H] });
    else doc.rect(MARGIN, y, THUMB_W, THUMB_H).stroke('#999999');
    const x = MARGIN + THUMB_W + 12;
    doc.font('Helvetica-Bold').fontSize(9).fillColor('#000000').text(`${iso(p.takenAtMs)} (device time ${p.takenAt})`, x, y, { width: doc.page.width - x - MARGIN });
    doc.font('Helvetica').fontSize(8.5)
      .text(`Camera ${p.device}${p.station !== undefined ? ` at ${p.station}` : ''}, in ${p.location.kind} ${p.location.id}; trigger ${p.trigger}`)
      .text(`Batches there: ${p.batches.join(', ') || '-'}`);
    for (const w of p.warnings) doc.fillColor('#a00000').text(w).fillColor('#000000');
    if (p.thumbnail === undefined) doc.fillColor('#a00000').text('Thumbnail missing from the photo store').fillColor('#000000');
    doc.font('Courier').fontSize(7.5).text(`SHA-256 ${p.sha256}`).font('Helvetica');
    y += ROW_H;
  }
  if (r.more > 0) doc.font('Helvetica').fontSize(9).text(`${r.more} more photos are not drawn here: GET /api/v1/photos lists them.`, MARGIN, Math.min(y, doc.page.height - MARGIN - 12));
}
