/**
 * The PDF evidence report of an order or a shipment (issue #16, docs/evidence.md): what it summarises is gathered
 * here in one pass over the CSV export (its hash, and per custody segment a bounded temperature chart), the PDF is
 * drawn by evidence-pdf.ts. Dated from the data, never the wall clock, so the same data gives the same bytes.
 */
import { ChartBuckets, type ChartBucket } from '../domain/evidence/chart-buckets.js';
import { LegCalibration, type LegCalibrationSummary } from '../domain/evidence/leg-calibration.js';
import { exportFileName } from '../domain/evidence/export-format.js';
import type { Location } from '../domain/custody/spans.js';
import type { Flag } from '../domain/flags/types.js';
import type { Limit } from '../domain/registry/types.js';
import type { FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import type { EvidenceExportService, ExportPlan } from './evidence-export.js';
import { renderEvidencePdf } from './evidence-pdf.js';
import { reportPhotos, type ReportPhotos } from './evidence-pdf-photos.js';
import type { PhotoBlobs } from '../ports/photo-blobs.js';
import type { PhotoRecords } from '../ports/photos.js';

/** The metric charted per leg. */
export const CHART_METRIC = 'temperature';

export interface ReportLeg {
  readonly device: string;
  readonly location: Location;
  readonly fromMs: number;
  /** Infinity while the custody is open. */
  readonly toMs: number;
  readonly batches: readonly string[];
  readonly readings: number;
  /** The leg's temperature readings, bucketed; undefined when it has none. */
  readonly chart?: { readonly unit: string; readonly buckets: readonly ChartBucket[]; readonly widthMs: number; readonly min: number; readonly max: number };
  /** The certificates applied to its readings and the readings overdue or uncalibrated (issue #22). */
  readonly calibration?: LegCalibrationSummary;
}

export interface EvidenceReport {
  readonly plan: ExportPlan;
  /** Label and value lines about the order or shipment. */
  readonly summary: readonly (readonly [string, string])[];
  readonly legs: readonly ReportLeg[];
  /** Temperature limits of the products of the subject's batches, each value once. */
  readonly limits: readonly Pick<Limit, 'bound' | 'value'>[];
  readonly flags: readonly Flag[];
  readonly csv: {
    readonly sha256: string; readonly bytes: number; readonly readings: number; readonly name: string;
    /** The CSV's Ed25519 signature and the key's fingerprint (docs/evidence.md "Signatures"); absent when nothing signs. */
    readonly signature?: { readonly signature: string; readonly keyFingerprint: string };
  };
  /** The latest receive time of a reading in it, else of the subject's last custody start, else 0; ms. */
  readonly dataTimeMs: number;
  /** Photos its cameras took while linked to the subject (docs/photos.md); absent without a photo store. */
  readonly photos?: ReportPhotos;
}

interface LegAcc { batches: Set<string>; readings: number; chart?: ChartBuckets; unit?: string; calibration: LegCalibration }

export class EvidenceReportService {
  constructor(
    private readonly exports: EvidenceExportService,
    private readonly registry: Pick<RegistryStore, 'get'>,
    private readonly flags: Pick<FlagStore, 'list'>,
    /** Signs an export given its SHA-256 (IntegrityService.signExport); the report prints the CSV's signature. */
    private readonly sign?: (sha256: string) => { readonly signature: string; readonly keyFingerprint: string },
    /** Photo records and blobs: the report shows the photos' thumbnails with their hashes (docs/photos.md). */
    private readonly photos?: { readonly records: Pick<PhotoRecords, 'ofDevices'>; readonly blobs: Pick<PhotoBlobs, 'get'> },
  ) {}

  async report(plan: ExportPlan): Promise<EvidenceReport> {
    const acc = new Map<number, LegAcc>(plan.segments.map((_, i) => [i, { batches: new Set(), readings: 0, calibration: new LegCalibration(CHART_METRIC) }]));
    let dataTimeMs = 0;
    const d = await this.exports.digest(plan, 'csv', (row) => {
      const a = acc.get(row.segment);
      if (row.reading.receivedAt > dataTimeMs) dataTimeMs = row.reading.receivedAt;
      if (a === undefined) return;
      a.readings++;
      for (const b of row.batches) a.batches.add(b);
      a.calibration.add(row);
      if (row.reading.metric === CHART_METRIC) {
        a.chart ??= new ChartBuckets();
        a.unit ??= row.reading.unit;
        // Charted as the rules judge it: corrected where a certificate gives a correction.
        a.chart.add(row.reading.time, row.calibration.corrected ?? row.reading.value);
      }
    });
    const legs = plan.segments.map((s, i): ReportLeg => {
      const a = acc.get(i);
      const buckets = a?.chart?.result() ?? [];
      const chart = a?.chart === undefined || buckets.length === 0 ? undefined : {
        unit: a.unit ?? '', buckets, widthMs: a.chart.widthMs, min: Math.min(...buckets.map((b) => b.min)), max: Math.max(...buckets.map((b) => b.max)),
      };
      return {
        device: s.device, location: s.location, fromMs: s.fromMs, toMs: s.toMs, batches: [...(a?.batches ?? [])].sort(), readings: a?.readings ?? 0,
        ...(chart !== undefined ? { chart } : {}), ...(a !== undefined ? { calibration: a.calibration.result() } : {}),
      };
    });
    if (dataTimeMs === 0) dataTimeMs = Math.max(0, ...plan.segments.map((s) => s.fromMs));
    return {
      plan, summary: await this.summary(plan), legs, limits: await this.limits(plan), flags: await this.flagsOf(plan),
      csv: { ...d, name: exportFileName(plan.subject.kind, plan.subject.id, 'csv'), ...(this.sign !== undefined ? { signature: this.sign(d.sha256) } : {}) }, dataTimeMs,
      ...(this.photos !== undefined ? { photos: await reportPhotos(this.photos, plan) } : {}),
    };
  }

  /** The report as PDF bytes. */
  async pdf(plan: ExportPlan): Promise<Buffer> {
    return renderEvidencePdf(await this.report(plan));
  }

  private async summary(plan: ExportPlan): Promise<[string, string][]> {
    const { kind, id } = plan.subject;
    if (kind === 'order') {
      const o = await this.registry.get('orders', id);
      if (o === undefined) return [];
      const status = o.statuses[o.statuses.length - 1];
      return [
        ['Customer', o.customer],
        ['Lines', o.lines.map((l) => `${l.batch} x ${l.quantity}`).join(', ')],
        ['Shipments', o.shipments.join(', ') || '-'],
        ['Promised delivery', o.promisedDelivery],
        ['Latest status', status === undefined ? '-' : `${status.status} at ${status.at} (${status.source})`],
      ];
    }
    const s = await this.registry.get('shipments', id);
    if (s === undefined) return [];
    return [
      ['Carrier', `${s.carrier}, lane ${s.lane}, ${s.mode}`],
      ['Route', [s.origin, ...s.hubs, s.destination].join(' -> ')],
      ['Planned departure', s.plannedDeparture],
      ['Promised delivery', s.promisedDelivery],
    ];
  }

  private async limits(plan: ExportPlan): Promise<Pick<Limit, 'bound' | 'value'>[]> {
    const out = new Map<string, Pick<Limit, 'bound' | 'value'>>();
    const batches = [...new Set(plan.batchPlacements.map((p) => p.batch ?? ''))].sort();
    for (const id of batches) {
      const batch = await this.registry.get('batches', id);
      const product = batch === undefined ? undefined : await this.registry.get('products', batch.product);
      for (const l of product?.limits ?? []) if (l.metric === CHART_METRIC) out.set(`${l.bound}:${l.value}`, { bound: l.bound, value: l.value });
    }
    return [...out.values()].sort((a, b) => a.value - b.value);
  }

  private async flagsOf(plan: ExportPlan): Promise<Flag[]> {
    const { kind, id } = plan.subject;
    const flags = kind === 'order' ? await this.flags.list({ order: id, limit: 1000 }) : await this.flags.list({ subject: { kind: 'shipment', id }, limit: 1000 });
    return [...flags].sort((a, b) => a.metAtMs - b.metAtMs || (a.id < b.id ? -1 : 1));
  }
}
