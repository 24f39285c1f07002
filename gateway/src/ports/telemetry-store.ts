/**
 * The time-series store port. Implemented by the embedded SQLite store and by the InfluxDB store (which sits behind
 * a durable spool). Every implementation passes the same contract suite (`test/store-contract.ts`).
 */

import type { StoredReading } from '../domain/reading.js';
import type { ReadingColumns } from '../domain/reading-columns.js';
import type { SeriesBucket } from '../domain/series-buckets.js';
import type { HeldHour } from '../domain/rules/held-hours.js';

export type { SeriesBucket } from '../domain/series-buckets.js';

export interface ReadingQuery {
  readonly device: string;
  /** All metrics of the device when absent. */
  readonly metric?: string;
  /** Inclusive lower bound on device time, ms. */
  readonly from: number;
  /** Exclusive upper bound on device time, ms. */
  readonly to: number;
  /** At most this many rows, oldest first. */
  readonly limit: number;
}

/** A downsampled series (issue #16): one metric of one device in fixed-width device-time buckets. */
export interface SeriesQuery {
  readonly device: string;
  readonly metric: string;
  /** Inclusive lower bound on device time, ms; the first bucket starts here. */
  readonly from: number;
  /** Exclusive upper bound on device time, ms. */
  readonly to: number;
  /** Bucket width, ms (checked by the caller: domain/series-buckets.ts gridProblem). */
  readonly step: number;
}

export interface WriteResult {
  /** Readings newly stored. */
  readonly inserted: number;
  /** Readings ignored because (device, metric, time) was already stored. */
  readonly duplicates: number;
  /**
   * Readings held durably in the store's log, not yet in its main layout, after this write (the embedded store's
   * ingest log); absent for stores without one. Bounded by the store; reported as a gauge.
   */
  readonly logged?: number;
}

export interface TelemetryStore {
  /**
   * Durably stores the readings. Resolves only once they survive a crash (committed, or in a durable spool for
   * stores that forward). Idempotent: a (device, metric, time) already stored is counted as a duplicate.
   */
  write(readings: readonly StoredReading[]): Promise<WriteResult>;
  /** Readings of one device in a device-time range, oldest first. */
  query(q: ReadingQuery): Promise<StoredReading[]>;
  /**
   * The answer of `query` as columns (domain/reading-columns.ts), built without an object per reading: what the
   * readings endpoint writes as text (issue #16). Optional: without it the caller converts `query`'s answer.
   */
  queryColumns?(q: ReadingQuery): Promise<ReadingColumns>;
  /**
   * Several queries answered together, each as `query` would (the rules read the series of many subjects per round).
   * Optional: a store whose queries cost no more together than apart leaves it out and they are sent one by one.
   */
  queryMany?(qs: readonly ReadingQuery[]): Promise<StoredReading[][]>;
  /**
   * The held hours (time held per value bin, domain/rules/held-hours.ts) that retention kept of a series whose raw
   * readings it deleted, hours starting in [from, to), oldest first. Optional: a store without retention of its own
   * (or with a remote database's) has none.
   */
  heldHours?(device: string, metric: string, from: number, to: number): Promise<HeldHour[]>;
  /**
   * The series in buckets of `step` ms from `from`: per non-empty bucket the true min and max, count, arithmetic
   * mean and first/last time of the readings in it, oldest first; empty buckets are absent. Computed where the data
   * is (the embedded store folds stored chunks and hourly rollups); memory bounded by the bucket count.
   */
  series(q: SeriesQuery): Promise<SeriesBucket[]>;
  close(): Promise<void>;
}
