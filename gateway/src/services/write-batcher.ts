/**
 * Group commit in front of a TelemetryStore. Messages that arrive while a commit is running wait for the next one,
 * so many devices share one commit: a busy gateway commits large batches (highest throughput). An idle one commits
 * a message at once, unless the previous commit started less than `minCommitIntervalMs` ago and fewer than
 * `minCommitReadings` wait: then the commit waits out the interval, so a trickle of messages does not cost one
 * fsync each (at most 200 small commits a second by default).
 *
 * Two lanes. Live readings go into the next commit. Backlog readings (a store-and-forward replay after an outage)
 * fill at most `maxBacklogPerCommit` of each commit: a replay of a million readings must not make every live
 * message of its devices' neighbours wait behind 20,000-reading commits. The backlog still gets that share of every
 * commit, so it is never starved; its acknowledgements come later and the replaying devices slow down to match.
 *
 * Bounded (docs/engineering.md 6): at most `maxQueuedReadings` wait in each lane. When a lane is full, write() waits for room
 * instead of growing memory; the MQTT adapter is then slow to acknowledge, and TCP backpressure slows the publishers.
 * A full backlog never holds back a live writer.
 */
import type { TelemetryStore, WriteResult } from '../ports/telemetry-store.js';
import type { StoredReading } from '../domain/reading.js';

export interface WriteBatcherOptions {
  /** Most readings in one commit. Default 20000. */
  readonly maxBatchReadings: number;
  /** Most readings waiting for a commit in one lane before that lane's writers are held back. Default 200000. */
  readonly maxQueuedReadings: number;
  /** Most backlog readings in one commit, on top of its live readings. Default 500. */
  readonly maxBacklogPerCommit: number;
  /**
   * A commit of fewer than `minCommitReadings` readings waits until this long after the previous commit's start, ms
   * (0: never waits). Default 5. Each commit costs an fsync and at least one WAL page whatever its size: with
   * 10,000 devices sending smoothly, commits as soon as possible were ~1,000/s of ~8 readings and wrote 2,724 bytes
   * per reading; with 5 ms, 875 (latency +2-3 ms at low rates; at high rates commits are larger than 64 readings).
   */
  readonly minCommitIntervalMs: number;
  /** Readings that start a commit at once, whatever `minCommitIntervalMs` says. Default 64. */
  readonly minCommitReadings: number;
}

export const DEFAULT_WRITE_BATCHER_OPTIONS: WriteBatcherOptions = {
  maxBatchReadings: 20_000, maxQueuedReadings: 200_000, maxBacklogPerCommit: 500, minCommitIntervalMs: 5, minCommitReadings: 64,
};

/** `live`: readings as they are measured; `backlog`: readings replayed late (all flagged LATE). */
export type WriteLane = 'live' | 'backlog';

export interface WriteBatcherObserver {
  /** Called after each commit with its size and how long the store took, ms. */
  committed(result: WriteResult, readings: number, durationMs: number): void;
  /** Called with the queue depth at the start and the end of each commit. */
  depth(queuedReadings: number): void;
  /** Called when a writer had to wait for room. */
  heldBack(): void;
  /** Called when a commit failed (nothing of it was stored; its writers are told to not acknowledge). */
  failed?(error: Error, readings: number): void;
  /** Called when a CommittedListener threw (a bug in that stage: the readings are stored and acknowledged). */
  listenerFailed?(error: Error): void;
}

/**
 * The hook after the commit: called with the readings of each successful commit, after its writers are told. It is
 * the one way later stages (custody, rules, live views) see new data, so they see committed data only. Duplicates of
 * stored readings are passed too (the store, not the batcher, knows them): stages must be idempotent. Runs on the
 * commit path: it must be cheap (index lookups), and must not throw (a throw is reported and the next one runs).
 */
export type CommittedListener = (readings: readonly StoredReading[]) => void;

/** Called once per write: `null` when the readings are committed, the error when the commit failed. Must not throw. */
export type WriteDone = (error: Error | null) => void;

interface Pending {
  readonly readings: readonly StoredReading[];
  readonly done: WriteDone;
}

export class WriteBatcher {
  private readonly options: WriteBatcherOptions;
  private readonly pending: Record<WriteLane, Pending[]> = { live: [], backlog: [] };
  private readonly queuedIn: Record<WriteLane, number> = { live: 0, backlog: 0 };
  private committing = false;
  /** How the next commit is scheduled, if it is. */
  private scheduled: 'no' | 'timer' | 'immediate' = 'no';
  private timer: NodeJS.Timeout | undefined;
  /** performance.now() at the last commit's start. */
  private lastStart = -Infinity;
  /** Writes held back, per lane, in arrival order: admitted in that order as room appears. */
  private readonly held: Record<WriteLane, Pending[]> = { live: [], backlog: [] };
  private closed = false;
  private readonly listeners: CommittedListener[] = [];

  constructor(
    private readonly store: TelemetryStore,
    private readonly now: () => number,
    private readonly observer: WriteBatcherObserver,
    options: Partial<WriteBatcherOptions> = {},
  ) {
    this.options = { ...DEFAULT_WRITE_BATCHER_OPTIONS, ...options };
  }

  /** How long the commit in progress has been running, ms; 0 when none is (a stalled disk shows here). */
  get commitRunningMs(): number {
    return this.committing ? performance.now() - this.lastStart : 0;
  }

  /** Registers a stage that sees every committed reading (in commit order). */
  onCommitted(listener: CommittedListener): void {
    this.listeners.push(listener);
  }

  /** Readings waiting for a commit, both lanes (held-back writes not counted). */
  get depth(): number {
    return this.queuedIn.live + this.queuedIn.backlog;
  }

  /** Resolves once the readings are durably committed; rejects if the commit failed (nothing was stored). */
  write(readings: readonly StoredReading[], lane: WriteLane = 'live'): Promise<void> {
    return new Promise((resolve, reject) => this.writeThen(readings, (e) => (e === null ? resolve() : reject(e)), lane));
  }

  /**
   * `write` with a callback, for the per-message hot path (the embedded broker): a promise per message and the
   * closures around it were a fifth of what the gateway allocated per message, and objects of in-flight messages
   * are the ones that survive into the old generation. `done` runs once, after the commit, never synchronously.
   */
  writeThen(readings: readonly StoredReading[], done: WriteDone, lane: WriteLane = 'live'): void {
    if (this.closed) {
      queueMicrotask(() => done(new Error('write batcher is closed')));
      return;
    }
    // Full, or others already wait: wait for room instead of growing memory, behind them (admitted after commits).
    if (this.held[lane].length > 0 || !this.fits(lane, readings.length)) {
      this.observer.heldBack();
      this.held[lane].push({ readings, done });
      return;
    }
    this.enqueue(lane, { readings, done });
    this.schedule();
  }

  /** Whether `n` more readings fit in `lane` (a write always fits an empty lane, however large). */
  private fits(lane: WriteLane, n: number): boolean {
    const inLane = this.queuedIn[lane];
    return inLane === 0 || inLane + n <= this.options.maxQueuedReadings;
  }

  private enqueue(lane: WriteLane, p: Pending): void {
    this.pending[lane].push(p);
    // The depth gauge is set at each commit's start and end, not per message (a gauge set is a hash lookup).
    this.queuedIn[lane] += p.readings.length;
  }

  /** Moves held-back writes of each lane into its queue, oldest first, while they fit. */
  private admitHeld(): void {
    for (const lane of ['live', 'backlog'] as const) {
      const held = this.held[lane];
      let i = 0;
      while (i < held.length && this.fits(lane, held[i]!.readings.length)) this.enqueue(lane, held[i++]!);
      if (i > 0) held.splice(0, i);
    }
  }

  /** Waits for every queued write to commit. */
  async drain(): Promise<void> {
    while (this.depth > 0 || this.committing || this.held.live.length > 0 || this.held.backlog.length > 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  /** `now`: start an immediate commit synchronously (after a commit) instead of on the next check phase. */
  private schedule(now = false): void {
    if (this.committing || this.scheduled === 'immediate') return;
    const enough = this.depth >= this.options.minCommitReadings;
    if (this.scheduled === 'timer' && !enough) return;
    const wait = enough ? 0 : this.lastStart + this.options.minCommitIntervalMs - performance.now();
    if (wait > 0) {
      this.scheduled = 'timer';
      this.timer = setTimeout(this.run, wait);
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (now) return this.run();
    this.scheduled = 'immediate';
    setImmediate(this.run);
  }

  private readonly run = (): void => {
    this.scheduled = 'no';
    this.timer = undefined;
    void this.commit();
  };

  private get waiting(): boolean {
    return this.pending.live.length > 0 || this.pending.backlog.length > 0;
  }

  private async commit(): Promise<void> {
    if (!this.waiting) return;
    this.committing = true;
    this.lastStart = performance.now();
    const batch: Pending[] = [];
    const { maxBatchReadings, maxBacklogPerCommit } = this.options;
    const live = take(this.pending.live, maxBatchReadings, batch);
    const backlog = take(this.pending.backlog, maxBacklogPerCommit, batch);
    const n = live + backlog;
    const rows = batch.length === 1 ? batch[0]!.readings : concat(batch, n);
    this.observer.depth(this.depth);
    const started = this.now();
    let error: Error | null = null;
    try {
      // Called through an async function: a store that throws instead of rejecting fails this commit on a later
      // microtask, like a rejection, not every commit queued behind it in one synchronous recursion (the next commit
      // starts before this one's writers are told).
      const result = await (async () => this.store.write(rows))();
      this.observer.committed(result, n, this.now() - started);
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
      this.observer.failed?.(error, n);
    }
    this.queuedIn.live -= live;
    this.queuedIn.backlog -= backlog;
    this.observer.depth(this.depth);
    this.committing = false;
    this.admitHeld();
    // The next commit goes to the store before this one's writers are told: telling them (a PUBACK write each)
    // takes the main thread 1-3 ms under load, and the writer thread commits meanwhile (a store that commits on
    // the caller's thread, the in-memory one of the tests, simply commits first). The cost: aedes parses a client's
    // next buffered packets only once those in hand are acknowledged, so packets that telling releases wait for the
    // commit after next. Measured both ways (docs/performance.md, change 17): lower latency for smooth traffic,
    // same closed-loop throughput with a higher p99.
    if (this.waiting) this.schedule(true);
    for (const p of batch) settle(p.done, error);
    if (error === null) for (const l of this.listeners) this.tell(l, rows);
  }

  private tell(listener: CommittedListener, rows: readonly StoredReading[]): void {
    try {
      listener(rows);
    } catch (e) {
      this.observer.listenerFailed?.(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

/**
 * Moves writes from the head of `queue` into `batch` while their readings fit in `budget`; returns how many readings
 * moved. The first write always goes, even one larger than the budget, so each lane moves in every commit.
 */
function take(queue: Pending[], budget: number, batch: Pending[]): number {
  let n = 0;
  let i = 0;
  while (i < queue.length) {
    const size = queue[i]!.readings.length;
    if (i > 0 && n + size > budget) break;
    batch.push(queue[i]!);
    n += size;
    i++;
  }
  if (i > 0) queue.splice(0, i);
  return n;
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
