/**
 * Is this a whole JPEG? A structural walk of the markers (ITU-T T.81 Annex B): SOI first, every segment's length
 * inside the bytes, a frame header with its size, entropy-coded data up to EOI. A camera that answers a login page
 * instead of a picture, or a transfer cut short, is told apart here, at the edge, before the photo takes outbox
 * space; pixels are not decoded (the gateway checks those: pixel bombs, corrupt scans).
 */

export type JpegProblem = 'not-jpeg' | 'truncated' | 'corrupt';

export type JpegCheck =
  | { readonly ok: true; readonly width: number; readonly height: number }
  | { readonly ok: false; readonly reason: JpegProblem; readonly detail: string };

/** Start-of-frame markers: C0-CF but DHT (C4), JPG (C8) and DAC (CC). */
const isSof = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** Markers without a length: TEM, RST0-7, SOI, EOI. */
const standalone = (m: number): boolean => m === 0x01 || (m >= 0xd0 && m <= 0xd9);

const bad = (reason: JpegProblem, detail: string): JpegCheck => ({ ok: false, reason, detail });

export function checkJpeg(b: Uint8Array): JpegCheck {
  if (b.length < 3 || b[0] !== 0xff || b[1] !== 0xd8 || b[2] !== 0xff) {
    const head = Buffer.from(b.subarray(0, 16)).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    return bad('not-jpeg', `does not start with a JPEG SOI marker (starts ${JSON.stringify(head)})`);
  }
  let i = 2;
  let size: { width: number; height: number } | undefined;
  let inScan = false;
  while (i < b.length) {
    if (inScan) {
      // Entropy-coded data: FF 00 is a stuffed byte, FF D0-D7 a restart; any other marker ends the scan.
      if (b[i] !== 0xff) { i++; continue; }
      const next = b[i + 1];
      if (next === undefined) break;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) { i += next === 0xff ? 1 : 2; continue; }
      inScan = false;
    }
    if (b[i] !== 0xff) return bad('corrupt', `expected a marker at byte ${i}, found 0x${(b[i] ?? 0).toString(16)}`);
    while (b[i] === 0xff) i++; // fill bytes
    const marker = b[i];
    if (marker === undefined) break;
    i++;
    if (marker === 0xd9) {
      if (size === undefined) return bad('corrupt', 'no frame header (SOF) before EOI');
      return { ok: true, ...size };
    }
    if (marker === 0xd8) return bad('corrupt', `a second SOI at byte ${i - 2}`);
    if (standalone(marker)) continue;
    if (i + 2 > b.length) break;
    const len = (b[i]! << 8) | b[i + 1]!;
    if (len < 2) return bad('corrupt', `segment 0x${marker.toString(16)} at byte ${i - 2} has length ${len}`);
    if (i + len > b.length) break;
    if (isSof(marker)) {
      if (len < 8) return bad('corrupt', 'frame header too short');
      const height = (b[i + 3]! << 8) | b[i + 4]!;
      const width = (b[i + 5]! << 8) | b[i + 6]!;
      if (width === 0 || height === 0) return bad('corrupt', `frame of ${width}x${height} pixels`);
      size = { width, height };
    }
    if (marker === 0xda) {
      if (size === undefined) return bad('corrupt', 'scan (SOS) before a frame header (SOF)');
      inScan = true;
    }
    i += len;
  }
  return bad('truncated', `ends after ${b.length} bytes without an EOI marker`);
}
