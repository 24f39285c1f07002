/**
 * A chart of a series of unknown length read once, oldest first, in bounded memory (the PDF evidence report, issue
 * #16): readings fall into buckets of a width that doubles, merging neighbours, whenever the buckets would pass twice
 * the target count. Each bucket keeps its true min and max, so a single warm reading is never averaged away.
 * Deterministic: the grid starts at the first reading and only depends on the readings.
 */

export interface ChartBucket {
  /** Device time of the bucket's start, ms (first reading + i x width). */
  readonly start: number;
  /** Device time of its first and last reading, ms. */
  firstTime: number;
  lastTime: number;
  min: number;
  max: number;
}

export class ChartBuckets {
  private origin: number | undefined;
  private width: number;
  private readonly buckets: ChartBucket[] = [];

  /**
   * @param target buckets to aim for: the chart keeps between `target` and `2 x target` once it has that many.
   * @param initialWidthMs the narrowest bucket, ms (default 60 000: one a minute).
   */
  constructor(private readonly target = 300, initialWidthMs = 60_000) {
    this.width = initialWidthMs;
  }

  /** Adds a reading; device times must not decrease. */
  add(time: number, value: number): void {
    this.origin ??= time;
    const start = this.origin + Math.floor((time - this.origin) / this.width) * this.width;
    const last = this.buckets[this.buckets.length - 1];
    if (last !== undefined && last.start === start) {
      last.lastTime = time;
      if (value < last.min) last.min = value;
      if (value > last.max) last.max = value;
      return;
    }
    this.buckets.push({ start, firstTime: time, lastTime: time, min: value, max: value });
    if (this.buckets.length > 2 * this.target) this.coarsen();
  }

  /** The buckets, oldest first; empty stretches have none. */
  result(): readonly ChartBucket[] {
    return this.buckets;
  }

  get widthMs(): number {
    return this.width;
  }

  private coarsen(): void {
    const origin = this.origin ?? 0;
    this.width *= 2;
    const merged: ChartBucket[] = [];
    for (const b of this.buckets) {
      const start = origin + Math.floor((b.start - origin) / this.width) * this.width;
      const last = merged[merged.length - 1];
      if (last !== undefined && last.start === start) {
        last.lastTime = b.lastTime;
        last.min = Math.min(last.min, b.min);
        last.max = Math.max(last.max, b.max);
      } else merged.push({ ...b, start });
    }
    this.buckets.splice(0, this.buckets.length, ...merged);
  }
}
