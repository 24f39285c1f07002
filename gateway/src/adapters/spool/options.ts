import type { Logger } from 'pino';
import type { Clock } from '../../ports/clock.js';
import { systemClock } from '../../ports/clock.js';
import type { Durability } from '../sqlite/database.js';
import { DEFAULT_BACKOFF_OPTIONS, type BackoffOptions } from './backoff.js';

export interface SpoolOptions {
  /** Readings per request to the remote store. Default 500. */
  readonly batchSize: number;
  /** Cap on readings waiting in the spool; `write` waits (backpressure) beyond it. Default 1 000 000. */
  readonly maxPendingRows: number;
  /** Cap on the approximate size of waiting readings, bytes; `write` waits beyond it. Default 268 435 456 (256 MiB). */
  readonly maxPendingBytes: number;
  /**
   * Forwarded readings kept in the spool so a late duplicate is still recognised (and counted) after it left the
   * queue. Older ones are pruned; a duplicate of a pruned reading is forwarded again (harmless: the remote store
   * overwrites the same point), just not counted. Default 100 000.
   */
  readonly retainForwardedRows: number;
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
}

export const DEFAULT_SPOOL_OPTIONS: SpoolOptions = {
  batchSize: 500,
  maxPendingRows: 1_000_000,
  maxPendingBytes: 256 * 1024 * 1024,
  retainForwardedRows: 100_000,
  idlePollMs: 1000,
  backoff: DEFAULT_BACKOFF_OPTIONS,
  durability: 'full',
  clock: systemClock,
  random: Math.random,
  closeRemote: true,
  logger: undefined,
};

export interface SpoolStats {
  /** Readings waiting to be forwarded. */
  readonly depth: number;
  /** Approximate size of the waiting readings, bytes. */
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
  readonly lastError: { readonly code: string; readonly message: string; readonly at: number } | undefined;
}

export class SpoolError extends Error {
  override readonly name = 'SpoolError';
  constructor(readonly code: 'E_SPOOL_CLOSED', message: string) {
    super(message);
  }
}
