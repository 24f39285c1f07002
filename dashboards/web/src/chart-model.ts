/**
 * The series chart's model (issue #16), pure: the ranges, their request windows, and the buckets of GET
 * /api/v1/series as the data uPlot draws (chart-panel.ts). `PlotBox` is the evidence charts' plot box.
 */
import type { SeriesBucket } from './api.js';

export interface PlotBox {
  readonly width: number;
  readonly height: number;
  /** Margins for the axes' labels, px. */
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export const DEFAULT_PLOT_BOX: PlotBox = { width: 900, height: 260, left: 48, right: 12, top: 10, bottom: 24 };

export interface ChartRange {
  readonly id: '1h' | '24h' | '7d';
  readonly label: string;
  readonly spanMs: number;
  /** Bucket width, ms: 1 h in 60 s buckets, 24 h in 10 min, 7 d in 1 h (hour-aligned: uses the rollups exactly). */
  readonly stepMs: number;
}

export const CHART_RANGES: readonly ChartRange[] = [
  { id: '1h', label: '1 h', spanMs: 3_600_000, stepMs: 60_000 },
  { id: '24h', label: '24 h', spanMs: 86_400_000, stepMs: 600_000 },
  { id: '7d', label: '7 d', spanMs: 7 * 86_400_000, stepMs: 3_600_000 },
];

/** The request window of a range ending now: `from` aligned to the step, so buckets stay put between refreshes. */
export function windowOf(range: ChartRange, now: number): { from: number; to: number; step: number } {
  const to = Math.ceil(now / range.stepMs) * range.stepMs;
  return { from: to - range.spanMs, to, step: range.stepMs };
}

/**
 * The chart's data as uPlot draws it (x in ms): each bucket a flat step from its start to the next bucket's, so a
 * single-reading spike is the top of its bucket's band; min, max and mean per bucket. A run of adjacent buckets ends
 * with a point at its last bucket's end, and a missing bucket (no readings) is a row of nulls: a gap is drawn as a
 * gap, never bridged. `yRange` takes in the limit values (`extra`) with a margin.
 */
export interface ChartData {
  readonly x: number[];
  readonly min: (number | null)[];
  readonly max: (number | null)[];
  readonly mean: (number | null)[];
  readonly yRange: readonly [number, number];
}

export function chartData(buckets: readonly SeriesBucket[], win: { from: number; to: number; step: number }, extra: readonly number[] = []): ChartData {
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of buckets) { lo = Math.min(lo, b.min); hi = Math.max(hi, b.max); }
  for (const v of extra) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  const pad = Math.max((hi - lo) * 0.08, 0.5);
  const out = { x: [] as number[], min: [] as (number | null)[], max: [] as (number | null)[], mean: [] as (number | null)[] };
  const push = (t: number, b: SeriesBucket | undefined): void => {
    out.x.push(t);
    out.min.push(b?.min ?? null);
    out.max.push(b?.max ?? null);
    out.mean.push(b?.mean ?? null);
  };
  const sorted = [...buckets].sort((a, b) => a.start - b.start);
  // The window's ends are points too (no readings there unless a bucket starts there): lines drawn across the whole
  // window, such as limits, reach both edges.
  if ((sorted[0]?.start ?? Infinity) > win.from) push(win.from, undefined);
  sorted.forEach((b, i) => {
    push(Math.max(b.start, win.from), b);
    const next = sorted[i + 1];
    if (next === undefined || next.start - b.start !== win.step) {
      // The run ends: its last step reaches the bucket's end, then a gap (unless the window ends there).
      const end = Math.min(b.start + win.step, win.to);
      push(end, b);
      if (next !== undefined) push(end + 1, undefined);
    }
  });
  if ((out.x.at(-1) ?? -Infinity) < win.to) push(win.to, undefined);
  return { ...out, yRange: [lo - pad, hi + pad] };
}
