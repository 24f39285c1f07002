/**
 * The messages an order hub is told when flags change (docs/events.md). Pure: a flag change in, its messages out,
 * the same ones every time. The id of a message is its idempotency key, derived from the flag, the event kind and
 * the moment of the event, so a change accepted twice (a retry, a restart) yields the same keys and the receiver
 * sees each event once per key.
 */
import { createHash } from 'node:crypto';
import type { Flag, FlagEvent, Related, Severity, SubjectKind } from '../flags/types.js';

/** Version of the message format; a change that breaks receivers bumps it. */
export const FLAG_EVENT_VERSION = 1;

export type FlagEventKind = FlagEvent['kind'];
export type FlagEventType = `flag.${FlagEventKind}`;

/** A flag's change as the flag store reports it (the shape of ports/flags.ts FlagChange, restated: domain imports domain). */
export interface FlagChangeLike {
  readonly flag: Flag;
  readonly events: readonly FlagEventKind[];
}

export interface FlagSummary {
  readonly id: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly title: string;
  readonly subject: { readonly kind: SubjectKind; readonly id: string };
  readonly state: Flag['state'];
  readonly active: boolean;
  readonly withdrawn: boolean;
  /** Device time of the first offending stretch, ms and ISO 8601. */
  readonly startMs: number;
  readonly start: string;
  readonly endMs: number;
  readonly end: string;
  /** When the alarm condition was met, device time. */
  readonly metAtMs: number;
  readonly metAt: string;
  readonly figures: Readonly<Record<string, number | string>>;
  readonly related: Related;
}

/** What a customer notice needs: which orders, what happened, since when, where the customer looks it up. */
export interface Notice {
  readonly orders: readonly string[];
  readonly what: string;
  /** ISO 8601 of the moment the condition was met. */
  readonly since: string;
  /** The link template filled in per order; absent when no template is configured. */
  readonly links?: readonly { readonly order: string; readonly url: string }[];
}

export interface FlagEventMessage {
  readonly v: typeof FLAG_EVENT_VERSION;
  /** Idempotency key: a UUID-shaped digest of flag id, event kind and event time. */
  readonly id: string;
  readonly type: FlagEventType;
  /** Gateway time of the event, ISO 8601. */
  readonly occurredAt: string;
  /** Who: `rules` for evaluations, the person for acknowledge / resolve / reopen. */
  readonly actor: string;
  readonly comment?: string;
  readonly flag: FlagSummary;
  readonly orders: readonly string[];
  readonly notice: Notice;
}

export interface FlagEventOptions {
  /** `https://track.example.com/orders/{order}/flags/{flag}`: `{order}` and `{flag}` are replaced, URL-encoded. */
  readonly linkTemplate?: string;
}

const KINDS: Record<FlagEventKind, true> = {
  raised: true, updated: true, cleared: true, reactivated: true, withdrawn: true, reopened: true, acknowledged: true, resolved: true,
};

/** One message per event of each change, in the order of the changes and of their events. */
export function flagEvents(changes: readonly FlagChangeLike[], opts: FlagEventOptions = {}): FlagEventMessage[] {
  const out: FlagEventMessage[] = [];
  for (const c of changes) {
    const summary = summarize(c.flag);
    const notice = noticeOf(c.flag, opts.linkTemplate);
    for (const kind of c.events) {
      if (KINDS[kind] !== true) continue;
      const event = lastEvent(c.flag, kind);
      const at = event?.at ?? c.flag.updatedAt;
      out.push({
        v: FLAG_EVENT_VERSION,
        id: eventKey(c.flag.id, kind, at),
        type: `flag.${kind}`,
        occurredAt: iso(at),
        actor: event?.by ?? 'rules',
        ...(event?.comment !== undefined ? { comment: event.comment } : {}),
        flag: summary,
        orders: c.flag.related.orders,
        notice,
      });
    }
  }
  return out;
}

/**
 * The idempotency key of a flag event: sha256 of `${flagId}|${kind}|${at}`, its first 128 bits shaped as a UUID of
 * version 8 (RFC 9562 5.8, "custom"), so receivers can keep it in a UUID column.
 */
export function eventKey(flagId: string, kind: FlagEventKind, at: number): string {
  return digestKey(`${flagId}|${kind}|${at}`);
}

/** sha256 of `text`, its first 128 bits shaped as a UUID of version 8: every event's idempotency key. */
export function digestKey(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The template with `{order}` and `{flag}` replaced (URL-encoded: flag ids hold `/`, `@` and `:`). */
export function fillLink(template: string, order: string, flagId: string): string {
  return template.replaceAll('{order}', encodeURIComponent(order)).replaceAll('{flag}', encodeURIComponent(flagId));
}

/** The change's events are the newest of their kind in the flag's history (each kind at most once per change). */
function lastEvent(flag: Flag, kind: FlagEventKind): FlagEvent | undefined {
  for (let i = flag.events.length - 1; i >= 0; i--) if (flag.events[i]!.kind === kind) return flag.events[i];
  return undefined;
}

function summarize(f: Flag): FlagSummary {
  return {
    id: f.id, rule: f.rule, severity: f.severity, title: f.title, subject: { kind: f.subject.kind, id: f.subject.id },
    state: f.state, active: f.active, withdrawn: f.withdrawn,
    startMs: f.startMs, start: iso(f.startMs), endMs: f.endMs, end: iso(f.endMs), metAtMs: f.metAtMs, metAt: iso(f.metAtMs),
    figures: f.figures, related: f.related,
  };
}

function noticeOf(f: Flag, template: string | undefined): Notice {
  const orders = f.related.orders;
  return {
    orders, what: f.title, since: iso(f.metAtMs),
    ...(template !== undefined && template !== '' ? { links: orders.map((order) => ({ order, url: fillLink(template, order, f.id) })) } : {}),
  };
}

/** ISO 8601; a time out of the Date range (a rule's open bound) is given as an empty string, never a throw. */
function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}
