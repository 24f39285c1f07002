import { describe, expect, it } from 'vitest';
import { TINY_JPEG, jpegWithComment } from '../../test/helpers/jpeg.js';
import { checkJpeg } from './jpeg.js';

const cut = (n: number): Buffer => TINY_JPEG.subarray(0, TINY_JPEG.length - n);
/** The frame header's height set to 0 (SOF0 at its marker + 5). */
const zeroHeight = (): Buffer => {
  const b = Buffer.from(TINY_JPEG);
  const sof = b.indexOf(Buffer.from([0xff, 0xc0]));
  b.writeUInt16BE(0, sof + 5);
  return b;
};

describe('checkJpeg', () => {
  it.each([
    { name: 'accepts a whole baseline JPEG and reads its size', bytes: TINY_JPEG, expected: { ok: true, width: 16, height: 8 } },
    { name: 'accepts a JPEG with a comment segment', bytes: jpegWithComment('cam-1 2026-12-07T07:00:00Z'), expected: { ok: true, width: 16, height: 8 } },
    { name: 'accepts bytes after EOI (some cameras pad)', bytes: Buffer.concat([TINY_JPEG, Buffer.alloc(10)]), expected: { ok: true, width: 16, height: 8 } },
    { name: 'refuses an HTML login page', bytes: Buffer.from('<!DOCTYPE html><html><body>Login</body></html>'), expected: { ok: false, reason: 'not-jpeg' } },
    { name: 'refuses an empty body', bytes: Buffer.alloc(0), expected: { ok: false, reason: 'not-jpeg' } },
    { name: 'refuses a PNG', bytes: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), expected: { ok: false, reason: 'not-jpeg' } },
    { name: 'finds a transfer cut before EOI', bytes: cut(2), expected: { ok: false, reason: 'truncated' } },
    { name: 'finds a transfer cut in the middle of the scan', bytes: cut(40), expected: { ok: false, reason: 'truncated' } },
    { name: 'finds a transfer cut inside the headers', bytes: TINY_JPEG.subarray(0, 100), expected: { ok: false, reason: 'truncated' } },
    { name: 'finds SOI alone truncated', bytes: TINY_JPEG.subarray(0, 3), expected: { ok: false, reason: 'truncated' } },
    { name: 'refuses a frame of zero pixels', bytes: zeroHeight(), expected: { ok: false, reason: 'corrupt' } },
    { name: 'refuses garbage between segments', bytes: Buffer.concat([TINY_JPEG.subarray(0, 2), Buffer.from([0xff, 0xe0, 0x00, 0x04, 0, 0, 0x12]), TINY_JPEG.subarray(2)]), expected: { ok: false, reason: 'corrupt' } },
  ])('$name', ({ bytes, expected }) => {
    expect(checkJpeg(bytes)).toMatchObject(expected);
  });

  it('says what a refused body starts with', () => {
    const r = checkJpeg(Buffer.from('<html>401 Unauthorized</html>'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.detail).toContain('<html>');
  });
});
