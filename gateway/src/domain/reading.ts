/** A reading as the gateway stores it, and the flags kept with it. Pure data: every layer speaks it. */

/** Bit flags kept with each reading. */
export const ReadingFlag = {
  /** Device time is more than the skew tolerance ahead of receive time: kept, not used by rules until corrected. */
  CLOCK_SKEW: 1,
  /** Arrived long after it was measured (store-and-forward replay): rules re-evaluate the windows it falls into. */
  LATE: 2,
} as const;

export interface StoredReading {
  readonly site: string;
  readonly node: string;
  readonly device: string;
  readonly metric: string;
  /** Device time, ms since the epoch. Part of the identity: (device, metric, time) is stored once. */
  readonly time: number;
  /** Booleans are stored as 0/1; the metric catalogue says how to read them back. */
  readonly value: number;
  readonly unit: string;
  /** Per-device message sequence the reading arrived in. */
  readonly seq: number;
  /** Gateway receive time, ms since the epoch. Never mixed with device time. */
  readonly receivedAt: number;
  /** ReadingFlag bits. */
  readonly flags: number;
}
