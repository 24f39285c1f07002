/**
 * Drains the spool to the remote store: oldest commits first, several commits per request (up to `batchSize`
 * readings, or what arrived within `lingerMs`), `concurrency` requests at once. Each request owns the commits it claimed until the store accepted them:
 * a retryable failure (5xx, 429, network, timeout) waits a capped, jittered backoff and sends the same request again;
 * a non-retryable one (any other 4xx, a reading that cannot be encoded) is narrowed down by halving to the offending
 * readings, which go to the dead-letter table with the server's message in the same transaction that removes the
 * commits. Nothing leaves the spool unaccounted for; a crash before that transaction sends the request again (the
 * remote store overwrites the same points).
 *
 * Requests in flight at once may complete out of order: a time-series store keys points by time, not by arrival.
 * That is what lets one request carry the newest commits while the others drain a backlog (issue #18: after an
 * outage of the store, the replay drains at the store's speed while live data keeps reaching it).
 */
import type { TelemetryStore } from '../../ports/telemetry-store.js';
import type { StoredReading } from '../../domain/reading.js';
import { backoffDelay } from './backoff.js';
import type { LineWriter, SpoolOptions } from './options.js';
import type { DeadLine, SpoolBatch, SpoolDb } from './spool-db.js';

/** What the forwarder needs to know about a failure; read from the error's own properties (docs/engineering.md 5). */
export interface FailureInfo { code: string; message: string; retryable: boolean; status: number | null; retryAfterMs: number | undefined }

export function describeFailure(e: unknown): FailureInfo {
  const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
  return {
    code: typeof o.code === 'string' ? o.code : 'E_REMOTE_UNKNOWN',
    message: e instanceof Error ? e.message : String(e),
    // An error that does not say is treated as transient: retrying is safe (writes are idempotent), dropping is not.
    retryable: typeof o.retryable === 'boolean' ? o.retryable : true,
    status: typeof o.status === 'number' ? o.status : null,
    retryAfterMs: typeof o.retryAfterMs === 'number' ? o.retryAfterMs : undefined,
  };
}

export interface ForwarderEvents {
  /** Commits the store accepted (`dead` of their readings were dead-lettered instead). */
  forwarded(batches: readonly SpoolBatch[], readings: number, dead: number, failure: FailureInfo | undefined): void;
  retrying(failure: FailureInfo, delayMs: number): void;
}

interface Dead<T> { item: T; spooledAt: number; failure: FailureInfo }

/** What one request carries of one kind: the items, when each was spooled, and how the store takes them. */
interface Part<T> {
  readonly items: readonly T[];
  readonly spooledAt: readonly number[];
  readonly write: (items: readonly T[]) => Promise<unknown>;
}

type Outcome = { kind: 'ok' } | { kind: 'retry'; failure: FailureInfo } | { kind: 'stopped' };

export class Forwarder {
  private stopped = false;
  /** Highest commit id claimed from the front so far; with `tailOwned`, claims never overlap. */
  private cursor = 0;
  /** Commits above the cursor that the live request claimed from the back and is sending. */
  private readonly tailOwned = new Set<number>();
  private idleWaiters: (() => void)[] = [];
  private readonly backoffWakers = new Set<() => void>();
  private workers: Promise<void>[] = [];

  constructor(
    private readonly db: SpoolDb,
    private readonly remote: TelemetryStore & Partial<LineWriter>,
    private readonly o: SpoolOptions,
    private readonly events: ForwarderEvents,
  ) {}

  start(): void {
    if (this.workers.length > 0) return;
    // With two requests or more, the first one keeps live readings flowing while the others drain a backlog.
    const n = Math.max(1, this.o.concurrency);
    for (let i = 0; i < n; i++) this.workers.push(this.run(n > 1 && i === 0));
  }

  /** New commits arrived: idle requests look again (a backoff wait is not cut short). */
  nudge(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Stops after the requests in flight (never abandons one half-way), then resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.nudge();
    for (const wake of this.backoffWakers) wake();
    await Promise.all(this.workers);
  }

  /**
   * The next commits to send, or how long to wait first: a request smaller than `batchSize` waits until its oldest
   * commit is `lingerMs` old, so a trickle of small commits is sent a few times a second, not once per commit.
   * `live`: while a backlog waits (the oldest unclaimed commit is more than `backlogAfterMs` old, e.g. after an
   * outage of the store), this request takes the newest commits instead, so live readings reach the store while
   * the other requests drain the backlog oldest first.
   */
  private claim(live: boolean): SpoolBatch[] | { lingerMs: number } {
    const candidates = this.db.batchesAfter(this.cursor, 256).filter((b) => !this.tailOwned.has(b.id));
    const first = candidates[0];
    if (first !== undefined && !this.stopped) {
      const waited = this.o.clock.now() - first.spooledAt;
      if (live && waited > this.o.backlogAfterMs) return this.take(this.db.newestAfter(this.cursor, 256).filter((b) => !this.tailOwned.has(b.id)), true);
      let total = 0;
      for (const b of candidates) total += b.count;
      if (this.o.lingerMs > 0 && total < this.o.batchSize && waited < this.o.lingerMs) return { lingerMs: this.o.lingerMs - waited };
    }
    return this.take(candidates, false);
  }

  /** Claims commits from the front of `candidates` up to `batchSize` readings (at least one commit). */
  private take(candidates: readonly SpoolBatch[], fromTail: boolean): SpoolBatch[] {
    const claimed: SpoolBatch[] = [];
    let readings = 0;
    for (const b of candidates) {
      if (claimed.length > 0 && readings + b.count > this.o.batchSize) break;
      claimed.push(b);
      readings += b.count;
    }
    if (fromTail) for (const b of claimed) this.tailOwned.add(b.id);
    else if (claimed.length > 0) this.cursor = claimed[claimed.length - 1]!.id;
    return claimed;
  }

  private async run(live: boolean): Promise<void> {
    while (!this.stopped) {
      const claimed = this.claim(live);
      if (!Array.isArray(claimed)) {
        await this.sleep(claimed.lingerMs, 'backoff');
        continue;
      }
      if (claimed.length === 0) {
        await this.sleep(this.o.idlePollMs, 'idle');
        continue;
      }
      const readings: StoredReading[] = [];
      const spooledAt: number[] = [];
      const lines: string[] = [];
      const lineSpooledAt: number[] = [];
      for (const b of claimed) {
        for (const r of b.decode()) {
          readings.push(r);
          spooledAt.push(b.spooledAt);
        }
        for (const l of b.lines()) {
          lines.push(l);
          lineSpooledAt.push(b.spooledAt);
        }
      }
      try {
        await this.deliver(claimed, { items: readings, spooledAt, write: (xs) => this.remote.write(xs) }, { items: lines, spooledAt: lineSpooledAt, write: (xs) => this.writeLines(xs) });
      } finally {
        for (const b of claimed) this.tailOwned.delete(b.id);
      }
    }
  }

  /** Sends the claimed commits until the store accepted them (or the forwarder stops: they stay for the next open). */
  private async deliver(claimed: readonly SpoolBatch[], readings: Part<StoredReading>, lines: Part<string>): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      const dead: Dead<StoredReading>[] = [];
      const deadLines: Dead<string>[] = [];
      let outcome = await this.send(readings, 0, readings.items.length, dead);
      if (outcome.kind === 'ok') outcome = await this.send(lines, 0, lines.items.length, deadLines);
      if (outcome.kind === 'stopped') return;
      if (outcome.kind === 'ok') {
        const ids = claimed.map((b) => b.id);
        const now = this.o.clock.now();
        const failure = (f: FailureInfo) => ({ code: f.code, status: f.status, error: f.message });
        if (dead.length === 0 && deadLines.length === 0) this.db.markForwarded(ids, now, this.o.retainForwardedMs);
        else {
          this.db.markForwardedWithDeadLetters(ids, dead.map((d) => ({ reading: d.item, spooledAt: d.spooledAt, failure: failure(d.failure) })), now,
            this.o.retainForwardedMs, deadLines.map((d): DeadLine => ({ line: d.item, spooledAt: d.spooledAt, failure: failure(d.failure) })));
        }
        const sent = readings.items.length + lines.items.length;
        const refused = dead.length + deadLines.length;
        this.events.forwarded(claimed, sent - refused, refused, dead[0]?.failure ?? deadLines[0]?.failure);
        return;
      }
      const delay = backoffDelay(attempt, this.o.backoff, this.o.random, outcome.failure.retryAfterMs);
      this.events.retrying(outcome.failure, delay);
      await this.sleep(delay, 'backoff');
    }
  }

  /**
   * Writes items[from, to). A refused range is halved until the refused items stand alone; they are collected in
   * `dead` with their refusal. A retryable failure anywhere ends the attempt (the caller sends it all again).
   */
  private async send<T>(part: Part<T>, from: number, to: number, dead: Dead<T>[]): Promise<Outcome> {
    const all = part.items;
    if (to <= from) return { kind: 'ok' };
    let failure: FailureInfo;
    try {
      await part.write(from === 0 && to === all.length ? all : all.slice(from, to));
      return { kind: 'ok' };
    } catch (e) {
      failure = describeFailure(e);
    }
    if (failure.retryable) return { kind: 'retry', failure };
    if (to - from === 1) {
      dead.push({ item: all[from]!, spooledAt: part.spooledAt[from]!, failure });
      return { kind: 'ok' };
    }
    if (this.stopped) return { kind: 'stopped' };
    const mid = from + Math.floor((to - from) / 2);
    const left = await this.send(part, from, mid, dead);
    if (left.kind !== 'ok') return left;
    return this.send(part, mid, to, dead);
  }

  /** Lines go to a store that takes them; one that cannot refuses them for good (they are dead-lettered, not lost). */
  private async writeLines(lines: readonly string[]): Promise<void> {
    if (this.remote.writeLines === undefined) {
      throw Object.assign(new Error('the remote store takes no line-protocol points'), { code: 'E_REMOTE_NO_LINES', retryable: false });
    }
    await this.remote.writeLines(lines);
  }

  private sleep(ms: number, kind: 'idle' | 'backoff'): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.backoffWakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (kind === 'idle') this.idleWaiters.push(done);
      else this.backoffWakers.add(done);
    });
  }
}
