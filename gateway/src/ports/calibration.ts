/** Calibration certificates of devices (docs/calibration.md). */
import type { Calibration } from '../domain/calibration/calibration.js';

export interface CalibrationStore {
  /** Stores a certificate (by device and certificate id: a second put replaces it); `at` gateway ms, `by` who. */
  put(c: Calibration, by: string, at: number): Promise<'created' | 'updated'>;
  /** A device's certificates, oldest calibration first. */
  ofDevice(device: string): Promise<Calibration[]>;
  /**
   * A device's certificates as they were known at gateway time `atMs`: each as last entered at or before it (none
   * entered later), oldest calibration first. What an evidence export at that cut-off applies.
   */
  asOf(device: string, atMs: number): Promise<Calibration[]>;
  /** Every certificate, by device then calibration date. */
  all(): Promise<Calibration[]>;
  close(): Promise<void>;
}

/** Each device's certificates as the rules read them, at once (an in-memory copy of the store: services/calibration.ts). */
export interface CalibrationLookup {
  /** A device's certificates, oldest calibration first; none: an empty list. */
  of(device: string): readonly Calibration[];
}
