/**
 * The webhook POST (docs/events.md) with Node's fetch. Redirects are not followed (a webhook that moved is
 * dead-lettered with its answer, not silently re-sent elsewhere); an answer's body is read up to a cap; a request
 * with no answer within the timeout is aborted and rejects, so the event is tried again later.
 */
import type { WebhookAnswer, WebhookPost } from '../../services/event-delivery.js';

export interface WebhookPostOptions {
  /** Whole request, answer body included, ms. Default 10 000. */
  readonly timeoutMs: number;
  /** Most bytes of an answer's body read, the rest discarded. Default 4096. */
  readonly maxAnswerBytes: number;
  /** Default `coldtrace-gateway`. */
  readonly userAgent: string;
}

export const DEFAULT_WEBHOOK_POST_OPTIONS: WebhookPostOptions = { timeoutMs: 10_000, maxAnswerBytes: 4096, userAgent: 'coldtrace-gateway' };

export function fetchPoster(options: Partial<WebhookPostOptions> = {}): WebhookPost {
  const o = { ...DEFAULT_WEBHOOK_POST_OPTIONS, ...options };
  return async (url, body, headers) => {
    const signal = AbortSignal.timeout(o.timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', body, headers: { 'user-agent': o.userAgent, ...headers }, redirect: 'manual', signal });
    } catch (e) {
      throw new Error(describe(e), { cause: e });
    }
    const text = await readCapped(res, o.maxAnswerBytes).catch(() => '');
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
    return { status: res.status, body: text, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) } satisfies WebhookAnswer;
  };
}

/** Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(v: string | null, nowMs: number): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  // An HTTP date names its day and month; Date.parse alone would take '-5' for a year.
  const t = /[a-z]{3}/i.test(v) ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? undefined : Math.max(0, t - nowMs);
}

async function readCapped(res: Response, max: number): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < max) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      n += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(parts).subarray(0, max));
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, a timeout) is in its cause. */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timed out';
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? e.message;
}
