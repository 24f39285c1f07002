/**
 * What every data source of the agent (Modbus TCP/RTU poller, NMEA GPS, line sensor, accelerometer) implements.
 * A source owns its transport and timing; it hands decoded readings and device health to a sink and never
 * publishes itself. Failed reads are reported through `status`, never as readings (docs/domain.md §5).
 */
import type { DeviceStatus, MetricName, ScanRead } from '@coldtrace/contract';

export interface SourceReading {
  readonly metric: MetricName;
  readonly value: number | boolean;
  readonly unit: string;
  /** Device time, ms since the epoch: when the value was measured (the agent's clock for polled devices). */
  readonly time: number;
}

/** Alarm-grade readings (shock, free fall) go ahead of the store-and-forward backlog. */
export type Priority = 'live' | 'alarm';

export interface SourceSink {
  readings(device: string, readings: readonly SourceReading[], priority?: Priority): void;
  status(device: string, status: Omit<DeviceStatus, 'v'>): void;
  /** Codes a scanner or RFID reader read (scanner source, issue #21); each read carries its own device time. */
  scans?(device: string, reads: readonly ScanRead[]): void;
}

export interface Source {
  /** For logs and metrics, e.g. `modbus-tcp:127.0.0.1:5020`. */
  readonly name: string;
  /** Device ids this source produces, for the node birth message. */
  readonly devices: readonly string[];
  start(sink: SourceSink): Promise<void>;
  /** Stops polling and closes the transport; resolves when nothing is in flight. */
  stop(): Promise<void>;
}
