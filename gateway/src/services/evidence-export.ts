/**
 * Evidence export (issue #16, docs/evidence.md): every reading behind an order or a shipment, read from the store a
 * page at a time (a month of 1-minute readings never sits in memory), in a stable order, as CSV or JSON bytes with
 * their SHA-256. A cut-off on receive time makes an export reproducible: the same cut-off gives the same bytes while
 * the store and the registry keep what they had. Each reading carries the calibration of its device at its time, from
 * the certificates as they were entered by the cut-off (issue #22), so a certificate entered later changes no bytes.
 */
import { createHash } from 'node:crypto';
import { applyCalibration, type Calibration } from '../domain/calibration/calibration.js';
import type { Location, Segment } from '../domain/custody/spans.js';
import { csvHeader, csvRecord, jsonHead, jsonRecord, jsonTail, type ExportRow, type ExportSubjectKind } from '../domain/evidence/export-format.js';
import type { Placement } from '../domain/registry/types.js';
import type { CalibrationStore } from '../ports/calibration.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import { spanOfPlacement } from './custody.js';
import type { EvidenceService } from './evidence.js';

export interface EvidenceExportOptions {
  /** Readings read from the store per query, per device segment. Default 10 000. */
  readonly pageSize: number;
}

export const DEFAULT_EVIDENCE_EXPORT_OPTIONS: EvidenceExportOptions = { pageSize: 10_000 };

export type ExportFormatName = 'csv' | 'json';

/** What one export covers, fixed before its first byte. */
export interface ExportPlan {
  readonly subject: { readonly kind: ExportSubjectKind; readonly id: string };
  /** Device segments in export order: by start, then device, then location. */
  readonly segments: readonly Segment[];
  /** Readings received after this (gateway time, ms) are left out. */
  readonly asOfMs: number;
  /** Custody placements of the subject's batches (the legs readings are attributed to). */
  readonly batchPlacements: readonly Placement[];
  /** Each segment device's certificates as known at the cut-off (empty: uncalibrated). */
  readonly calibrations: ReadonlyMap<string, readonly Calibration[]>;
}

export interface Digest {
  /** Lower-case hex SHA-256 of the exact bytes. */
  readonly sha256: string;
  readonly bytes: number;
}

const locKey = (l: Location): string => `${l.kind}:${l.id}`;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class EvidenceExportService {
  private readonly options: EvidenceExportOptions;

  constructor(
    private readonly registry: Pick<RegistryStore, 'get' | 'placementsOf' | 'placementsAt'>,
    private readonly evidence: Pick<EvidenceService, 'segments'>,
    private readonly store: Pick<TelemetryStore, 'query'>,
    options: Partial<EvidenceExportOptions> = {},
    /** Calibration certificates (absent: every reading uncalibrated). */
    private readonly certificates?: Pick<CalibrationStore, 'asOf'>,
  ) {
    this.options = { ...DEFAULT_EVIDENCE_EXPORT_OPTIONS, ...options };
  }

  /** The plan of an order's or a shipment's export; undefined when it does not exist. */
  async plan(subject: { kind: ExportSubjectKind; id: string }, asOfMs: number): Promise<ExportPlan | undefined> {
    const kind = subject.kind === 'order' ? 'orders' : 'shipments';
    const found = await this.evidence.segments({ kind, id: subject.id });
    if (found === undefined) return undefined;
    const segments = [...found].sort((a, b) => a.fromMs - b.fromMs || cmp(a.device, b.device) || cmp(locKey(a.location), locKey(b.location)));
    let batchPlacements: Placement[];
    if (subject.kind === 'order') {
      const order = await this.registry.get('orders', subject.id);
      batchPlacements = await this.registry.placementsOf((order?.lines ?? []).map((l) => `batch:${l.batch}`));
    } else {
      batchPlacements = await this.registry.placementsAt({ kind: 'shipment', id: subject.id }, -Infinity, Infinity, 'batch');
    }
    const calibrations = new Map<string, readonly Calibration[]>();
    for (const d of new Set(segments.map((s) => s.device))) calibrations.set(d, (await this.certificates?.asOf(d, asOfMs)) ?? []);
    return { subject, segments, asOfMs, batchPlacements: batchPlacements.filter((p) => p.batch !== undefined), calibrations };
  }

  /**
   * The rows of the plan a page at a time: segment by segment in plan order, within one by device time then metric
   * (the store's order). Pages end on a whole device time, so the next query starts at a time no row was cut from.
   */
  async *rows(plan: ExportPlan): AsyncGenerator<ExportRow[]> {
    const size = this.options.pageSize;
    for (const [index, seg] of plan.segments.entries()) {
      const here = plan.batchPlacements.map(spanOfPlacement).filter((s) => locKey(s.location) === locKey(seg.location) && s.fromMs < seg.toMs && s.toMs > seg.fromMs);
      const byId = new Map(plan.batchPlacements.map((p) => [p.id, p.batch ?? '']));
      const to = Number.isFinite(seg.toMs) ? seg.toMs : Number.MAX_SAFE_INTEGER;
      const certificates = plan.calibrations.get(seg.device) ?? [];
      for (let from = seg.fromMs; ;) {
        const page = await this.store.query({ device: seg.device, from, to, limit: size });
        let keep = page;
        const lastTime = page[page.length - 1]?.time;
        if (page.length === size && lastTime !== undefined) {
          const cut = page.findIndex((r) => r.time === lastTime);
          // A full page of one instant cannot be split by time; it cannot happen with fewer metrics than a page.
          if (cut > 0) keep = page.slice(0, cut);
        }
        const out: ExportRow[] = [];
        for (const r of keep) {
          if (r.receivedAt > plan.asOfMs) continue;
          const legs = here.filter((s) => s.fromMs <= r.time && r.time < s.toMs).map((s) => s.placement).sort(cmp);
          const batches = [...new Set(legs.map((id) => byId.get(id) ?? ''))].sort(cmp);
          out.push({ reading: r, location: seg.location, batches, legs, segment: index, calibration: applyCalibration(certificates, r.metric, r.value, r.time) });
        }
        if (out.length > 0) yield out;
        if (page.length < size || lastTime === undefined) break;
        from = keep === page ? lastTime + 1 : lastTime;
      }
    }
  }

  /** The export's bytes as text pieces (one per page of rows); `onRow` sees every row as it is written. */
  async *chunks(plan: ExportPlan, format: ExportFormatName, onRow?: (row: ExportRow) => void): AsyncGenerator<string> {
    let count = 0;
    yield format === 'csv' ? csvHeader() : jsonHead(plan.subject, plan.segments);
    for await (const page of this.rows(plan)) {
      let text = '';
      for (const row of page) {
        text += format === 'csv' ? csvRecord(row) : jsonRecord(row, count === 0);
        count++;
        onRow?.(row);
      }
      yield text;
    }
    if (format === 'json') yield jsonTail(count);
  }

  /** SHA-256 and length of the export's bytes, read through once without keeping them. */
  async digest(plan: ExportPlan, format: ExportFormatName, onRow?: (row: ExportRow) => void): Promise<Digest & { readonly readings: number }> {
    let readings = 0;
    const d = await digestOf(this.chunks(plan, format, (row) => { readings++; onRow?.(row); }));
    return { ...d, readings };
  }
}

/** SHA-256 and byte count of text pieces as UTF-8. */
export async function digestOf(chunks: AsyncIterable<string>): Promise<Digest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const c of chunks) {
    const buf = Buffer.from(c, 'utf8');
    hash.update(buf);
    bytes += buf.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * The pieces as UTF-8 bytes, checked against the SHA-256 announced before the first byte: the last piece is held
 * back until the hash of all of them is known, and if it differs the generator throws instead of yielding it, so the
 * response ends short of its Content-Length and no client takes it for a complete file.
 */
export async function* verifiedBytes(chunks: AsyncIterable<string>, sha256: string): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let held: Buffer | undefined;
  for await (const c of chunks) {
    if (held !== undefined) yield held;
    held = Buffer.from(c, 'utf8');
    hash.update(held);
  }
  if (hash.digest('hex') !== sha256) throw new Error('the evidence changed between its hash and its download (a placement or a stored reading changed): ask again');
  if (held !== undefined) yield held;
}
