/**
 * One timer for a service that wakes when something is due: `at(ms)` asks to run `fn` after `ms`; the earliest ask
 * wins and later ones are dropped until it fires (the pattern of EventDelivery.schedule and AlertmanagerPush.schedule,
 * which may adopt it). Time comes from the injected scheduler (docs/engineering.md 8).
 */
import type { Clock, Scheduler } from '../ports/clock.js';

export class WakeTimer {
  private timer: { cancel(): void } | undefined;
  private timerAt = Infinity;
  private stopped = false;

  constructor(private readonly clock: Clock, private readonly scheduler: Scheduler, private readonly fn: () => void) {}

  /** Runs `fn` after `ms` (at least 0), unless an earlier run is already asked for. */
  at(ms: number): void {
    if (this.stopped) return;
    const delay = Math.max(0, ms);
    const when = this.clock.now() + delay;
    if (this.timer !== undefined && this.timerAt <= when) return;
    this.timer?.cancel();
    this.timerAt = when;
    this.timer = this.scheduler.after(delay, () => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.fn();
    });
  }

  /** Cancels the timer; later asks are ignored. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }
}
