/**
 * The fast path for a data message: one pass over the payload bytes, no UTF-8 decode, no JSON.parse, no schema
 * interpreter, no intermediate objects. It accepts only what it can check completely: ASCII strings without escapes,
 * every key of the contract at most once, numbers in JSON's grammar, and every schema and catalogue rule. On anything
 * else it returns undefined and the message takes the full path (decode, JSON.parse, schema, catalogue), which alone
 * words rejections. A differential test holds the two paths to the same result on accepted messages.
 *
 * Pure: no I/O, receive time passed in.
 */
import { MAX_DEVICE_TIME_MS, MAX_READINGS_PER_MESSAGE, MIN_DEVICE_TIME_MS, type MetricSpec } from '@coldtrace/contract';
import { ReadingFlag, type StoredReading } from './reading.js';
import { BAIL, equals, number, quotedAt, string, valueAfterKey, ws } from './json-scan.js';

/** A catalogue entry as the fast path matches it: name and unit as bytes. */
export interface FastMetric {
  readonly name: string;
  readonly nameBytes: Uint8Array;
  readonly unitBytes: Uint8Array;
  readonly spec: MetricSpec;
  /** Small integer id, unique within the catalogue. */
  readonly id: number;
}

export interface FastDataOptions {
  readonly clockSkewToleranceMs: number;
  readonly lateAfterMs: number;
}

export interface FastDataResult {
  readonly seq: number;
  readonly readings: StoredReading[];
}

/** Indexes a catalogue for the fast path. */
export function fastCatalogue(c: Readonly<Record<string, MetricSpec>>): readonly FastMetric[] {
  const enc = new TextEncoder();
  return Object.entries(c).map(([name, spec], id) => ({ name, nameBytes: enc.encode(name), unitBytes: enc.encode(spec.unit), spec, id }));
}

const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** Key ids of a data message and of a reading (a bit each, to refuse a repeated key). */
const K_V = 1, K_SEQ = 2, K_TIME = 4, K_READINGS = 8;
const R_METRIC = 1, R_VALUE = 2, R_UNIT = 4, R_TIME = 8;

const enc = new TextEncoder();
const KEY_TIME = enc.encode('time');
const KEY_READINGS = enc.encode('readings');
const KEY_UNIT = enc.encode('unit');
const KEY_VALUE = enc.encode('value');
const KEY_METRIC = enc.encode('metric');

/**
 * Parses and checks a contract-v1 data message completely, or returns undefined (then the full path decides).
 * The topic has been checked by the caller, and so has the payload size.
 */
export function parseDataFast(
  b: Uint8Array, topic: { readonly site: string; readonly node: string; readonly device: string },
  receivedAt: number, o: FastDataOptions, catalogue: readonly FastMetric[],
): FastDataResult | undefined {
  const end = b.length;
  // Per reading, in order: catalogue entry, value, own device time (NaN when absent).
  const metrics: FastMetric[] = [];
  const values: number[] = [];
  const times: number[] = [];
  const num = new Float64Array(1);
  let seen = 0;
  let v = NaN, seq = NaN, time = NaN;
  let p = ws(b, 0);
  if (b[p] !== OPEN_OBJECT) return undefined;
  p = ws(b, p + 1);
  if (b[p] === CLOSE_OBJECT) return undefined;
  for (;;) {
    const ks = p + 1;
    const ke = string(b, p);
    if (ke === BAIL) return undefined;
    const key = topKey(b, ks, ke);
    if (key === 0 || (seen & key) !== 0) return undefined;
    seen |= key;
    p = valueAfterKey(b, ke);
    if (p === BAIL) return undefined;
    if (key === K_READINGS) {
      p = readings(b, p, catalogue, metrics, values, times, num);
    } else {
      p = number(b, p, num);
      if (key === K_V) v = num[0]!;
      else if (key === K_SEQ) seq = num[0]!;
      else time = num[0]!;
    }
    if (p === BAIL) return undefined;
    p = ws(b, p);
    if (b[p] !== COMMA) break;
    p = ws(b, p + 1);
  }
  if (b[p] !== CLOSE_OBJECT || ws(b, p + 1) !== end) return undefined;
  if (seen !== (K_V | K_SEQ | K_TIME | K_READINGS) || v !== 1) return undefined;
  if (!Number.isInteger(seq) || seq < 0 || seq > Number.MAX_SAFE_INTEGER || !isDeviceTime(time)) return undefined;
  const n = metrics.length;
  if (n < 1 || n > MAX_READINGS_PER_MESSAGE) return undefined;
  const out = new Array<StoredReading>(n);
  // No metric twice at one time: checked as "each metric's times rise through the message", which a Float64Array
  // per metric id answers without hashing. Valid messages in another order take the full path.
  const last = n > 1 ? new Float64Array(catalogue.length).fill(-Infinity) : undefined;
  for (let i = 0; i < n; i++) {
    const m = metrics[i]!;
    const own = times[i]!;
    const t = Number.isNaN(own) ? time : own;
    if (last !== undefined) {
      if (t <= last[m.id]!) return undefined;
      last[m.id] = t;
    }
    let flags = 0;
    if (t - receivedAt > o.clockSkewToleranceMs) flags |= ReadingFlag.CLOCK_SKEW;
    if (receivedAt - t > o.lateAfterMs) flags |= ReadingFlag.LATE;
    out[i] = {
      site: topic.site, node: topic.node, device: topic.device, metric: m.name, time: t, value: values[i]!,
      unit: m.spec.unit, seq, receivedAt, flags,
    };
  }
  return { seq, readings: out };
}

/** The readings array at `p`; appends each reading's entry, value and own time. */
function readings(
  b: Uint8Array, p: number, catalogue: readonly FastMetric[], metrics: FastMetric[], values: number[], times: number[], num: Float64Array,
): number {
  if (b[p] !== OPEN_ARRAY) return BAIL;
  p = ws(b, p + 1);
  if (b[p] === CLOSE_ARRAY) return BAIL; // empty: the full path words it
  for (;;) {
    p = reading(b, p, catalogue, metrics, values, times, num);
    if (p === BAIL) return BAIL;
    p = ws(b, p);
    const c = b[p];
    if (c === CLOSE_ARRAY) return p + 1;
    if (c !== COMMA) return BAIL;
    p = ws(b, p + 1);
  }
}

function reading(
  b: Uint8Array, p: number, catalogue: readonly FastMetric[], metrics: FastMetric[], values: number[], times: number[], num: Float64Array,
): number {
  if (b[p] !== OPEN_OBJECT) return BAIL;
  p = ws(b, p + 1);
  let seen = 0;
  let m: FastMetric | undefined;
  let unitStart = 0, unitEnd = 0;
  let value = NaN, isBool = false, time = NaN;
  for (;;) {
    // The usual keys are matched in place (one pass); anything else is scanned, then named or refused.
    let key = 0, ke = BAIL;
    switch (b[p + 1]) {
      case 0x6d: if (quotedAt(b, p, KEY_METRIC)) { key = R_METRIC; ke = p + 7; } break; // m
      case 0x76: if (quotedAt(b, p, KEY_VALUE)) { key = R_VALUE; ke = p + 6; } break; // v
      case 0x75: if (quotedAt(b, p, KEY_UNIT)) { key = R_UNIT; ke = p + 5; } break; // u
      case 0x74: if (quotedAt(b, p, KEY_TIME)) { key = R_TIME; ke = p + 5; } break; // t
    }
    if (key === 0) {
      ke = string(b, p);
      if (ke === BAIL) return BAIL;
      key = readingKey(b, p + 1, ke);
    }
    if (key === 0 || (seen & key) !== 0) return BAIL;
    seen |= key;
    p = valueAfterKey(b, ke);
    if (p === BAIL) return BAIL;
    if (key === R_METRIC) {
      m = metricAt(b, p, catalogue);
      if (m === undefined) return BAIL;
      p += m.nameBytes.length + 2;
    } else if (key === R_UNIT) {
      unitStart = p + 1;
      unitEnd = string(b, p);
      p = unitEnd + 1;
    } else if (key === R_TIME) {
      p = number(b, p, num);
      time = num[0]!;
      if (!isDeviceTime(time)) return BAIL;
    } else if (b[p] === 0x74 /* t */) {
      if (b[p + 1] !== 0x72 || b[p + 2] !== 0x75 || b[p + 3] !== 0x65) return BAIL;
      p += 4; value = 1; isBool = true;
    } else if (b[p] === 0x66 /* f */) {
      if (b[p + 1] !== 0x61 || b[p + 2] !== 0x6c || b[p + 3] !== 0x73 || b[p + 4] !== 0x65) return BAIL;
      p += 5; value = 0; isBool = true;
    } else {
      p = number(b, p, num);
      value = num[0]!;
    }
    if (p <= 0) return BAIL; // BAIL from a scanner (a string's end + 1 is 0 then)
    p = ws(b, p);
    const c = b[p];
    if (c === CLOSE_OBJECT) { p++; break; }
    if (c !== COMMA) return BAIL;
    p = ws(b, p + 1);
  }
  if (seen !== (R_METRIC | R_VALUE | R_UNIT) && seen !== (R_METRIC | R_VALUE | R_UNIT | R_TIME)) return BAIL;
  if (m === undefined || !equals(b, unitStart, unitEnd, m.unitBytes)) return BAIL;
  const spec = m.spec;
  if (spec.type === 'bool') {
    if (!isBool) return BAIL;
  } else {
    if (isBool || !Number.isFinite(value)) return BAIL;
    if (spec.type === 'int' && !Number.isInteger(value)) return BAIL;
    if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) return BAIL;
  }
  metrics.push(m);
  values.push(value);
  times.push(time);
  return p;
}

/** Top-level key between `s` and `e`: "v", "seq", "time" or "readings"; 0 for anything else. */
function topKey(b: Uint8Array, s: number, e: number): number {
  switch (e - s) {
    case 1: return b[s] === 0x76 ? K_V : 0;
    case 3: return b[s] === 0x73 && b[s + 1] === 0x65 && b[s + 2] === 0x71 ? K_SEQ : 0;
    case 4: return equals(b, s, e, KEY_TIME) ? K_TIME : 0;
    case 8: return equals(b, s, e, KEY_READINGS) ? K_READINGS : 0;
    default: return 0;
  }
}

function readingKey(b: Uint8Array, s: number, e: number): number {
  switch (e - s) {
    case 4: return equals(b, s, e, KEY_UNIT) ? R_UNIT : equals(b, s, e, KEY_TIME) ? R_TIME : 0;
    case 5: return equals(b, s, e, KEY_VALUE) ? R_VALUE : 0;
    case 6: return equals(b, s, e, KEY_METRIC) ? R_METRIC : 0;
    default: return 0;
  }
}

/** The catalogue metric whose quoted name is at `p` (an escaped or unknown name: undefined, the full path decides). */
function metricAt(b: Uint8Array, p: number, catalogue: readonly FastMetric[]): FastMetric | undefined {
  const first = b[p + 1];
  for (const m of catalogue) if (m.nameBytes[0] === first && quotedAt(b, p, m.nameBytes)) return m;
  return undefined;
}

function isDeviceTime(t: number): boolean {
  return Number.isInteger(t) && t >= MIN_DEVICE_TIME_MS && t <= MAX_DEVICE_TIME_MS;
}
