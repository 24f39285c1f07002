/** The audit log of the HTTP API (docs/security.md "HTTP access"): every mutating call and every refused one. */

/** `ok`: 2xx/3xx; `failed`: 4xx/5xx after access was granted; `unauthenticated`: 401; `forbidden`: 403. */
export type AuditOutcome = 'ok' | 'failed' | 'unauthenticated' | 'forbidden';

export interface AuditEntryInput {
  /** When the call ended, ms since the epoch (the gateway's clock). */
  readonly at: number;
  /** The key that called (absent: no key or a bad one). */
  readonly keyId?: string;
  readonly keyName?: string;
  readonly role?: string;
  readonly method: string;
  /** The route pattern, e.g. `/api/v1/registry/:kind/:id`; the raw URL when no route matched. */
  readonly route: string;
  /** Path parameters of the call. */
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
  readonly outcome: AuditOutcome;
  /** Why a call was refused (E_UNAUTHENTICATED: no key ...). */
  readonly reason?: string;
  /** The entity before and after the call (registry entities, flags); JSON values. */
  readonly before?: unknown;
  readonly after?: unknown;
  readonly ip: string;
}

export interface AuditEntry extends AuditEntryInput {
  /** Increasing; pages are cut by it. */
  readonly id: number;
}

export interface AuditQuery {
  /** Entries with an id below this (the previous page's `next`). */
  readonly before?: number;
  readonly limit: number;
  readonly keyId?: string;
  readonly method?: string;
  /** Route pattern prefix, e.g. `/api/v1/registry`. */
  readonly route?: string;
  readonly outcome?: AuditOutcome;
  /** ms since the epoch, inclusive. */
  readonly from?: number;
  /** ms since the epoch, exclusive. */
  readonly to?: number;
}

export interface AuditLog {
  append(entry: AuditEntryInput): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
}
