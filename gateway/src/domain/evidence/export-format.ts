/**
 * The bytes of an evidence export (issue #16, docs/evidence.md): the readings behind an order or a shipment as CSV
 * or JSON, one reading a line. Pure: the same rows give the same bytes, so a content hash of a download can be
 * checked by anyone who asks the gateway again for the same cut-off.
 */
import type { Location, Segment } from '../custody/spans.js';
import { timeOf, type AppliedCalibration } from '../calibration/calibration.js';
import { ReadingFlag, type StoredReading } from '../reading.js';

/** A reading with what it is evidence of: where it was taken and which of the subject's batches were there then. */
export interface ExportRow {
  readonly reading: StoredReading;
  readonly location: Location;
  /** The subject's batches placed at the location at the reading's device time, sorted. */
  readonly batches: readonly string[];
  /** Their custody placements (legs) covering that time, sorted. */
  readonly legs: readonly string[];
  /** Index of the custody segment it was read for, in the export's segment order. */
  readonly segment: number;
  /** The device's calibration at the reading's time, from the certificates known at the export's cut-off (issue #22). */
  readonly calibration: AppliedCalibration;
}

/** 2: the calibration columns (issue #22), after those of 1, which keep their places. */
export const EXPORT_FORMAT = 'coldtrace-evidence/2';

export const CSV_COLUMNS = [
  'device', 'metric', 'device_time', 'received_at', 'value', 'unit', 'flags',
  'location_kind', 'location_id', 'batches', 'legs', 'site', 'node', 'seq',
  'corrected_value', 'correction', 'slope', 'uncertainty', 'calibration', 'certificate', 'laboratory', 'calibrated_at', 'calibration_due',
] as const;

const num = (x: number | undefined): string => (x === undefined ? '' : String(x));
/** A certificate's date as entered (a date or a date-time), written as the instant it means. */
const certTime = (s: string): string => new Date(timeOf(s)).toISOString();

/** The calibration fields of a row, in the CSV's order (empty where there is no certificate or no correction). */
function calibrationCells(c: AppliedCalibration): string[] {
  const k = c.calibration;
  return [
    num(c.corrected), num(c.correction), num(c.slope), num(c.uncertainty), c.mark,
    k?.certificate ?? '', k?.laboratory ?? '', k === undefined ? '' : certTime(k.calibratedAt), k === undefined ? '' : certTime(k.dueAt),
  ];
}

/** Names of the ReadingFlag bits set, in bit order. */
export function flagNames(flags: number): string[] {
  const out: string[] = [];
  if ((flags & ReadingFlag.CLOCK_SKEW) !== 0) out.push('clock_skew');
  if ((flags & ReadingFlag.LATE) !== 0) out.push('late');
  return out;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csvHeader = (): string => `${CSV_COLUMNS.join(',')}\r\n`;

const iso = (ms: number): string => new Date(ms).toISOString();

/** One CSV record, CRLF-terminated. Times in ISO 8601 UTC to the millisecond; the value as JavaScript prints it (exact). */
export function csvRecord(row: ExportRow): string {
  const r = row.reading;
  return [
    r.device, r.metric, iso(r.time), iso(r.receivedAt), String(r.value), r.unit, flagNames(r.flags).join(';'),
    row.location.kind, row.location.id, row.batches.join(';'), row.legs.join(';'), r.site, r.node, String(r.seq), ...calibrationCells(row.calibration),
  ].map(csvField).join(',') + '\r\n';
}

export type ExportSubjectKind = 'order' | 'shipment';

/** The download's file name: `evidence-order-O-1.csv`; characters other than A-Z a-z 0-9 . _ - in the id become `_`. */
export const exportFileName = (kind: ExportSubjectKind, id: string, ext: string): string => `evidence-${kind}-${id.replace(/[^A-Za-z0-9._-]/g, '_')}.${ext}`;

/** The opening of the JSON document, up to the first reading: what it is and the custody segments it covers. */
export function jsonHead(subject: { kind: ExportSubjectKind; id: string }, segments: readonly Segment[]): string {
  const segs = segments.map((s) => ({ device: s.device, location: s.location, from: iso(s.fromMs), to: Number.isFinite(s.toMs) ? iso(s.toMs) : null }));
  return `{"format":${JSON.stringify(EXPORT_FORMAT)},"subject":${JSON.stringify(subject)},"segments":${JSON.stringify(segs)},"readings":[\n`;
}

/** One reading of the JSON document, on its own line; times in ms since the epoch as everywhere in the API. */
export function jsonRecord(row: ExportRow, first: boolean): string {
  const r = row.reading;
  const body = {
    device: r.device, metric: r.metric, time: r.time, receivedAt: r.receivedAt, value: r.value, unit: r.unit, flags: flagNames(r.flags),
    location: row.location, batches: row.batches, legs: row.legs, site: r.site, node: r.node, seq: r.seq,
    ...(row.calibration.corrected !== undefined ? { corrected: row.calibration.corrected } : {}), calibration: jsonCalibration(row.calibration),
  };
  return `${first ? '' : ',\n'}${JSON.stringify(body)}`;
}

export function jsonTail(count: number): string {
  return `${count === 0 ? '' : '\n'}],"count":${count}}\n`;
}

/** The calibration of a JSON reading: the mark, and the certificate in force with what it did (the CSV's fields). */
function jsonCalibration(c: AppliedCalibration): Record<string, unknown> {
  const k = c.calibration;
  return {
    mark: c.mark,
    ...(k !== undefined ? { certificate: k.certificate, laboratory: k.laboratory, calibratedAt: certTime(k.calibratedAt), dueAt: certTime(k.dueAt) } : {}),
    ...(c.correction !== undefined ? { correction: c.correction, ...(c.slope !== undefined ? { slope: c.slope } : {}), uncertainty: c.uncertainty } : {}),
  };
}
