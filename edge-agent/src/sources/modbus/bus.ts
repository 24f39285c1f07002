/**
 * One Modbus bus (a TCP connection or an RS-485 port) carries one request at a time. Jobs of healthy slaves are
 * served before jobs of suspect (failing) slaves, so a dead slave's timeouts delay the others as little as
 * possible. Bounded: the poller keeps at most one queued job per device poll group, and the queue refuses more
 * than `maxQueued` (counted).
 */
export interface BusJob {
  readonly suspect: boolean;
  run(): Promise<void>;
}

export class BusQueue {
  private readonly healthy: BusJob[] = [];
  private readonly suspect: BusJob[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private resolveIdle: (() => void) | undefined;
  private refused = 0;

  constructor(private readonly maxQueued = 1000) {}

  /** Returns false (and counts) when the queue is full. */
  push(job: BusJob): boolean {
    if (this.healthy.length + this.suspect.length >= this.maxQueued) {
      this.refused += 1;
      return false;
    }
    (job.suspect ? this.suspect : this.healthy).push(job);
    if (!this.running) void this.pump();
    return true;
  }

  private async pump(): Promise<void> {
    this.running = true;
    this.idle = new Promise((r) => (this.resolveIdle = r));
    for (;;) {
      const job = this.healthy.shift() ?? this.suspect.shift();
      if (!job) break;
      try {
        await job.run();
      } catch {
        // jobs report their own failures; a throw here must not stop the bus
      }
    }
    this.running = false;
    this.resolveIdle?.();
  }

  /** Drops queued jobs and resolves when the running one has finished. */
  async drain(): Promise<void> {
    this.healthy.length = 0;
    this.suspect.length = 0;
    await this.idle;
  }

  get depth(): number {
    return this.healthy.length + this.suspect.length;
  }

  get refusedCount(): number {
    return this.refused;
  }
}
