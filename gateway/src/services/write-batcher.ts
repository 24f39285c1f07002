/**
 * Group commit in front of a TelemetryStore. Messages that arrive while a commit is running wait for the next one,
 * so many devices share one commit: no timer, so an idle gateway commits each message at once (lowest latency),
 * and a busy one commits large batches (highest throughput).
 *
 * Bounded (STYLE.md 6): at most `maxQueuedReadings` wait. When full, write() waits for room instead of growing
 * memory; the MQTT adapter is then slow to acknowledge, and TCP backpressure slows the publishers.
 */
import type { StoredReading, TelemetryStore, WriteResult } from '../ports/telemetry-store.js';

export interface WriteBatcherOptions {
  /** Most readings in one commit. Default 20000. */
  readonly maxBatchReadings: number;
  /** Most readings waiting for a commit before writers are held back. Default 200000. */
  readonly maxQueuedReadings: number;
}

export const DEFAULT_WRITE_BATCHER_OPTIONS: WriteBatcherOptions = { maxBatchReadings: 20_000, maxQueuedReadings: 200_000 };

export interface WriteBatcherObserver {
  /** Called after each commit with its size and how long the store took, ms. */
  committed(result: WriteResult, readings: number, durationMs: number): void;
  /** Called with the queue depth at the start and the end of each commit. */
  depth(queuedReadings: number): void;
  /** Called when a writer had to wait for room. */
  heldBack(): void;
}

interface Pending {
  readonly readings: readonly StoredReading[];
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export class WriteBatcher {
  private readonly options: WriteBatcherOptions;
  private pending: Pending[] = [];
  private queued = 0;
  private committing = false;
  private scheduled = false;
  private readonly waiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly store: TelemetryStore,
    private readonly now: () => number,
    private readonly observer: WriteBatcherObserver,
    options: Partial<WriteBatcherOptions> = {},
  ) {
    this.options = { ...DEFAULT_WRITE_BATCHER_OPTIONS, ...options };
  }

  get depth(): number {
    return this.queued;
  }

  /** Resolves once the readings are durably committed; rejects if the commit failed (nothing was stored). */
  write(readings: readonly StoredReading[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('write batcher is closed'));
    // Not an async function: with room in the queue (the usual case) a write costs one promise, not three.
    if (this.queued > 0 && this.queued + readings.length > this.options.maxQueuedReadings) return this.writeWhenRoom(readings);
    return this.enqueue(readings);
  }

  private async writeWhenRoom(readings: readonly StoredReading[]): Promise<void> {
    while (this.queued > 0 && this.queued + readings.length > this.options.maxQueuedReadings) {
      this.observer.heldBack();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.enqueue(readings);
  }

  private enqueue(readings: readonly StoredReading[]): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.pending.push({ readings, resolve, reject }));
    // The depth gauge is set at each commit's start and end, not per message (a gauge set is a hash lookup).
    this.queued += readings.length;
    this.schedule();
    return done;
  }

  /** Waits for every queued write to commit. */
  async drain(): Promise<void> {
    while (this.queued > 0 || this.committing) await new Promise((r) => setTimeout(r, 5));
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  private schedule(): void {
    if (this.scheduled || this.committing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.commit();
    });
  }

  private async commit(): Promise<void> {
    if (this.pending.length === 0) return;
    this.committing = true;
    const batch: Pending[] = [];
    let n = 0;
    while (this.pending.length > 0) {
      const next = this.pending[0]!;
      if (batch.length > 0 && n + next.readings.length > this.options.maxBatchReadings) break;
      batch.push(next);
      this.pending.shift();
      n += next.readings.length;
    }
    const rows = batch.length === 1 ? batch[0]!.readings : concat(batch, n);
    this.observer.depth(this.queued);
    const started = this.now();
    try {
      const result = await this.store.write(rows);
      this.observer.committed(result, n, this.now() - started);
      for (const p of batch) p.resolve();
    } catch (e) {
      for (const p of batch) p.reject(e as Error);
    } finally {
      this.queued -= n;
      this.observer.depth(this.queued);
      this.committing = false;
      while (this.waiters.length > 0 && this.queued < this.options.maxQueuedReadings) this.waiters.shift()!();
      if (this.pending.length > 0) this.schedule();
    }
  }
}

/** One array of all readings of a commit (a sized loop: flatMap was 4 % of the main thread under load). */
function concat(batch: readonly Pending[], n: number): StoredReading[] {
  const out = new Array<StoredReading>(n);
  let k = 0;
  for (const p of batch) for (const r of p.readings) out[k++] = r;
  return out;
}
