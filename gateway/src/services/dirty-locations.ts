/**
 * Where committed readings were taken since the last rules round (rules.ts `committed`, on the commit path: kept
 * cheap), with what the triage of their batches needs (domain/rules/triage.ts): the device-time range, per metric the
 * value range, per device its earliest reading.
 */
import { correctedValue } from '../domain/calibration/calibration.js';
import type { StoredReading } from '../domain/reading.js';
import type { CalibrationLookup } from '../ports/calibration.js';
import type { CustodyIndex } from './custody.js';

type Located = NonNullable<ReturnType<CustodyIndex['locate']>>;

export interface DirtyLocation {
  readonly location: Located['location'];
  readonly placement: string;
  from: number;
  to: number;
  /** Per metric, the lowest and highest value of its readings. */
  readonly ranges: Map<string, { min: number; max: number }>;
  /** Per device, its earliest reading's time. */
  readonly firstOf: Map<string, number>;
  /** Gateway time the first of its readings was committed. */
  readonly at: number;
}

export function dirtyLocation(s: Located, r: StoredReading, at: number): DirtyLocation {
  return {
    location: s.location, placement: s.placement, from: r.time, to: r.time + 1, at,
    ranges: new Map([[r.metric, { min: r.value, max: r.value }]]), firstOf: new Map([[r.device, r.time]]),
  };
}

export function noteReading(e: DirtyLocation, r: StoredReading): void {
  if (r.time < e.from) e.from = r.time;
  if (r.time + 1 > e.to) e.to = r.time + 1;
  const range = e.ranges.get(r.metric);
  if (range === undefined) e.ranges.set(r.metric, { min: r.value, max: r.value });
  else if (r.value < range.min) range.min = r.value;
  else if (r.value > range.max) range.max = r.value;
  const first = e.firstOf.get(r.device);
  if (first === undefined || r.time < first) e.firstOf.set(r.device, r.time);
}

/**
 * The reading as the rules judge it, corrected by its device's certificate (docs/calibration.md), so that a reading
 * only the correction takes beyond a limit is triaged live too. The same object when nothing changes (the common case).
 */
export function asJudged(calibrations: CalibrationLookup | undefined, r: StoredReading): StoredReading {
  const certificates = calibrations?.of(r.device);
  if (certificates === undefined || certificates.length === 0) return r;
  const value = correctedValue(certificates, r.metric, r.value, r.time);
  return value === r.value ? r : { ...r, value };
}
