/**
 * Per-slave health, pure (time passed in). A slave that keeps failing is retried with capped exponential backoff
 * so that a dead slave on a shared RS-485 bus costs at most one timeout per backoff period (docs/domain.md §5: a slave
 * that times out must not stall the bus for the others).
 */
import { backoffDelay } from '../../forward/backoff.js';

export interface HealthState {
  readonly consecutiveFailures: number;
  /** Failed reads since start (contract DeviceStatus.errorCount). */
  readonly errorCount: number;
  readonly lastGoodTime?: number;
  readonly lastError?: string;
  /** Polls before this time are skipped (backoff), ms since epoch. */
  readonly retryAt: number;
}

export const INITIAL_HEALTH: HealthState = { consecutiveFailures: 0, errorCount: 0, retryAt: 0 };

export interface HealthPolicy {
  /** Failures in a row tolerated before backing off. Default 2. */
  readonly failuresBeforeBackoff: number;
  /** Longest backoff, ms. Default 60 000. */
  readonly maxBackoffMs: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = { failuresBeforeBackoff: 2, maxBackoffMs: 60_000 };

export function onSuccess(state: HealthState, now: number): HealthState {
  return { consecutiveFailures: 0, errorCount: state.errorCount, lastGoodTime: now, retryAt: 0 };
}

/** `intervalMs` is the shortest poll interval of the device: backoff starts from it. `random` in [0,1). */
export function onFailure(state: HealthState, now: number, error: string, intervalMs: number, random: number, policy: HealthPolicy = DEFAULT_HEALTH_POLICY): HealthState {
  const consecutiveFailures = state.consecutiveFailures + 1;
  const excess = consecutiveFailures - policy.failuresBeforeBackoff;
  const retryAt =
    excess < 0
      ? 0
      : now + backoffDelay(excess, random, { initialMs: intervalMs * 2, maxMs: Math.max(intervalMs, policy.maxBackoffMs), jitter: 0.25 });
  return {
    consecutiveFailures,
    errorCount: state.errorCount + 1,
    ...(state.lastGoodTime !== undefined ? { lastGoodTime: state.lastGoodTime } : {}),
    lastError: error,
    retryAt,
  };
}

/**
 * Where a slave's polls stand on its bus: `healthy` (it answered last time) first, then `unknown` (never polled
 * yet), and `failing` last, only in the gaps between the others' polls.
 */
export type BusRank = 'healthy' | 'unknown' | 'failing';

export function busRank(state: HealthState): BusRank {
  if (state.consecutiveFailures > 0) return 'failing';
  return state.lastGoodTime === undefined ? 'unknown' : 'healthy';
}

/** A suspect slave (failing) is served after the others on its bus. */
export function isSuspect(state: HealthState): boolean {
  return state.consecutiveFailures > 0;
}

export function shouldSkip(state: HealthState, now: number): boolean {
  return now < state.retryAt;
}
