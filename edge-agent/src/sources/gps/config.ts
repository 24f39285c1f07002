/** Config of an NMEA 0183 GPS receiver on a serial port. */
import { FieldReader, SERIAL_PORT_KEYS, readSerialPort, type SerialPortConfig } from '../serial/config-fields.js';

export interface GpsSourceConfig extends SerialPortConfig {
  readonly kind: 'nmea-gps';
  /** Device id the fixes are published under. */
  readonly device: string;
  /** Publish at most one fix per this interval (GPS time), ms; 0 publishes every fix. Default 0. */
  readonly minIntervalMs: number;
}

export const DEFAULT_GPS_BAUD_RATE = 9600;

/** Validates `raw` (one entry of the agent's `sources` list); pushes `<path>.<key>: <problem>` for every problem. */
export function validateGpsSource(raw: unknown, path: string, problems: string[]): GpsSourceConfig | undefined {
  const r = new FieldReader(raw, path, problems);
  if (!r.obj) return undefined;
  const before = problems.length;
  r.onlyKeys(['kind', 'device', 'minIntervalMs', ...SERIAL_PORT_KEYS]);
  const kind = r.literal('kind', 'nmea-gps');
  const device = r.id('device');
  const serial = readSerialPort(r, DEFAULT_GPS_BAUD_RATE);
  const minIntervalMs = r.number('minIntervalMs', { default: 0, integer: true, min: 0, max: 86_400_000 });
  if (problems.length > before || !kind || !device || !serial.path || !serial.baudRate || serial.reopenDelayMs === undefined || minIntervalMs === undefined) {
    return undefined;
  }
  return { kind, device, path: serial.path, baudRate: serial.baudRate, reopenDelayMs: serial.reopenDelayMs, minIntervalMs };
}
