/** Validates the whole agent config; every problem is listed with its path. */
import { ID_PATTERN } from '@coldtrace/contract';
import { validateAccelSource } from '../sources/accel/config.js';
import { validateCameraSource } from '../sources/camera/config.js';
import { validateGpsSource } from '../sources/gps/config.js';
import { validateLineSource } from '../sources/line/config.js';
import { validateLlrpSource } from '../sources/llrp/config.js';
import { validateScannerSource } from '../sources/scanner/config.js';
import { array, describe, isRecord, join, number, object, oneOf, optional, string, type Problems } from './check.js';
import { validateModbusRtuSource, validateModbusTcpSource } from './modbus.js';
import { checkCameraReferences, validatePhotos } from './photos.js';
import { DEFAULT_METRICS_HOST, DEFAULT_OUTBOX, type AgentConfig, type MetricsConfig, type MqttConfig, type OutboxConfig, type SourceConfig, type SourceKind } from './types.js';

const ID_RE = new RegExp(ID_PATTERN);

export type SourceValidator = (raw: unknown, path: string, problems: Problems) => SourceConfig | undefined;

/** Validator per source kind. Pass an extended copy to `validateConfig` to add a kind. */
export const SOURCE_VALIDATORS: Readonly<Record<SourceKind, SourceValidator>> = {
  'modbus-tcp': validateModbusTcpSource,
  'modbus-rtu': validateModbusRtuSource,
  'nmea-gps': validateGpsSource,
  line: validateLineSource,
  accel: validateAccelSource,
  scanner: validateScannerSource,
  camera: validateCameraSource,
  llrp: validateLlrpSource,
};

export type ValidationResult = { ok: true; config: AgentConfig } | { ok: false; problems: string[] };

function validateMqtt(raw: unknown, problems: Problems, site: string | undefined, node: string | undefined): MqttConfig | undefined {
  const before = problems.length;
  const o = object(raw, 'mqtt', problems, ['url', 'username', 'password', 'passwordFile', 'caFile', 'certFile', 'keyFile', 'clientId', 'keepaliveS', 'protocolVersion']);
  if (!o) return undefined;
  const url = string(o['url'], 'mqtt.url', problems, { pattern: /^(mqtts?|tcp|tls|wss?):\/\/[^\s]+$/, patternText: 'mqtt://host:port (or mqtts, ws, wss)' });
  const username = optional(o['username'], undefined, (v) => string(v, 'mqtt.username', problems));
  const password = optional(o['password'], undefined, (v) => string(v, 'mqtt.password', problems));
  const passwordFile = optional(o['passwordFile'], undefined, (v) => string(v, 'mqtt.passwordFile', problems));
  if (password !== undefined && passwordFile !== undefined) problems.push('mqtt: password and passwordFile exclude each other');
  const files = Object.fromEntries((['caFile', 'certFile', 'keyFile'] as const).flatMap((k) => {
    const v = optional(o[k], undefined, (x) => string(x, `mqtt.${k}`, problems));
    return v === undefined ? [] : [[k, v]];
  })) as { caFile?: string; certFile?: string; keyFile?: string };
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) problems.push('mqtt: certFile and keyFile go together');
  if (Object.keys(files).length > 0 && typeof url === 'string' && !/^(mqtts|tls|wss):/.test(url)) problems.push('mqtt: caFile, certFile and keyFile need an mqtts:// (or wss://) url');
  const clientId = optional(o['clientId'], `ct-${site ?? 'site'}-${node ?? 'node'}`, (v) => string(v, 'mqtt.clientId', problems));
  const keepaliveS = optional(o['keepaliveS'], 30, (v) => number(v, 'mqtt.keepaliveS', problems, { integer: true, min: 0, max: 65535 }));
  const protocolVersion = optional(o['protocolVersion'], 4 as const, (v) => oneOf<4 | 5>(v, 'mqtt.protocolVersion', problems, [4, 5]));
  if (problems.length > before) return undefined;
  return {
    url: url as string,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(passwordFile !== undefined ? { passwordFile } : {}),
    ...files,
    clientId: clientId as string,
    keepaliveS: keepaliveS as number,
    protocolVersion: protocolVersion as 4 | 5,
  };
}

function validateOutbox(raw: unknown, problems: Problems): OutboxConfig | undefined {
  if (raw === undefined) return DEFAULT_OUTBOX;
  const before = problems.length;
  const o = object(raw, 'outbox', problems, ['maxBytes', 'maxAgeMs', 'replayRatePerS']);
  if (!o) return undefined;
  const maxBytes = optional(o['maxBytes'], DEFAULT_OUTBOX.maxBytes, (v) => number(v, 'outbox.maxBytes', problems, { integer: true, min: 1024 }));
  const maxAgeMs = optional(o['maxAgeMs'], DEFAULT_OUTBOX.maxAgeMs, (v) => number(v, 'outbox.maxAgeMs', problems, { integer: true, min: 1000 }));
  const replayRatePerS = optional(o['replayRatePerS'], DEFAULT_OUTBOX.replayRatePerS, (v) =>
    number(v, 'outbox.replayRatePerS', problems, { min: 0, exclusiveMin: true, max: 100_000 }),
  );
  if (problems.length > before) return undefined;
  return { maxBytes: maxBytes as number, maxAgeMs: maxAgeMs as number, replayRatePerS: replayRatePerS as number };
}

function validateMetrics(raw: unknown, problems: Problems): MetricsConfig | undefined {
  const before = problems.length;
  const o = object(raw, 'metrics', problems, ['host', 'port']);
  if (!o) return undefined;
  const host = optional(o['host'], DEFAULT_METRICS_HOST, (v) => string(v, 'metrics.host', problems));
  const port = number(o['port'], 'metrics.port', problems, { integer: true, min: 0, max: 65535 });
  if (problems.length > before) return undefined;
  return { host: host as string, port: port as number };
}

/** Device ids a source publishes under, to check uniqueness across sources. */
function deviceIds(source: SourceConfig): string[] {
  if (source.kind === 'modbus-tcp' || source.kind === 'modbus-rtu') return source.devices.map((d) => d.id);
  if (source.kind === 'llrp') return [...new Set([...source.antennas.map((a) => a.device), source.device])];
  const device = (source as { device?: unknown }).device;
  return typeof device === 'string' ? [device] : [];
}

export function validateConfig(raw: unknown, validators: Readonly<Record<string, SourceValidator>> = SOURCE_VALIDATORS): ValidationResult {
  const problems: Problems = [];
  const o = object(raw, '', problems, ['site', 'node', 'mqtt', 'dataDir', 'outbox', 'metrics', 'photos', 'sources', 'logLevel']);
  if (!o) return { ok: false, problems };
  const idOpts = { pattern: ID_RE, patternText: `ID_PATTERN ${ID_PATTERN}` };
  const site = string(o['site'], 'site', problems, idOpts);
  const node = string(o['node'], 'node', problems, idOpts);
  const mqtt = validateMqtt(o['mqtt'], problems, site, node);
  const dataDir = string(o['dataDir'], 'dataDir', problems);
  const outbox = validateOutbox(o['outbox'], problems);
  const metrics = o['metrics'] === undefined ? undefined : validateMetrics(o['metrics'], problems);
  const photos = o['photos'] === undefined ? undefined : validatePhotos(o['photos'], problems);
  const logLevel = optional(o['logLevel'], 'info' as const, (v) =>
    oneOf<AgentConfig['logLevel']>(v, 'logLevel', problems, ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  );
  const rawSources = array(o['sources'], 'sources', problems, { minItems: 1 }) ?? [];
  const sources: SourceConfig[] = [];
  const indexOf = new Map<SourceConfig, number>();
  rawSources.forEach((s, i) => {
    const path = join('sources', i);
    const kind = isRecord(s) ? s['kind'] : undefined;
    const validator = typeof kind === 'string' && Object.hasOwn(validators, kind) ? validators[kind] : undefined;
    if (!validator) {
      problems.push(`${join(path, 'kind')}: expected one of ${Object.keys(validators).join(',')}, got ${describe(kind)}`);
      return;
    }
    const source = validator(s, path, problems);
    if (source) {
      sources.push(source);
      indexOf.set(source, i);
    }
  });
  // Only sources that validated can be cross-checked; indexes are those of the file.
  const owner = new Map<string, number>();
  sources.forEach((s) => {
    const i = indexOf.get(s) ?? -1;
    for (const id of deviceIds(s)) {
      const prev = owner.get(id);
      if (prev !== undefined && prev !== i) problems.push(`sources[${i}]: device id ${JSON.stringify(id)} is also used by sources[${prev}]`);
      else if (prev === i && (s.kind === 'modbus-tcp' || s.kind === 'modbus-rtu')) problems.push(`sources[${i}]: device id ${JSON.stringify(id)} is used twice`);
      owner.set(id, i);
    }
  });
  checkCameraReferences(sources, (s) => indexOf.get(s) ?? -1, o['photos'] !== undefined, problems);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      site: site as string,
      node: node as string,
      mqtt: mqtt as MqttConfig,
      dataDir: dataDir as string,
      outbox: outbox as OutboxConfig,
      ...(metrics !== undefined ? { metrics } : {}),
      ...(photos !== undefined ? { photos } : {}),
      sources,
      logLevel: logLevel as AgentConfig['logLevel'],
    },
  };
}
