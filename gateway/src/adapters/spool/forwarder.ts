/**
 * Drains the spool to the remote store: oldest first, in batches, one request at a time. A retryable failure
 * (5xx, 429, network, timeout) keeps the batch at the head of the queue and waits a capped, jittered backoff; a
 * non-retryable one (any other 4xx, a reading that cannot be encoded) is narrowed down to the offending readings,
 * which go to the dead-letter table with the server's message. Nothing leaves the spool unaccounted for.
 */
import type { TelemetryStore } from '../../ports/telemetry-store.js';
import { backoffDelay } from './backoff.js';
import type { SpoolOptions } from './options.js';
import type { SpoolDb, SpoolRow } from './spool-db.js';

/** What the forwarder needs to know about a failure; read from the error's own properties (STYLE.md 5). */
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
  forwarded(rows: readonly SpoolRow[]): void;
  deadLettered(rows: readonly SpoolRow[], failure: FailureInfo): void;
  retrying(failure: FailureInfo, delayMs: number): void;
}

type Outcome = { kind: 'ok' } | { kind: 'retry'; failure: FailureInfo };

export class Forwarder {
  private stopped = false;
  private attempt = 0;
  private wakeIdle: (() => void) | undefined;
  private wakeBackoff: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly db: SpoolDb,
    private readonly remote: TelemetryStore,
    private readonly o: SpoolOptions,
    private readonly events: ForwarderEvents,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** New rows arrived: stop idling (a backoff wait is not cut short). */
  nudge(): void {
    this.wakeIdle?.();
  }

  /** Stops after the request in flight (never abandons it half-way), then resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeIdle?.();
    this.wakeBackoff?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const batch = this.db.pending(this.o.batchSize);
      if (batch.length === 0) {
        await this.sleep(this.o.idlePollMs, 'idle');
        continue;
      }
      const outcome = await this.forward(batch);
      if (outcome.kind === 'ok') {
        this.attempt = 0;
        continue;
      }
      this.attempt++;
      const delay = backoffDelay(this.attempt, this.o.backoff, this.o.random, outcome.failure.retryAfterMs);
      this.events.retrying(outcome.failure, delay);
      await this.sleep(delay, 'backoff');
    }
  }

  private async forward(batch: readonly SpoolRow[]): Promise<Outcome> {
    const failure = await this.send(batch);
    if (failure === undefined) return { kind: 'ok' };
    if (failure.retryable) return { kind: 'retry', failure };
    if (batch.length === 1) {
      this.db.deadLetter(batch, this.o.clock.now(), { code: failure.code, status: failure.status, error: failure.message });
      this.events.deadLettered(batch, failure);
      return { kind: 'ok' };
    }
    // A refused batch may hold one bad reading among good ones: send them one by one so only the bad ones are
    // dead-lettered (resending the good ones is harmless: writes are idempotent).
    for (const row of batch) {
      if (this.stopped) return { kind: 'ok' };
      const outcome = await this.forward([row]);
      if (outcome.kind === 'retry') return outcome;
    }
    return { kind: 'ok' };
  }

  private async send(batch: readonly SpoolRow[]): Promise<FailureInfo | undefined> {
    try {
      await this.remote.write(batch);
    } catch (e) {
      return describeFailure(e);
    }
    this.db.markForwarded(batch.map((r) => r.id), this.o.clock.now());
    this.db.pruneForwarded(batch[batch.length - 1]?.id ?? 0, this.o.retainForwardedRows);
    this.events.forwarded(batch);
    return undefined;
  }

  private sleep(ms: number, kind: 'idle' | 'backoff'): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeIdle = undefined;
        this.wakeBackoff = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (kind === 'idle') this.wakeIdle = done;
      else this.wakeBackoff = done;
    });
  }
}
