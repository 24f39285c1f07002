/**
 * Fuzzing the JPEG structure check (issue #21): any bytes give whole-JPEG or a reason with a detail, never an
 * exception; a real JPEG cut anywhere before its EOI is never whole; bytes changed inside one are judged without
 * throwing. COLDTRACE_FUZZ=<factor> multiplies the runs (docs/engineering.md, "Fuzzing").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TINY_JPEG, jpegWithComment } from '../../test/helpers/jpeg.js';
import { checkJpeg } from './jpeg.js';

const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env['COLDTRACE_FUZZ'] ?? 1)));

const judged = (bytes: Uint8Array): void => {
  const r = checkJpeg(bytes);
  if (r.ok) {
    expect(r.width).toBeGreaterThan(0);
    expect(r.height).toBeGreaterThan(0);
  } else {
    expect(['not-jpeg', 'truncated', 'corrupt']).toContain(r.reason);
    expect(r.detail.trim()).not.toBe('');
  }
};

describe('checkJpeg under fuzzing', () => {
  it('judges any bytes, and bytes that start like a JPEG, without throwing', () => {
    const soi = fc.uint8Array({ maxLength: 400 }).map((b) => Uint8Array.from([0xff, 0xd8, 0xff, ...b]));
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), soi), judged), { numRuns: runs(2000) });
  });

  it('never takes a JPEG cut before its end as whole', () => {
    const whole = jpegWithComment('fuzz');
    // The last two bytes are EOI: a cut that keeps them all is the whole file.
    fc.assert(fc.property(fc.integer({ min: 0, max: whole.length - 1 }), (n) => {
      const r = checkJpeg(whole.subarray(0, n));
      expect(r.ok, `cut at ${n} of ${whole.length}`).toBe(false);
    }), { numRuns: runs(1000) });
  });

  it('judges a JPEG with bytes changed without throwing', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat({ max: TINY_JPEG.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
      const b = Buffer.from(TINY_JPEG);
      for (const [at, v] of edits) b[at] = v;
      judged(b);
    }), { numRuns: runs(2000) });
  });
});
