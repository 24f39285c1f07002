/**
 * Geometry of the series chart (issue #16), pure: buckets of GET /api/v1/series -> SVG paths in a plot box. The band
 * is drawn as steps, each bucket exactly as wide as its time range from its min to its max, so a single-reading spike
 * is the top of its bucket's band; the mean is a line through the bucket centres. A missing bucket (no readings)
 * breaks both: a gap is drawn as a gap, never bridged.
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

export interface BucketShape {
  readonly bucket: SeriesBucket;
  readonly x: number;
  readonly width: number;
  /** y of the max (top) and of the min (bottom), px. */
  readonly yMax: number;
  readonly yMin: number;
}

export interface ChartGeometry {
  /** One path per run of adjacent buckets. */
  readonly band: string[];
  readonly mean: string[];
  readonly buckets: BucketShape[];
  readonly yTicks: { y: number; value: number }[];
  readonly xTicks: { x: number; time: number }[];
  readonly yDomain: readonly [number, number];
  /** y of a value, px. */
  readonly y: (v: number) => number;
}

const r1 = (v: number): number => Math.round(v * 10) / 10;

/** `extra`: values the y axis must show too (limit lines). */
export function chartGeometry(buckets: readonly SeriesBucket[], win: { from: number; to: number; step: number }, box: PlotBox = DEFAULT_PLOT_BOX, extra: readonly number[] = []): ChartGeometry {
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of buckets) { lo = Math.min(lo, b.min); hi = Math.max(hi, b.max); }
  for (const v of extra) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  const pad = Math.max((hi - lo) * 0.08, 0.5);
  const y0 = lo - pad;
  const y1 = hi + pad;
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const x = (t: number): number => box.left + ((t - win.from) / (win.to - win.from)) * plotW;
  const y = (v: number): number => box.top + (1 - (v - y0) / (y1 - y0)) * plotH;
  const shapes = buckets.map((b) => {
    const left = x(Math.max(b.start, win.from));
    return { bucket: b, x: r1(left), width: r1(Math.max(x(Math.min(b.start + win.step, win.to)) - left, 0.5)), yMax: r1(y(b.max)), yMin: r1(y(b.min)) };
  });
  const band: string[] = [];
  const mean: string[] = [];
  for (const run of runs(shapes, win.step)) {
    const top = run.map((s) => `${s.x},${s.yMax} ${r1(s.x + s.width)},${s.yMax}`).join(' ');
    const bottom = [...run].reverse().map((s) => `${r1(s.x + s.width)},${s.yMin} ${s.x},${s.yMin}`).join(' ');
    band.push(`M${top} L${bottom} Z`);
    mean.push(`M${run.map((s) => `${r1(s.x + s.width / 2)},${r1(y(s.bucket.mean))}`).join(' L')}`);
  }
  return { band, mean, buckets: shapes, yTicks: ticks(y0, y1, 5).map((v) => ({ y: r1(y(v)), value: v })), xTicks: timeTicks(win, 6).map((t) => ({ x: r1(x(t)), time: t })), yDomain: [y0, y1], y: (v) => r1(y(v)) };
}

/** Runs of buckets that follow each other without a missing bucket between them. */
function runs(shapes: readonly BucketShape[], step: number): BucketShape[][] {
  const out: BucketShape[][] = [];
  for (const s of shapes) {
    const run = out[out.length - 1];
    const prev = run?.[run.length - 1];
    if (run !== undefined && prev !== undefined && s.bucket.start - prev.bucket.start === step) run.push(s);
    else out.push([s]);
  }
  return out;
}

/** About `n` round values between lo and hi (1, 2 or 5 x 10^k apart). */
export function ticks(lo: number, hi: number, n: number): number[] {
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(Math.round(v / step) * step);
  return out;
}

function timeTicks(win: { from: number; to: number }, n: number): number[] {
  const steps = [60_000, 300_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000];
  const raw = (win.to - win.from) / n;
  const step = steps.find((s) => s >= raw) ?? 86_400_000;
  const out: number[] = [];
  for (let t = Math.ceil(win.from / step) * step; t < win.to; t += step) out.push(t);
  return out;
}
