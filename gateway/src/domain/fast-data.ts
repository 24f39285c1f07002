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
import { ReadingFlag, type StoredReading } from '../ports/telemetry-store.js';

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

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** 10^0 .. 10^22: exactly representable doubles (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Most significant digits a mantissa may have and stay exact (< 2^53). */
const MAX_EXACT_DIGITS = 15;

/** Key ids of a data message and of a reading (a bit each, to refuse a repeated key). */
const K_V = 1, K_SEQ = 2, K_TIME = 4, K_READINGS = 8;
const R_METRIC = 1, R_VALUE = 2, R_UNIT = 4, R_TIME = 8;

/** Signals "not for the fast path"; never escapes this module. */
class Bail {}
const BAIL = new Bail();

/**
 * Parses and checks a contract-v1 data message completely, or returns undefined (then the full path decides).
 * The topic has been checked by the caller, and so has the payload size.
 */
export function parseDataFast(
  payload: Uint8Array, topic: { readonly site: string; readonly node: string; readonly device: string },
  receivedAt: number, o: FastDataOptions, catalogue: readonly FastMetric[],
): FastDataResult | undefined {
  try {
    return new Scanner(payload, catalogue).message(topic, receivedAt, o);
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

class Scanner {
  private pos = 0;
  private readonly end: number;
  // Per reading, in order: catalogue entry, value, own device time (NaN when absent).
  private readonly metrics: FastMetric[] = [];
  private readonly values: number[] = [];
  private readonly times: number[] = [];

  constructor(private readonly b: Uint8Array, private readonly catalogue: readonly FastMetric[]) {
    this.end = b.length;
  }

  message(topic: { readonly site: string; readonly node: string; readonly device: string }, receivedAt: number, o: FastDataOptions): FastDataResult {
    let seen = 0;
    let v = NaN, seq = NaN, time = NaN;
    this.ws();
    this.expect(OPEN_OBJECT);
    this.ws();
    if (this.peek() !== CLOSE_OBJECT) {
      for (;;) {
        const key = this.topKey();
        if ((seen & key) !== 0) throw BAIL;
        seen |= key;
        this.ws();
        this.expect(COLON);
        this.ws();
        if (key === K_V) v = this.number();
        else if (key === K_SEQ) seq = this.number();
        else if (key === K_TIME) time = this.number();
        else this.readings();
        this.ws();
        if (this.peek() !== COMMA) break;
        this.pos++;
        this.ws();
      }
    }
    this.expect(CLOSE_OBJECT);
    this.ws();
    if (this.pos !== this.end) throw BAIL;
    if (seen !== (K_V | K_SEQ | K_TIME | K_READINGS) || v !== 1) throw BAIL;
    if (!Number.isInteger(seq) || seq < 0 || seq > Number.MAX_SAFE_INTEGER || !isDeviceTime(time)) throw BAIL;
    const n = this.metrics.length;
    if (n < 1 || n > MAX_READINGS_PER_MESSAGE) throw BAIL;
    const out = new Array<StoredReading>(n);
    // No metric twice at one time: checked as "each metric's times rise through the message", which a Float64Array
    // per metric id answers without hashing. Valid messages in another order take the full path.
    const last = n > 1 ? new Float64Array(this.catalogue.length).fill(-Infinity) : undefined;
    for (let i = 0; i < n; i++) {
      const m = this.metrics[i]!;
      const own = this.times[i]!;
      const t = Number.isNaN(own) ? time : own;
      if (last !== undefined) {
        if (t <= last[m.id]!) throw BAIL;
        last[m.id] = t;
      }
      let flags = 0;
      if (t - receivedAt > o.clockSkewToleranceMs) flags |= ReadingFlag.CLOCK_SKEW;
      if (receivedAt - t > o.lateAfterMs) flags |= ReadingFlag.LATE;
      out[i] = {
        site: topic.site, node: topic.node, device: topic.device, metric: m.name, time: t, value: this.values[i]!,
        unit: m.spec.unit, seq, receivedAt, flags,
      };
    }
    return { seq, readings: out };
  }

  private readings(): void {
    this.expect(OPEN_ARRAY);
    this.ws();
    if (this.peek() === CLOSE_ARRAY) throw BAIL; // empty: the full path words it
    for (;;) {
      this.reading();
      this.ws();
      const c = this.peek();
      this.pos++;
      if (c === CLOSE_ARRAY) return;
      if (c !== COMMA) throw BAIL;
      this.ws();
    }
  }

  private reading(): void {
    this.expect(OPEN_OBJECT);
    this.ws();
    let seen = 0;
    let metricStart = 0, metricEnd = 0, unitStart = 0, unitEnd = 0;
    let value = NaN, isBool = false, time = NaN;
    if (this.peek() === CLOSE_OBJECT) throw BAIL;
    for (;;) {
      const key = this.readingKey();
      if ((seen & key) !== 0) throw BAIL;
      seen |= key;
      this.ws();
      this.expect(COLON);
      this.ws();
      if (key === R_METRIC) {
        metricStart = this.pos + 1;
        metricEnd = this.string();
      } else if (key === R_UNIT) {
        unitStart = this.pos + 1;
        unitEnd = this.string();
      } else if (key === R_TIME) {
        time = this.number();
        if (!isDeviceTime(time)) throw BAIL;
      } else {
        const c = this.peek();
        if (c === 0x74 /* t */) { this.literal('true'); value = 1; isBool = true; }
        else if (c === 0x66 /* f */) { this.literal('false'); value = 0; isBool = true; }
        else value = this.number();
      }
      this.ws();
      const c = this.peek();
      this.pos++;
      if (c === CLOSE_OBJECT) break;
      if (c !== COMMA) throw BAIL;
      this.ws();
    }
    if (seen !== (R_METRIC | R_VALUE | R_UNIT) && seen !== (R_METRIC | R_VALUE | R_UNIT | R_TIME)) throw BAIL;
    const m = this.lookup(metricStart, metricEnd);
    if (!this.equals(unitStart, unitEnd, m.unitBytes)) throw BAIL;
    const spec = m.spec;
    if (spec.type === 'bool') {
      if (!isBool) throw BAIL;
    } else {
      if (isBool || !Number.isFinite(value)) throw BAIL;
      if (spec.type === 'int' && !Number.isInteger(value)) throw BAIL;
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) throw BAIL;
    }
    this.metrics.push(m);
    this.values.push(value);
    this.times.push(time);
  }

  /** Top-level key: "v", "seq", "time" or "readings"; anything else is for the full path. */
  private topKey(): number {
    const s = this.pos + 1;
    const e = this.string();
    const b = this.b;
    switch (e - s) {
      case 1: if (b[s] === 0x76) return K_V; break;
      case 3: if (b[s] === 0x73 && b[s + 1] === 0x65 && b[s + 2] === 0x71) return K_SEQ; break;
      case 4: if (this.equals(s, e, KEY_TIME)) return K_TIME; break;
      case 8: if (this.equals(s, e, KEY_READINGS)) return K_READINGS; break;
    }
    throw BAIL;
  }

  private readingKey(): number {
    const s = this.pos + 1;
    const e = this.string();
    switch (e - s) {
      case 4: if (this.equals(s, e, KEY_UNIT)) return R_UNIT; if (this.equals(s, e, KEY_TIME)) return R_TIME; break;
      case 5: if (this.equals(s, e, KEY_VALUE)) return R_VALUE; break;
      case 6: if (this.equals(s, e, KEY_METRIC)) return R_METRIC; break;
    }
    throw BAIL;
  }

  private lookup(s: number, e: number): FastMetric {
    for (const m of this.catalogue) if (this.equals(s, e, m.nameBytes)) return m;
    throw BAIL;
  }

  private equals(s: number, e: number, want: Uint8Array): boolean {
    if (e - s !== want.length) return false;
    const b = this.b;
    for (let i = 0; i < want.length; i++) if (b[s + i] !== want[i]) return false;
    return true;
  }

  /** A string of printable ASCII without escapes; returns the index of its closing quote and steps past it. */
  private string(): number {
    const b = this.b;
    if (b[this.pos] !== QUOTE) throw BAIL;
    let i = this.pos + 1;
    for (; i < this.end; i++) {
      const c = b[i]!;
      if (c === QUOTE) {
        this.pos = i + 1;
        return i;
      }
      if (c < 0x20 || c > 0x7e || c === 0x5c) throw BAIL;
    }
    throw BAIL;
  }

  /** A JSON number, converted exactly as JSON.parse does. */
  private number(): number {
    const b = this.b;
    const start = this.pos;
    let i = start;
    const negative = b[i] === MINUS;
    if (negative) i++;
    let mantissa = 0, digits = 0, fraction = 0;
    let c = b[i];
    if (c === ZERO) {
      i++;
    } else if (c !== undefined && c > ZERO && c <= NINE) {
      for (; (c = b[i]) !== undefined && c >= ZERO && c <= NINE; i++) { mantissa = mantissa * 10 + (c - ZERO); digits++; }
    } else {
      throw BAIL;
    }
    let simple = true;
    if (b[i] === DOT) {
      i++;
      const from = i;
      for (; (c = b[i]) !== undefined && c >= ZERO && c <= NINE; i++) { mantissa = mantissa * 10 + (c - ZERO); digits++; fraction++; }
      if (i === from) throw BAIL;
    }
    c = b[i];
    if (c === 0x65 || c === 0x45) { // e E
      simple = false;
      i++;
      c = b[i];
      if (c === 0x2b || c === MINUS) i++;
      const from = i;
      while ((c = b[i]) !== undefined && c >= ZERO && c <= NINE) i++;
      if (i === from) throw BAIL;
    }
    this.pos = i;
    if (simple && digits <= MAX_EXACT_DIGITS && fraction < POW10.length) {
      // Exact integer mantissa over an exact power of ten: IEEE division rounds correctly, like strtod.
      const x = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
      return negative ? -x : x;
    }
    let s = '';
    for (let k = start; k < i; k++) s += String.fromCharCode(b[k]!);
    return Number(s);
  }

  private literal(word: 'true' | 'false'): void {
    const b = this.b;
    for (let k = 0; k < word.length; k++) if (b[this.pos + k] !== word.charCodeAt(k)) throw BAIL;
    this.pos += word.length;
  }

  private expect(c: number): void {
    if (this.b[this.pos] !== c) throw BAIL;
    this.pos++;
  }

  private peek(): number | undefined {
    return this.b[this.pos];
  }

  private ws(): void {
    const b = this.b;
    let c;
    while ((c = b[this.pos]) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
  }
}

const enc = new TextEncoder();
const KEY_TIME = enc.encode('time');
const KEY_READINGS = enc.encode('readings');
const KEY_UNIT = enc.encode('unit');
const KEY_VALUE = enc.encode('value');
const KEY_METRIC = enc.encode('metric');

function isDeviceTime(t: number): boolean {
  return Number.isInteger(t) && t >= MIN_DEVICE_TIME_MS && t <= MAX_DEVICE_TIME_MS;
}
