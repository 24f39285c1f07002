import { describe, expect, it } from 'vitest';
import { readJpegHeader } from './jpeg-header.js';
import { DEFAULT_PHOTO_LIMITS, exifTimeMs, exifTimeWarnings, judgePhotoBytes, parseOffsetTime, parsePhotoQuery } from './upload.js';

/** A JPEG's marker structure (no real entropy data: the header reader never decodes). */
function jpeg(opts: { width?: number; height?: number; sof?: number; exif?: boolean; eoi?: boolean; components?: number } = {}): Uint8Array {
  const { width = 640, height = 480, sof = 0xc0, exif = false, eoi = true, components = 3 } = opts;
  const seg = (marker: number, body: number[]): number[] => [0xff, marker, ((body.length + 2) >> 8) & 0xff, (body.length + 2) & 0xff, ...body];
  const app0 = seg(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const app1 = exif ? seg(0xe1, [0x45, 0x78, 0x69, 0x66, 0, 0, 0x4d, 0x4d, 0, 0x2a]) : [];
  const frame = seg(sof, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, components, ...Array.from({ length: components }, (_, i) => [i + 1, 0x11, 0]).flat()]);
  const sos = seg(0xda, [1, 1, 0, 0, 63, 0]);
  return Uint8Array.from([0xff, 0xd8, ...app0, ...app1, 0xff, 0xff, ...frame, ...sos, 0x12, 0x34, 0xff, 0x00, 0x56, ...(eoi ? [0xff, 0xd9] : [])]);
}
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('readJpegHeader', () => {
  it.each([
    ['a baseline JPEG', jpeg(), { width: 640, height: 480, components: 3, progressive: false, exif: false }],
    ['a progressive JPEG with EXIF', jpeg({ sof: 0xc2, exif: true, width: 4000, height: 3000 }), { width: 4000, height: 3000, components: 3, progressive: true, exif: true }],
    ['a greyscale JPEG', jpeg({ components: 1 }), { width: 640, height: 480, components: 1, progressive: false, exif: false }],
  ])('reads %s', (_name, bytes, header) => {
    expect(readJpegHeader(bytes)).toEqual({ ok: true, header });
  });

  it.each([
    ['an HTML login page', text('<!DOCTYPE html><html><body>401</body></html>'), 'not-jpeg', /HTML page/],
    ['a PNG', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'not-jpeg', /PNG/],
    ['an empty body', new Uint8Array(0), 'not-jpeg', /empty body/],
    ['JSON', text('{"error":"busy"}'), 'not-jpeg', /JSON/],
    ['a JPEG cut short before its frame', jpeg().subarray(0, 12), 'corrupt', /cut short before its frame header/],
    ['a JPEG without its end-of-image marker', jpeg({ eoi: false }), 'corrupt', /no end-of-image marker/],
    ['a frame of 0 x 480 pixels', jpeg({ width: 0 }), 'corrupt', /declares 0 x 480/],
    ['a frame whose length does not fit its components', jpeg({ components: 0 }), 'corrupt', /components/],
    ['a scan before any frame', Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0, 0xff, 0xd9]), 'corrupt', /start of scan before any frame/],
    ['an end-of-image marker before any frame', Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]), 'corrupt', /end-of-image marker before any frame/],
    ['garbage between segments', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0x42, 0xff, 0xd9]), 'corrupt', /expected a marker/],
  ])('refuses %s', (_name, bytes, kind, reason) => {
    const r = readJpegHeader(bytes);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.kind).toBe(kind);
    expect(r.problem.reason).toMatch(reason);
  });
});

describe('judgePhotoBytes', () => {
  const limits = { ...DEFAULT_PHOTO_LIMITS, maxBytes: 1000, maxPixels: 1_000_000 };
  const sha = 'a'.repeat(64);
  it.each([
    ['a JPEG whose hash is its path', jpeg(), sha, undefined],
    ['a body larger than the limit', new Uint8Array(1001), sha, 'E_PHOTO_TOO_LARGE'],
    ['HTML', text('<html></html>'), sha, 'E_PHOTO_NOT_JPEG'],
    ['a JPEG whose hash is not its path', jpeg(), 'b'.repeat(64), 'E_PHOTO_HASH'],
    ['a pixel bomb (a small file declaring 65535 x 65535)', jpeg({ width: 65_535, height: 65_535 }), sha, 'E_PHOTO_PIXELS'],
    ['one pixel over the limit', jpeg({ width: 1001, height: 1000 }), sha, 'E_PHOTO_PIXELS'],
    ['exactly the pixel limit', jpeg({ width: 1000, height: 1000 }), sha, undefined],
    ['a cut JPEG', jpeg({ eoi: false }), sha, 'E_PHOTO_CORRUPT'],
  ])('judges %s', (_name, bytes, pathSha, code) => {
    const r = judgePhotoBytes(bytes, pathSha, sha, limits);
    expect(r.ok ? undefined : r.refusal.code).toBe(code);
    if (!r.ok) expect(r.refusal.reason.length).toBeGreaterThan(10);
  });
});

describe('parsePhotoQuery', () => {
  const good = { device: 'CAM-1', takenAt: '2026-03-01T10:00:00+01:00', seq: '7', trigger: 'scan', station: 'packing 1', site: 'S1', node: 'N1' };
  it('reads a full query', () => {
    expect(parsePhotoQuery(good)).toEqual({
      ok: true, meta: { device: 'CAM-1', takenAt: good.takenAt, takenAtMs: Date.parse('2026-03-01T09:00:00Z'), offsetMin: 60, seq: 7, trigger: 'scan', station: 'packing 1', site: 'S1', node: 'N1' },
    });
  });
  it.each([
    ['no device', { ...good, device: undefined }, /device: required/],
    ['a device id with a slash', { ...good, device: 'a/b' }, /device: not a device id/],
    ['takenAt without an offset', { ...good, takenAt: '2026-03-01T10:00:00' }, /takenAt: expected an ISO 8601 time with an offset/],
    ['takenAt on 30 February', { ...good, takenAt: '2026-02-30T10:00:00Z' }, /takenAt/],
    ['a negative seq', { ...good, seq: '-1' }, /seq: expected an integer >= 0/],
    ['an unknown trigger', { ...good, trigger: 'whim' }, /trigger: expected one of schedule, scan/],
    ['a station of 65 characters', { ...good, station: 'x'.repeat(65) }, /station: at most 64/],
    ['nothing at all', {}, /device: required; takenAt: required; seq: required; trigger: required/],
  ])('refuses %s with every problem named', (_name, q, reason) => {
    const r = parsePhotoQuery(q);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.refusal.code).toBe('E_PHOTO_QUERY');
      expect(r.refusal.reason).toMatch(reason);
    }
  });
});

describe('EXIF capture time', () => {
  it.each([
    ['2026:03:01 10:00:00', undefined, 60, '2026-03-01T09:00:00.000Z'],
    ['2026:03:01 10:00:00', '+02:00', 60, '2026-03-01T08:00:00.000Z'],
    ['2026:03:01 10:00:00', '-05:30', 0, '2026-03-01T15:30:00.000Z'],
    ['2026:03:01 10:00:00\0', undefined, 0, '2026-03-01T10:00:00.000Z'],
  ])('reads %j with offset %j (device offset %d min) as %s', (original, offset, fallback, iso) => {
    expect(new Date(exifTimeMs(original, offset, fallback)!).toISOString()).toBe(iso);
  });
  it.each(['0000:00:00 00:00:00', '2026-03-01 10:00:00', '', '2026:13:01 10:00:00'])('reads %j as no time', (original) => {
    expect(exifTimeMs(original, undefined, 0)).toBeUndefined();
  });
  it.each([
    [undefined, 0, 0],
    [600_000, 0, 0],
    [600_001, 0, 1],
    [-3_600_000, 0, 1],
  ])('an EXIF time %j from takenAt %d gives %d warnings (tolerance 10 min)', (exif, taken, n) => {
    const w = exifTimeWarnings(exif === undefined ? undefined : taken + exif, taken, 600_000);
    expect(w).toHaveLength(n);
    if (n > 0) expect(w[0]).toMatch(/^EXIF_TIME_OFF/);
  });
  it('reads offsets east and west', () => {
    expect(parseOffsetTime('2026-03-01T10:00:00-03:00')).toEqual({ ms: Date.parse('2026-03-01T13:00:00Z'), offsetMin: -180 });
    expect(parseOffsetTime('2026-03-01T10:00:00.5Z')).toEqual({ ms: Date.parse('2026-03-01T10:00:00.500Z'), offsetMin: 0 });
  });
});
