/**
 * Downsampling of one series into fixed-width time buckets (issue #16): per bucket the first and last device time,
 * the count, the true min and max (a spike of a single reading is never averaged away) and the arithmetic mean
 * (sum / count, not time-weighted: it combines exactly with the hourly rollups, which keep sum and count). Pure: the
 * store feeds it values; memory is a few typed arrays of the bucket count, whatever the number of readings.
 */

/** Most buckets one series request may ask for (a chart a few thousand pixels wide). */
export const MAX_SERIES_BUCKETS = 2000;

/** Longest range one series request may cover, ms (400 days: a year of evidence and some). */
export const MAX_SERIES_RANGE_MS = 400 * 86_400_000;

/** One bucket of a downsampled series: readings with device time in [start, start + step) ∩ [from, to). */
export interface SeriesBucket {
  /** Start of the bucket, ms (from + i x step). */
  readonly start: number;
  /** Device time of the bucket's first and last reading, ms. */
  readonly firstTime: number;
  readonly lastTime: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  /** Arithmetic mean of the readings in the bucket. */
  readonly mean: number;
}

/** Bucket layout of a request: `count` buckets of `step` ms from `from`, the last one ending at or after `to`. */
export interface BucketGrid {
  readonly from: number;
  readonly to: number;
  readonly step: number;
}

/** Why a range cannot be bucketed, or undefined when it can. */
export function gridProblem(g: BucketGrid): string | undefined {
  if (!Number.isSafeInteger(g.from) || !Number.isSafeInteger(g.to)) return '`from` and `to` must be integers (ms)';
  if (g.from >= g.to) return '`from` must be before `to`';
  if (g.to - g.from > MAX_SERIES_RANGE_MS) return `the range may cover at most ${MAX_SERIES_RANGE_MS / 86_400_000} days`;
  if (!Number.isSafeInteger(g.step) || g.step < 1) return '`step` must be a positive integer (ms)';
  if (bucketCount(g) > MAX_SERIES_BUCKETS) return `at most ${MAX_SERIES_BUCKETS} buckets: widen \`step\` or shorten the range`;
  return undefined;
}

export function bucketCount(g: BucketGrid): number {
  return Math.ceil((g.to - g.from) / g.step);
}

/** The step that splits [from, to) into at most `buckets` buckets, ms (rounded up to a whole ms). */
export function stepFor(from: number, to: number, buckets: number): number {
  return Math.max(1, Math.ceil((to - from) / buckets));
}

/** Accumulates values into the buckets of a grid. */
export class BucketFold {
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly sum: Float64Array;
  private readonly count: Float64Array;
  private readonly first: Float64Array;
  private readonly last: Float64Array;

  constructor(readonly grid: BucketGrid) {
    const n = bucketCount(grid);
    this.min = new Float64Array(n).fill(Infinity);
    this.max = new Float64Array(n).fill(-Infinity);
    this.sum = new Float64Array(n);
    this.count = new Float64Array(n);
    this.first = new Float64Array(n).fill(Infinity);
    this.last = new Float64Array(n).fill(-Infinity);
  }

  /** Index of the bucket holding device time `t`, or -1 outside [from, to). */
  indexOf(t: number): number {
    if (t < this.grid.from || t >= this.grid.to) return -1;
    return Math.floor((t - this.grid.from) / this.grid.step);
  }

  /** Adds one reading. */
  add(t: number, value: number): void {
    const i = this.indexOf(t);
    if (i >= 0) this.merge(i, value, value, value, 1, t, t);
  }

  /** Adds an aggregate already computed for readings that all fall in bucket `i` (a rollup, a chunk). */
  merge(i: number, min: number, max: number, sum: number, count: number, first: number, last: number): void {
    if (count <= 0) return;
    if (min < this.min[i]!) this.min[i] = min;
    if (max > this.max[i]!) this.max[i] = max;
    this.sum[i]! += sum;
    this.count[i]! += count;
    if (first < this.first[i]!) this.first[i] = first;
    if (last > this.last[i]!) this.last[i] = last;
  }

  /**
   * Adds readings stored as rows of `width` numbers with the time at `o` and the value at `o + 1` (the chunk and log
   * layouts), those with time in [from, to) only, without an object per reading. `skip`: times to leave out.
   */
  addRows(values: Float64Array, width: number, start: number, skip?: ReadonlySet<number>): void {
    for (let o = start; o < values.length; o += width) {
      const t = values[o]!;
      if (skip !== undefined && skip.has(t)) continue;
      this.add(t, values[o + 1]!);
    }
  }

  /** The non-empty buckets, oldest first (an empty bucket is absent). */
  buckets(): SeriesBucket[] {
    const out: SeriesBucket[] = [];
    for (let i = 0; i < this.count.length; i++) {
      const count = this.count[i]!;
      if (count === 0) continue;
      out.push({
        start: this.grid.from + i * this.grid.step, firstTime: this.first[i]!, lastTime: this.last[i]!, count,
        min: this.min[i]!, max: this.max[i]!, mean: this.sum[i]! / count,
      });
    }
    return out;
  }
}
