/**
 * Errors of a remote time-series store. Retry is a property of the error (docs/engineering.md 5): the spool's forwarder reads
 * `retryable` and `retryAfterMs` and never inspects messages.
 */
import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client';

export type RemoteStoreErrorCode =
  /** The server answered with an HTTP error status (see `status`). */
  | 'E_REMOTE_HTTP'
  /** No answer: connection refused or reset, DNS failure. */
  | 'E_REMOTE_NETWORK'
  /** The request timed out. */
  | 'E_REMOTE_TIMEOUT'
  /** The server answered 2xx with a body we cannot read (InfluxQL error, bad JSON). */
  | 'E_REMOTE_RESPONSE'
  /** A reading cannot be encoded as line protocol (non-finite value, non-integer seq). */
  | 'E_REMOTE_ENCODE';

export class RemoteStoreError extends Error {
  override readonly name = 'RemoteStoreError';

  constructor(
    readonly code: RemoteStoreErrorCode,
    message: string,
    /** Whether sending the same request again may succeed. */
    readonly retryable: boolean,
    /** HTTP status, when the server answered. */
    readonly status?: number,
    /** Server-requested delay before retrying (Retry-After), ms. */
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Retry policy by status: 5xx and 429 are the server's trouble (retry); any other 4xx says the request itself is
 * wrong (bad line, unknown database, bad credentials) and sending it again cannot help.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Parses a Retry-After header (delta-seconds or HTTP date), ms; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export function httpError(status: number, body: string, retryAfter: string | null | undefined, nowMs: number): RemoteStoreError {
  return new RemoteStoreError('E_REMOTE_HTTP', `HTTP ${status}: ${serverMessage(body)}`, isRetryableStatus(status), status,
    parseRetryAfter(retryAfter, nowMs));
}

/** Maps whatever the HTTP layer threw (influxdb-client errors, fetch errors, Node socket errors) to a RemoteStoreError. */
export function toRemoteStoreError(e: unknown, nowMs: number): RemoteStoreError {
  if (e instanceof RemoteStoreError) return e;
  if (e instanceof HttpError) {
    const header = e.headers?.['retry-after'];
    return httpError(e.statusCode, e.body ?? e.message, Array.isArray(header) ? header[0] : header, nowMs);
  }
  if (e instanceof RequestTimedOutError || (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))) {
    return new RemoteStoreError('E_REMOTE_TIMEOUT', e.message, true, undefined, undefined, { cause: e });
  }
  const message = e instanceof Error ? describe(e) : String(e);
  return new RemoteStoreError('E_REMOTE_NETWORK', message, true, undefined, undefined, { cause: e });
}

/** InfluxDB answers `{"error":"..."}`; keep the server's words, bounded. */
function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error.slice(0, 2000);
  } catch {
    // not JSON: use the text as is
  }
  return body.slice(0, 2000);
}

function describe(e: Error): string {
  const cause = e.cause;
  const code = (e as { code?: unknown }).code ?? (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${e.message} (${code})` : e.message;
}
