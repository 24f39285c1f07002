/** The agent's typed configuration: parsed and validated once at start (docs/engineering.md 3). */
import type { MetricName } from '@coldtrace/contract';
import type { ReadFunctionCode, RegisterType, WordOrder } from '../decode/modbus.js';
import type { AccelSourceConfig } from '../sources/accel/config.js';
import type { CameraSourceConfig } from '../sources/camera/config.js';
import type { GpsSourceConfig } from '../sources/gps/config.js';
import type { LineSourceConfig } from '../sources/line/config.js';
import type { LlrpSourceConfig } from '../sources/llrp/config.js';
import type { ScannerSourceConfig } from '../sources/scanner/config.js';
import type { PhotosConfig } from './photos.js';

export interface ModbusRegisterConfig {
  /** Catalogue metric this register feeds; its unit must be the catalogue unit. */
  readonly metric: MetricName;
  readonly unit: string;
  /** 3 = holding registers, 4 = input registers. Follows from `ref` when the file gives a Modicon reference. */
  readonly functionCode: ReadFunctionCode;
  /**
   * Zero-based protocol address (0x0001 for the XY-MD02 temperature). The file may give a Modicon reference
   * instead (`ref: 30002` is input register 2, address 1); see modicon.ts.
   */
  readonly address: number;
  readonly type: RegisterType;
  /** Word order of 32-bit types. Default ABCD. */
  readonly wordOrder: WordOrder;
  /** value = raw × scale + offset. Defaults 1 and 0. */
  readonly scale: number;
  readonly offset: number;
  /** Name of the device's poll group this register is read in. Default `default`. */
  readonly group: string;
}

export interface PollGroupConfig {
  /** Poll interval, ms. */
  readonly intervalMs: number;
}

export interface ModbusDeviceConfig {
  /** Device id (contract ID_PATTERN), unique in the agent. */
  readonly id: string;
  /** Modbus slave / unit id, 1..247 (0..255 accepted for TCP gateways). */
  readonly unitId: number;
  /** Per-request response timeout, ms. Default 1000. */
  readonly timeoutMs: number;
  /** Unmapped registers the planner may read to merge requests. Default 0 (many devices reject them). */
  readonly maxGap: number;
  /** Poll groups by name; `default` always exists (interval from `intervalMs`, default 10 000 ms). */
  readonly pollGroups: Readonly<Record<string, PollGroupConfig>>;
  readonly registers: readonly ModbusRegisterConfig[];
}

export interface ModbusTcpSourceConfig {
  readonly kind: 'modbus-tcp';
  readonly host: string;
  /** Default 502. */
  readonly port: number;
  /** TCP connect timeout, ms. Default 3000. */
  readonly connectTimeoutMs: number;
  readonly devices: readonly ModbusDeviceConfig[];
}

export type Parity = 'none' | 'even' | 'odd';

export interface ModbusRtuSourceConfig {
  readonly kind: 'modbus-rtu';
  /** Serial device, e.g. /dev/ttyUSB0. */
  readonly path: string;
  /** Default 9600 (XY-MD02). */
  readonly baudRate: number;
  /** Default none. */
  readonly parity: Parity;
  /** Default 8. */
  readonly dataBits: 7 | 8;
  /** Default 1. */
  readonly stopBits: 1 | 2;
  readonly devices: readonly ModbusDeviceConfig[];
}

export type ModbusSourceConfig = ModbusTcpSourceConfig | ModbusRtuSourceConfig;

export type SourceConfig = ModbusTcpSourceConfig | ModbusRtuSourceConfig | GpsSourceConfig | LineSourceConfig | AccelSourceConfig | ScannerSourceConfig | CameraSourceConfig | LlrpSourceConfig;
export type SourceKind = SourceConfig['kind'];

export interface MqttConfig {
  /** Broker URL, mqtt:// or mqtts://. */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /**
   * A file holding the password (its first line), read again at every connection: a credential issued or rotated by
   * the gateway (docs/security.md) takes effect at the next reconnect without a restart. Not with `password`.
   */
  readonly passwordFile?: string;
  /**
   * mqtts:// only. `caFile`: the CA bundle (PEM) the broker's certificate must chain to (default: the system's);
   * `certFile` and `keyFile`: this node's client certificate, which stands for the password on a broker that asks for
   * one (docs/security.md). The server is always verified. Read again at every connection.
   */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Default `ct-<site>-<node>`. */
  readonly clientId: string;
  /** Keepalive, s. Default 30. */
  readonly keepaliveS: number;
  /** MQTT protocol version. Default 4 (3.1.1: the embedded aedes broker does not speak 5). */
  readonly protocolVersion: 4 | 5;
}

export interface OutboxConfig {
  /** Cap of the on-disk outbox, bytes of payload. Default 64 MiB. When full the oldest rows are dropped (counted). */
  readonly maxBytes: number;
  /** Rows older than this are dropped (counted), ms. Default 7 days. */
  readonly maxAgeMs: number;
  /** Backlog replay rate after an outage, messages per second. Default 50. */
  readonly replayRatePerS: number;
}

/** Optional Prometheus endpoint (`GET /metrics`). Absent: no endpoint. */
export interface MetricsConfig {
  /** Interface to listen on. Default 127.0.0.1 (loopback only: the endpoint has no authentication). */
  readonly host: string;
  /** TCP port; 0 picks a free port (the bound one is in `Agent.metricsUrl`). */
  readonly port: number;
}

export interface AgentConfig {
  readonly site: string;
  readonly node: string;
  readonly mqtt: MqttConfig;
  /** Directory of the outbox database (sequence state lives in it). Relative paths resolve from the config file. */
  readonly dataDir: string;
  readonly outbox: OutboxConfig;
  readonly sources: readonly SourceConfig[];
  /** Prometheus endpoint; undefined when not configured. */
  readonly metrics?: MetricsConfig;
  /** Where camera sources' photos are uploaded (issue #21); required when a camera source is configured. */
  readonly photos?: PhotosConfig;
  /** pino level. Default info. */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const DEFAULT_OUTBOX: OutboxConfig = { maxBytes: 64 * 1024 * 1024, maxAgeMs: 7 * 24 * 3600 * 1000, replayRatePerS: 50 };
export const DEFAULT_METRICS_HOST = '127.0.0.1';
export const DEFAULT_POLL_INTERVAL_MS = 10_000;
export const DEFAULT_MODBUS_TIMEOUT_MS = 1000;
