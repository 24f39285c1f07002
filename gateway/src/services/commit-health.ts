/**
 * Whether the store takes commits right now, for readiness and the log. A full disk or an I/O error fails every
 * commit until it passes; the gateway then acknowledges nothing, which is right, and must say so: readiness fails
 * with the reason, and the log says it once when commits start failing and once when they succeed again, not once
 * per message (issue #23: a full disk behind a gateway that answered "ok").
 */
import type { Logger } from 'pino';
import type { WriteResult } from '../ports/telemetry-store.js';
import type { WriteBatcherObserver } from './write-batcher.js';

export interface CommitFailure {
  /** Gateway time of the first failed commit since the last success, ms. */
  readonly since: number;
  /** The last failure's message. */
  readonly message: string;
  readonly failures: number;
}

export class CommitHealth implements WriteBatcherObserver {
  private failing: CommitFailure | undefined;

  constructor(private readonly inner: WriteBatcherObserver, private readonly now: () => number, private readonly log: Logger) {}

  /** The failure in progress, undefined while commits succeed. */
  get failure(): CommitFailure | undefined {
    return this.failing;
  }

  committed(result: WriteResult, readings: number, durationMs: number): void {
    this.inner.committed(result, readings, durationMs);
    if (this.failing === undefined) return;
    this.log.warn({ failures: this.failing.failures, forMs: this.now() - this.failing.since }, 'store commits succeed again: ingest resumed');
    this.failing = undefined;
  }

  depth(queuedReadings: number): void {
    this.inner.depth(queuedReadings);
  }

  heldBack(): void {
    this.inner.heldBack();
  }

  failed(error: Error, readings: number): void {
    this.inner.failed?.(error, readings);
    if (this.failing === undefined) {
      this.log.error({ err: error.message }, 'store commits fail: nothing is acknowledged until they succeed again (readiness fails meanwhile)');
      this.failing = { since: this.now(), message: error.message, failures: 1 };
      return;
    }
    this.failing = { since: this.failing.since, message: error.message, failures: this.failing.failures + 1 };
  }

  listenerFailed(error: Error): void {
    this.inner.listenerFailed?.(error);
    this.log.error({ err: error }, 'a stage after the commit failed on committed readings (they are stored and acknowledged)');
  }
}
