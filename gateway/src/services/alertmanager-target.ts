/** One Alertmanager of the push (alertmanager-push.ts): its endpoint, headers, queue and what it was last sent. */
import { Buffer } from 'node:buffer';
import type { Flag } from '../domain/flags/types.js';

/** The labels of an alert as last accepted firing, and its start (to end it with the same). */
export interface Sent { readonly labels: Readonly<Record<string, string>>; readonly fingerprint: string; readonly startsAt: string }

export interface Target {
  readonly url: string;
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Flag id -> its latest state to send. */
  readonly pending: Map<string, Flag>;
  /** Flag id -> the labels it was last accepted with while firing (a hint, to end an alert whose labels changed). */
  readonly sent: Map<string, Sent>;
  failedInARow: number;
  retryAt: number;
  inFlight?: Promise<void>;
  counts: { sent: number; failures: number; rejected: number; dropped: number };
  lastError?: string;
  lastSuccessAt?: number;
}

/** a is a later state of the flag than b. */
export function newer(a: Flag, b: Flag): boolean {
  return a.updatedAt > b.updatedAt || (a.updatedAt === b.updatedAt && a.events.length > b.events.length);
}

/** A target from a base URL; credentials in it become a basic-auth header and leave the URL (logs, metrics). */
export function target(base: string): Target {
  const u = new URL(base);
  const auth: Record<string, string> = u.username !== '' || u.password !== ''
    ? { authorization: `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}` }
    : {};
  u.username = '';
  u.password = '';
  const url = u.toString().replace(/\/+$/, '');
  return {
    url, endpoint: `${url}/api/v2/alerts`, headers: { 'content-type': 'application/json', ...auth },
    pending: new Map(), sent: new Map(), failedInARow: 0, retryAt: 0, counts: { sent: 0, failures: 0, rejected: 0, dropped: 0 },
  };
}
