/**
 * A flag's evidence chart in SVG: the trace of its metric from each of its devices around the flag, the rule's limit
 * as a dashed line, the offending stretches shaded. Drawn from the readings themselves, so what is shown is what
 * the rules judged.
 */
import type { ApiClient } from './api.js';
import { series, type Flag } from './api-orders.js';
import { h, svg } from './dom.js';
import { chartScale, DEFAULT_CHART_BOX, evidenceQuery, niceTicks, timeTicks, tracePath, type EvidenceQuery, type Point } from './model-evidence.js';
import { formatValue, unitLabel } from './model.js';
import { formatZoned, formatZonedClock } from './model-zone.js';

export interface DeviceSeries {
  readonly device: string;
  readonly unit: string;
  readonly points: readonly Point[];
}

/** Reads the flag's metric of each of its devices over the chart's window. */
export async function loadEvidence(api: ApiClient, q: EvidenceQuery): Promise<DeviceSeries[]> {
  return Promise.all(
    q.devices.map(async (device) => {
      const rows = await series(api, device, q.metric, q.from, q.to);
      return { device, unit: rows[0]?.unit ?? '', points: rows.map((r) => ({ time: r.time, value: r.value })) };
    }),
  );
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : String(Math.round(v * 100) / 100);
}

/** The SVG chart of `data` for `q`; `zone`: the viewer's time zone for the axis labels. */
export function renderEvidence(doc: Document, flag: Flag, q: EvidenceQuery, data: readonly DeviceSeries[], zone: string): SVGSVGElement {
  const box = DEFAULT_CHART_BOX;
  const s = chartScale(q, data.map((d) => d.points), box);
  const unit = data.find((d) => d.unit !== '')?.unit ?? '';
  const label =
    `${q.metric} of ${q.devices.join(', ')} from ${formatZoned(q.from, zone)} to ${formatZoned(q.to, zone)}` +
    (q.limit !== undefined ? `, limit ${formatValue(q.limit, unit)}` : '') +
    `, ${data.reduce((n, d) => n + d.points.length, 0)} readings`;
  const chart = svg(doc, 'svg', {
    class: 'evidence-chart',
    viewBox: `0 0 ${box.width} ${box.height}`,
    role: 'img',
    'aria-label': label,
    'data-flag': flag.id,
  });
  chart.append(svg(doc, 'title', {}, label));
  const bottom = box.height - box.bottom;
  for (const span of q.spans) {
    const x0 = Math.max(box.left, s.x(span.from));
    const x1 = Math.min(box.width - box.right, s.x(span.to));
    chart.append(
      svg(doc, 'rect', { class: 'excursion', x: x0, y: box.top, width: Math.max(1, x1 - x0), height: bottom - box.top },
        svg(doc, 'title', {}, `beyond the limit from ${formatZoned(span.from, zone)} to ${formatZoned(span.to, zone)}`)),
    );
  }
  for (const v of niceTicks(s.min, s.max)) {
    chart.append(
      svg(doc, 'line', { class: 'grid', x1: box.left, x2: box.width - box.right, y1: s.y(v), y2: s.y(v) }),
      svg(doc, 'text', { class: 'tick', x: box.left - 4, y: s.y(v) + 4, 'text-anchor': 'end' }, fmt(v)),
    );
  }
  for (const t of timeTicks(q.from, q.to)) {
    chart.append(svg(doc, 'text', { class: 'tick', x: s.x(t), y: bottom + 16, 'text-anchor': 'middle' }, formatZonedClock(t, zone)));
  }
  chart.append(svg(doc, 'line', { class: 'axis', x1: box.left, x2: box.width - box.right, y1: bottom, y2: bottom }));
  if (q.limit !== undefined) {
    const y = s.y(q.limit);
    chart.append(
      svg(doc, 'line', { class: 'limit', x1: box.left, x2: box.width - box.right, y1: y, y2: y }),
      svg(doc, 'text', { class: 'limit-label', x: box.width - box.right - 4, y: y - 4, 'text-anchor': 'end' }, `limit ${formatValue(q.limit, unit)}`),
    );
  }
  data.forEach((d, i) => {
    const points = [...d.points].sort((a, b) => a.time - b.time);
    // Sparse event metrics (a shock) have few readings: a dot per reading says where each one is.
    chart.append(svg(doc, 'path', { class: `trace trace-${i % 3}`, d: tracePath(points, s), 'data-device': d.device, 'data-points': points.length }));
    if (points.length <= 30) {
      for (const p of points) chart.append(svg(doc, 'circle', { class: `dot trace-${i % 3}`, cx: s.x(p.time), cy: s.y(p.value), r: 3 }));
    }
  });
  chart.append(svg(doc, 'text', { class: 'tick unit', x: 4, y: box.top + 4 }, unitLabel(unit)));
  return chart;
}

/** The chart block under a flag: a heading-free figure with the chart or a sentence saying why there is none. */
export async function evidenceFigure(doc: Document, api: ApiClient, flag: Flag, zone: string): Promise<HTMLElement> {
  const q = evidenceQuery(flag);
  if (q === undefined) {
    const why = flag.params['corridorM'] !== undefined || flag.params['radiusM'] !== undefined
      ? 'A position rule: its evidence is marked on the route plot below.'
      : 'A review of other flags: no readings of its own.';
    return h(doc, 'p', { class: 'muted small no-chart' }, why);
  }
  try {
    const data = await loadEvidence(api, q);
    const n = data.reduce((k, d) => k + d.points.length, 0);
    return h(
      doc,
      'figure',
      { class: 'evidence' },
      renderEvidence(doc, flag, q, data, zone),
      h(doc, 'figcaption', { class: 'muted small' },
        `${q.metric} of ${q.devices.join(', ')}: ${n} reading${n === 1 ? '' : 's'}; shaded: beyond the limit; dashed: the limit.`),
    );
  } catch (err) {
    return h(doc, 'p', { class: 'error-detail' }, `Evidence could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}
