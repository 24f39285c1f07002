/** Time is injected (docs/engineering.md 8): anything that stamps or computes with time takes a Clock. */
export interface Clock {
  /** Wall-clock time, ms since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
