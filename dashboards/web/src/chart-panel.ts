/**
 * The History panel of the live page (issue #16): one metric of one device over 1 h, 24 h or 7 d, drawn from the
 * gateway's downsampled buckets (GET /api/v1/series) as a min-max band with the mean line (chart-model.ts).
 *
 * Hand-drawn SVG rather than a chart library (uPlot was the candidate): the page is plain tsc output without a
 * bundler, like its other plots (evidence-chart.ts, route-plot.ts), and an SVG keeps each bucket an element with its
 * values and a tooltip, which screen readers, the browser test and a human hovering can all read; a canvas cannot.
 */
import { ApiError, type ApiClient, type DeviceSummary, type SeriesResponse } from './api.js';
import { h, svg } from './dom.js';
import { CHART_RANGES, chartGeometry, DEFAULT_PLOT_BOX, windowOf, type ChartRange } from './chart-model.js';
import { zoneLimits, type LimitLine } from './chart-limits.js';

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
  private readonly plot: SVGSVGElement;
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
    this.plot = svg(doc, 'svg', { id: 'chart-svg', class: 'series-chart', viewBox: `0 0 ${DEFAULT_PLOT_BOX.width} ${DEFAULT_PLOT_BOX.height}`, role: 'img', 'aria-labelledby': 'charts-title chart-status' });
    this.section = h(doc, 'section', { id: 'charts', 'aria-labelledby': 'charts-title' },
      h(doc, 'h2', { id: 'charts-title' }, 'History'),
      h(doc, 'div', { class: 'chart-controls' },
        h(doc, 'label', {}, 'Device ', this.deviceSelect), h(doc, 'label', {}, 'Metric ', this.metricSelect),
        h(doc, 'div', { class: 'chart-ranges', role: 'group', 'aria-label': 'Range' }, ...this.buttons)),
      this.status, this.plot,
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
    const g = chartGeometry(res.buckets, res, DEFAULT_PLOT_BOX, limits.map((l) => l.value));
    const box = DEFAULT_PLOT_BOX;
    const doc = this.doc;
    const children: SVGElement[] = [];
    for (const t of g.yTicks) {
      children.push(svg(doc, 'line', { class: 'chart-grid', x1: box.left, x2: box.width - box.right, y1: t.y, y2: t.y }));
      children.push(svg(doc, 'text', { class: 'chart-label', x: box.left - 6, y: t.y + 4, 'text-anchor': 'end' }, `${round(t.value)}`));
    }
    for (const t of g.xTicks) {
      children.push(svg(doc, 'text', { class: 'chart-label', x: t.x, y: box.height - 6, 'text-anchor': 'middle' }, timeLabel(t.time, this.range)));
    }
    children.push(svg(doc, 'text', { class: 'chart-label', x: 4, y: box.top + 8 }, unit));
    for (const l of limits) {
      const y = g.y(l.value);
      children.push(svg(doc, 'line', { class: 'chart-limit', 'data-role': 'limit', 'data-bound': l.bound, 'data-value': l.value, x1: box.left, x2: box.width - box.right, y1: y, y2: y }));
      children.push(svg(doc, 'text', { class: 'chart-label chart-limit-label', x: box.width - box.right - 4, y: l.bound === 'upper' ? y - 4 : y + 12, 'text-anchor': 'end' },
        `${l.bound === 'upper' ? 'max' : 'min'} ${round(l.value)} ${unit} (${l.products.join(', ')})`));
    }
    for (const d of g.band) children.push(svg(doc, 'path', { class: 'chart-band', 'data-role': 'band', d }));
    for (const d of g.mean) children.push(svg(doc, 'path', { class: 'chart-mean', 'data-role': 'mean', d }));
    for (const s of g.buckets) {
      const b = s.bucket;
      children.push(svg(doc, 'rect', {
        class: 'chart-bucket', x: s.x, width: s.width, y: s.yMax, height: Math.max(s.yMin - s.yMax, 1),
        'data-start': b.start, 'data-min': b.min, 'data-max': b.max, 'data-mean': b.mean, 'data-count': b.count,
      }, svg(doc, 'title', {}, `${new Date(b.start).toLocaleString()}: min ${round(b.min)}, max ${round(b.max)}, mean ${round(b.mean)} ${unit} (${b.count} readings)`)));
    }
    if (g.buckets.length === 0) children.push(svg(doc, 'text', { class: 'chart-label', x: box.width / 2, y: box.height / 2, 'text-anchor': 'middle' }, 'No readings in this range'));
    this.plot.replaceChildren(...children);
  }
}

const round = (v: number): string => (Math.round(v * 100) / 100).toString();

function formatSpan(ms: number): string {
  return ms >= 3_600_000 ? `${ms / 3_600_000} h` : ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}

function timeLabel(t: number, range: ChartRange): string {
  const d = new Date(t);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  return range.id === '7d' ? `${d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' })}${d.getHours() === 0 ? '' : ` ${hm}`}` : hm;
}
