/**
 * Fuzzing the byte scanners of the fast path (issue #17): a number is read exactly as JSON.parse reads it, and a
 * scanner given anything either names a position inside the text or BAIL, never throws. COLDTRACE_FUZZ=<factor>
 * multiplies the runs (docs/engineering.md, "Fuzzing").
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BAIL, number, string, valueAfterKey, ws } from './json-scan.js';

const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env['COLDTRACE_FUZZ'] ?? 1)));
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** JSON's number grammar (RFC 8259 §6), with long mantissas and exponents that overflow and underflow. */
const jsonNumber = fc.stringMatching(/^-?(0|[1-9]\d{0,30})(\.\d{1,30})?([eE][+-]?\d{1,3})?$/);

describe('json-scan under fuzzing', () => {
  it('reads every JSON number as JSON.parse does, to the last bit and the sign of zero', () => {
    fc.assert(fc.property(jsonNumber, fc.constantFrom('', ',', '}', ' ', ']'), (text, after) => {
      const out = new Float64Array(1);
      const end = number(ascii(text + after), 0, out);
      expect(end).toBe(text.length);
      expect(Object.is(out[0], JSON.parse(text) as number), `${text}: ${out[0]} vs ${JSON.parse(text)}`).toBe(true);
    }), { numRuns: runs(5000) });
  });

  it('stops inside the text or bails on any bytes, and what it reads as a number is a JSON number prefix', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(45), (b, p) => {
      const out = new Float64Array(1);
      const end = number(b, p, out);
      if (end !== BAIL) {
        expect(end).toBeGreaterThan(p);
        expect(end).toBeLessThanOrEqual(b.length);
        const text = String.fromCharCode(...b.subarray(p, end));
        expect(Object.is(out[0], JSON.parse(text) as number), text).toBe(true);
      }
      const close = string(b, p);
      if (close !== BAIL) {
        expect(close).toBeGreaterThan(p);
        expect(close).toBeLessThan(b.length);
        expect(JSON.parse(String.fromCharCode(...b.subarray(p, close + 1)))).toBeTypeOf('string');
      }
      const w = ws(b, p);
      expect(w).toBeGreaterThanOrEqual(Math.min(p, b.length));
      expect(w).toBeLessThanOrEqual(Math.max(p, b.length));
      const v = valueAfterKey(b, p);
      expect(v === BAIL || (v > p && v <= b.length)).toBe(true);
    }), { numRuns: runs(5000) });
  });
});
