/**
 * Capped exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"; the shape
 * of influxdb-client-js `impl/retryStrategy.ts`). Pure: the random source is an argument.
 */

export interface BackoffOptions {
  /** Delay before the first retry, ms. Default 200. */
  readonly initialMs: number;
  /** Growth per attempt. Default 2. */
  readonly factor: number;
  /** Upper bound of any delay, ms. Default 30 000. */
  readonly maxMs: number;
  /** Share of the delay that is randomized, 0..1: 0 = fixed, 1 = full jitter in [0, delay]. Default 0.5. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF_OPTIONS: BackoffOptions = { initialMs: 200, factor: 2, maxMs: 30_000, jitter: 0.5 };

/**
 * Delay before retry number `attempt` (1 = first retry), ms. The deterministic part is
 * `min(maxMs, initialMs * factor^(attempt-1))`; jitter removes up to `jitter` of it, so retries of many gateways
 * after one outage spread out instead of arriving together. A server's Retry-After is a floor, still capped.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF_OPTIONS,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  const n = Math.max(1, Math.floor(attempt));
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** (n - 1));
  const jittered = base * (1 - options.jitter * clamp01(random()));
  const floor = retryAfterMs === undefined ? 0 : Math.min(options.maxMs, retryAfterMs);
  return Math.round(Math.max(jittered, floor));
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
