/** Test support: a clock and scheduler the test moves by hand, so services that wait are tested without sleeping. */
import type { Clock, Scheduler } from '../../src/ports/clock.js';

export class ManualTime implements Clock, Scheduler {
  tasks: { at: number; fn: () => void }[] = [];
  constructor(public t: number) {}
  now(): number { return this.t; }
  after(ms: number, fn: () => void): { cancel(): void } {
    const task = { at: this.t + ms, fn };
    this.tasks.push(task);
    return { cancel: () => { this.tasks = this.tasks.filter((x) => x !== task); } };
  }
  /** Runs the tasks due now; true when there were any. */
  runDue(): boolean {
    const due = this.tasks.filter((x) => x.at <= this.t);
    this.tasks = this.tasks.filter((x) => x.at > this.t);
    for (const x of due) x.fn();
    return due.length > 0;
  }
  /** Runs what is due, letting `idle` settle after each, until nothing is due now. */
  async settle(idle: () => Promise<void>): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      const ran = this.runDue();
      await idle();
      if (!ran && !this.tasks.some((x) => x.at <= this.t)) return;
    }
    throw new Error('does not settle');
  }
  /** Moves time on by `ms` in steps of `stepMs`, settling at each. */
  async advance(ms: number, idle: () => Promise<void>, stepMs = 100): Promise<void> {
    const end = this.t + ms;
    while (this.t < end) {
      this.t = Math.min(end, this.t + stepMs);
      await this.settle(idle);
    }
  }
}
