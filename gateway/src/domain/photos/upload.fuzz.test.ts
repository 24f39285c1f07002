/**
 * Fuzzing the photo upload's judges (issue #21): any bytes give a JPEG header or a problem with a reason, never an
 * exception; a JPEG with any application segments and fill bytes added reads as the same frame; a JPEG cut anywhere
 * before its end is refused; any query gives the checked metadata or one E_PHOTO_QUERY refusal with a reason; an
 * EXIF time reads as a finite time or none. COLDTRACE_FUZZ=<factor> multiplies the runs (docs/engineering.md,
 * "Fuzzing").
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readJpegHeader } from './jpeg-header.js';
import { DEFAULT_PHOTO_LIMITS, exifTimeMs, judgePhotoBytes, parsePhotoQuery } from './upload.js';

const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env['COLDTRACE_FUZZ'] ?? 1)));

const seg = (marker: number, body: readonly number[]): number[] => [0xff, marker, ((body.length + 2) >> 8) & 0xff, (body.length + 2) & 0xff, ...body];

/** A JPEG's structure with `extra` segments (APPn, COM) before the frame and `fill` 0xFF bytes before each marker. */
function jpeg(width: number, height: number, extra: readonly (readonly [number, readonly number[]])[], fill: number): Uint8Array {
  const pad = Array.from({ length: fill }, () => 0xff);
  const frame = seg(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
  const out = [0xff, 0xd8];
  for (const [m, body] of extra) out.push(...pad, ...seg(m, body));
  out.push(...pad, ...frame, ...seg(0xda, [1, 1, 0, 0, 63, 0]), 0x12, 0x34, 0xff, 0x00, 0xff, 0xd9);
  return Uint8Array.from(out);
}

const segment = fc.tuple(fc.oneof(fc.integer({ min: 0xe0, max: 0xef }), fc.constant(0xfe)), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }));

describe('photo judges under fuzzing', () => {
  it('answers any bytes with a header or a problem with a reason', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.uint8Array({ maxLength: 600 }).map((b) => Uint8Array.from([0xff, 0xd8, 0xff, ...b])),
      fc.tuple(fc.integer({ min: 1, max: 65_535 }), fc.integer({ min: 1, max: 65_535 }), fc.array(segment, { maxLength: 4 }), fc.nat(600))
        .map(([w, h, extra, flip]) => {
          const b = jpeg(w, h, extra, 0);
          b[flip % b.length] = b[flip % b.length]! ^ 0x5a;
          return b;
        }),
    );
    fc.assert(fc.property(bytes, (b) => {
      const r = readJpegHeader(b);
      if (r.ok) {
        expect(r.header.width * r.header.height).toBeGreaterThan(0);
        return;
      }
      expect(['not-jpeg', 'corrupt']).toContain(r.problem.kind);
      expect(r.problem.reason.trim()).not.toBe('');
      const j = judgePhotoBytes(b, 'a'.repeat(64), 'a'.repeat(64), DEFAULT_PHOTO_LIMITS);
      expect(j.ok).toBe(false);
    }), { numRuns: runs(2000) });
  });

  it('reads the same frame whatever segments and fill bytes come before it', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 65_535 }), fc.integer({ min: 1, max: 65_535 }), fc.array(segment, { maxLength: 6 }), fc.nat(3), (w, h, extra, fill) => {
      expect(readJpegHeader(jpeg(w, h, extra, fill))).toMatchObject({ ok: true, header: { width: w, height: h, components: 3 } });
    }), { numRuns: runs(500) });
  });

  it('refuses a JPEG cut anywhere before its end, even with end-of-image markers inside its segments (an EXIF thumbnail)', () => {
    // Segments holding FF D9 (as an EXIF thumbnail does), and cuts near the end half the time.
    const withEoi = fc.tuple(segment, fc.nat(300)).map(([[m, body], at]) => [m, [...body.slice(0, at), 0xff, 0xd9, ...body.slice(at)]] as const);
    fc.assert(fc.property(fc.array(fc.oneof(segment, withEoi), { maxLength: 3 }), fc.nat(), fc.boolean(), (extra, at, nearEnd) => {
      const b = jpeg(640, 480, extra, 0);
      const cut = b.subarray(0, nearEnd ? b.length - 1 - (at % 30) : at % (b.length - 1));
      expect(readJpegHeader(cut).ok).toBe(false);
    }), { numRuns: runs(500) });
  });

  it('answers any query with metadata or one refusal with a reason', () => {
    const value = fc.oneof(fc.string(), fc.constantFrom('CAM-1', '2026-03-01T10:00:00+01:00', '2026-03-01T10:00:00Z', '7', '-1', '1e3', 'scan', 'door', '', '__proto__'), fc.integer(), fc.constant(undefined), fc.array(fc.string(), { maxLength: 2 }));
    const query = fc.record({ device: value, takenAt: value, seq: value, trigger: value, station: value, site: value, node: value }, { requiredKeys: [] });
    fc.assert(fc.property(query, (q) => {
      const r = parsePhotoQuery(q);
      if (r.ok) {
        expect(Number.isFinite(r.meta.takenAtMs)).toBe(true);
        expect(Number.isInteger(r.meta.seq) && r.meta.seq >= 0).toBe(true);
      } else {
        expect(r.refusal.code).toBe('E_PHOTO_QUERY');
        expect(r.refusal.reason.trim()).not.toBe('');
      }
    }), { numRuns: runs(2000) });
  });

  it('reads any EXIF time as a finite time or none', () => {
    const digits = (n: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));
    const exif = fc.oneof(fc.string(), fc.tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2)).map(([y, mo, d, h, mi, s]) => `${y}:${mo}:${d} ${h}:${mi}:${s}`));
    fc.assert(fc.property(exif, fc.option(fc.oneof(fc.string(), fc.constantFrom('+01:00', '-05:30', '+99:99'))), fc.integer({ min: -1080, max: 1080 }), (original, offset, fallback) => {
      const ms = exifTimeMs(original, offset ?? undefined, fallback);
      if (ms !== undefined) expect(Number.isFinite(ms)).toBe(true);
    }), { numRuns: runs(2000) });
  });
});
