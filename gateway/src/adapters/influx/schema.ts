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
import { Point } from '@influxdata/influxdb-client';
import type { StoredReading } from '../../ports/telemetry-store.js';

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

/** Line protocol of a batch, one line per reading, timestamps in ms. */
export function toLineProtocol(readings: readonly StoredReading[]): string {
  const lines: string[] = [];
  for (const r of readings) {
    const line = toPoint(r).toLineProtocol();
    if (line === undefined) throw new Error(`reading ${r.device}/${r.metric}@${r.time} has no line protocol`);
    lines.push(line);
  }
  return lines.join('\n');
}

/** Oldest first; readings at the same device time are ordered by metric (as the SQLite store does). */
export function compareReadings(a: StoredReading, b: StoredReading): number {
  if (a.time !== b.time) return a.time - b.time;
  return a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0;
}
