/**
 * Calibration (issue #22, docs/calibration.md): each device's certificates from a laboratory, traceable to a
 * standard, with a correction and an uncertainty per metric, and a due date. Readings are stored as measured; a
 * reading's corrected value is the measured one (times the slope of a linear calibration, if the certificate gives
 * one) plus the correction of the certificate in force at its device time
 * (the latest calibrated at or before it), and a reading taken after that certificate's due date carries the mark
 * `overdue` (within 30 days before it, `due-soon`; with no certificate, `uncalibrated`). Pure: times are arguments.
 */

export interface MetricCalibration {
  /** Added to the measured value: reference minus instrument, in the metric's unit (EN/ISO: the correction). */
  readonly correction: number;
  /**
   * The gain of a linear calibration over the certificate's range: corrected = measured × slope + correction.
   * Absent: 1 (an offset alone, the usual certificate of a temperature sensor).
   */
  readonly slope?: number;
  /** Expanded uncertainty of the corrected value (k = 2), in the metric's unit. */
  readonly uncertainty: number;
}

export interface Calibration {
  /** The certificate's id, as the laboratory wrote it. */
  readonly certificate: string;
  readonly device: string;
  readonly laboratory: string;
  /** When the device was calibrated, ISO 8601 (a date or a date-time, UTC when no offset). */
  readonly calibratedAt: string;
  /** When the next calibration is due, ISO 8601. */
  readonly dueAt: string;
  /** Per metric (`temperature`, `humidity` ...). */
  readonly metrics: Readonly<Record<string, MetricCalibration>>;
  /** The standard it is traceable to (a national metrology institute's reference), free text. */
  readonly traceability?: string;
}

export type CalibrationMark = 'calibrated' | 'due-soon' | 'overdue' | 'uncalibrated';

/** Warned this long before a certificate's due date. */
export const DUE_SOON_MS = 30 * 86_400_000;

export type CalibrationResult = { readonly ok: true; readonly calibration: Calibration } | { readonly ok: false; readonly problems: string[] };

/** Checks a certificate as a person enters it; every problem listed. */
export function parseCalibration(doc: unknown, device: string): CalibrationResult {
  const problems: string[] = [];
  const o = (typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? doc : {}) as Record<string, unknown>;
  const text = (k: string): string => {
    const v = o[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    problems.push(`${k}: expected a non-empty string`);
    return '';
  };
  const time = (k: string): string => {
    const v = text(k);
    if (v !== '' && Number.isNaN(timeOf(v))) problems.push(`${k}: not an ISO 8601 date: '${v}'`);
    return v;
  };
  const certificate = text('certificate');
  const laboratory = text('laboratory');
  const calibratedAt = time('calibratedAt');
  const dueAt = time('dueAt');
  if (problems.length === 0 && timeOf(dueAt) <= timeOf(calibratedAt)) problems.push('dueAt: must be after calibratedAt');
  const metrics: Record<string, MetricCalibration> = {};
  const m = o['metrics'];
  if (typeof m !== 'object' || m === null || Array.isArray(m) || Object.keys(m).length === 0) problems.push('metrics: expected at least one metric with its correction and uncertainty');
  else {
    for (const [metric, v] of Object.entries(m as Record<string, unknown>)) {
      const c = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
      const correction = c['correction'];
      const slope = c['slope'];
      if (slope !== undefined && (typeof slope !== 'number' || !Number.isFinite(slope) || slope <= 0)) problems.push(`metrics.${metric}.slope: expected a number > 0`);
      const uncertainty = c['uncertainty'];
      if (typeof correction !== 'number' || !Number.isFinite(correction)) problems.push(`metrics.${metric}.correction: expected a number`);
      if (typeof uncertainty !== 'number' || !Number.isFinite(uncertainty) || uncertainty < 0) problems.push(`metrics.${metric}.uncertainty: expected a number ≥ 0`);
      if (typeof correction === 'number' && typeof uncertainty === 'number') metrics[metric] = { correction, uncertainty, ...(typeof slope === 'number' ? { slope } : {}) };
    }
  }
  const traceability = typeof o['traceability'] === 'string' && o['traceability'].trim() !== '' ? o['traceability'].trim() : undefined;
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, calibration: { certificate, device, laboratory, calibratedAt, dueAt, metrics, ...(traceability !== undefined ? { traceability } : {}) } };
}

/** The certificate in force at `ms`: the latest calibrated at or before it. */
export function inForce(calibrations: readonly Calibration[], ms: number): Calibration | undefined {
  let best: Calibration | undefined;
  for (const c of calibrations) {
    const at = timeOf(c.calibratedAt);
    if (at <= ms && (best === undefined || at > timeOf(best.calibratedAt))) best = c;
  }
  return best;
}

/** The mark of a reading at `ms` (device time), or of a device now. */
export function markAt(calibrations: readonly Calibration[], ms: number): { readonly mark: CalibrationMark; readonly calibration?: Calibration } {
  const c = inForce(calibrations, ms);
  if (c === undefined) return { mark: 'uncalibrated' };
  const due = timeOf(c.dueAt);
  return { mark: ms >= due ? 'overdue' : due - ms <= DUE_SOON_MS ? 'due-soon' : 'calibrated', calibration: c };
}

/** A reading as measured and as corrected by the certificate in force at its time (none: no correction for it). */
export interface CorrectedValue {
  readonly measured: number;
  /** Absent when the certificate in force gives no correction for the metric (or there is none). */
  readonly corrected?: number;
  readonly uncertainty?: number;
  readonly certificate?: string;
  readonly mark: CalibrationMark;
}

export function correct(calibrations: readonly Calibration[], metric: string, value: number, ms: number): CorrectedValue {
  const { mark, calibration } = markAt(calibrations, ms);
  const m = calibration?.metrics[metric];
  return {
    measured: value, mark,
    ...(calibration !== undefined ? { certificate: calibration.certificate } : {}),
    ...(m !== undefined ? { corrected: applied(value, m), uncertainty: m.uncertainty } : {}),
  };
}

/** What an evidence row shows of a reading's calibration: its mark, the certificate in force, what it did to the value. */
export interface AppliedCalibration {
  readonly mark: CalibrationMark;
  /** The certificate in force at the reading's device time; absent: uncalibrated. */
  readonly calibration?: Calibration;
  /** The corrected value, the correction added (and slope, when it gives one) and its uncertainty, when it gives one for the metric. */
  readonly corrected?: number;
  readonly correction?: number;
  readonly slope?: number;
  readonly uncertainty?: number;
}

export function applyCalibration(calibrations: readonly Calibration[], metric: string, value: number, ms: number): AppliedCalibration {
  const { mark, calibration } = markAt(calibrations, ms);
  const m = calibration?.metrics[metric];
  return {
    mark, ...(calibration !== undefined ? { calibration } : {}),
    ...(m !== undefined ? { corrected: applied(value, m), correction: m.correction, ...(m.slope !== undefined ? { slope: m.slope } : {}), uncertainty: m.uncertainty } : {}),
  };
}

/**
 * The value the rules judge: corrected by the certificate in force at `ms` when it gives a correction for the metric,
 * else as measured (a device without a certificate is judged on what it says).
 */
export function correctedValue(calibrations: readonly Calibration[], metric: string, value: number, ms: number): number {
  if (calibrations.length === 0) return value;
  const m = inForce(calibrations, ms)?.metrics[metric];
  return m === undefined ? value : applied(value, m);
}

// Rounded to what a float sum leaves (9.1 + 0.2 is 9.299999999999999).
const applied = (value: number, m: MetricCalibration): number => Math.round((value * (m.slope ?? 1) + m.correction) * 1e9) / 1e9;

/** ISO date or date-time to ms; a date alone is midnight UTC. */
export function timeOf(iso: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
}
