/**
 * What the PDF evidence report says of a custody leg's calibration (issue #22, docs/evidence.md): the certificates
 * applied to its readings (laboratory, dates, the correction of the charted metric) and how many readings were taken
 * while the device's calibration was overdue or before it had any. Gathered row by row while the CSV is read. Pure.
 */
import { timeOf, type CalibrationMark } from '../calibration/calibration.js';
import type { ExportRow } from './export-format.js';

export interface LegCertificate {
  readonly certificate: string;
  readonly laboratory: string;
  readonly calibratedAt: string;
  readonly dueAt: string;
  /** The correction of the charted metric (and its slope, when a linear calibration); absent when the certificate gives none for it. */
  readonly correction?: number;
  readonly slope?: number;
}

export interface LegCalibrationSummary {
  /** The metric whose correction is given (the charted one). */
  readonly metric: string;
  /** In the order their readings came. */
  readonly certificates: readonly LegCertificate[];
  /** Readings per mark. */
  readonly marks: Readonly<Record<CalibrationMark, number>>;
}

const day = (s: string): string => new Date(timeOf(s)).toISOString().slice(0, 10);

export class LegCalibration {
  private readonly certificates = new Map<string, LegCertificate>();
  private readonly marks: Record<CalibrationMark, number> = { calibrated: 0, 'due-soon': 0, overdue: 0, uncalibrated: 0 };

  constructor(private readonly metric: string) {}

  add(row: ExportRow): void {
    const c = row.calibration;
    this.marks[c.mark]++;
    const k = c.calibration;
    if (k === undefined || this.certificates.has(k.certificate)) return;
    const m = k.metrics[this.metric];
    this.certificates.set(k.certificate, {
      certificate: k.certificate, laboratory: k.laboratory, calibratedAt: day(k.calibratedAt), dueAt: day(k.dueAt),
      ...(m !== undefined ? { correction: m.correction, ...(m.slope !== undefined ? { slope: m.slope } : {}) } : {}),
    });
  }

  result(): LegCalibrationSummary {
    return { metric: this.metric, certificates: [...this.certificates.values()], marks: { ...this.marks } };
  }
}

/** One line for the report: the certificates and the readings not covered by a valid one. */
export function calibrationLine(s: LegCalibrationSummary): string {
  const certs = s.certificates.map((c) => `certificate ${c.certificate} (${c.laboratory}, calibrated ${c.calibratedAt}, due ${c.dueAt}` +
    `${c.correction !== undefined ? `, ${s.metric} correction ${c.correction > 0 ? '+' : ''}${c.correction}${c.slope !== undefined ? `, slope ${c.slope}` : ''}` : ''})`);
  const gaps = [
    ...(s.marks.overdue > 0 ? [`${s.marks.overdue} readings taken while the calibration was overdue`] : []),
    ...(s.marks.uncalibrated > 0 ? [`${s.marks.uncalibrated} readings without a certificate`] : []),
  ];
  return `Calibration: ${certs.length === 0 ? 'no certificate' : certs.join('; ')}${gaps.length > 0 ? `; ${gaps.join(', ')}` : ''}`;
}
