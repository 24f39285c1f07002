/**
 * Line-protocol schema of a reading, shared by every Influx-compatible backend.
 *
 *   {metric},device={device},site={site},node={node},unit={unit} value={float},seq={int}i,received_at={int}i,flags={int}i {device time, ms}
 *
 * - measurement = metric (`temperature`, `gps.lat`, `door.open`): one measurement per catalogue metric, so Grafana
 *   and InfluxQL select a metric without a tag filter, and VictoriaMetrics names its series `{metric}_{field}`.
 * - tags: device, site, node, unit. InfluxDB identifies a point by measurement + tag set + timestamp and overwrites
 *   the fields of an existing point. Every tag here is a function of (device, metric): site and node are the
 *   device's address in its topic (`ct/v1/{site}/{node}/{device}/data`) and the unit is pinned per metric by the
 *   catalogue (E_UNIT rejects others). So point identity = (device, metric, time), and a duplicate rewrites the
 *   same point with the same fields: stored once. A device re-homed to another node starts new series.
 * - unit is a tag, not a string field: VictoriaMetrics keeps only numeric fields (a string field is stored as 0).
 * - fields: value is always a float (booleans 0/1 too: a field's type is fixed per shard, `1i` after `1.5` is a
 *   400 "field type conflict"); seq, received_at (gateway receive time, ms) and flags are integers.
 * - timestamp: device time in ms (write precision `ms`). Receive time is a field, never the point time.
 */
import { Point, escape } from '@influxdata/influxdb-client';
import type { StoredReading } from '../../domain/reading.js';

/** Field names, in the order they are written. */
export const READING_FIELDS = ['value', 'seq', 'received_at', 'flags'] as const;
export type ReadingField = (typeof READING_FIELDS)[number];

/** Builds the point of one reading. Throws on a non-finite value or a non-integer seq/flags (never retryable). */
export function toPoint(r: StoredReading): Point {
  return new Point(r.metric)
    .tag('device', r.device)
    .tag('site', r.site)
    .tag('node', r.node)
    .tag('unit', r.unit)
    .floatField('value', r.value)
    .intField('seq', r.seq)
    .intField('received_at', r.receivedAt)
    .intField('flags', r.flags)
    .timestamp(r.time);
}

/**
 * Line protocol of a batch, one line per reading, timestamps in ms: byte for byte what `toPoint(r).toLineProtocol()`
 * writes (schema.test.ts holds them together), without a Point, its tag and field objects and their sorting per
 * reading: the series part (measurement and tags, escaped by the library's `escape`) is built once per series and
 * batch. With Point, line protocol was a third of the gateway's CPU when forwarding 50-reading messages (issue #18).
 */
export function toLineProtocol(readings: readonly StoredReading[]): string {
  const series = new Map<string, { site: string; node: string; unit: string; prefix: string }>();
  let out = '';
  // The readings of one message share seq and receive time: their text is reused while they repeat.
  let seq = NaN;
  let seqText = '';
  let receivedAt = NaN;
  let receivedText = '';
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    const key = `${r.metric}\u0000${r.device}`;
    let s = series.get(key);
    if (s === undefined || s.site !== r.site || s.node !== r.node || s.unit !== r.unit) {
      s = { site: r.site, node: r.node, unit: r.unit, prefix: seriesPrefix(r) };
      series.set(key, s);
    }
    if (!Number.isFinite(r.value)) throw new Error(`invalid float value for field 'value': ${r.value}`);
    if (r.seq !== seq) seqText = String(int('seq', (seq = r.seq)));
    if (r.receivedAt !== receivedAt) receivedText = String(int('received_at', (receivedAt = r.receivedAt)));
    const flags = r.flags === 0 ? '0' : String(int('flags', r.flags));
    const line = `${s.prefix} flags=${flags}i,received_at=${receivedText}i,seq=${seqText}i,value=${String(r.value)} ${Math.floor(r.time)}`;
    out = i === 0 ? line : `${out}\n${line}`;
  }
  return out;
}

/** Measurement and tags in Point's order (tags sorted by key; an empty tag value is left out, as Point does). */
function seriesPrefix(r: StoredReading): string {
  let p = escape.measurement(r.metric);
  const tags: [string, string][] = [['device', r.device], ['node', r.node], ['site', r.site], ['unit', r.unit]];
  for (const [k, v] of tags) if (v !== '') p += `,${k}=${escape.tag(v)}`;
  return p;
}

/** As Point.intField: a finite number within int64, floored. */
function int(field: string, n: number): number {
  if (Number.isNaN(n) || n <= -9223372036854776e3 || n >= 9223372036854776e3) throw new Error(`invalid integer value for field '${field}': '${n}'!`);
  return Math.floor(n);
}

/** Oldest first; readings at the same device time are ordered by metric (as the SQLite store does). */
export function compareReadings(a: StoredReading, b: StoredReading): number {
  if (a.time !== b.time) return a.time - b.time;
  return a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0;
}
