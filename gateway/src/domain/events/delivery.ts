/**
 * How a webhook delivery is judged and retried (docs/events.md). Pure: the answer, the attempt and the jitter
 * are arguments. Retry is a property of the answer (docs/engineering.md 5): 408, 429 and 5xx say "later", as
 * does no answer at all; any other 4xx (and 1xx/3xx: redirects are not followed) says "never", and the event is
 * dead-lettered with the answer for a person to look at.
 */
import { createHmac } from 'node:crypto';

export type Verdict = 'delivered' | 'retry' | 'dead';

/** What to do with an HTTP answer's status. */
export function verdictOf(status: number): Verdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'dead';
}

export interface RetryBackoffOptions {
  /** Delay before the first retry, ms. Default 1000. */
  readonly initialMs: number;
  /** Growth per attempt. Default 2. */
  readonly factor: number;
  /** Upper bound of any delay, ms. Default 300 000 (5 min). */
  readonly maxMs: number;
  /** Share of the delay removed by the jitter, 0..1. Default 0.2. */
  readonly jitter: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoffOptions = { initialMs: 1000, factor: 2, maxMs: 300_000, jitter: 0.2 };

/**
 * Delay before retry number `attempt` (1: after the first failure), ms: `min(maxMs, initialMs * factor^(attempt-1))`
 * less up to `jitter` of it, by `unit` in [0, 1) (the caller derives it from the delivery, so it is deterministic
 * and the retries of many events after one outage spread out). A receiver's Retry-After is a floor, still capped.
 */
export function retryDelayMs(attempt: number, unit = 0, options: RetryBackoffOptions = DEFAULT_RETRY_BACKOFF, retryAfterMs?: number): number {
  const n = Math.max(1, Math.floor(attempt));
  // factor^(n-1) overflows to Infinity for large n; min() keeps it at maxMs.
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** Math.min(n - 1, 1000));
  const u = Number.isFinite(unit) ? Math.min(1, Math.max(0, unit)) : 0;
  const floor = retryAfterMs === undefined || !Number.isFinite(retryAfterMs) ? 0 : Math.min(options.maxMs, Math.max(0, retryAfterMs));
  return Math.round(Math.max(base * (1 - options.jitter * u), floor));
}

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the target's secret (header x-coldtrace-signature). */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** A number in [0, 1) from a string: the deterministic jitter of one delivery attempt. */
export function unitOf(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}
