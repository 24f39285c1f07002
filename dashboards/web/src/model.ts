/**
 * Pure view logic of the live page: device state, staleness, interval estimate, formatting, sparkline geometry.
 * No DOM, no fetch, no clock reads: "now" is always an argument, so dashboards/test/model.test.ts can table-test it.
 */
import type { DeviceSummary, ServerDeviceState } from './api.js';

export type DeviceState = 'ok' | 'stale' | 'error' | 'unknown' | 'refused';

/** A device is stale when silent for more than this many nominal intervals (docs/domain.md §3: 3 × interval). */
export const STALE_INTERVAL_FACTOR = 3;
/** Staleness threshold when the device's interval is not known yet, ms. */
export const DEFAULT_STALE_AFTER_MS = 30_000;

/** Metrics shown first, in this order; the rest follow alphabetically. */
const METRIC_ORDER = ['temperature', 'humidity'];

/** Display form of UCUM units (contract/src/metrics.ts). Unknown units are shown as sent. */
const UNIT_LABELS: Readonly<Record<string, string>> = {
  Cel: '°C',
  '%RH': '%RH',
  '[g]': 'g',
  deg: '°',
  '1': '',
};

/** Fewest gaps between readings from which an interval is estimated: one gap may be two ad-hoc messages. */
export const MIN_INTERVAL_GAPS = 2;

/**
 * Nominal sampling interval from a series of device times (ms, any order): the median of the positive gaps, so a
 * single outage or a burst of replayed data does not move it. Undefined with fewer than three distinct times.
 */
export function estimateIntervalMs(times: readonly number[]): number | undefined {
  const sorted = [...times].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const gap = (sorted[i] ?? 0) - (sorted[i - 1] ?? 0);
    if (gap > 0) gaps.push(gap);
  }
  if (gaps.length < MIN_INTERVAL_GAPS) return undefined;
  gaps.sort((a, b) => a - b);
  const mid = Math.floor(gaps.length / 2);
  return gaps.length % 2 === 1 ? gaps[mid] : ((gaps[mid - 1] ?? 0) + (gaps[mid] ?? 0)) / 2;
}

/** Silence (ms) after which a device counts as stale. */
export function staleAfterMs(intervalMs: number | undefined): number {
  return intervalMs === undefined || intervalMs <= 0 ? DEFAULT_STALE_AFTER_MS : STALE_INTERVAL_FACTOR * intervalMs;
}

/**
 * What the page shows. An error reported by the agent wins; then silence longer than the threshold (measured on
 * gateway receive time, so a device with a wrong clock is judged by when data actually arrived); then the state the
 * gateway reports (stale, then refused: its messages reach the gateway and are quarantined). Fresh data with no
 * status message yet counts as ok.
 */
export function effectiveState(
  server: ServerDeviceState,
  lastSeen: number,
  now: number,
  staleAfter: number,
): DeviceState {
  if (server === 'error') return 'error';
  if (!Number.isFinite(lastSeen) || lastSeen <= 0) return 'unknown';
  if (now - lastSeen > staleAfter) return 'stale';
  if (server === 'stale') return 'stale';
  if (server === 'refused') return 'refused';
  return 'ok';
}

export function deviceKey(d: Pick<DeviceSummary, 'site' | 'node' | 'device'>): string {
  return `${d.site}/${d.node}/${d.device}`;
}

export function sortDevices<T extends Pick<DeviceSummary, 'site' | 'node' | 'device'>>(devices: readonly T[]): T[] {
  return [...devices].sort((a, b) => deviceKey(a).localeCompare(deviceKey(b)));
}

/** Metric names in display order: temperature, humidity, then the rest alphabetically. */
export function orderMetrics(names: readonly string[]): string[] {
  const rank = (m: string): number => {
    const i = METRIC_ORDER.indexOf(m);
    return i === -1 ? METRIC_ORDER.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function unitLabel(unit: string): string {
  return UNIT_LABELS[unit] ?? unit;
}

/** An already formatted number with the display form of its UCUM unit: `4.2 °C`, `270°`, `7` (dimensionless). */
export function withUnit(number: string, unit: string): string {
  const label = unitLabel(unit);
  if (label === '') return number;
  return label.startsWith('°') && label.length === 1 ? `${number}${label}` : `${number} ${label}`;
}

/** `4.2 °C`, `55 %RH`, `3 sats`-style: at most 2 decimals, trailing zeros dropped. */
export function formatValue(value: number, unit: string): string {
  return withUnit(Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100), unit);
}

/** Human age of a duration in ms: `now`, `12 s`, `3 min 5 s`, `2 h 4 min`, `3 d 1 h`. Negative ages (clock skew) are marked. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 0) return `in ${formatAge(-ms)}`;
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'now';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** The device time of the last stored reading, or `never` when the gateway has stored none of the device. */
export function formatDeviceTime(ms: number | null, now: number): string {
  return ms === null ? 'never' : formatClock(ms, now);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Local wall-clock time `HH:MM:SS`, with the date in front when `ms` is not on the same local day as `now`.
 * Times are shown in the browser's time zone; the full ISO UTC time is in the cell's `title`/`datetime`.
 */
export function formatClock(ms: number, now: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '—';
  const d = new Date(ms);
  const n = new Date(now);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const sameDay = d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/**
 * Browser-minus-gateway clock offset (ms) from an HTTP `Date` header (1 s resolution), assuming the gateway stamped
 * it half-way through the round trip. Zero when the header is missing or unparsable, or the offset is below the
 * header's resolution. Ages are computed as `browserNow - offset - lastSeen` so a wrong browser clock cannot make
 * every device look stale.
 */
export function clockOffsetMs(serverDate: string | null, sentAt: number, receivedAt: number): number {
  if (serverDate === null) return 0;
  const server = Date.parse(serverDate);
  if (!Number.isFinite(server)) return 0;
  // The header truncates to whole seconds: the true server time lies in [server, server + 1000).
  const offset = (sentAt + receivedAt) / 2 - (server + 500);
  return Math.abs(offset) < 1500 ? 0 : Math.round(offset);
}

/** Quarantine counts as rows, largest first, then by code. */
export function sortedCounts(counts: Readonly<Record<string, number>>): Array<{ code: string; count: number }> {
  return Object.entries(counts)
    .map(([code, count]) => ({ code, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

export interface SparklineGeometry {
  /** SVG path `d` attribute, empty with fewer than two points. */
  readonly d: string;
  readonly min: number;
  readonly max: number;
}

/**
 * Polyline through the points scaled into a `width` × `height` box (1 px padding). At most `maxPoints` points are
 * drawn: longer series are thinned by taking evenly spaced samples, keeping the last one.
 */
export function sparkline(
  points: ReadonlyArray<{ time: number; value: number }>,
  width: number,
  height: number,
  maxPoints = 120,
): SparklineGeometry {
  const sorted = [...points].filter((p) => Number.isFinite(p.value)).sort((a, b) => a.time - b.time);
  const step = Math.max(1, Math.ceil(sorted.length / maxPoints));
  const thinned = sorted.filter((_, i) => i % step === 0 || i === sorted.length - 1);
  if (thinned.length < 2) return { d: '', min: NaN, max: NaN };
  const values = thinned.map((p) => p.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const t0 = thinned[0]?.time ?? 0;
  const t1 = thinned[thinned.length - 1]?.time ?? 1;
  const spanT = t1 - t0 || 1;
  const spanV = max - min || 1;
  const pad1 = 1;
  const d = thinned
    .map((p, i) => {
      const x = pad1 + ((p.time - t0) / spanT) * (width - 2 * pad1);
      // A flat series is drawn through the middle instead of along the bottom edge.
      const y = max === min ? height / 2 : pad1 + (1 - (p.value - min) / spanV) * (height - 2 * pad1);
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
    })
    .join(' ');
  return { d, min, max };
}
