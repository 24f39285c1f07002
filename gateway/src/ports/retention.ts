/**
 * Retention with hourly rollups: raw readings past the raw retention are folded into hourly aggregates, then
 * deleted. Kept by the embedded store; a remote time-series database runs its own retention policies.
 */

export interface RetentionResult {
  /** Raw readings folded into rollups and deleted. */
  readonly deleted: number;
  /** Rollup rows deleted because they were older than the rollup retention. */
  readonly rollupsDeleted: number;
}

export interface Rollup {
  readonly device: string;
  readonly metric: string;
  readonly unit: string;
  readonly hour: number;
  readonly min: number;
  readonly max: number;
  /** Arithmetic mean of the readings in the hour (not time-weighted). */
  readonly mean: number;
  readonly count: number;
  readonly firstTime: number;
  readonly lastTime: number;
}

export interface RollupQuery {
  readonly device: string;
  readonly metric?: string;
  /** Inclusive lower bound on the hour's start, ms. */
  readonly from: number;
  /** Exclusive upper bound on the hour's start, ms. */
  readonly to: number;
  readonly limit: number;
}

export interface Retention {
  /**
   * Folds and deletes raw readings with device time before `rawCutoff` (rounded down to a whole hour); deletes
   * rollups before `rollupCutoff` when given. Temperature series also keep their held hours (time held per tenth of
   * a degree, each reading holding at most its device's `maxGapMs`, default 1 h): what MKT and shelf life need.
   */
  apply(rawCutoff: number, rollupCutoff?: number, o?: { readonly maxGapMs?: (device: string) => number }): RetentionResult;
  /** Hourly rollups of one device, oldest first. */
  rollups(q: RollupQuery): Rollup[];
}
