/**
 * Calibration and the rules (issue #22, docs/calibration.md): a device's due-date reminders and overdue flag are
 * findings of the device (domain/calibration/due.ts), judged again when time alone changes them (a reminder's day,
 * the due date) and when a certificate is entered; a certificate also changes the corrected values the rules judge,
 * so the batches and shipments the device watched are judged again too. The flags reach people through the
 * notification policies and their outbox like any flag (a policy matching `rules: [calibration/]` for quality).
 *
 * Time is injected: one timer at the earliest next moment over every device, at most a day ahead (so a due date a
 * year away needs no timer that long, and a clock moved by hand is met within a day).
 */
import { calibrationFindings, nextCalibrationMoment } from '../domain/calibration/due.js';
import type { Finding } from '../domain/flags/types.js';
import type { Clock, Scheduler } from '../ports/clock.js';
import type { RegistryStore } from '../ports/registry.js';
import { watchedBy } from './device-inputs.js';
import type { CalibrationService } from './calibration.js';
import type { RegistryChangeSet } from './registry.js';

/** The longest the timer waits before looking again, ms. */
export const RECHECK_MS = 86_400_000;

export interface CalibrationDueDeps {
  readonly calibrations: Pick<CalibrationService, 'of' | 'devices' | 'onChange'>;
  readonly registry: RegistryStore;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Reminders before the due date, days. */
  readonly remindDays: readonly number[];
  /** Has a subject (`device:ID`) judged (the rules' mark). */
  readonly mark: (subject: string, lane: 'live' | 'background') => void;
  /** Has what a registry change touches judged again (the rules' registryChanged). */
  readonly registryChanged: (change: RegistryChangeSet) => void;
}

export class CalibrationDue {
  private timer: { cancel(): void } | undefined;
  /** Moments up to this one have been met. */
  private checkedAt: number;
  private closed = false;

  constructor(private readonly deps: CalibrationDueDeps) {
    this.checkedAt = deps.clock.now();
  }

  /** The device's calibration findings at `nowMs` (the rules' calibrationFindings). */
  readonly findings = async (device: string, nowMs: number): Promise<Finding[]> => {
    const certificates = this.deps.calibrations.of(device);
    if (certificates.length === 0) return [];
    return calibrationFindings(device, certificates, nowMs, this.deps.remindDays, await watchedBy(this.deps.registry, device, nowMs));
  };

  /** Judges every device with certificates once (a gateway down over a due date catches up) and arms the timer. */
  start(): void {
    this.deps.calibrations.onChange((device) => void this.changed(device));
    for (const d of this.deps.calibrations.devices()) this.deps.mark(`device:${d}`, 'background');
    this.arm();
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
  }

  /** A certificate of the device was entered: its own flags, and everything its corrected readings are evidence of. */
  private async changed(device: string): Promise<void> {
    if (this.closed) return;
    this.deps.mark(`device:${device}`, 'live');
    const placements = await this.deps.registry.placementsOf([`device:${device}`]);
    this.deps.registryChanged({ devices: [], registeredDevices: [], products: [], placements, previousPlacements: [], batches: [], shipments: [] });
    this.arm();
  }

  private arm(): void {
    if (this.closed) return;
    this.timer?.cancel();
    const now = this.deps.clock.now();
    let next = now + RECHECK_MS;
    for (const d of this.deps.calibrations.devices()) {
      const at = nextCalibrationMoment(this.deps.calibrations.of(d), now, this.deps.remindDays);
      if (at !== undefined && at < next) next = at;
    }
    this.timer = this.deps.scheduler.after(next - now, () => this.fire());
  }

  /** Marks the devices with a moment passed since the last look. */
  private fire(): void {
    const now = this.deps.clock.now();
    for (const d of this.deps.calibrations.devices()) {
      const at = nextCalibrationMoment(this.deps.calibrations.of(d), this.checkedAt, this.deps.remindDays);
      if (at !== undefined && at <= now) this.deps.mark(`device:${d}`, 'live');
    }
    this.checkedAt = now;
    this.arm();
  }
}
