/**
 * Latency histogram with log-spaced buckets (2 % wide, 1 µs .. ~20 min): constant memory whatever the message count,
 * percentiles accurate to the bucket width. Values in ms.
 */
const GROWTH = 1.02;
const MIN_MS = 0.001;
const BUCKETS = Math.ceil(Math.log(1_200_000 / MIN_MS) / Math.log(GROWTH)) + 1;
const LOG_GROWTH = Math.log(GROWTH);

export interface LatencySummary {
  readonly count: number;
  /** ms */
  readonly p50: number;
  /** ms */
  readonly p90: number;
  /** ms */
  readonly p99: number;
  /** ms */
  readonly max: number;
  /** ms */
  readonly mean: number;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private n = 0;
  private sum = 0;
  private maxMs = 0;

  record(ms: number): void {
    const v = ms < MIN_MS ? MIN_MS : ms;
    const i = Math.min(BUCKETS - 1, Math.floor(Math.log(v / MIN_MS) / LOG_GROWTH));
    this.counts[i]!++;
    this.n++;
    this.sum += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Upper edge of the bucket holding the q-quantile (0..1), ms; 0 when empty. */
  quantile(q: number): number {
    if (this.n === 0) return 0;
    const target = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= target) return Math.min(this.maxMs, MIN_MS * GROWTH ** (i + 1));
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    const r = (x: number): number => Math.round(x * 100) / 100;
    return {
      count: this.n, p50: r(this.quantile(0.5)), p90: r(this.quantile(0.9)), p99: r(this.quantile(0.99)),
      max: r(this.maxMs), mean: r(this.n === 0 ? 0 : this.sum / this.n),
    };
  }
}
