/**
 * Fuzzing the payload parser (issue #17): MessageValidator never throws, words every refusal with a known code and a
 * reason, stays linear on hostile payloads, and its one-pass fast path (fast-data.ts) agrees with the full path
 * (UTF-8 decode, JSON.parse, schema, catalogue) on every input: same acceptance, same readings, same refusal.
 *
 * Seeds vary per run (fast-check prints the seed and the shrunk counterexample on failure); COLDTRACE_FUZZ=<factor>
 * multiplies the number of runs (docs/engineering.md, "Fuzzing").
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_DEVICE_TIME_MS, MAX_PAYLOAD_BYTES, METRICS, MIN_DEVICE_TIME_MS, type MetricSpec } from '@coldtrace/contract';
import { fastCatalogue, parseDataFast } from './fast-data.js';
import { REJECT_CODES } from './reject-codes.js';
import { MessageValidator, type Inbound } from './validate.js';

const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env['COLDTRACE_FUZZ'] ?? 1)));
const RECEIVED = 1_790_000_001_000;
const withFast = new MessageValidator();
const fullOnly = new MessageValidator({ fastPath: false });
const CATALOGUE = fastCatalogue(METRICS);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Checks one message on both paths; they must agree exactly (values compared with Object.is: -0 is not 0). */
function both(topic: string, payload: Uint8Array): Inbound {
  const a = withFast.check(topic, payload, RECEIVED);
  const b = fullOnly.check(topic, payload, RECEIVED);
  expect(a).toEqual(b);
  if (a.ok && a.kind === 'data' && b.ok && b.kind === 'data') a.readings.forEach((r, i) => expect(Object.is(r.value, b.readings[i]!.value)).toBe(true));
  if (!a.ok) {
    expect(Object.keys(REJECT_CODES)).toContain(a.code);
    expect(a.detail.trim()).not.toBe('');
  }
  return a;
}

// --- topics ---------------------------------------------------------------------------------------------------------
const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,8}$/);
const oddLevel = fc.constantFrom('', '+', '#', ' ', '-x', '_x', 'é', '\u0000', 'a'.repeat(65), '$SYS', 'data', 'status', 'v1', 'ct');
const dataTopic = fc.tuple(id, id, id).map(([s, n, d]) => `ct/v1/${s}/${n}/${d}/data`);
const topic = fc.oneof(
  { weight: 8, arbitrary: dataTopic },
  { weight: 1, arbitrary: fc.tuple(id, id, id).map(([s, n, d]) => `ct/v1/${s}/${n}/${d}/status`) },
  { weight: 1, arbitrary: fc.tuple(id, id).map(([s, n]) => `ct/v1/${s}/${n}/status`) },
  { weight: 2, arbitrary: fc.tuple(dataTopic, fc.nat(6), oddLevel, fc.boolean()).map(([t, at, level, replace]) => {
    const parts = t.split('/');
    parts.splice(at, replace ? 1 : 0, level);
    return parts.join('/');
  }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
);

// --- valid messages, written in the many ways JSON allows -------------------------------------------------------------
const NAMES = Object.keys(METRICS) as (keyof typeof METRICS)[];
const deviceTime = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: MIN_DEVICE_TIME_MS, max: MAX_DEVICE_TIME_MS }) },
  { weight: 12, arbitrary: fc.integer({ min: RECEIVED - 120_000, max: RECEIVED + 600_000 }) },
  { weight: 6, arbitrary: fc.constantFrom(MIN_DEVICE_TIME_MS, MAX_DEVICE_TIME_MS, RECEIVED) },
  { weight: 1, arbitrary: fc.constantFrom(MIN_DEVICE_TIME_MS - 1, MAX_DEVICE_TIME_MS + 1, RECEIVED + 0.5) },
);
function value(spec: MetricSpec): fc.Arbitrary<number | boolean> {
  if (spec.type === 'bool') return fc.boolean();
  const lo = spec.min ?? -1e300, hi = spec.max ?? 1e300;
  const edges = fc.constantFrom(lo, hi, lo - 1e-9, hi + 1e-9, 0, -0, lo / 2 + hi / 2);
  if (spec.type === 'int') return fc.oneof({ weight: 6, arbitrary: fc.integer({ min: lo, max: hi }) }, edges.map(Math.round), fc.constant(lo + 0.5));
  const ints = fc.integer({ min: Math.ceil(Math.max(lo, -1e9)), max: Math.floor(Math.min(hi, 1e9)) });
  return fc.oneof({ weight: 3, arbitrary: fc.double({ min: lo, max: hi, noNaN: true }) }, { weight: 3, arbitrary: ints }, edges);
}
const reading = fc.constantFrom(...NAMES).chain((metric) => {
  const spec: MetricSpec = METRICS[metric];
  return fc.record({ metric: fc.constant(metric), value: value(spec), unit: fc.constant(spec.unit), time: deviceTime }, { requiredKeys: ['metric', 'value', 'unit'] });
});
const message = fc.record({
  v: fc.oneof({ weight: 19, arbitrary: fc.constant(1) }, fc.constantFrom(2, 0, 1.5)),
  seq: fc.oneof({ weight: 19, arbitrary: fc.oneof(fc.nat(), fc.maxSafeNat()) }, fc.constantFrom(Number.MAX_SAFE_INTEGER + 1, -1, 0.5)),
  time: deviceTime,
  readings: fc.array(reading, { minLength: 1, maxLength: 6 }),
});

/** A number spelled another way JSON allows, with the same value. */
function spell(x: number, how: number): string {
  const s = JSON.stringify(x);
  const plain = !s.includes('e') && !s.includes('.');
  switch (how % 6) {
    case 1: return plain ? `${s}.0` : s.includes('.') && !s.includes('e') ? `${s}000` : s;
    case 2: return s.includes('e') ? s.replace('e', 'E') : `${s}e0`;
    case 3: return s.includes('e') ? s : `${s}E+00`;
    case 4: return plain && x !== 0 ? `${s}0e-1` : s;
    default: return s;
  }
}

/** JSON text of `v` where every choice (spacing, key order, number spelling, escaped key) comes from `pick`. */
function render(v: unknown, pick: () => number): string {
  const space = (): string => ['', '', ' ', '\n', '\t', '\r\n  '][pick() % 6]!;
  if (typeof v === 'number') return spell(v, pick());
  if (Array.isArray(v)) return `[${space()}${v.map((x) => render(x, pick)).join(`${space()},${space()}`)}${space()}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v);
    if (pick() % 4 === 0) entries.reverse();
    const key = (k: string): string => (pick() % 64 === 0 ? `"\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${k.slice(1)}"` : JSON.stringify(k));
    return `{${space()}${entries.map(([k, x]) => `${key(k)}${space()}:${space()}${render(x, pick)}`).join(`${space()},${space()}`)}${space()}}`;
  }
  return JSON.stringify(v);
}

const TOKENS = ['NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '1e-400', '"1"', 'null', 'true', 'false', '[]', '{}', '[[[[[[[[', ']', '}', ',', ':', '"',
  '\\', '\\u0000', '\\ud800', 'é', '😀', '\uFEFF', '9007199254740993', '-0', '0x10', '01', '.5', '5.', '+1', '"seq":2,', '"value":1,', '"time":1790000000000,', ' '];

/** A structural change of a message (before it is written): a field dropped, replaced or added. */
const change = fc.tuple(fc.nat(), fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('drop', 'replace', 'add', 'none', 'none'))
  .map(([at, key, v, what]) => (m: Record<string, unknown>): Record<string, unknown> => {
    const readings = m['readings'];
    const r: unknown = Array.isArray(readings) ? readings[at % readings.length] : undefined;
    const target = key % 2 === 1 && typeof r === 'object' && r !== null && !Array.isArray(r) ? r as Record<string, unknown> : m;
    const keys = Object.keys(target);
    const k = what === 'add' ? ['extra', 'Value', 'readings', 'metric', '__proto__'][at % 5]! : keys[at % keys.length]!;
    if (what === 'drop') delete target[k];
    else if (what !== 'none') Object.defineProperty(target, k, { value: v, enumerable: true, configurable: true, writable: true });
    return m;
  });

/** A change of the written text: a byte replaced, a span cut, a token inserted. */
const edit = fc.tuple(fc.nat(), fc.nat(8), fc.constantFrom(...TOKENS), fc.constantFrom('flip', 'cut', 'insert'))
  .map(([at, len, token, what]) => (s: string): string => {
    const i = at % (s.length + 1);
    if (what === 'flip') return s.slice(0, i) + String.fromCharCode(at % 256) + s.slice(i + 1);
    if (what === 'cut') return s.slice(0, i) + s.slice(i + len);
    return s.slice(0, i) + token + s.slice(i);
  });

const encoding = fc.constantFrom('utf8', 'utf8', 'utf8', 'utf8', 'bom', 'utf16le', 'latin1');
function encode(s: string, how: string): Uint8Array {
  if (how === 'bom') return utf8(`\uFEFF${s}`);
  if (how === 'utf16le' || how === 'latin1') return new Uint8Array(Buffer.from(s, how));
  return utf8(s);
}

/** A message written out: as is (most often), with its fields changed, or with its text edited and encoded oddly. */
const payload = fc.tuple(message, fc.array(change, { minLength: 1, maxLength: 2 }), fc.array(edit, { minLength: 1, maxLength: 3 }),
  fc.infiniteStream(fc.nat()), encoding, fc.constantFrom('clean', 'clean', 'clean', 'clean', 'changed', 'changed', 'edited', 'edited', 'both'))
  .map(([m, changes, edits, stream, how, mode]) => {
    const it = stream[Symbol.iterator]();
    const changed = mode === 'changed' || mode === 'both' ? changes.reduce((acc, c) => c(acc), structuredClone(m) as Record<string, unknown>) : m;
    let text = render(changed, () => it.next().value as number);
    if (mode === 'clean' || mode === 'changed') return utf8(text);
    for (const e of edits) text = e(text);
    return encode(text, how);
  });

describe('MessageValidator under fuzzing', () => {
  it('agrees with itself without the fast path on written, changed and edited messages', () => {
    const tally = { fast: 0, accepted: 0, refused: 0 };
    const n = runs(2000);
    fc.assert(fc.property(fc.oneof({ weight: 5, arbitrary: dataTopic }, topic), payload, (t, p) => {
      const r = both(t, p);
      tally[!r.ok ? 'refused' : r.kind === 'data' && parseDataFast(p, r.topic, RECEIVED, withFast.options, CATALOGUE) !== undefined ? 'fast' : 'accepted']++;
    }), { numRuns: n });
    // Not vacuous: the fast path accepts a good share, and refusals are plenty.
    expect(tally.fast).toBeGreaterThan(n / 10);
    expect(tally.refused).toBeGreaterThan(n / 5);
  });

  it('agrees on arbitrary JSON and on arbitrary bytes', () => {
    const anything = fc.oneof(
      fc.jsonValue().map((v) => utf8(JSON.stringify(v) ?? 'null')),
      fc.json().map(utf8),
      fc.uint8Array({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }).map(utf8),
      fc.array(fc.constantFrom(...TOKENS, '{', '[', '"v":', '1', 'x'), { maxLength: 40 }).map((ts) => utf8(ts.join(''))),
    );
    fc.assert(fc.property(topic, anything, (t, p) => void both(t, p)), { numRuns: runs(1500) });
  });

  it('answers hostile payloads of the largest accepted size in bounded time', () => {
    // Linear work on 256 KiB takes milliseconds; the bound is three orders of magnitude above that, so only a
    // super-linear path (a quadratic scan would take minutes) can fail it, not a slow or loaded machine.
    const n = MAX_PAYLOAD_BYTES;
    const reading = '{"metric":"temperature","value":4.5,"unit":"Cel"}';
    // Per family: bytes per unit of k, and the text; k is chosen so that the text fits whole (a cut one is just bad JSON).
    const families: Record<string, readonly [number, (k: number) => string]> = {
      arrays: [2, (k) => '['.repeat(k) + ']'.repeat(k)],
      objects: [6, (k) => '{"a":'.repeat(k) + '1' + '}'.repeat(k)],
      openOnly: [1, (k) => '{"readings":' + '['.repeat(k)],
      escapes: [2, (k) => `{"v":"${'\\"'.repeat(k)}"}`],
      keys: [11, (k) => `{${Array.from({ length: k }, (_, i) => `"k${i}":0`).join(',')}}`],
      sameKey: [6, (k) => `{${Array.from({ length: k }, () => '"k":0').join(',')}}`],
      digits: [1, (k) => `{"v":1,"seq":${'9'.repeat(k)},"time":1790000000000,"readings":[${reading}]}`],
      readings: [60, (k) => `{"v":1,"seq":1,"time":1790000000000,"readings":[${Array.from({ length: k }, (_, i) => reading.replace('4.5', String(i))).join(',')}]}`],
      spaces: [1, (k) => ' '.repeat(k) + '{}'],
      quotes: [1, (k) => '"'.repeat(k)],
    };
    fc.assert(fc.property(topic, fc.constantFrom(...Object.keys(families)), fc.double({ min: 0.05, max: 1, noNaN: true }), (t, family, share) => {
      const [unit, build] = families[family]!;
      const bytes = utf8(build(Math.floor(((n - 200) / unit) * share)));
      expect(bytes.length).toBeLessThanOrEqual(n);
      const started = performance.now();
      both(t, bytes);
      expect(performance.now() - started, `${family} × ${bytes.length} bytes`).toBeLessThan(5_000);
    }), { numRuns: runs(30) });
  });
});
