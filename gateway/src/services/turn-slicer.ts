/**
 * Keeps large messages from holding the event loop while small ones wait. Validating a message costs time in
 * proportion to its size: a store-and-forward replay of 500 readings per message takes ~1.3 ms of the main thread,
 * and one socket read can bring a dozen of them. Run inline, they made every live message behind them wait (live
 * p99 over 100 ms while a million readings were replayed).
 *
 * A task of at least `heavyBytes` is deferred instead, and the queue runs on later event-loop turns, at most
 * `bytesPerTurn` of payload per turn (always at least one task). Between turns the loop reads the sockets, so small
 * messages are validated as soon as they arrive. Small tasks run at once, even while large ones are queued: a large
 * message may be validated after a small one that came later (the store keeps each reading once, whatever the order).
 *
 * Bounded by the transport: aedes reads a client's next chunk only after every message of the current one is done,
 * and the external subscriber's in-flight window is fixed, so the queue holds at most one chunk per connection.
 */
export interface TurnSlicerOptions {
  /** Payloads at least this large are queued. Default 16 KiB (about 250 readings). */
  readonly heavyBytes: number;
  /** Payload bytes of queued tasks run per event-loop turn (at least one task). Default 32 KiB. */
  readonly bytesPerTurn: number;
}

export const DEFAULT_TURN_SLICER_OPTIONS: TurnSlicerOptions = { heavyBytes: 16 * 1024, bytesPerTurn: 32 * 1024 };

interface Task {
  readonly bytes: number;
  readonly run: () => void;
}

export class TurnSlicer {
  private readonly options: TurnSlicerOptions;
  private queue: Task[] = [];
  private scheduled = false;

  constructor(options: Partial<TurnSlicerOptions> = {}) {
    this.options = { ...DEFAULT_TURN_SLICER_OPTIONS, ...options };
  }

  /** Tasks waiting for a later turn. */
  get queued(): number {
    return this.queue.length;
  }

  /** Whether a payload of `bytes` waits for a later turn (`defer`) instead of running at once. */
  defers(bytes: number): boolean {
    return bytes >= this.options.heavyBytes;
  }

  /** Runs `run` on a later turn, in order with the other deferred tasks. */
  defer(bytes: number, run: () => void): void {
    this.queue.push({ bytes, run });
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.scheduled = false;
    // This turn's share, taken off the queue first (a task may defer more): at least one task, then up to the budget.
    let n = 0;
    let spent = 0;
    while (n < this.queue.length && (n === 0 || spent + this.queue[n]!.bytes <= this.options.bytesPerTurn)) spent += this.queue[n++]!.bytes;
    const share = this.queue.splice(0, n);
    for (const task of share) {
      try {
        task.run();
      } catch (e) {
        // A throwing task is its caller's bug; the tasks after it still run.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
    if (this.queue.length > 0) this.schedule();
  }
}
