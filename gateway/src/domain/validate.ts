/**
 * Validation of inbound messages against contract v1. Pure: no I/O, receive time passed in.
 *
 * A message is the unit of acknowledgement and of quarantine: if any reading is invalid, the whole message is
 * refused with a precise reason (which reading, which field) and kept in quarantine, so a replay after a fix stores it
 * whole. Idempotency makes replaying a message whose readings are partly stored harmless.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import {
  DataMessageSchema, DeviceStatusSchema, MAX_PAYLOAD_BYTES, METRICS, NodeStatusSchema, parseTopic, ScanMessageSchema,
  type DataMessage, type MetricSpec, type DeviceStatus, type NodeStatus, type ParsedTopic, type ScanMessage,
} from '@coldtrace/contract';
import { checkScan, type ScanInbound } from './scans/check.js';
import { firstDuplicateKey } from './duplicate-keys.js';
import { fastCatalogue, parseDataFast, type FastMetric } from './fast-data.js';
import { factsOfBody, type RefusalFacts } from './feedback/refusal.js';
import type { RejectCode } from './reject-codes.js';
import { ReadingFlag, type StoredReading } from './reading.js';

export interface ValidationOptions {
  /** A reading more than this far ahead of receive time is flagged CLOCK_SKEW (docs/domain.md §1: 5 min). Default 300000 ms. */
  readonly clockSkewToleranceMs: number;
  /** A reading received more than this after its device time is flagged LATE (store-and-forward replay). Default 60000 ms. */
  readonly lateAfterMs: number;
  /** Largest accepted payload, bytes. Default contract MAX_PAYLOAD_BYTES (256 KiB). */
  readonly maxPayloadBytes: number;
  /** The metric catalogue readings are checked against. Default: contract METRICS. */
  readonly catalogue: Readonly<Record<string, MetricSpec>>;
  /** Try the one-pass parser of fast-data.ts before the full path. Default true; off only to compare the two. */
  readonly fastPath: boolean;
}

export const DEFAULT_VALIDATION_OPTIONS: ValidationOptions = {
  clockSkewToleranceMs: 5 * 60_000,
  lateAfterMs: 60_000,
  maxPayloadBytes: MAX_PAYLOAD_BYTES,
  catalogue: METRICS,
  fastPath: true,
};

export interface Rejection {
  readonly ok: false;
  readonly code: RejectCode;
  readonly detail: string;
  readonly topic: ParsedTopic | undefined;
  /** Sequence, device time and offending metric, when the validator read that far (refusal feedback, issue #24). */
  readonly facts?: RefusalFacts;
}

export type Inbound =
  | { readonly ok: true; readonly kind: 'data'; readonly topic: Extract<ParsedTopic, { kind: 'data' }>; readonly seq: number; readonly readings: StoredReading[] }
  | { readonly ok: true; readonly kind: 'device-status'; readonly topic: Extract<ParsedTopic, { kind: 'device-status' }>; readonly status: DeviceStatus }
  | { readonly ok: true; readonly kind: 'node-status'; readonly topic: Extract<ParsedTopic, { kind: 'node-status' }>; readonly status: NodeStatus }
  | ScanInbound
  | Rejection;

/** Compiled once per gateway; compiling is the expensive part, validating is cheap. */
export class MessageValidator {
  private readonly data: ValidateFunction<DataMessage>;
  private readonly deviceStatus: ValidateFunction<DeviceStatus>;
  private readonly nodeStatus: ValidateFunction<NodeStatus>;
  private readonly scan: ValidateFunction<ScanMessage>;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /** Parsed topics by name: a device publishes on the same few topics all its life. Bounded; cleared when full. */
  private readonly topics = new Map<string, ParsedTopic | undefined>();
  private static readonly TOPIC_CACHE_SIZE = 100_000;
  readonly options: ValidationOptions;
  private readonly catalogue: Catalogue;
  private readonly fast: readonly FastMetric[] | undefined;

  constructor(options: Partial<ValidationOptions> = {}) {
    this.options = { ...DEFAULT_VALIDATION_OPTIONS, ...options };
    this.catalogue = indexCatalogue(this.options.catalogue);
    this.fast = this.options.fastPath ? fastCatalogue(this.options.catalogue) : undefined;
    const ajv = new Ajv({ allErrors: false, strict: true, strictTypes: false });
    ajv.addKeyword('kind').addKeyword('modifier');
    this.data = ajv.compile<DataMessage>(DataMessageSchema);
    this.deviceStatus = ajv.compile<DeviceStatus>(DeviceStatusSchema);
    this.nodeStatus = ajv.compile<NodeStatus>(NodeStatusSchema);
    this.scan = ajv.compile<ScanMessage>(ScanMessageSchema);
  }

  /** Classifies and validates one MQTT message. `receivedAt` is the gateway's receive time, ms. */
  check(topicName: string, payload: Uint8Array, receivedAt: number): Inbound {
    let topic = this.topics.get(topicName);
    if (topic === undefined && !this.topics.has(topicName)) {
      topic = parseTopic(topicName);
      if (this.topics.size >= MessageValidator.TOPIC_CACHE_SIZE) this.topics.clear();
      this.topics.set(topicName, topic);
    }
    if (topic === undefined) return reject('E_TOPIC', `topic '${clip(topicName, 200)}' is not ct/v1/{site}/{node}[/{device}]/{data|status|scan}`, undefined);
    if (payload.byteLength > this.options.maxPayloadBytes) {
      return reject('E_OVERSIZE', `payload is ${payload.byteLength} bytes, the maximum is ${this.options.maxPayloadBytes}`, topic);
    }
    if (topic.kind === 'data' && this.fast !== undefined) {
      const r = parseDataFast(payload, topic, receivedAt, this.options, this.fast);
      if (r !== undefined) return { ok: true, kind: 'data', topic, seq: r.seq, readings: r.readings };
    }
    let text: string;
    try {
      text = this.decoder.decode(payload);
    } catch {
      return reject('E_ENCODING', 'payload is not valid UTF-8', topic);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return reject('E_JSON', `payload is not JSON: ${(e as Error).message}`, topic);
    }
    const repeated = firstDuplicateKey(text);
    if (repeated !== undefined) return reject('E_DUPLICATE_KEY', `${repeated}: the key appears twice in one object; which value is meant is ambiguous`, topic);
    switch (topic.kind) {
      case 'data':
        if (!this.data(body)) return schemaRejection(this.data.errors, topic, body);
        return checkReadings(topic, body, receivedAt, this.options, this.catalogue);
      case 'device-status':
        if (!this.deviceStatus(body)) return schemaRejection(this.deviceStatus.errors, topic, body);
        return { ok: true, kind: 'device-status', topic, status: body };
      case 'node-status':
        if (!this.nodeStatus(body)) return schemaRejection(this.nodeStatus.errors, topic, body);
        return { ok: true, kind: 'node-status', topic, status: body };
      case 'scan': {
        if (!this.scan(body)) return schemaRejection(this.scan.errors, topic, body);
        const r = checkScan(topic, body, receivedAt, this.options);
        return r.ok ? r : reject(r.code, r.detail, topic, { seq: r.seq, deviceTime: r.deviceTime });
      }
    }
  }
}

/** The catalogue as looked up on the hot path: spec and a small integer id per metric. */
interface Catalogue {
  readonly specs: ReadonlyMap<string, { readonly spec: MetricSpec; readonly id: number }>;
  readonly size: number;
}

function indexCatalogue(c: Readonly<Record<string, MetricSpec>>): Catalogue {
  const specs = new Map(Object.entries(c).map(([name, spec], id) => [name, { spec, id }] as const));
  return { specs, size: specs.size };
}

function checkReadings(topic: Extract<ParsedTopic, { kind: 'data' }>, msg: DataMessage, receivedAt: number, o: ValidationOptions, cat: Catalogue): Inbound {
  const n = msg.readings.length;
  const readings: StoredReading[] = new Array<StoredReading>(n);
  // (time, metric) pairs as numbers: time * catalogue size + metric id stays exact below 2^53 for any valid time.
  const seen = n > 1 ? new Set<number>() : undefined;
  const at = (i: number): string => `/readings/${i}`;
  for (let i = 0; i < n; i++) {
    const r = msg.readings[i]!;
    const entry = cat.specs.get(r.metric);
    if (entry === undefined) return reject('E_METRIC_UNKNOWN', `${at(i)}/metric: '${clip(r.metric, 64)}' is not in the metric catalogue`, topic, readingFacts(msg, r));
    const spec = entry.spec;
    if (r.unit !== spec.unit) return reject('E_UNIT', `${at(i)}/unit: '${r.metric}' is measured in '${spec.unit}', got '${clip(r.unit, 16)}'`, topic, readingFacts(msg, r));
    let value: number;
    if (spec.type === 'bool') {
      if (typeof r.value !== 'boolean') return reject('E_VALUE_TYPE', `${at(i)}/value: '${r.metric}' is pinned to bool, got ${typeof r.value}`, topic, readingFacts(msg, r));
      value = r.value ? 1 : 0;
    } else {
      if (typeof r.value !== 'number') return reject('E_VALUE_TYPE', `${at(i)}/value: '${r.metric}' is pinned to ${spec.type}, got ${typeof r.value}`, topic, readingFacts(msg, r));
      if (spec.type === 'int' && !Number.isInteger(r.value)) return reject('E_VALUE_TYPE', `${at(i)}/value: '${r.metric}' is pinned to int, got ${r.value}`, topic, readingFacts(msg, r));
      if ((spec.min !== undefined && r.value < spec.min) || (spec.max !== undefined && r.value > spec.max)) {
        return reject('E_VALUE_RANGE', `${at(i)}/value: ${r.value} is outside [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}] for '${r.metric}'`, topic, readingFacts(msg, r));
      }
      value = r.value;
    }
    const time = r.time ?? msg.time;
    if (seen !== undefined) {
      const key = time * cat.size + entry.id;
      if (seen.has(key)) return reject('E_DUPLICATE_READING', `${at(i)}: '${r.metric}' at device time ${time} appears twice in the message`, topic, readingFacts(msg, r));
      seen.add(key);
    }
    let flags = 0;
    if (time - receivedAt > o.clockSkewToleranceMs) flags |= ReadingFlag.CLOCK_SKEW;
    if (receivedAt - time > o.lateAfterMs) flags |= ReadingFlag.LATE;
    readings[i] = {
      site: topic.site, node: topic.node, device: topic.device, metric: r.metric, time, value, unit: r.unit,
      seq: msg.seq, receivedAt, flags,
    };
  }
  return { ok: true, kind: 'data', topic, seq: msg.seq, readings };
}

/** Maps the first schema error to a distinct reject code with the JSON pointer of the offending field. */
function schemaRejection(errors: ErrorObject[] | null | undefined, topic: ParsedTopic, body: unknown): Rejection {
  const e = errors?.[0];
  if (e === undefined) return reject('E_FIELD_TYPE', 'payload does not match the contract schema', topic);
  const at = e.instancePath === '' ? '/' : e.instancePath;
  const facts = factsOfBody(body, e.instancePath);
  switch (e.keyword) {
    case 'required':
      return reject('E_FIELD_MISSING', `${at}: required field '${String(e.params['missingProperty'])}' is missing`, topic, facts);
    case 'additionalProperties':
      return reject('E_FIELD_UNKNOWN', `${at}: field '${String(e.params['additionalProperty'])}' is not in the contract`, topic, facts);
    case 'minLength':
    case 'minItems':
      return reject('E_FIELD_EMPTY', `${at}: must not be empty`, topic, facts);
    case 'maxLength':
    case 'maxItems':
      return reject('E_FIELD_TOO_LONG', `${at}: ${e.message ?? 'too long'}`, topic, facts);
    case 'minimum':
    case 'maximum':
      return reject('E_FIELD_RANGE', `${at}: ${e.message ?? 'out of range'}`, topic, facts);
    case 'const':
      return at === '/v' ? reject('E_VERSION', `/v: contract version ${JSON.stringify((body as { v?: unknown }).v)} is not supported (expected 1)`, topic, facts)
        : reject('E_FIELD_TYPE', `${at}: ${e.message ?? 'wrong value'}`, topic, facts);
    default:
      return reject('E_FIELD_TYPE', `${at}: ${e.message ?? 'wrong type'}`, topic, facts);
  }
}

/** Facts of the reading a rejection points at (refusal feedback): built only on the way out. */
function readingFacts(msg: DataMessage, r: DataMessage['readings'][number]): RefusalFacts {
  return { seq: msg.seq, deviceTime: r.time ?? msg.time, metrics: [clip(r.metric, 64)] };
}

function reject(code: RejectCode, detail: string, topic: ParsedTopic | undefined, facts?: RefusalFacts): Rejection {
  return facts === undefined ? { ok: false, code, detail, topic } : { ok: false, code, detail, topic, facts };
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
