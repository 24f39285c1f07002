/**
 * A clock and scheduler driven by hand, for tests of timing policy that must not depend on the machine's speed:
 * `advance` fires due timers in time order and lets the promises they start settle before moving on.
 */
import type { Clock, Scheduler } from '../../src/clock.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

export class ManualTime implements Clock, Scheduler {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start: number) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): { cancel(): void } {
    const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  /** Moves time forward by `ms`, firing every timer due on the way, each at its own instant. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      this.timers = this.timers.filter((x) => !x.cancelled);
      const next = this.timers.reduce<Timer | undefined>((a, x) => (x.at <= end && (!a || x.at < a.at || (x.at === a.at && x.seq < a.seq)) ? x : a), undefined);
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = end;
  }

  /** A promise settled by this clock after `ms` (what a transport's timeout is, seen from here). */
  sleep(ms: number): Promise<void> {
    return new Promise((r) => this.after(ms, r));
  }
}
