/**
 * Source factory per config kind. The composition root (agent.ts) builds each configured source through this map;
 * callers may override or add factories (`AgentDeps.factories`); a kind without one refuses to start.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { SourceConfig, SourceKind } from '../config/types.js';
import { AccelSource } from './accel/accel-source.js';
import { CameraSource } from './camera/camera-source.js';
import type { SourceEvents } from './events.js';
import { NmeaGpsSource } from './gps/gps-source.js';
import { LineSource } from './line/line-source.js';
import { LlrpSource } from './llrp/llrp-source.js';
import { ModbusSource } from './modbus/source.js';
import { ScannerSource } from './scanner/scanner-source.js';
import type { Source } from './source.js';

export interface SourceFactoryDeps {
  readonly clock: Clock;
  readonly log: Logger;
  /** The other sources' events (readings, scans), for sources that react to them (camera triggers). */
  readonly events?: SourceEvents;
}

export type SourceFactory<K extends SourceKind = SourceKind> = (config: Extract<SourceConfig, { kind: K }>, deps: SourceFactoryDeps) => Source;

export type SourceFactories = { readonly [K in SourceKind]?: SourceFactory<K> };

export const BUILTIN_SOURCE_FACTORIES: SourceFactories = {
  'modbus-tcp': (config, deps) => new ModbusSource(config, deps),
  'modbus-rtu': (config, deps) => new ModbusSource(config, deps),
  'nmea-gps': (config, deps) => new NmeaGpsSource(config, deps),
  line: (config, deps) => new LineSource(config, deps),
  accel: (config, deps) => new AccelSource(config, deps),
  scanner: (config, deps) => new ScannerSource(config, deps),
  llrp: (config, deps) => new LlrpSource(config, { clock: deps.clock, log: deps.log }),
  camera: (config, deps) => new CameraSource(config, deps),
};
