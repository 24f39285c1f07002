/**
 * The canonical encoding of a commit's readings, the unit of the readings chain (docs/security.md "Tamper
 * evidence"). A commit is a list of groups; a group is the readings of one series (device and metric) that the
 * commit stored, sorted by device time. Its content is, group after group:
 *
 *   u32 LE header length, header = UTF-8 JSON [site, node, device, metric, unit]
 *   u32 LE reading count, then per reading 5 float64 LE: device time, value, seq, receive time, flags
 *
 * the same numbers the store keeps (chunk.ts), so every stored field of every reading is covered. The content's
 * SHA-256 goes into the link. The manifest says which stored readings a commit holds (series id and device times
 * per group), so verification can find them again wherever the store moved them (ingest log or chunk), and a 32-bit
 * check per reading names the reading that changed (a locator only: the SHA-256 is the proof).
 */
import { utf8Bytes } from './hash.js';

/** Numbers per reading in a group: device time, value, seq, receive time, flags (the chunk layout). */
export const READING_WIDTH = 5;

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

/** The canonical bytes of a commit's groups (hashed into its link). */
export function encodeCommit(groups: readonly CommitGroup[]): Uint8Array {
  let size = 0;
  for (const g of groups) size += 8 + g.header.length + g.values.length * 8;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let p = 0;
  for (const g of groups) {
    view.setUint32(p, g.header.length, true);
    out.set(g.header, p + 4);
    p += 4 + g.header.length;
    view.setUint32(p, g.values.length / READING_WIDTH, true);
    p += 4;
    for (let i = 0; i < g.values.length; i++, p += 8) view.setFloat64(p, g.values[i]!, true);
  }
  return out;
}

/**
 * A 32-bit check of one reading (FNV-1a over its 5 float64): which reading of a commit changed. Not a security
 * property (it can be forged): the commit's SHA-256 is.
 */
export class ReadingChecker {
  private readonly f = new Float64Array(READING_WIDTH);
  private readonly bytes = new Uint8Array(this.f.buffer);
  private readonly view = new DataView(this.f.buffer);

  check(values: Float64Array, o: number): number {
    for (let i = 0; i < READING_WIDTH; i++) this.view.setFloat64(i * 8, values[o + i]!, true);
    let h = 0x811c9dc5;
    for (const b of this.bytes) h = Math.imul(h ^ b, 0x01000193);
    return h >>> 0;
  }
}

/** Where a commit's readings are: per group, the series id and the device times, in group order. */
export interface ManifestGroup {
  readonly seriesId: number;
  readonly times: readonly number[];
}

/** Manifest bytes: float64 LE per group: series id, count, then the times. */
export function encodeManifest(groups: readonly CommitGroup[]): Uint8Array {
  let n = 0;
  for (const g of groups) n += 2 + g.values.length / READING_WIDTH;
  const out = new Uint8Array(n * 8);
  const view = new DataView(out.buffer);
  let p = 0;
  const put = (x: number): void => { view.setFloat64(p, x, true); p += 8; };
  for (const g of groups) {
    put(g.seriesId);
    put(g.values.length / READING_WIDTH);
    for (let o = 0; o < g.values.length; o += READING_WIDTH) put(g.values[o]!);
  }
  return out;
}

export function decodeManifest(bytes: Uint8Array): ManifestGroup[] {
  if (bytes.length % 8 !== 0) throw new Error(`manifest of ${bytes.length} bytes is not float64s`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / 8;
  const out: ManifestGroup[] = [];
  let i = 0;
  while (i < n) {
    if (i + 2 > n) throw new Error('manifest ends inside a group header');
    const seriesId = view.getFloat64(i * 8, true);
    const count = view.getFloat64(i * 8 + 8, true);
    i += 2;
    if (!Number.isInteger(count) || count < 0 || i + count > n) throw new Error(`manifest group of series ${seriesId} claims ${count} readings`);
    const times: number[] = [];
    for (let k = 0; k < count; k++) times.push(view.getFloat64((i + k) * 8, true));
    i += count;
    out.push({ seriesId, times });
  }
  return out;
}

/** The checks of every reading of the groups, in manifest order, as u32 LE bytes. */
export function encodeChecks(groups: readonly CommitGroup[], checker: ReadingChecker): Uint8Array {
  let n = 0;
  for (const g of groups) n += g.values.length / READING_WIDTH;
  const out = new Uint8Array(n * 4);
  const view = new DataView(out.buffer);
  let p = 0;
  for (const g of groups) {
    for (let o = 0; o < g.values.length; o += READING_WIDTH, p += 4) view.setUint32(p, checker.check(g.values, o), true);
  }
  return out;
}

export function decodeChecks(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let p = 0; p + 4 <= bytes.length; p += 4) out.push(view.getUint32(p, true));
  return out;
}
