/** The "Live environment" table: one row per device with its latest readings, times, age and state. */
import type { DeviceSummary } from './api.js';
import { h, svg, timeEl } from './dom.js';
import {
  deviceKey,
  formatAge,
  formatClock,
  formatDeviceTime,
  formatValue,
  sortDevices,
  sparkline,
  type DeviceState,
  type SparklineGeometry,
} from './model.js';
import { metricLines } from './model-metrics.js';

/** Per-device facts the page derives itself (from the readings API), passed in by the controller. */
export interface DeviceExtras {
  readonly state: DeviceState;
  readonly staleAfterMs: number;
  readonly trend?: { metric: string; unit: string; points: ReadonlyArray<{ time: number; value: number }> };
}

const STATE_LABEL: Readonly<Record<DeviceState, string>> = { ok: 'OK', stale: 'Stale', error: 'Error', unknown: 'Unknown', refused: 'Refused' };
const SPARK_W = 120;
const SPARK_H = 28;

function metricCell(doc: Document, d: DeviceSummary, metric: string): HTMLTableCellElement {
  const m = d.metrics[metric];
  if (m === undefined) return h(doc, 'td', { class: 'num muted', 'data-metric': metric }, '—');
  return h(doc, 'td', { class: 'num', 'data-metric': metric }, formatValue(m.value, m.unit));
}

function otherMetrics(doc: Document, d: DeviceSummary, now: number): HTMLTableCellElement {
  const lines = metricLines(d.metrics);
  if (lines.length === 0) return h(doc, 'td', { class: 'muted', 'data-col': 'other' }, '—');
  const list = h(doc, 'ul', { class: 'metrics' });
  for (const l of lines) {
    list.append(
      h(
        doc,
        'li',
        { 'data-metric': l.key, title: l.hint },
        h(doc, 'span', { class: 'metric-name' }, l.label),
        ' ',
        l.text,
        l.eventTime !== undefined
          ? h(doc, 'span', { class: 'muted small' }, ' at ', timeEl(doc, l.eventTime, formatClock(l.eventTime, now)))
          : null,
      ),
    );
  }
  return h(doc, 'td', { 'data-col': 'other' }, list);
}

function stateCell(doc: Document, d: DeviceSummary, x: DeviceExtras): HTMLTableCellElement {
  const badge = h(doc, 'span', { class: `badge state-${x.state}` }, STATE_LABEL[x.state]);
  const why =
    x.state === 'error' && d.error !== undefined
      ? h(doc, 'div', { class: 'error-detail' }, d.error)
      : x.state === 'stale'
        ? h(doc, 'div', { class: 'muted small' }, `silent > ${formatAge(x.staleAfterMs)}`)
        : x.state === 'refused' && d.refused !== undefined
          ? h(doc, 'div', { class: 'error-detail' }, refusedText(d.refused))
          : null;
  return h(doc, 'td', { 'data-col': 'state' }, badge, why);
}

/** `E_VALUE_RANGE: /readings/0/value: … (3 messages refused)`: why, and how many since the last stored one. */
export function refusedText(r: NonNullable<DeviceSummary['refused']>): string {
  return `${r.code}: ${r.detail} (${r.count} message${r.count === 1 ? '' : 's'} refused)`;
}

function trendCell(doc: Document, x: DeviceExtras): HTMLTableCellElement {
  if (x.trend === undefined) return h(doc, 'td', { class: 'muted' }, '—');
  const geo: SparklineGeometry = sparkline(x.trend.points, SPARK_W, SPARK_H);
  if (geo.d === '') return h(doc, 'td', { class: 'muted' }, '—');
  const label = `${x.trend.metric}, last hour: min ${formatValue(geo.min, x.trend.unit)}, max ${formatValue(geo.max, x.trend.unit)}`;
  const chart = svg(
    doc,
    'svg',
    { class: 'spark', width: SPARK_W, height: SPARK_H, viewBox: `0 0 ${SPARK_W} ${SPARK_H}`, role: 'img', 'aria-label': label },
    svg(doc, 'title', {}, label),
    svg(doc, 'path', { d: geo.d, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5 }),
  );
  return h(doc, 'td', { class: 'trend' }, chart);
}

function row(doc: Document, d: DeviceSummary, x: DeviceExtras, now: number): HTMLTableRowElement {
  return h(
    doc,
    'tr',
    { 'data-device': deviceKey(d), 'data-state': x.state, class: `row-${x.state}` },
    stateCell(doc, d, x),
    h(doc, 'td', { class: 'id' }, d.site),
    h(doc, 'td', { class: 'id' }, d.node),
    h(doc, 'th', { scope: 'row', class: 'id' }, d.device),
    metricCell(doc, d, 'temperature'),
    metricCell(doc, d, 'humidity'),
    otherMetrics(doc, d, now),
    h(
      doc,
      'td',
      { 'data-col': 'device-time', class: d.lastDeviceTime === null ? 'muted' : undefined },
      d.lastDeviceTime === null ? 'never' : timeEl(doc, d.lastDeviceTime, formatDeviceTime(d.lastDeviceTime, now)),
    ),
    h(doc, 'td', { 'data-col': 'received' }, timeEl(doc, d.lastSeen, formatClock(d.lastSeen, now))),
    h(doc, 'td', { class: 'num', 'data-col': 'age' }, formatAge(now - d.lastSeen)),
    trendCell(doc, x),
  );
}

/** Replaces the table body; `now` is gateway time (browser time corrected by the measured clock offset). */
export function renderDevices(
  doc: Document,
  tbody: HTMLTableSectionElement,
  summary: HTMLElement,
  devices: readonly DeviceSummary[],
  extras: (d: DeviceSummary) => DeviceExtras,
  now: number,
): void {
  const sorted = sortDevices(devices);
  if (sorted.length === 0) {
    tbody.replaceChildren(h(doc, 'tr', {}, h(doc, 'td', { colspan: 11, class: 'empty' }, 'No devices have reported yet.')));
    summary.textContent = '0 devices';
    return;
  }
  const counts: Record<DeviceState, number> = { ok: 0, stale: 0, error: 0, unknown: 0, refused: 0 };
  tbody.replaceChildren(
    ...sorted.map((d) => {
      const x = extras(d);
      counts[x.state]++;
      return row(doc, d, x, now);
    }),
  );
  const parts = [`${counts.ok} ok`, `${counts.stale} stale`, `${counts.error} error`];
  if (counts.refused > 0) parts.push(`${counts.refused} refused`);
  if (counts.unknown > 0) parts.push(`${counts.unknown} unknown`);
  summary.textContent = `${sorted.length} device${sorted.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
