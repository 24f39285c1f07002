/**
 * The readings chain of a remote store (InfluxDB, VictoriaMetrics behind the spool; docs/security.md "Readings in a
 * remote store"). A link covers one spooled commit, encoded as the embedded store's links are (readings.ts: groups of
 * one series sorted by device time, five float64 a reading), but over the readings as the remote store will hold
 * them, so that what verification reads back re-derives:
 *
 * - device time, seq, receive time and flags as whole numbers (line protocol writes them floored, schema.ts);
 * - the value exactly (`exact`: InfluxDB keeps float64), or on a decimal grid (`decimal`: VictoriaMetrics keeps
 *   about 12 significant digits and, in a block of samples of mixed magnitude, fewer decimals: a value of 0.1 + 0.2
 *   comes back as 0.3). On that grid (10 significant digits, at most 7 decimals) what VictoriaMetrics returns is the
 *   value written, and `canonicalValue` of what it returns is that value again even when it drifts in the last digit.
 *
 * One point per (series, time) in a commit: a store keeps one (InfluxDB overwrites a point of the same series and
 * time); the spool recognises duplicates before a commit is made, so a commit never holds two.
 */
import type { StoredReading } from '../reading.js';
import { READING_WIDTH, type SeriesName } from './readings.js';

/** How values are held by the store: exactly (float64), or on the decimal grid. */
export type ValuePrecision = 'exact' | 'decimal';

/** Significant digits of the decimal grid. */
export const DECIMAL_DIGITS = 10;
/** Most decimals of the decimal grid (1e-7: ~1 cm of latitude). */
export const DECIMAL_PLACES = 7;

/** A value as the store holds it (and as the chain covers it). */
export function canonicalValue(v: number, precision: ValuePrecision): number {
  if (precision === 'exact' || !Number.isFinite(v)) return v;
  if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) return v === 0 ? 0 : v;
  const c = Number(Number(v.toPrecision(DECIMAL_DIGITS)).toFixed(DECIMAL_PLACES));
  // -0 and a value that rounds to zero: the store keeps no sign of zero.
  return c === 0 ? 0 : c;
}

/** A reading as the remote store will hold it. */
export function canonicalReading(r: StoredReading, precision: ValuePrecision): StoredReading {
  const time = Math.floor(r.time);
  const value = canonicalValue(r.value, precision);
  const seq = Math.floor(r.seq);
  const receivedAt = Math.floor(r.receivedAt);
  const flags = Math.floor(r.flags);
  if (time === r.time && Object.is(value, r.value) && seq === r.seq && receivedAt === r.receivedAt && flags === r.flags) return r;
  return { ...r, time, value, seq, receivedAt, flags };
}

/** The series of a reading. */
export const seriesOf = (r: StoredReading): SeriesName => ({ site: r.site, node: r.node, device: r.device, metric: r.metric, unit: r.unit });

/**
 * A text key naming a series exactly (all five parts, NUL-separated: MQTT topic levels and catalogue units hold no
 * NUL). Built per reading on the spool's path: a concatenation, not JSON.
 */
export const seriesKey = (s: SeriesName): string => `${s.site}\u0000${s.node}\u0000${s.device}\u0000${s.metric}\u0000${s.unit}`;

export interface SeriesGroup {
  readonly series: SeriesName;
  /** seriesKey(series). */
  readonly key: string;
  /** n x READING_WIDTH numbers (device time, value, seq, receive time, flags), sorted by device time. */
  readonly values: Float64Array;
}

/**
 * A commit's readings grouped by series (in order of first appearance), each group sorted by device time. The groups'
 * numbers are views of one array: a commit of single readings has as many groups as readings. Looked up by device,
 * then metric, then the rest compared: no key built per reading (this runs on the spool's path, and the readings of a
 * message share their device's string, whose hash is then computed once).
 */
export function groupBySeries(readings: readonly StoredReading[]): SeriesGroup[] {
  const byDevice = new Map<string, Map<string, number[][]>>();
  const order: number[][] = [];
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    let byMetric = byDevice.get(r.device);
    if (byMetric === undefined) byDevice.set(r.device, byMetric = new Map());
    let lists = byMetric.get(r.metric);
    if (lists === undefined) byMetric.set(r.metric, lists = []);
    const idx = lists.find((l) => sameSeries(readings[l[0]!]!, r));
    if (idx !== undefined) idx.push(i);
    else {
      const fresh = [i];
      lists.push(fresh);
      order.push(fresh);
    }
  }
  const all = new Float64Array(readings.length * READING_WIDTH);
  const out: SeriesGroup[] = [];
  let o = 0;
  for (const idx of order) {
    if (!sortedByTime(readings, idx)) idx.sort((a, b) => readings[a]!.time - readings[b]!.time);
    const start = o;
    for (const i of idx) {
      putReading(all, o, readings[i]!);
      o += READING_WIDTH;
    }
    const series = seriesOf(readings[idx[0]!]!);
    out.push({ series, key: seriesKey(series), values: all.subarray(start, o) });
  }
  return out;
}

const sameSeries = (a: StoredReading, b: StoredReading): boolean => a.site === b.site && a.node === b.node && a.unit === b.unit;

function sortedByTime(rs: readonly StoredReading[], idx: readonly number[]): boolean {
  for (let i = 1; i < idx.length; i++) if (rs[idx[i]!]!.time < rs[idx[i - 1]!]!.time) return false;
  return true;
}

/** Writes a reading's five numbers at `o` (the chain's layout). */
export function putReading(values: Float64Array, o: number, r: Pick<StoredReading, 'time' | 'value' | 'seq' | 'receivedAt' | 'flags'>): void {
  values[o] = r.time;
  values[o + 1] = r.value;
  values[o + 2] = r.seq;
  values[o + 3] = r.receivedAt;
  values[o + 4] = r.flags;
}
