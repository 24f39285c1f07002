/**
 * A flag's evidence chart, drawn by uPlot (the page's time-series chart library, chart-panel.ts): the trace of its
 * metric from each of its devices around the flag, the rule's limit as a dashed line, the offending stretches
 * shaded. Drawn from the readings themselves, so what is shown is what the rules judged. The shaded stretches are
 * also a list for screen readers (a canvas says nothing).
 */
import type { ApiClient } from './api.js';
import { series, type Flag } from './api-orders.js';
import { h } from './dom.js';
import { chartScale, DEFAULT_CHART_BOX, evidenceQuery, type EvidenceQuery, type Point } from './model-evidence.js';
import { formatValue, unitLabel } from './model.js';
import { formatZoned, formatZonedClock } from './model-zone.js';
import uPlot from './vendor/uPlot.esm.js';

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

const TRACE_COLOURS = ['#1f5f99', '#7b3fa0', '#2e7d32'];
const SHADE = 'rgba(179, 38, 30, 0.22)';

/** The chart of `data` for `q`; `zone`: the viewer's time zone for the axis labels. */
export function renderEvidence(doc: Document, flag: Flag, q: EvidenceQuery, data: readonly DeviceSeries[], zone: string): HTMLElement {
  const box = DEFAULT_CHART_BOX;
  const scale = chartScale(q, data.map((d) => d.points), box);
  const unit = data.find((d) => d.unit !== '')?.unit ?? '';
  const label =
    `${q.metric} of ${q.devices.join(', ')} from ${formatZoned(q.from, zone)} to ${formatZoned(q.to, zone)}` +
    (q.limit !== undefined ? `, limit ${formatValue(q.limit, unit)}` : '') +
    `, ${data.reduce((n, d) => n + d.points.length, 0)} readings`;
  const chart: HTMLElement & { uplot?: uPlot } = h(doc, 'div', { class: 'evidence-chart', role: 'img', 'aria-label': label, 'data-flag': flag.id });
  // One table per device, and the window's ends carrying the limit: uPlot aligns them on one time axis.
  const tables: uPlot.AlignedData[] = data.map((d) => {
    const points = [...d.points].sort((a, b) => a.time - b.time);
    return [points.map((p) => p.time), points.map((p) => p.value)];
  });
  tables.push([[q.from, q.to], [q.limit ?? null, q.limit ?? null]]);
  const aligned = uPlot.join(tables);
  const opts: uPlot.Options = {
    // A canvas does not scale as an SVG did: as wide as the window leaves room for, up to the usual 640 px.
    width: Math.max(320, Math.min(box.width, (doc.defaultView?.innerWidth ?? box.width) - 96)), height: box.height, ms: 1,
    scales: { x: { time: true, range: [q.from, q.to] }, y: { range: [scale.min, scale.max] } },
    axes: [{ values: (_u, splits) => splits.map((t) => formatZonedClock(t, zone)) }, { label: unitLabel(unit), size: 52 }],
    series: [
      { label: 'time', value: (_u, t) => (t === null ? '–' : formatZoned(t, zone)) },
      // Sparse event metrics (a shock) have few readings: a dot per reading says where each one is.
      ...data.map((d, i) => ({ label: d.device, stroke: TRACE_COLOURS[i % TRACE_COLOURS.length], width: 1.5, spanGaps: true, points: { show: d.points.length <= 30, size: 6 } })),
      { label: q.limit !== undefined ? `limit ${formatValue(q.limit, unit)}` : 'limit', show: q.limit !== undefined, stroke: '#b3261e', width: 1.5, dash: [6, 4], spanGaps: true, points: { show: false } },
    ],
    hooks: {
      // The offending stretches, shaded under the traces.
      drawClear: [(u) => {
        u.ctx.save();
        u.ctx.fillStyle = SHADE;
        for (const span of q.spans) {
          const x0 = Math.max(u.bbox.left, u.valToPos(span.from, 'x', true));
          const x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(span.to, 'x', true));
          u.ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
        }
        u.ctx.restore();
      }],
    },
  };
  chart.uplot = new uPlot(opts, aligned, chart);
  chart.append(h(doc, 'ul', { class: 'visually-hidden' }, ...q.spans.map((span) => h(doc, 'li', { class: 'excursion', 'data-from': span.from, 'data-to': span.to },
    `beyond the limit from ${formatZoned(span.from, zone)} to ${formatZoned(span.to, zone)}`))));
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
