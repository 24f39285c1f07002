/**
 * One Modbus bus (a TCP connection or an RS-485 port) carries one request at a time. A failing (suspect) slave
 * never takes the bus ahead of a healthy slave whose poll is due:
 *
 * - queued jobs of healthy slaves (they answered last time) go first;
 * - the jobs of other slaves, those never heard from yet first, then the failing ones, start only in a gap: when
 *   the bus is free and the next healthy poll is due far enough ahead; they run with a budget that ends `guardMs`
 *   before that poll (the poller cuts the request's timeout to it), so even a timeout close to a healthy slave's
 *   interval delays nobody. At start no slave is healthy yet, so the first polls go in configuration order with
 *   their whole timeout: until a slave has answered or failed once, nothing says which one is dead;
 * - a failing job that does not fit waits for the next gap (the healthy poll's own tick wakes the queue; a timer
 *   does too, as a safety net);
 * - the choice is made a turn after a job is pushed, so polls falling due in the same millisecond are ranked
 *   together rather than in the order their timers fired.
 *
 * Kepware calls this demotion; node-red-contrib-modbus and Telegraf poll in arrival order, which is how one dead
 * slave stalls a bus. Bounded: the poller keeps at most one queued job per device poll group, and the queue refuses
 * more than `maxQueued` (counted).
 */
import type { Clock, Scheduler } from '../../clock.js';
import type { BusRank } from './health.js';

export interface BusJob {
  readonly rank: BusRank;
  /** `budgetMs`: for a slave not (yet) healthy, the time it may hold the bus (Infinity when no healthy poll waits). */
  run(budgetMs: number): Promise<void>;
}

export interface BusTiming {
  /** When the next poll of a healthy slave not already queued is due, ms since epoch (Infinity if none). */
  nextHealthyDueAt(): number;
  /** Kept free before a healthy poll is due (serial inter-frame silence, timer slack). Default 25 ms. */
  readonly guardMs?: number;
  /** A gap shorter than this is not worth a probe. Default 50 ms. */
  readonly minProbeMs?: number;
}

export interface BusStats {
  readonly depth: number;
  readonly refused: number;
  /** Times a job of a slave not (yet) healthy was ready but no gap was wide enough, so it waited. */
  readonly deferrals: number;
}

export class BusQueue {
  private readonly queues: Record<BusRank, BusJob[]> = { healthy: [], unknown: [], failing: [] };
  private busy = false;
  private kickPending = false;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();
  private wake: { cancel(): void } | undefined;
  private refused = 0;
  private deferrals = 0;
  private readonly guardMs: number;
  private readonly minProbeMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly timing: BusTiming,
    private readonly maxQueued = 1000,
  ) {
    this.guardMs = timing.guardMs ?? 25;
    this.minProbeMs = timing.minProbeMs ?? 50;
  }

  /** Returns false (and counts) when the queue is full or stopped. */
  push(job: BusJob): boolean {
    if (this.stopped || this.depth >= this.maxQueued) {
      this.refused += 1;
      return false;
    }
    this.queues[job.rank].push(job);
    if (!this.busy && !this.kickPending) {
      this.kickPending = true;
      this.scheduler.after(0, () => {
        this.kickPending = false;
        this.kick();
      });
    }
    return true;
  }

  /** Starts the next job if the bus is free and one may go now; otherwise arranges to look again. */
  private kick(): void {
    if (this.busy || this.stopped) return;
    this.wake?.cancel();
    this.wake = undefined;
    const next = this.pick();
    if (!next) return;
    this.busy = true;
    this.current = next.job
      .run(next.budgetMs)
      .catch(() => undefined) // jobs report their own failures; a throw here must not stop the bus
      .finally(() => {
        this.busy = false;
        this.kick();
      });
  }

  private pick(): { job: BusJob; budgetMs: number } | undefined {
    const job = this.queues.healthy.shift();
    if (job) return { job, budgetMs: Infinity };
    const queue = this.queues.unknown.length > 0 ? this.queues.unknown : this.queues.failing;
    if (queue.length === 0) return undefined;
    const now = this.clock.now();
    const due = this.timing.nextHealthyDueAt();
    const budgetMs = due === Infinity ? Infinity : due - now - this.guardMs;
    if (budgetMs >= this.minProbeMs) return { job: queue.shift() as BusJob, budgetMs };
    this.deferrals += 1;
    // The healthy poll's tick pushes its job and kicks; this timer only guards against a tick that never comes.
    this.wake = this.scheduler.after(Math.max(1, due - now + this.guardMs), () => {
      this.wake = undefined;
      this.kick();
    });
    return undefined;
  }

  /** Drops queued jobs, refuses new ones and resolves when the running one has finished. */
  async drain(): Promise<void> {
    this.stopped = true;
    this.wake?.cancel();
    for (const q of Object.values(this.queues)) q.length = 0;
    await this.current;
  }

  get depth(): number {
    return this.queues.healthy.length + this.queues.unknown.length + this.queues.failing.length;
  }

  stats(): BusStats {
    return { depth: this.depth, refused: this.refused, deferrals: this.deferrals };
  }
}
