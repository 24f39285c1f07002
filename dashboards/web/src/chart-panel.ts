/**
 * The History panel of the live page (issue #16): one metric of one device over 1 h, 24 h or 7 d, drawn from the
 * gateway's downsampled buckets (GET /api/v1/series) as a min-max band with the mean, and the limits of the products
 * stored where the device is, by uPlot (a chart library made for time series: canvas, cursor, legend, the viewer's
 * time zone on the axis), loaded as its ES module build beside the page's modules (scripts/copy-assets.mjs). The same
 * buckets are a table for screen readers (and the browser test), since a canvas says nothing.
 */
import { ApiError, type ApiClient, type DeviceSummary, type SeriesResponse } from './api.js';
import { h } from './dom.js';
import { CHART_RANGES, chartData, DEFAULT_PLOT_BOX, windowOf, type ChartRange } from './chart-model.js';
import { zoneLimits, type LimitLine } from './chart-limits.js';
import uPlot from './vendor/uPlot.esm.js';

export interface ChartPanelOptions {
  /** How often the devices list and the chart are re-read, ms. Default 30000. */
  readonly refreshMs: number;
  /** Browser clock, ms. Default Date.now. */
  readonly now: () => number;
}

export const DEFAULT_CHART_PANEL_OPTIONS: ChartPanelOptions = { refreshMs: 30_000, now: () => Date.now() };

const UNITS: Readonly<Record<string, string>> = { Cel: '°C', '%RH': '%RH' };

export class ChartPanel {
  private readonly options: ChartPanelOptions;
  private readonly section: HTMLElement;
  private readonly deviceSelect: HTMLSelectElement;
  private readonly metricSelect: HTMLSelectElement;
  private readonly status: HTMLElement;
  private readonly plot: HTMLElement & { uplot?: uPlot };
  private readonly table: HTMLElement;
  private readonly limitList: HTMLElement;
  private readonly buttons: HTMLButtonElement[];
  private range: ChartRange = CHART_RANGES[0]!;
  private devices: readonly DeviceSummary[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Answers to older requests are dropped: the last range or device chosen wins. */
  private request = 0;
  private stopped = false;

  constructor(private readonly doc: Document, private readonly api: ApiClient, options: Partial<ChartPanelOptions> = {}) {
    this.options = { ...DEFAULT_CHART_PANEL_OPTIONS, ...options };
    this.deviceSelect = h(doc, 'select', { id: 'chart-device' });
    this.metricSelect = h(doc, 'select', { id: 'chart-metric' });
    this.buttons = CHART_RANGES.map((r) => h(doc, 'button', { type: 'button', 'data-range': r.id, 'aria-pressed': r === this.range ? 'true' : 'false' }, r.label));
    this.status = h(doc, 'p', { id: 'chart-status', class: 'summary', role: 'status' }, 'Loading…');
    this.plot = h(doc, 'div', { id: 'chart-plot', class: 'series-chart', role: 'img', 'aria-labelledby': 'charts-title chart-status' });
    // The limits by name for screen readers (uPlot's legend names them on screen).
    this.limitList = h(doc, 'ul', { id: 'chart-limits', class: 'visually-hidden' });
    this.table = h(doc, 'div', { id: 'chart-table', class: 'visually-hidden' });
    this.section = h(doc, 'section', { id: 'charts', 'aria-labelledby': 'charts-title' },
      h(doc, 'h2', { id: 'charts-title' }, 'History'),
      h(doc, 'div', { class: 'chart-controls' },
        h(doc, 'label', {}, 'Device ', this.deviceSelect), h(doc, 'label', {}, 'Metric ', this.metricSelect),
        h(doc, 'div', { class: 'chart-ranges', role: 'group', 'aria-label': 'Range' }, ...this.buttons)),
      this.status, this.plot, this.limitList, this.table,
      h(doc, 'p', { class: 'muted chart-legend' }, 'Band: lowest to highest reading in each bucket (a single spike shows as its top); line: mean; dashed: the limits of the products stored where the device is. Gaps: no readings.'));
  }

  start(): void {
    const devices = this.doc.getElementById('devices');
    if (devices !== null) devices.after(this.section);
    else this.doc.querySelector('main')?.append(this.section);
    this.deviceSelect.addEventListener('change', () => { this.fillMetrics(); void this.draw(); });
    this.metricSelect.addEventListener('change', () => void this.draw());
    for (const b of this.buttons) b.addEventListener('click', () => this.choose(b.dataset['range'] ?? ''));
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private choose(id: string): void {
    const r = CHART_RANGES.find((x) => x.id === id);
    if (r === undefined) return;
    this.range = r;
    for (const b of this.buttons) b.setAttribute('aria-pressed', b.dataset['range'] === id ? 'true' : 'false');
    void this.draw();
  }

  private async tick(): Promise<void> {
    try {
      this.devices = (await this.api.devices()).body.devices.filter((d) => Object.keys(d.metrics).length > 0);
      this.fillDevices();
      await this.draw();
    } catch (e) {
      this.status.textContent = `History unavailable: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.options.refreshMs);
  }

  private fillDevices(): void {
    const ids = [...new Set(this.devices.map((d) => d.device))].sort();
    const current = this.deviceSelect.value;
    if (ids.join('\n') === [...this.deviceSelect.options].map((o) => o.value).join('\n')) return;
    this.deviceSelect.replaceChildren(...ids.map((id) => h(this.doc, 'option', { value: id }, id)));
    const withTemp = this.devices.find((d) => d.metrics['temperature'] !== undefined)?.device;
    this.deviceSelect.value = ids.includes(current) ? current : (withTemp ?? ids[0] ?? '');
    this.fillMetrics();
  }

  private fillMetrics(): void {
    const d = this.devices.find((x) => x.device === this.deviceSelect.value);
    const metrics = Object.keys(d?.metrics ?? {}).sort();
    const current = this.metricSelect.value;
    this.metricSelect.replaceChildren(...metrics.map((m) => h(this.doc, 'option', { value: m }, m)));
    this.metricSelect.value = metrics.includes(current) ? current : (metrics.includes('temperature') ? 'temperature' : (metrics[0] ?? ''));
  }

  private async draw(): Promise<void> {
    const device = this.deviceSelect.value;
    const metric = this.metricSelect.value;
    if (device === '' || metric === '') {
      this.status.textContent = 'No device has reported yet.';
      return;
    }
    const n = ++this.request;
    const win = windowOf(this.range, this.options.now());
    try {
      const res = await this.api.series({ device, metric, ...win });
      // Limit lines are a plus: no registry, placement or limits leaves the chart without them.
      const limits = await zoneLimits(this.api, device, metric, Math.min(win.to, this.options.now())).catch(() => []);
      if (n !== this.request) return;
      const unitCode = this.devices.find((d) => d.device === device)?.metrics[metric]?.unit ?? '';
      this.render(res, UNITS[unitCode] ?? unitCode, limits);
      const readings = res.buckets.reduce((s, b) => s + b.count, 0);
      this.status.textContent = `${device} ${metric}, last ${this.range.label}: ${readings} readings in ${res.buckets.length} buckets of ${formatSpan(res.step)}.`;
      this.section.dataset['range'] = this.range.id;
      this.section.dataset['device'] = device;
    } catch (e) {
      if (n !== this.request) return;
      this.status.textContent = `History unavailable: ${e instanceof ApiError ? e.message : String(e)}`;
    }
  }

  private render(res: SeriesResponse, unit: string, limits: readonly LimitLine[]): void {
    const doc = this.doc;
    const d = chartData(res.buckets, res, limits.map((l) => l.value));
    const limitName = (l: LimitLine): string => `${l.bound === 'upper' ? 'max' : 'min'} ${round(l.value)} ${unit} (${l.products.join(', ')})`;
    const stepped = uPlot.paths.stepped?.({ align: 1 });
    const step = stepped !== undefined ? { paths: stepped } : {};
    const opts: uPlot.Options = {
      width: Math.max(320, this.plot.clientWidth || DEFAULT_PLOT_BOX.width), height: DEFAULT_PLOT_BOX.height, ms: 1,
      scales: { x: { time: true, range: [res.from, res.to] }, y: { range: [d.yRange[0], d.yRange[1]] } },
      // Times in the viewer's zone and locale, as the rest of the page writes them.
      axes: [{ values: (_u, splits) => splits.map((t) => timeLabel(t, this.range)) }, { label: unit, size: 56 }],
      series: [
        { label: 'time' },
        { label: `min (${unit})`, stroke: 'rgba(31, 95, 153, 0.55)', width: 1, ...step, points: { show: false } },
        { label: `max (${unit})`, stroke: 'rgba(31, 95, 153, 0.55)', width: 1, ...step, points: { show: false } },
        { label: `mean (${unit})`, stroke: '#1f5f99', width: 2, ...step, points: { show: false } },
        ...limits.map((l) => ({ label: limitName(l), stroke: '#b3261e', width: 1.5, dash: [6, 4], points: { show: false } })),
      ],
      bands: [{ series: [2, 1], fill: 'rgba(31, 95, 153, 0.22)' }],
    };
    const data: uPlot.AlignedData = [d.x, d.min, d.max, d.mean, ...limits.map((l) => d.x.map(() => l.value))];
    this.plot.uplot?.destroy();
    this.plot.replaceChildren();
    this.plot.uplot = new uPlot(opts, data, this.plot);
    this.plot.dataset['buckets'] = String(res.buckets.length);
    this.limitList.replaceChildren(...limits.map((l) => h(doc, 'li', { class: 'chart-limit-label', 'data-role': 'limit', 'data-bound': l.bound, 'data-value': l.value }, limitName(l))));
    if (res.buckets.length === 0) {
      this.table.replaceChildren(h(doc, 'p', {}, 'No readings in this range'));
      return;
    }
    this.table.replaceChildren(h(doc, 'table', {},
      h(doc, 'caption', {}, `Buckets of ${formatSpan(res.step)}: lowest, highest and mean reading, ${unit}`),
      h(doc, 'thead', {}, h(doc, 'tr', {}, ...['Start', 'Min', 'Max', 'Mean', 'Readings'].map((c) => h(doc, 'th', { scope: 'col' }, c)))),
      h(doc, 'tbody', {}, ...res.buckets.map((b) => h(doc, 'tr', { class: 'chart-bucket', 'data-start': b.start, 'data-min': b.min, 'data-max': b.max, 'data-mean': b.mean, 'data-count': b.count },
        h(doc, 'th', { scope: 'row' }, new Date(b.start).toLocaleString()), h(doc, 'td', {}, round(b.min)), h(doc, 'td', {}, round(b.max)), h(doc, 'td', {}, round(b.mean)), h(doc, 'td', {}, String(b.count)))))));
  }
}

const round = (v: number): string => (Math.round(v * 100) / 100).toString();

function formatSpan(ms: number): string {
  return ms >= 3_600_000 ? `${ms / 3_600_000} h` : ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}

function timeLabel(t: number, range: ChartRange): string {
  const d = new Date(t);
  const hm = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return range.id === '7d' ? `${d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' })}${d.getHours() === 0 && d.getMinutes() === 0 ? '' : ` ${hm}`}` : hm;
}
