/**
 * What every data source of the agent (Modbus TCP/RTU poller, NMEA GPS, line sensor, accelerometer) implements.
 * A source owns its transport and timing; it hands decoded readings and device health to a sink and never
 * publishes itself. Failed reads are reported through `status`, never as readings (docs/domain.md §5).
 */
import type { DeviceStatus, MetricName, PhotoTrigger, ScanRead } from '@coldtrace/contract';

export interface SourceReading {
  readonly metric: MetricName;
  readonly value: number | boolean;
  readonly unit: string;
  /** Device time, ms since the epoch: when the value was measured (the agent's clock for polled devices). */
  readonly time: number;
}

/** Alarm-grade readings (shock, free fall) go ahead of the store-and-forward backlog. */
export type Priority = 'live' | 'alarm';

/** A photo a camera source took (issue #21), as it hands it to the sink. */
export interface PhotoShot {
  readonly device: string;
  /** The JPEG bytes. */
  readonly bytes: Buffer;
  /** Device time of the shot, ms since the epoch. */
  readonly takenAt: number;
  readonly trigger: PhotoTrigger;
  /** Free text, at most the contract's MAX_STATION_LENGTH characters. */
  readonly station?: string;
}

/** What became of a photo handed to the sink: kept in the photo outbox (numbered), or why not. */
export type PhotoStoreResult =
  | { readonly ok: true; readonly seq: number; readonly sha256: string }
  | { readonly ok: false; readonly reason: 'full' | 'too-large' | 'store-failed' | 'no-outbox'; readonly detail?: string };

export interface SourceSink {
  readings(device: string, readings: readonly SourceReading[], priority?: Priority): void;
  status(device: string, status: Omit<DeviceStatus, 'v'>): void;
  /** Codes a scanner or RFID reader read (scanner source, issue #21); each read carries its own device time. */
  scans?(device: string, reads: readonly ScanRead[]): void;
  /** A camera's photo (camera source, issue #21): kept durably before the promise settles. */
  photo?(shot: PhotoShot): Promise<PhotoStoreResult>;
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
