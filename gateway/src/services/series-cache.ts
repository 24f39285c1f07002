/**
 * Readings of one round of the rules, fetched once per sensor and metric: the batches of one zone share its
 * sensors, and judging each must not read the same readings from the store again.
 *
 * A round reads ahead: `prefetch` runs the judging of a slice of subjects once with the cache noting the ranges asked
 * for (answering nothing), then reads them all in one store call (`queryMany`). Which ranges a subject needs depends
 * on the registry and the evaluation time only, never on the readings, so the noted ranges are the ones the real pass
 * asks for; a range missed anyway is read on its own when asked.
 */
import { ReadingFlag, type StoredReading } from '../domain/reading.js';
import type { Sample } from '../domain/rules/step-hold.js';
import { HOUR_MS, type HeldHour } from '../domain/rules/held-hours.js';
import type { ReadingQuery, TelemetryStore } from '../ports/telemetry-store.js';
import { correctedValue } from '../domain/calibration/calibration.js';
import type { CalibrationLookup } from '../ports/calibration.js';

/** Most readings of one sensor and metric (or, for `deviceReadings`, of one device) read at once. */
const MAX_SERIES_READINGS = 5_000_000;

interface Cached<T> {
  readonly from: number;
  readonly to: number;
  readonly items: T[];
}

/** Several queries through the store's `queryMany` when it has one, else one by one. */
export function queryAll(store: TelemetryStore, qs: readonly ReadingQuery[]): Promise<StoredReading[][]> {
  if (store.queryMany !== undefined) return store.queryMany(qs);
  return Promise.all(qs.map((q) => store.query(q)));
}

export class SeriesCache {
  private readonly samples = new Map<string, Cached<Sample>>();
  /** All metrics of a device, as stored (skewed readings included). */
  private readonly rows = new Map<string, Cached<StoredReading>>();
  /** Ranges noted while planning (`prefetch`), keyed like the caches. */
  private planning: Map<string, ReadingQuery> | undefined;

  constructor(
    private readonly store: TelemetryStore,
    /** Certificates whose corrections the samples carry (issue #22, docs/calibration.md); absent: values as measured. */
    private readonly calibrations?: CalibrationLookup,
  ) {}

  /**
   * Samples of one metric in [from, to), oldest first, each value corrected by the certificate in force at its time
   * (the rules judge corrected values); readings whose device clock ran ahead are left out.
   */
  async get(device: string, metric: string, from: number, to: number): Promise<Sample[]> {
    const key = `${device}\u0000${metric}`;
    const items = await this.read(this.samples, key, { device, metric, from, to, limit: MAX_SERIES_READINGS }, (rows) => this.samplesOf(device, metric, rows));
    return items.slice(lowerBound(items, from, (s) => s.t), lowerBound(items, to, (s) => s.t));
  }

  /** Every reading of a device (any metric) in [from, to), oldest first, as stored: skewed ones included. */
  async deviceReadings(device: string, from: number, to: number): Promise<StoredReading[]> {
    const items = await this.read(this.rows, device, { device, from, to, limit: MAX_SERIES_READINGS }, (r) => [...r]);
    return items.slice(lowerBound(items, from, (r) => r.time), lowerBound(items, to, (r) => r.time));
  }

  /** Device times of every reading of a device (any metric) in [from, to), oldest first; skewed ones left out. */
  async deviceTimes(device: string, from: number, to: number): Promise<number[]> {
    const out: number[] = [];
    for (const r of await this.deviceReadings(device, from, to)) if (judged(r)) out.push(r.time);
    return out;
  }

  /** The held hours retention kept of a series (hours starting in [from, to)); none when the store keeps none. */
  heldHours(device: string, metric: string, from: number, to: number): Promise<HeldHour[]> {
    if (this.planning !== undefined || this.store.heldHours === undefined) return Promise.resolve([]);
    return this.store.heldHours(device, metric, Math.floor(from / HOUR_MS) * HOUR_MS, to);
  }

  /** Runs `plan` noting the ranges it asks for (it gets no readings), then reads them all in one store call. */
  async prefetch(plan: () => Promise<void>): Promise<void> {
    const noted = new Map<string, ReadingQuery>();
    this.planning = noted;
    try {
      await plan();
    } finally {
      this.planning = undefined;
    }
    const keys = [...noted.keys()];
    const queries = keys.map((k) => noted.get(k)!);
    const rows = await queryAll(this.store, queries);
    keys.forEach((k, i) => {
      const q = queries[i]!;
      const r = rows[i] ?? [];
      if (q.metric === undefined) this.rows.set(k, { from: q.from, to: q.to, items: r });
      else this.samples.set(k, { from: q.from, to: q.to, items: this.samplesOf(q.device, q.metric, r) });
    });
  }

  private samplesOf(device: string, metric: string, rows: readonly StoredReading[]): Sample[] {
    const certificates = this.calibrations?.of(device) ?? [];
    if (certificates.length === 0) return toSamples(rows);
    return toSamples(rows).map((s) => ({ t: s.t, v: correctedValue(certificates, metric, s.v, s.t) }));
  }

  private async read<T>(cache: Map<string, Cached<T>>, key: string, q: ReadingQuery, convert: (rows: readonly StoredReading[]) => T[]): Promise<T[]> {
    const c = cache.get(key);
    const covered = c !== undefined && q.from >= c.from && q.to <= c.to;
    const wanted = covered ? q : { ...q, from: Math.min(q.from, c?.from ?? q.from), to: Math.max(q.to, c?.to ?? q.to) };
    if (this.planning !== undefined) {
      if (!covered) {
        const prev = this.planning.get(key);
        this.planning.set(key, prev === undefined ? wanted : { ...wanted, from: Math.min(prev.from, wanted.from), to: Math.max(prev.to, wanted.to) });
      }
      return [];
    }
    if (covered) return c.items;
    const items = convert(await this.store.query(wanted));
    cache.set(key, { from: wanted.from, to: wanted.to, items });
    return items;
  }
}

// A reading whose device clock ran ahead is kept but not judged until corrected (docs/domain.md §1).
const judged = (r: StoredReading): boolean => (r.flags & ReadingFlag.CLOCK_SKEW) === 0;

function toSamples(rows: readonly StoredReading[]): Sample[] {
  const out: Sample[] = [];
  for (const r of rows) if (judged(r)) out.push({ t: r.time, v: r.value });
  return out;
}

/** Index of the first item at or after `t`. */
function lowerBound<T>(xs: readonly T[], t: number, time: (x: T) => number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time(xs[mid]!) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
