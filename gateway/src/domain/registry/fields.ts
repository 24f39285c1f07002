/**
 * Reads an untrusted JSON object field by field, collecting every problem with its path instead of stopping at the
 * first, so an import of 500,000 orders reports all of its mistakes at once (docs/registry.md, "Problems").
 */
import type { Problem } from './types.js';

/** Longest id accepted, characters. */
export const MAX_ID_LENGTH = 128;

/** Time strings: a date (UTC midnight) or a date-time with `Z` or an offset; a local time without one is ambiguous. */
const TIME_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A problem for each key of `o` that is not `known`, on the object's path. */
export function unknownFields(o: Record<string, unknown>, known: readonly string[], path: string): Problem[] {
  return Object.keys(o).filter((k) => !known.includes(k)).map((k) => ({ path: `${path}.${k}`, message: `unknown field '${k}'` }));
}

/**
 * The instants an export writes back in a form the registry reads (issue #17: fuzzing found
 * `9999-12-31T23:45:00-00:15` accepted, then exported as `+010000-01-01T00:00:00.000Z`, which no import reads):
 * toISOString writes years past 9999 with six digits, and Date.UTC reads years below 100 as 19xx.
 */
const FIRST_TIME_MS = Date.parse('0100-01-01T00:00:00.000Z');
const LAST_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** ms since the epoch of a time string as the registry accepts it, or undefined. */
export function parseTime(s: string): number | undefined {
  if (!TIME_RE.test(s)) return undefined;
  // Date.parse rolls impossible dates over (2026-02-30 is March 2): the calendar date must exist as written.
  const [y, m, d] = [Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return undefined;
  const ms = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  return ms >= FIRST_TIME_MS && ms <= LAST_TIME_MS ? ms : undefined;
}

/** Days in month `m` (1-12) of year `y` (proleptic Gregorian). */
function daysIn(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** The non-negative integer of the `len` digits of `s` from `from`, or -1 if one is not a digit. */
function digits(s: string, from: number, len: number): number {
  let v = 0;
  for (let i = from; i < from + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * ms of a time already in canonical form (`2026-12-01T08:00:00.000Z`, what an export writes), or undefined for any
 * other form. The fast path of an import, where a million placements carry two times each: every field is checked
 * by hand (no regular expression, no Date.parse, which rolls 2026-02-30 over into March), and such a string is its
 * own canonical form. Years before 100 take the general path (Date.UTC reads them as 19xx).
 */
export function parseCanonicalTime(s: string): number | undefined {
  if (s.length !== 24 || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':' || s[19] !== '.' || s[23] !== 'Z') return undefined;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

/** The canonical form of a time: ISO 8601 UTC with milliseconds (what an export writes). */
export function canonicalTime(ms: number): string {
  return new Date(ms).toISOString();
}

export class Fields {
  private readonly o: Record<string, unknown>;

  constructor(value: unknown, readonly path: string, private readonly problems: Problem[], allowed: readonly string[]) {
    if (!isObject(value)) {
      this.problem('', 'must be an object');
      this.o = {};
      return;
    }
    this.o = value;
    for (const k of Object.keys(value)) if (!allowed.includes(k)) this.problem(`.${k}`, `unknown field '${k}'`);
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }

  problem(sub: string, message: string): void {
    this.problems.push({ path: `${this.path}${sub}`, message });
  }

  has(key: string): boolean {
    return this.o[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.o[key];
  }

  id(key = 'id', optional = false): string {
    const v = this.o[key];
    if (v === undefined && optional) return '';
    if (typeof v !== 'string' || v.trim() === '' || v !== v.trim() || v.length > MAX_ID_LENGTH) {
      this.problem(`.${key}`, `must be a non-empty id of at most ${MAX_ID_LENGTH} characters, without surrounding spaces`);
      return '';
    }
    return v;
  }

  str(key: string, fallback?: string): string {
    const v = this.o[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string') {
      this.problem(`.${key}`, 'must be a string');
      return '';
    }
    return v;
  }

  num(key: string, o: { min?: number; gt?: number; max?: number; int?: boolean; fallback?: number } = {}): number {
    const v = this.o[key];
    if (v === undefined && o.fallback !== undefined) return o.fallback;
    const bad = typeof v !== 'number' || !Number.isFinite(v) || (o.int === true && !Number.isInteger(v)) ||
      (o.min !== undefined && v < o.min) || (o.gt !== undefined && v <= o.gt) || (o.max !== undefined && v > o.max);
    if (bad) {
      const range = [o.min !== undefined ? `>= ${o.min}` : '', o.gt !== undefined ? `> ${o.gt}` : '', o.max !== undefined ? `<= ${o.max}` : ''].filter((x) => x !== '').join(' and ');
      this.problem(`.${key}`, `must be ${o.int === true ? 'an integer' : 'a number'}${range !== '' ? ` ${range}` : ''}`);
      return 0;
    }
    return v as number;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.o[key];
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.problem(`.${key}`, `must be one of ${values.map((x) => `'${x}'`).join(', ')}`);
      return values[0]!;
    }
    return v as T;
  }

  /** A time string in canonical form, and its ms. */
  time(key: string): { iso: string; ms: number } {
    const v = this.o[key];
    const canonical = typeof v === 'string' ? parseCanonicalTime(v) : undefined;
    if (canonical !== undefined) return { iso: v as string, ms: canonical };
    const ms = typeof v === 'string' ? parseTime(v) : undefined;
    if (ms === undefined) {
      this.problem(`.${key}`, "must be an ISO 8601 date ('2026-03-31') or date-time with a zone ('2026-03-31T08:00:00Z')");
      return { iso: '', ms: 0 };
    }
    return { iso: canonicalTime(ms), ms };
  }

  /** Each element through `each` (with its path); absent reads as [] when `optional`. */
  list<T>(key: string, each: (v: unknown, path: string) => T, o: { optional?: boolean; min?: number } = {}): T[] {
    const v = this.o[key];
    if (v === undefined && o.optional === true) return [];
    if (!Array.isArray(v)) {
      this.problem(`.${key}`, 'must be an array');
      return [];
    }
    if (o.min !== undefined && v.length < o.min) this.problem(`.${key}`, `must have at least ${o.min} element${o.min === 1 ? '' : 's'}`);
    return v.map((x, i) => each(x, `${this.path}.${key}[${i}]`));
  }
}
