/**
 * Pure view logic of the "Other metrics" cell: readable lines for the transit metrics of the catalogue
 * (contract/src/metrics.ts: GPS position and speed, shock, free fall, vibration, clock offset), the metric name and
 * value for anything else. Units always come from the reading's own unit. Table-tested in
 * dashboards/test/model-metrics.test.ts.
 */
import type { MetricValue } from './api.js';
import { orderMetrics, formatValue, withUnit } from './model.js';

export interface MetricLine {
  /** The metric name, or `gps.position` for latitude and longitude shown together; used as `data-metric`. */
  readonly key: string;
  readonly label: string;
  readonly text: string;
  /** Longer explanation for a tooltip. */
  readonly hint?: string;
  /**
   * Device time of an event metric (shock, free fall), ms: the latest shock may be hours old, so it is shown with
   * the time it happened rather than as a current value.
   */
  readonly eventTime?: number;
}

interface Presentation {
  readonly label: string;
  /** Decimals shown. */
  readonly decimals: number;
  /** Keep trailing zeros (coordinates line up); otherwise they are dropped. */
  readonly fixed?: boolean;
  readonly event?: boolean;
  /** Show `+` on positive values (an offset has a direction). */
  readonly signed?: boolean;
  readonly suffix?: string;
  readonly hint?: string;
}

/** Display rules of known metrics, in display order. Metrics not listed follow alphabetically, as sent. */
const PRESENTATION: Readonly<Record<string, Presentation>> = {
  'gps.lat': { label: 'latitude', decimals: 5, fixed: true },
  'gps.lon': { label: 'longitude', decimals: 5, fixed: true },
  'gps.speed': { label: 'speed', decimals: 1, fixed: true, hint: 'Speed over ground' },
  'gps.course': { label: 'course', decimals: 0, hint: 'Course over ground, from true north' },
  'gps.alt': { label: 'altitude', decimals: 0 },
  'gps.sats': { label: 'satellites', decimals: 0 },
  'gps.hdop': { label: 'HDOP', decimals: 1, hint: 'Horizontal dilution of precision (lower is better)' },
  'shock.peak': { label: 'shock peak', decimals: 2, event: true, hint: 'Peak acceleration of the last shock event' },
  'shock.duration': { label: 'shock duration', decimals: 0, event: true },
  'freefall.height': { label: 'free-fall height', decimals: 2, event: true, hint: 'Drop height implied by the last free fall' },
  'freefall.duration': { label: 'free-fall duration', decimals: 0, event: true },
  'vibration.grms': { label: 'vibration', decimals: 3, suffix: ' rms', hint: 'Vibration Grms over the summary window' },
  'clock.offset': { label: 'clock offset', decimals: 0, signed: true, hint: 'Device clock minus GPS time (positive: device ahead)' },
};
const KNOWN_ORDER = Object.keys(PRESENTATION);

/** `value` with `decimals` decimals; trailing zeros dropped unless `fixed`. Never prints `-0`. */
export function formatNumber(value: number, decimals: number, fixed = false, signed = false): string {
  if (!Number.isFinite(value)) return '—';
  let text = fixed ? value.toFixed(decimals) : String(Math.round(value * 10 ** decimals) / 10 ** decimals);
  if (/^-0(\.0*)?$/.test(text)) text = text.slice(1);
  return signed && value > 0 && !text.startsWith('-') && Number(text) !== 0 ? `+${text}` : text;
}

function line(name: string, m: MetricValue): MetricLine {
  const p = PRESENTATION[name];
  if (p === undefined) return { key: name, label: name, text: formatValue(m.value, m.unit) };
  const text = withUnit(formatNumber(m.value, p.decimals, p.fixed, p.signed), m.unit) + (p.suffix ?? '');
  return {
    key: name,
    label: p.label,
    text,
    ...(p.hint !== undefined ? { hint: p.hint } : {}),
    ...(p.event === true ? { eventTime: m.time } : {}),
  };
}

/**
 * Lines for every metric except the `exclude`d ones (temperature and humidity have their own columns): the GPS
 * position as one `lat, lon` line when both are present, then the known transit metrics in a fixed order, then
 * the rest alphabetically as `name value unit`.
 */
export function metricLines(
  metrics: Readonly<Record<string, MetricValue>>,
  exclude: readonly string[] = ['temperature', 'humidity'],
): MetricLine[] {
  const lines: MetricLine[] = [];
  const lat = metrics['gps.lat'];
  const lon = metrics['gps.lon'];
  const done = new Set(exclude);
  if (lat !== undefined && lon !== undefined) {
    lines.push({
      key: 'gps.position',
      label: 'position',
      text: `${formatNumber(lat.value, 5, true)}, ${formatNumber(lon.value, 5, true)}`,
      hint: 'Latitude, longitude (WGS84, decimal degrees)',
    });
    done.add('gps.lat').add('gps.lon');
  }
  const names = Object.keys(metrics).filter((n) => !done.has(n));
  const known = KNOWN_ORDER.filter((n) => names.includes(n));
  const rest = orderMetrics(names.filter((n) => PRESENTATION[n] === undefined));
  for (const name of [...known, ...rest]) {
    const m = metrics[name];
    if (m !== undefined) lines.push(line(name, m));
  }
  return lines;
}

/** Metrics preferred for the "Last hour" trend, in order; otherwise the first metric alphabetically. */
const TREND_PREFERENCE = ['temperature', 'humidity', 'gps.speed', 'vibration.grms'];

/** The metric a device's trend is drawn from: a continuous one rather than an event (a shock) or a clock offset. */
export function trendMetric(names: readonly string[]): string | undefined {
  return TREND_PREFERENCE.find((m) => names.includes(m)) ?? [...names].sort()[0];
}
