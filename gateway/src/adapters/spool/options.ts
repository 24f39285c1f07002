import type { Logger } from 'pino';
import type { Clock } from '../../ports/clock.js';
import { systemClock } from '../../ports/clock.js';
import type { Durability } from '../sqlite/database.js';
import { DEFAULT_BACKOFF_OPTIONS, type BackoffOptions } from './backoff.js';
import type { ValuePrecision } from '../../domain/integrity/remote-readings.js';

/**
 * A remote store that also takes points other than readings (flag events, issue #16) as Influx line protocol with
 * millisecond timestamps. Idempotent by point identity, like `write`; rejects as `write` does (`retryable`).
 */
export interface LineWriter {
  writeLines(lines: readonly string[]): Promise<void>;
}

export interface SpoolOptions {
  /**
   * Most readings per request to the remote store: whole spooled commits are combined up to this size (a single
   * commit larger than it goes alone). Default 5000 (InfluxDB's recommended batch): with 4 requests in flight it
   * forwarded 50-reading messages faster than 10,000 x 4, 10,000 x 8 or 20,000 x 2 (docs/performance.md).
   */
  readonly batchSize: number;
  /** Requests to the remote store in flight at once. Default 4. */
  readonly concurrency: number;
  /**
   * A request of fewer than `batchSize` readings waits until its oldest reading has been spooled this long, ms (0:
   * sends at once). Default 100: at 1,000 small messages/s, ~10 requests/s instead of one per commit (200/s), for
   * readings reaching the remote store up to 0.1 s later (the gateway's own queries see them at once).
   */
  readonly lingerMs: number;
  /**
   * With `concurrency` >= 2, when the oldest waiting commit is older than this, ms, one request takes the newest
   * commits instead of the oldest: after an outage of the remote store live readings reach it at once while the
   * other requests drain the backlog. Default 2000.
   */
  readonly backlogAfterMs: number;
  /** Cap on readings waiting in the spool; `write` waits (backpressure) beyond it. Default 1 000 000. */
  readonly maxPendingRows: number;
  /** Cap on the encoded size of waiting readings, bytes; `write` waits beyond it. Default 268 435 456 (256 MiB). */
  readonly maxPendingBytes: number;
  /**
   * Identities of the most recent readings remembered (in memory, rebuilt from the waiting commits at open) so a
   * duplicate is recognised, counted and not forwarded while its first copy waits or was forwarded recently. An older
   * duplicate is forwarded again (harmless: the remote store overwrites the same point), just not counted.
   * Default 200 000 (~15 MiB).
   */
  readonly dedupWindow: number;
  /**
   * Forwarded commits stay in the spool file this long, ms, for queries: `query` reads the spool and then the remote
   * store, so a reading forwarded in between is still found, and so is one a store makes searchable only later
   * (VictoriaMetrics: ~1 s). Default 5000.
   */
  readonly retainForwardedMs: number;
  /** How long the forwarder sleeps when the spool is empty, ms; a write wakes it at once. Default 1000. */
  readonly idlePollMs: number;
  /** Retry delays for retryable failures (5xx, 429, network, timeout). */
  readonly backoff: BackoffOptions;
  /** SQLite synchronous level of the spool file. Default 'full' (an acked reading survives power loss). */
  readonly durability: Durability;
  readonly clock: Clock;
  /** Random source for backoff jitter, [0, 1). Default Math.random. */
  readonly random: () => number;
  /** Close the remote store when the spool closes. Default true. */
  readonly closeRemote: boolean;
  /** Logger; silent when undefined. Default undefined. */
  readonly logger: Logger | undefined;
  /**
   * Chain the spooled readings (docs/security.md "Readings in a remote store"), with values as the store holds them:
   * 'exact' (InfluxDB) or 'decimal' (VictoriaMetrics); undefined: no chain. Default undefined.
   */
  readonly chain: ValuePrecision | undefined;
}

export const DEFAULT_SPOOL_OPTIONS: SpoolOptions = {
  batchSize: 5000,
  concurrency: 4,
  lingerMs: 100,
  backlogAfterMs: 2000,
  maxPendingRows: 1_000_000,
  maxPendingBytes: 256 * 1024 * 1024,
  dedupWindow: 200_000,
  retainForwardedMs: 5000,
  idlePollMs: 1000,
  backoff: DEFAULT_BACKOFF_OPTIONS,
  durability: 'full',
  clock: systemClock,
  random: Math.random,
  closeRemote: true,
  logger: undefined,
  chain: undefined,
};

export interface SpoolStats {
  /** Readings waiting to be forwarded. */
  readonly depth: number;
  /** Encoded size of the waiting readings, bytes. */
  readonly depthBytes: number;
  /** Age of the oldest waiting reading (since it was spooled), ms; 0 when empty. */
  readonly oldestAgeMs: number;
  /** Readings the remote store accepted since open. */
  readonly forwarded: number;
  /** Failed requests that will be (or were) retried, since open. */
  readonly retries: number;
  /** Readings in the dead-letter table (refused by the remote store), all time. */
  readonly deadLettered: number;
  /** Writes that had to wait for space, since open. */
  readonly backpressureWaits: number;
  /** Duplicates recognised by the spool, since open. */
  readonly duplicates: number;
  /** The last forwarding failure, if any since the last success. */
  /** The last forwarding failure, and when failures began (`since`), if any since the last success. */
  readonly lastError: { readonly code: string; readonly message: string; readonly at: number; readonly since: number } | undefined;
}

export class SpoolError extends Error {
  override readonly name = 'SpoolError';
  constructor(readonly code: 'E_SPOOL_CLOSED' | 'E_SPOOL_NO_LINES', message: string) {
    super(message);
  }
}
