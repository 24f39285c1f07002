/** Time is injected (docs/engineering.md 8): anything that stamps or computes with time takes a Clock. */
export interface Clock {
  /** Wall-clock time, ms since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Timers are injected too: whatever waits does it through a Scheduler, so its tests can drive time by hand. */
export interface Scheduler {
  /** Runs `fn` once after `ms` (0 or more); returns a handle to cancel it. */
  after(ms: number, fn: () => void): { cancel(): void };
}

export const systemScheduler: Scheduler = {
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};
