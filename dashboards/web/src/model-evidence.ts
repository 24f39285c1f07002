/**
 * Geometry of a flag's evidence chart, pure: which readings to ask for (the flag's metric, devices and a window
 * around it), and how the trace, the limit and the offending spans map onto the chart's pixels.
 */
import type { Flag } from './api-orders.js';
import type { PlotBox } from './chart-model.js';

/** What a flag's evidence is: one metric of some devices over a window, judged against a limit. */
export interface EvidenceQuery {
  readonly metric: string;
  readonly devices: readonly string[];
  /** Window to read, ms: [from, to). */
  readonly from: number;
  readonly to: number;
  /** The rule's bound, in the metric's unit; undefined for rules without one. */
  readonly limit: number | undefined;
  /** Offending stretches to shade, ms. */
  readonly spans: ReadonlyArray<{ readonly from: number; readonly to: number }>;
}

/** Margin around the flag's own stretch: at least 30 min, or half its length. */
const MIN_PAD_MS = 30 * 60_000;

/** The chart a flag gets; undefined for flags without a metric of their own (GPS rules: see the route plot; tier 3). */
export function evidenceQuery(flag: Flag): EvidenceQuery | undefined {
  const metric = flag.params['metric'];
  if (typeof metric !== 'string' || flag.related.devices.length === 0) return undefined;
  const limit = flag.params['value'];
  const pad = Math.max(MIN_PAD_MS, (flag.endMs - flag.startMs) / 2);
  const spans = flag.episodes.length > 0 ? flag.episodes.map((e) => ({ from: e.startMs, to: e.endMs })) : [{ from: flag.startMs, to: flag.endMs }];
  return {
    metric,
    devices: flag.related.devices,
    from: Math.floor(flag.startMs - pad),
    to: Math.ceil(flag.endMs + pad),
    limit: typeof limit === 'number' && Number.isFinite(limit) ? limit : undefined,
    spans,
  };
}

export interface Point {
  readonly time: number;
  readonly value: number;
}

/** The plot box of the series chart: one shape for every chart of the page. */
export type ChartBox = PlotBox;

export const DEFAULT_CHART_BOX: ChartBox = { width: 640, height: 220, left: 48, right: 12, top: 12, bottom: 28 };

export interface ChartScale {
  readonly x: (t: number) => number;
  readonly y: (v: number) => number;
  readonly min: number;
  readonly max: number;
}

/** Scales fitting the window in x and the values and the limit (with 10 % headroom) in y. */
export function chartScale(q: Pick<EvidenceQuery, 'from' | 'to' | 'limit'>, series: ReadonlyArray<readonly Point[]>, box: ChartBox = DEFAULT_CHART_BOX): ChartScale {
  const values = series.flat().map((p) => p.value);
  if (q.limit !== undefined) values.push(q.limit);
  let min = values.length > 0 ? Math.min(...values) : 0;
  let max = values.length > 0 ? Math.max(...values) : 1;
  if (max - min < 1e-9) {
    min -= 1;
    max += 1;
  }
  const head = (max - min) * 0.1;
  min -= head;
  max += head;
  const w = box.width - box.left - box.right;
  const h = box.height - box.top - box.bottom;
  const span = Math.max(1, q.to - q.from);
  return {
    x: (t) => box.left + ((t - q.from) / span) * w,
    y: (v) => box.top + (1 - (v - min) / (max - min)) * h,
    min,
    max,
  };
}

const r1 = (n: number): string => (Math.round(n * 10) / 10).toString();

/** SVG path data through the points in time order: `M x y L x y …`; empty for no point. */
export function tracePath(points: readonly Point[], s: Pick<ChartScale, 'x' | 'y'>): string {
  return [...points]
    .sort((a, b) => a.time - b.time)
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${r1(s.x(p.time))} ${r1(s.y(p.value))}`)
    .join(' ');
}

/** About `count` round tick values between min and max (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const raw = (max - min) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return [];
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag);
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step);
  return ticks;
}

/** Time ticks on whole multiples of 5, 10, 15, 30 min or 1, 2, 3, 6, 12 h, about `count` of them. */
export function timeTicks(from: number, to: number, count = 6): number[] {
  const steps = [5, 10, 15, 30, 60, 120, 180, 360, 720].map((m) => m * 60_000);
  const step = steps.find((s) => (to - from) / s <= count) ?? 24 * 3_600_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}
