/**
 * Capped exponential backoff with jitter, as a pure function (docs/engineering.md 5; influxdb-client-js retryStrategy).
 * Jitter spreads reconnects of many agents after a broker restart so they do not stampede it.
 */
export interface BackoffOptions {
  /** Delay of the first retry, ms. Default 500. */
  readonly initialMs: number;
  /** Upper bound of any delay, ms. Default 30 000. */
  readonly maxMs: number;
  /** Growth per attempt. Default 2. */
  readonly factor: number;
  /** Fraction of the delay randomised, 0..1: the delay lies in [d·(1-jitter), d]. Default 0.5. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF_OPTIONS: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 };

/**
 * Delay before retry number `attempt` (0 = first retry), ms.
 * `random` returns a number in [0, 1) (Math.random in production; fixed in tests).
 */
export function backoffDelay(attempt: number, random: number, options: Partial<BackoffOptions> = {}): number {
  const o = { ...DEFAULT_BACKOFF_OPTIONS, ...options };
  const n = Math.max(0, Math.floor(attempt));
  // Math.min before the power would overflow to Infinity for large attempts.
  const exp = Math.min(o.maxMs, o.initialMs * Math.pow(o.factor, Math.min(n, 64)));
  const jitter = Math.min(1, Math.max(0, o.jitter));
  const r = Math.min(1, Math.max(0, random));
  return Math.round(exp * (1 - jitter * r));
}
