/**
 * What a JPEG says about itself before any pixel is decoded (ITU-T T.81 Annex B): the start-of-image marker, the
 * marker segments up to the frame header (SOFn) with its width, height and components, and the end-of-image marker.
 * Read first so that a decompression bomb (a small file declaring 100,000 x 100,000 pixels) is refused by its
 * declared size, never decoded (docs/photos.md "Validation"). Pure.
 */

export interface JpegHeader {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  /** SOF2 / SOF6 / SOF10 / SOF14: progressive. */
  readonly progressive: boolean;
  /** An APP1 segment starting `Exif\0\0` is present. */
  readonly exif: boolean;
}

export type JpegProblem =
  /** Not a JPEG at all (no SOI); `looksLike` names what it seems to be instead. */
  | { readonly kind: 'not-jpeg'; readonly reason: string }
  /** Starts as a JPEG but its markers are broken or it is cut short. */
  | { readonly kind: 'corrupt'; readonly reason: string };

export type JpegRead = { readonly ok: true; readonly header: JpegHeader } | { readonly ok: false; readonly problem: JpegProblem };

/** Markers without a length field: TEM, RST0-7, SOI, EOI. */
const STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9]);
/** Frame headers: SOF0-3, 5-7, 9-11, 13-15 (C4 DHT, C8 JPG and CC DAC are not frames). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const PROGRESSIVE = new Set([0xc2, 0xc6, 0xca, 0xce]);
/** The end-of-image marker must be within this many bytes of the end (some cameras pad after it). */
const EOI_WINDOW = 1024;

const hex = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** What the first bytes of a file that is not a JPEG look like, for the refusal's reason. */
export function looksLike(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 64)).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<head') || head.startsWith('<body')) return 'an HTML page (a camera login or error page?)';
  if (head.startsWith('<')) return 'XML or HTML text';
  if (head.startsWith('{') || head.startsWith('[')) return 'JSON text';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'a PNG image';
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'a GIF image';
  if (bytes.length === 0) return 'an empty body';
  return `bytes starting ${[...bytes.subarray(0, 4)].map(hex).join(' ')}`;
}

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;

/** An EOI at or after `from` (the end of the frame header: an EXIF thumbnail before it ends with one of its own). */
function hasEoi(bytes: Uint8Array, from: number): boolean {
  for (let i = bytes.length - 2; i >= Math.max(from, bytes.length - EOI_WINDOW); i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  return false;
}

/** Reads the header of a JPEG; never throws. */
export function readJpegHeader(bytes: Uint8Array): JpegRead {
  const corrupt = (reason: string): JpegRead => ({ ok: false, problem: { kind: 'corrupt', reason } });
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) {
    return { ok: false, problem: { kind: 'not-jpeg', reason: `not a JPEG (no start-of-image marker FF D8 FF): ${looksLike(bytes)}` } };
  }
  let exif = false;
  let i = 2;
  while (i < bytes.length) {
    if (bytes[i] !== 0xff) return corrupt(`byte ${i}: expected a marker (FF), found ${hex(bytes[i]!)}`);
    while (i < bytes.length && bytes[i] === 0xff) i++; // fill bytes before a marker (T.81 B.1.1.2)
    if (i >= bytes.length) break;
    const marker = bytes[i]!;
    i++;
    if (STANDALONE.has(marker)) {
      if (marker === 0xd9) return corrupt('end-of-image marker before any frame header: no picture');
      if (marker === 0xd8) return corrupt(`byte ${i - 2}: a second start-of-image marker`);
      continue;
    }
    if (marker === 0x00) return corrupt(`byte ${i - 2}: FF 00 outside entropy-coded data`);
    if (i + 2 > bytes.length) break;
    const length = u16(bytes, i);
    if (length < 2) return corrupt(`byte ${i - 2}: marker FF ${hex(marker)} with a segment length of ${length}`);
    if (i + length > bytes.length) break;
    if (marker === 0xe1 && length >= 8 && bytes[i + 2] === 0x45 && bytes[i + 3] === 0x78 && bytes[i + 4] === 0x69 && bytes[i + 5] === 0x66 && bytes[i + 6] === 0 && bytes[i + 7] === 0) exif = true;
    if (SOF.has(marker)) {
      if (length < 8) return corrupt(`frame header (FF ${hex(marker)}) of ${length} bytes, fewer than 8`);
      const height = u16(bytes, i + 3);
      const width = u16(bytes, i + 5);
      const components = bytes[i + 7]!;
      if (width === 0 || height === 0) return corrupt(`frame header declares ${width} x ${height} pixels`);
      if (components === 0 || length !== 8 + 3 * components) return corrupt(`frame header declares ${components} components in a segment of ${length} bytes`);
      if (!hasEoi(bytes, i + length)) return corrupt('no end-of-image marker (FF D9) at the end: the file is cut short');
      return { ok: true, header: { width, height, components, progressive: PROGRESSIVE.has(marker), exif } };
    }
    if (marker === 0xda) return corrupt('start of scan before any frame header');
    i += length;
  }
  return corrupt('cut short before its frame header');
}
