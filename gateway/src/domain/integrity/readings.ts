/**
 * The canonical encoding of a commit's readings, the unit of the readings chain (docs/security.md "Tamper
 * evidence"). A commit is a list of groups; a group is the readings of one series (device and metric) that the
 * commit stored, sorted by device time. Its content is, group after group:
 *
 *   u32 LE header length, u32 LE reading count,
 *   header = UTF-8 JSON [site, node, device, metric, unit], zero-padded to a multiple of 8 bytes,
 *   per reading 5 float64 LE: device time, value, seq, receive time, flags
 *
 * the same numbers the store keeps (chunk.ts), so every stored field of every reading is covered. The content's
 * SHA-256 goes into the link. The manifest says which stored readings a commit holds (series id and device times
 * per group), so verification can find them again wherever the store moved them (ingest log or chunk), and a 16-bit
 * check per reading names the reading that changed (a locator only: the SHA-256 is the proof).
 */
import { utf8Bytes } from './hash.js';

/** Numbers per reading in a group: device time, value, seq, receive time, flags (the chunk layout). */
export const READING_WIDTH = 5;

/** On little-endian hosts (all the gateway runs on) float64 arrays are copied as they are: the encoding is LE. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A series as the store names it. */
export interface SeriesName {
  readonly site: string;
  readonly node: string;
  readonly device: string;
  readonly metric: string;
  readonly unit: string;
}

export interface CommitGroup {
  /** The store's id of the series (manifest only; not hashed: ids are local to one database file). */
  readonly seriesId: number;
  /** seriesHeader() of the series. */
  readonly header: Uint8Array;
  /** n x READING_WIDTH numbers, sorted by device time, each time once. */
  readonly values: Float64Array;
}

/** The header bytes of a series. */
export function seriesHeader(s: SeriesName): Uint8Array {
  return utf8Bytes(JSON.stringify([s.site, s.node, s.device, s.metric, s.unit]));
}

/** `n` rounded up to a multiple of 8. */
const pad8 = (n: number): number => (n + 7) & ~7;

/**
 * The canonical bytes of a commit's groups (hashed into its link). Per group: u32 LE header length, u32 LE reading
 * count, the header padded with zero bytes to a multiple of 8, then the readings as float64 LE; so every reading
 * starts 8-byte aligned and a little-endian host copies a group's numbers in one move.
 */
export function encodeCommit(groups: readonly CommitGroup[]): Uint8Array {
  let size = 0;
  for (const g of groups) size += 8 + pad8(g.header.length) + g.values.length * 8;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const numbers = new Float64Array(out.buffer);
  let p = 0;
  for (const g of groups) {
    view.setUint32(p, g.header.length, true);
    view.setUint32(p + 4, g.values.length / READING_WIDTH, true);
    out.set(g.header, p + 8);
    p += 8 + pad8(g.header.length);
    if (LITTLE_ENDIAN) numbers.set(g.values, p / 8);
    else for (let i = 0; i < g.values.length; i++) view.setFloat64(p + i * 8, g.values[i]!, true);
    p += g.values.length * 8;
  }
  return out;
}

/**
 * A 16-bit check of each reading (FNV-1a over the ten little-endian 32-bit words of its 5 float64, then a final
 * mix): which reading of a commit changed. Not a security property (it can be forged): the commit's SHA-256 is.
 */
export class ReadingChecker {
  private readonly scratch = new Float64Array(READING_WIDTH);
  private readonly words = new Uint32Array(this.scratch.buffer);
  private readonly scratchView = new DataView(this.scratch.buffer);

  /** The check of the reading at `o` of `values`. */
  check(values: Float64Array, o: number): number {
    if (!LITTLE_ENDIAN) {
      for (let i = 0; i < READING_WIDTH; i++) this.scratchView.setFloat64(i * 8, values[o + i]!, true);
      return mix(this.scratchView, 0);
    }
    // A scratch copy, not a view per group: a view costs more than the hashing for groups of one reading.
    const f = this.scratch;
    const w = this.words;
    f[0] = values[o]!; f[1] = values[o + 1]!; f[2] = values[o + 2]!; f[3] = values[o + 3]!; f[4] = values[o + 4]!;
    let h = 0x811c9dc5;
    for (let i = 0; i < 2 * READING_WIDTH; i++) h = Math.imul(h ^ w[i]!, 0x01000193);
    return final(h);
  }

  /** The checks of every reading of `values` into `out` from `at`; returns the index after the last. */
  checkAll(values: Float64Array, out: Uint16Array, at: number): number {
    if (!LITTLE_ENDIAN || values.length < 4 * READING_WIDTH) {
      for (let o = 0; o < values.length; o += READING_WIDTH) out[at++] = this.check(values, o);
      return at;
    }
    // Larger groups: one view of the group's words (a view per group costs less than copies per reading).
    const w = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    for (let i = 0; i < w.length; i += 2 * READING_WIDTH) {
      let h = 0x811c9dc5;
      h = Math.imul(h ^ w[i]!, 0x01000193); h = Math.imul(h ^ w[i + 1]!, 0x01000193);
      h = Math.imul(h ^ w[i + 2]!, 0x01000193); h = Math.imul(h ^ w[i + 3]!, 0x01000193);
      h = Math.imul(h ^ w[i + 4]!, 0x01000193); h = Math.imul(h ^ w[i + 5]!, 0x01000193);
      h = Math.imul(h ^ w[i + 6]!, 0x01000193); h = Math.imul(h ^ w[i + 7]!, 0x01000193);
      h = Math.imul(h ^ w[i + 8]!, 0x01000193); h = Math.imul(h ^ w[i + 9]!, 0x01000193);
      out[at++] = final(h);
    }
    return at;
  }
}

function mix(view: DataView, byteOffset: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 2 * READING_WIDTH; i++) h = Math.imul(h ^ view.getUint32(byteOffset + i * 4, true), 0x01000193);
  return final(h);
}

/** The final mix, folded to 16 bits: a locator needs no more (one edit in 65,536 goes unlocated, never unnoticed). */
function final(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h ^ (h >>> 16)) & 0xffff;
}

export { decodeManifest, encodeManifest, type ManifestGroup } from './manifest.js';

/** The checks of every reading of the groups, in manifest order, as u16 LE bytes. */
export function encodeChecks(groups: readonly CommitGroup[], checker: ReadingChecker): Uint8Array {
  let n = 0;
  for (const g of groups) n += g.values.length / READING_WIDTH;
  const checks = new Uint16Array(n);
  let p = 0;
  for (const g of groups) p = checker.checkAll(g.values, checks, p);
  if (LITTLE_ENDIAN) return new Uint8Array(checks.buffer);
  const out = new Uint8Array(n * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) view.setUint16(i * 2, checks[i]!, true);
  return out;
}

export function decodeChecks(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let p = 0; p + 2 <= bytes.length; p += 2) out.push(view.getUint16(p, true));
  return out;
}
