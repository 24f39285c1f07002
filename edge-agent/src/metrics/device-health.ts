/**
 * Per-device health as the sources report it, kept for the metrics endpoint. A tee in front of the real sink: every
 * source already reports readings and device status through its `SourceSink`, so the tracker sees the same facts
 * the gateway sees without any source having to expose its internals.
 */
import type { DeviceStatus, ScanRead } from '@coldtrace/contract';
import type { Clock } from '../clock.js';
import type { Priority, SourceReading, SourceSink } from '../sources/source.js';

export type DeviceState = DeviceStatus['state'];

export interface DeviceHealth {
  /**
   * Agent clock when the last usable reading of the device reached the sink, ms since the epoch. Receive time, not
   * device time: a GPS with a wrong clock must not look fresh or stale because of it.
   */
  readonly lastGoodReadAt?: number;
  /** Failed reads since the source started, as of its last status (contract DeviceStatus.errorCount). */
  readonly errorCount: number;
  /** State of the last status the source reported; undefined before the first one. */
  readonly state?: DeviceState;
}

function usable(r: SourceReading): boolean {
  return typeof r.value === 'boolean' || Number.isFinite(r.value);
}

export class DeviceHealthTracker implements SourceSink {
  private readonly devices = new Map<string, DeviceHealth>();

  /** `devices` are listed from the start, so a device that never answers still has a series. */
  constructor(
    private readonly inner: SourceSink,
    private readonly clock: Clock,
    devices: readonly string[] = [],
  ) {
    for (const d of devices) this.devices.set(d, { errorCount: 0 });
  }

  readings(device: string, readings: readonly SourceReading[], priority?: Priority): void {
    // Same rule as the outbox sink: a non-finite value is refused there, so it is not a good read here either.
    if (readings.some(usable)) this.devices.set(device, { ...this.get(device), lastGoodReadAt: this.clock.now() });
    this.inner.readings(device, readings, priority);
  }

  scans(device: string, reads: readonly ScanRead[]): void {
    if (reads.some((r) => r.code !== undefined)) this.devices.set(device, { ...this.get(device), lastGoodReadAt: this.clock.now() });
    this.inner.scans?.(device, reads);
  }

  status(device: string, status: Omit<DeviceStatus, 'v'>): void {
    this.devices.set(device, { ...this.get(device), errorCount: status.errorCount ?? this.get(device).errorCount, state: status.state });
    this.inner.status(device, status);
  }

  private get(device: string): DeviceHealth {
    return this.devices.get(device) ?? { errorCount: 0 };
  }

  /** Current health per device id. */
  snapshot(): ReadonlyMap<string, DeviceHealth> {
    return new Map(this.devices);
  }
}
