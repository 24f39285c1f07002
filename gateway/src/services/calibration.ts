/**
 * Calibration (issue #22, docs/calibration.md): certificates entered per device, each device's state now (calibrated,
 * due within 30 days, overdue, never calibrated), and a device's readings as measured and as corrected by the
 * certificate in force at each reading's time, with the reading's mark. The store keeps readings as measured; the
 * correction is applied when they are read, so a certificate entered late corrects the past too.
 */
import { correct, markAt, parseCalibration, type Calibration, type CalibrationMark, type CorrectedValue } from '../domain/calibration/calibration.js';
import type { CalibrationLookup, CalibrationStore } from '../ports/calibration.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';

/** A certificate that does not check out: every problem listed (answered 400). */
export class CalibrationProblems extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the certificate has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`);
  }
}

export interface DeviceCalibration {
  readonly device: string;
  readonly mark: CalibrationMark;
  /** The certificate in force now, if any. */
  readonly current?: Calibration;
  readonly dueAt?: string;
}

export interface CorrectedReading extends CorrectedValue {
  readonly metric: string;
  readonly unit: string;
  /** Device time, ms. */
  readonly time: number;
}

export class CalibrationService implements CalibrationLookup {
  /** Every device's certificates, as stored (a few per device): what the rules correct with, read without a query. */
  private readonly byDevice = new Map<string, Calibration[]>();
  private readonly listeners: ((device: string) => void)[] = [];

  constructor(private readonly store: CalibrationStore, private readonly registry: Pick<RegistryStore, 'get' | 'list'>, private readonly telemetry: Pick<TelemetryStore, 'query'>) {}

  /** Reads every certificate into memory; before the rules run. */
  async load(): Promise<void> {
    this.byDevice.clear();
    for (const c of await this.store.all()) this.byDevice.set(c.device, [...(this.byDevice.get(c.device) ?? []), c]);
  }

  of(device: string): readonly Calibration[] {
    return this.byDevice.get(device) ?? [];
  }

  /** The devices that have certificates. */
  devices(): string[] {
    return [...this.byDevice.keys()];
  }

  /** Told the device whose certificates changed, once stored. */
  onChange(listener: (device: string) => void): void {
    this.listeners.push(listener);
  }

  /** Checks and stores a certificate of a registered device. */
  async put(device: string, doc: unknown, by: string, at: number): Promise<{ calibration: Calibration; result: 'created' | 'updated' }> {
    const r = parseCalibration(doc, device);
    const problems = r.ok ? [] : [...r.problems];
    if ((await this.registry.get('devices', device)) === undefined) problems.push(`device '${device}' is not in the registry`);
    if (!r.ok || problems.length > 0) throw new CalibrationProblems(problems);
    const result = await this.store.put(r.calibration, by, at);
    this.byDevice.set(device, await this.store.ofDevice(device));
    for (const l of this.listeners) l(device);
    return { calibration: r.calibration, result };
  }

  async ofDevice(device: string, now: number): Promise<{ certificates: Calibration[]; state: DeviceCalibration }> {
    const certificates = await this.store.ofDevice(device);
    return { certificates, state: stateOf(device, certificates, now) };
  }

  /** Every registered device's state now, those needing attention first (overdue, never calibrated, due soon). */
  async states(now: number): Promise<DeviceCalibration[]> {
    const byDevice = new Map<string, Calibration[]>();
    for (const c of await this.store.all()) byDevice.set(c.device, [...(byDevice.get(c.device) ?? []), c]);
    const devices: string[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.registry.list('devices', { limit: 1000, ...(after !== undefined ? { after } : {}) });
      devices.push(...page.map((d) => d.id));
      if (page.length < 1000) break;
      after = page.at(-1)!.id;
    }
    const order: Record<CalibrationMark, number> = { overdue: 0, uncalibrated: 1, 'due-soon': 2, calibrated: 3 };
    return devices.map((d) => stateOf(d, byDevice.get(d) ?? [], now)).sort((a, b) => order[a.mark] - order[b.mark] || (a.device < b.device ? -1 : 1));
  }

  /** A device's readings in [from, to) as measured and corrected, each with its certificate and mark. */
  async readings(device: string, from: number, to: number, metric: string | undefined, limit: number): Promise<CorrectedReading[]> {
    const certificates = await this.store.ofDevice(device);
    const rows = await this.telemetry.query({ device, from, to, limit, ...(metric !== undefined ? { metric } : {}) });
    return rows.map((r) => ({ metric: r.metric, unit: r.unit, time: r.time, ...correct(certificates, r.metric, r.value, r.time) }));
  }
}

function stateOf(device: string, certificates: readonly Calibration[], now: number): DeviceCalibration {
  const { mark, calibration } = markAt(certificates, now);
  return { device, mark, ...(calibration !== undefined ? { current: calibration, dueAt: calibration.dueAt } : {}) };
}
