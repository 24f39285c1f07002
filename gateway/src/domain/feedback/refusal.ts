/**
 * What a node is told about a refused message (contract feedback.ts). Pure: the receive time and the quarantine id are
 * passed in. The facts (sequence, device time, offending metric) come from the validator when it read that far, or
 * from the parsed body of a message the schema refused, and only when they are themselves valid: a feedback never
 * repeats a malformed value as if it were a fact (the detail quotes it).
 */
import {
  MAX_DEVICE_TIME_MS, MAX_FEEDBACK_METRICS, MIN_DEVICE_TIME_MS, type FeedbackMessage, type ParsedTopic,
} from '@coldtrace/contract';
import { REJECT_CODES, type RejectCode } from '../reject-codes.js';

/** Facts of a refused message, when known. */
export interface RefusalFacts {
  readonly seq?: number;
  /** Device time of the offending reading, else of the message, ms. */
  readonly deviceTime?: number;
  readonly metrics?: readonly string[];
}

/** One refused message of a node, as ingest knows it once it is durably quarantined. */
export interface Refusal {
  readonly topic: string;
  /** The parsed topic: a refusal of an unparsable topic names no node, and no node can be told. */
  readonly parsed: ParsedTopic;
  readonly code: RejectCode;
  readonly detail: string;
  readonly facts: RefusalFacts;
  /** Gateway receive time, ms. */
  readonly receivedAt: number;
  readonly quarantineId: number;
}

const READING_AT = /^\/readings\/(\d+)(?:\/|$)/;

function isSeq(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isDeviceTime(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= MIN_DEVICE_TIME_MS && x <= MAX_DEVICE_TIME_MS;
}

function isMetricName(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= 64;
}

/**
 * Facts of a message the schema refused: its `seq` and `time` when valid, and the metric of the reading the error
 * points at (`instancePath` `/readings/3/value`) with that reading's own time when it has a valid one.
 */
export function factsOfBody(body: unknown, instancePath: string): RefusalFacts {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  const facts: { seq?: number; deviceTime?: number; metrics?: string[] } = {};
  if (isSeq(b['seq'])) facts.seq = b['seq'];
  if (isDeviceTime(b['time'])) facts.deviceTime = b['time'];
  const at = READING_AT.exec(instancePath);
  const readings = b['readings'];
  if (at !== null && Array.isArray(readings)) {
    const r: unknown = readings[Number(at[1])];
    if (typeof r === 'object' && r !== null) {
      const reading = r as Record<string, unknown>;
      if (isMetricName(reading['metric'])) facts.metrics = [reading['metric']];
      if (isDeviceTime(reading['time'])) facts.deviceTime = reading['time'];
    }
  }
  return facts;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The feedback message for a refusal; `suppressed` refusals of the same device and code ride along. */
export function feedbackMessage(r: Refusal, suppressed: number): FeedbackMessage {
  const metrics = r.facts.metrics?.filter(isMetricName).slice(0, MAX_FEEDBACK_METRICS);
  return {
    v: 1,
    ...(r.parsed.kind !== 'node-status' ? { device: r.parsed.device } : {}),
    topic: clip(r.topic, 256),
    code: r.code,
    reason: REJECT_CODES[r.code],
    detail: clip(r.detail, 1024),
    ...(metrics !== undefined && metrics.length > 0 ? { metrics } : {}),
    ...(isSeq(r.facts.seq) ? { seq: r.facts.seq } : {}),
    ...(isDeviceTime(r.facts.deviceTime) ? { deviceTime: r.facts.deviceTime } : {}),
    receivedAt: r.receivedAt,
    quarantineId: r.quarantineId,
    suppressed,
  };
}

/** Throttle key of a refusal: its node, its device (or the node itself) and its code. */
export function refusalKey(r: Refusal): string {
  const p = r.parsed;
  return `${p.site}/${p.node}/${p.kind === 'node-status' ? '' : p.device}/${r.code}`;
}
