/** Time is injected (docs/engineering.md 8): anything that schedules or computes with time takes a Clock. */
export interface Clock {
  /** Wall-clock time, ms since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Timers are injected too: a service that waits does it through a Scheduler, so its tests never sleep. */
export interface Scheduler {
  /** Runs `fn` once after `ms`; returns a handle for cancel. */
  after(ms: number, fn: () => void): { cancel(): void };
}

export const systemScheduler: Scheduler = {
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};
