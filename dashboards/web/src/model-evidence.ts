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
