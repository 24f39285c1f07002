/**
 * Subjects to be judged again at a later moment, when time alone makes a condition due (a carrier's claim whose
 * window ends: docs/claims.md). One timer per subject, at its earliest due moment; later ones wait in a short sorted
 * list. Bounded: at most MAX_PER_SUBJECT moments per subject (more of them would be judged at the last kept one)
 * and MAX_SUBJECTS subjects (beyond, a moment is dropped and the subject is judged at its next reading or change).
 */
import type { Clock, Scheduler } from '../ports/clock.js';

const MAX_PER_SUBJECT = 16;
const MAX_SUBJECTS = 100_000;
/** The longest a timer can wait, ms (setTimeout's limit). */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class DueMarks {
  private readonly due = new Map<string, { times: number[]; timer: { cancel(): void } }>();

  constructor(private readonly clock: Clock, private readonly scheduler: Scheduler, private readonly mark: (subject: string) => void) {}

  /** Judges `subject` again at `atMs` (at once when it is past). */
  at(subject: string, atMs: number): void {
    const delay = atMs - this.clock.now();
    if (delay <= 0) return this.mark(subject);
    if (delay > MAX_DELAY_MS) return;
    const e = this.due.get(subject);
    if (e === undefined) {
      if (this.due.size >= MAX_SUBJECTS) return;
      this.due.set(subject, { times: [atMs], timer: this.scheduler.after(delay, () => this.fire(subject)) });
      return;
    }
    if (e.times.includes(atMs)) return;
    const times = [...e.times, atMs].sort((a, b) => a - b);
    // Too many: the latest two merge into the later one (nothing is judged earlier than due).
    if (times.length > MAX_PER_SUBJECT) times.splice(times.length - 2, 1);
    if (times[0] !== e.times[0]) {
      e.timer.cancel();
      e.timer = this.scheduler.after(times[0]! - this.clock.now(), () => this.fire(subject));
    }
    e.times = times;
  }

  close(): void {
    for (const e of this.due.values()) e.timer.cancel();
    this.due.clear();
  }

  private fire(subject: string): void {
    const e = this.due.get(subject);
    if (e === undefined) return;
    this.mark(subject);
    const now = this.clock.now();
    e.times = e.times.filter((t) => t > now);
    const next = e.times[0];
    if (next === undefined) this.due.delete(subject);
    else e.timer = this.scheduler.after(next - now, () => this.fire(subject));
  }
}
