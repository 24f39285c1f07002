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

/** Called once per write: `null` when the readings are committed, the error when the commit failed. Must not throw. */
export type WriteDone = (error: Error | null) => void;

interface Pending {
  readonly readings: readonly StoredReading[];
  readonly done: WriteDone;
}

export class WriteBatcher {
  private readonly options: WriteBatcherOptions;
  private pending: Pending[] = [];
  private queued = 0;
  private committing = false;
  private scheduled = false;
  private waiters: (() => void)[] = [];
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
    return new Promise((resolve, reject) => this.writeThen(readings, (e) => (e === null ? resolve() : reject(e))));
  }

  /**
   * `write` with a callback, for the per-message hot path (the embedded broker): a promise per message and the
   * closures around it were a fifth of what the gateway allocated per message, and objects of in-flight messages
   * are the ones that survive into the old generation. `done` runs once, after the commit, never synchronously.
   */
  writeThen(readings: readonly StoredReading[], done: WriteDone): void {
    if (this.closed) {
      queueMicrotask(() => done(new Error('write batcher is closed')));
      return;
    }
    if (this.queued > 0 && this.queued + readings.length > this.options.maxQueuedReadings) {
      // Full: wait for room instead of growing memory (re-checked after each commit).
      this.observer.heldBack();
      this.waiters.push(() => this.writeThen(readings, done));
      return;
    }
    this.pending.push({ readings, done });
    // The depth gauge is set at each commit's start and end, not per message (a gauge set is a hash lookup).
    this.queued += readings.length;
    this.schedule();
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
    let error: Error | null = null;
    try {
      const result = await this.store.write(rows);
      this.observer.committed(result, n, this.now() - started);
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    }
    this.queued -= n;
    this.observer.depth(this.queued);
    this.committing = false;
    for (const p of batch) settle(p.done, error);
    if (this.queued < this.options.maxQueuedReadings && this.waiters.length > 0) {
      const waiting = this.waiters;
      this.waiters = [];
      for (const w of waiting) w();
    }
    if (this.pending.length > 0) this.schedule();
  }
}

/** A callback that throws is a bug in its caller: it must not stop the others of the commit from being told. */
function settle(done: WriteDone, error: Error | null): void {
  try {
    done(error);
  } catch (e) {
    queueMicrotask(() => {
      throw e;
    });
  }
}

/** One array of all readings of a commit (a sized loop: flatMap was 4 % of the main thread under load). */
function concat(batch: readonly Pending[], n: number): StoredReading[] {
  const out = new Array<StoredReading>(n);
  let k = 0;
  for (const p of batch) for (const r of p.readings) out[k++] = r;
  return out;
}
