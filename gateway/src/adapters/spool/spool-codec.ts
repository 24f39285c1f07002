/**
 * The body of one spooled commit: its readings in a compact columnar binary form. One row per commit instead of one
 * row (and three index entries) per reading: ~940 bytes written per reading became ~60 (issue #18).
 *
 *   u32 version (1) | u32 n | u32 string-table bytes | string table (JSON array, UTF-8) | zero padding to 8 bytes
 *   f64[n] time | f64[n] value | f64[n] seq | f64[n] receivedAt | u32[5n] site, node, device, metric, unit (indices
 *   into the string table) | u32[n] flags
 *
 * Numbers are kept exactly (float64; flags as uint32): a reading decodes to the same fields it was encoded from.
 */
import type { StoredReading } from '../../domain/reading.js';

const VERSION = 1;
const HEADER = 12;

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeReadings(readings: readonly StoredReading[]): Buffer {
  const n = readings.length;
  const strings: string[] = [];
  const index = new Map<string, number>();
  const idx = new Uint32Array(5 * n);
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  for (let i = 0; i < n; i++) {
    const r = readings[i]!;
    idx[5 * i] = intern(r.site);
    idx[5 * i + 1] = intern(r.node);
    idx[5 * i + 2] = intern(r.device);
    idx[5 * i + 3] = intern(r.metric);
    idx[5 * i + 4] = intern(r.unit);
  }
  const table = Buffer.from(JSON.stringify(strings), 'utf8');
  const numbersAt = align8(HEADER + table.length);
  const indexAt = numbersAt + 32 * n;
  const ab = new ArrayBuffer(indexAt + 24 * n);
  const out = Buffer.from(ab);
  const head = new DataView(ab);
  head.setUint32(0, VERSION, true);
  head.setUint32(4, n, true);
  head.setUint32(8, table.length, true);
  table.copy(out, HEADER);
  const f = new Float64Array(ab, numbersAt, 4 * n);
  for (let i = 0; i < n; i++) {
    const r = readings[i]!;
    f[i] = r.time;
    f[n + i] = r.value;
    f[2 * n + i] = r.seq;
    f[3 * n + i] = r.receivedAt;
  }
  new Uint32Array(ab, indexAt, 5 * n).set(idx);
  const flags = new Uint32Array(ab, indexAt + 20 * n, n);
  for (let i = 0; i < n; i++) flags[i] = readings[i]!.flags;
  return out;
}

export function decodeReadings(body: Uint8Array): StoredReading[] {
  // A private, aligned copy: typed-array views need 8-byte alignment, and SQLite's buffer may sit anywhere.
  const ab = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  const head = new DataView(ab);
  if (ab.byteLength < HEADER || head.getUint32(0, true) !== VERSION) throw new Error('spool body: unknown format');
  const n = head.getUint32(4, true);
  const tableBytes = head.getUint32(8, true);
  const strings = JSON.parse(Buffer.from(ab, HEADER, tableBytes).toString('utf8')) as string[];
  const numbersAt = align8(HEADER + tableBytes);
  const indexAt = numbersAt + 32 * n;
  if (ab.byteLength !== indexAt + 24 * n) throw new Error(`spool body: ${ab.byteLength} bytes for ${n} readings`);
  const f = new Float64Array(ab, numbersAt, 4 * n);
  const idx = new Uint32Array(ab, indexAt, 5 * n);
  const flags = new Uint32Array(ab, indexAt + 20 * n, n);
  const out = new Array<StoredReading>(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      site: strings[idx[5 * i]!]!, node: strings[idx[5 * i + 1]!]!, device: strings[idx[5 * i + 2]!]!,
      metric: strings[idx[5 * i + 3]!]!, time: f[i]!, value: f[n + i]!, unit: strings[idx[5 * i + 4]!]!,
      seq: f[2 * n + i]!, receivedAt: f[3 * n + i]!, flags: flags[i]!,
    };
  }
  return out;
}
