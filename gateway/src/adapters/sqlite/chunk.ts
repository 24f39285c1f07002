/**
 * The chunk codec of the embedded store. A chunk holds the readings of ONE series within ONE device-time hour,
 * sorted by device time, each time at most once. Its `data` BLOB is n x 5 IEEE-754 float64 values, little-endian,
 * row-major (reading after reading):
 *
 *   [t, value, seq, received_at, flags] x n      (t and received_at in ms since the epoch)
 *
 * float64 holds every integer up to 2^53 exactly, so times, seq and flags round-trip unchanged. Storing one row per
 * chunk instead of one per reading divides the B-tree inserts by the chunk size (issue #5: the store was the limit).
 */

/** Numbers per reading in a chunk. */
export const CHUNK_WIDTH = 5;
/** Length of the hour a chunk covers, ms. */
export const CHUNK_HOUR_MS = 3_600_000;

/** Start of the device-time hour `t` falls in, ms (floor, also for times before 1970). */
export function hourOf(t: number): number {
  return Math.floor(t / CHUNK_HOUR_MS) * CHUNK_HOUR_MS;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The chunk's readings as a float64 array of n x CHUNK_WIDTH (a copy when the BLOB is not 8-byte aligned). */
export function decodeChunk(data: Uint8Array): Float64Array {
  if (data.byteLength % (8 * CHUNK_WIDTH) !== 0) throw new Error(`chunk of ${data.byteLength} bytes is not n x ${CHUNK_WIDTH} float64`);
  const n = data.byteLength / 8;
  if (LITTLE_ENDIAN) {
    if (data.byteOffset % 8 === 0) return new Float64Array(data.buffer, data.byteOffset, n);
    // Buffer#slice shares memory: copy into a fresh (aligned) array instead.
    return new Float64Array(Uint8Array.from(data).buffer, 0, n);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** BLOB bytes of a chunk given as n x CHUNK_WIDTH float64 values (shares memory with `values` on little-endian hosts). */
export function encodeChunk(values: Float64Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const out = Buffer.alloc(values.byteLength);
  for (let i = 0; i < values.length; i++) out.writeDoubleLE(values[i]!, i * 8);
  return out;
}

/** Device times of a decoded chunk, in order. */
export function chunkTimes(values: Float64Array): number[] {
  const out: number[] = [];
  for (let o = 0; o < values.length; o += CHUNK_WIDTH) out.push(values[o]!);
  return out;
}

/** Min, max and sum of a decoded chunk's values (stored beside it: telemetry migration #4). */
export interface ValueAggregates {
  min: number;
  max: number;
  sum: number;
}

/** The values' aggregates of a decoded chunk, in one pass (the writer stores them with every chunk). */
export function valueAggregates(values: Float64Array): ValueAggregates {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let o = 1; o < values.length; o += CHUNK_WIDTH) {
    const v = values[o]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, sum };
}

/** Aggregates of one hour, merged into rollups_1h by retention. */
export interface HourAggregate {
  min: number;
  max: number;
  sum: number;
  count: number;
  firstT: number;
  lastT: number;
}

/** Adds a decoded chunk's readings to `agg` (a fresh aggregate when undefined) and returns it. */
export function aggregateChunk(values: Float64Array, agg?: HourAggregate): HourAggregate {
  const a: HourAggregate = agg ?? { min: Infinity, max: -Infinity, sum: 0, count: 0, firstT: Infinity, lastT: -Infinity };
  for (let o = 0; o < values.length; o += CHUNK_WIDTH) {
    const t = values[o]!;
    const v = values[o + 1]!;
    if (v < a.min) a.min = v;
    if (v > a.max) a.max = v;
    a.sum += v;
    a.count++;
    if (t < a.firstT) a.firstT = t;
    if (t > a.lastT) a.lastT = t;
  }
  return a;
}
