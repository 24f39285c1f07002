/**
 * Readings of one round of the rules, fetched once per sensor and metric: the batches of one zone share its
 * sensors, and judging each must not read the same readings from the store again.
 */
import { ReadingFlag } from '../domain/reading.js';
import type { Sample } from '../domain/rules/step-hold.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';

/** Most readings of one sensor and metric read at once. */
const MAX_SERIES_READINGS = 5_000_000;

export class SeriesCache {
  private readonly series = new Map<string, { from: number; to: number; samples: Sample[] }>();

  constructor(private readonly store: TelemetryStore) {}

  /** Samples of [from, to), oldest first. */
  async get(device: string, metric: string, from: number, to: number): Promise<Sample[]> {
    const key = `${device}\u0000${metric}`;
    let s = this.series.get(key);
    if (s === undefined || from < s.from || to > s.to) {
      const f = Math.min(from, s?.from ?? from);
      const t = Math.max(to, s?.to ?? to);
      const rows = await this.store.query({ device, metric, from: f, to: t, limit: MAX_SERIES_READINGS });
      // A reading whose device clock ran ahead is kept but not judged until corrected (docs/domain.md §1).
      const samples: Sample[] = [];
      for (const r of rows) if ((r.flags & ReadingFlag.CLOCK_SKEW) === 0) samples.push({ t: r.time, v: r.value });
      s = { from: f, to: t, samples };
      this.series.set(key, s);
    }
    return s.samples.slice(lowerBound(s.samples, from), lowerBound(s.samples, to));
  }
}

/** Index of the first sample at or after `t`. */
function lowerBound(xs: readonly Sample[], t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
