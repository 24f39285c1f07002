/** How flags are ordered and named on the page, pure. */
import type { Flag, FlagEvent, FlagState, Severity } from './api-orders.js';

export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { info: 'Info', warning: 'Warning', major: 'Major', critical: 'Critical' };
export const STATE_LABEL: Readonly<Record<FlagState, string>> = { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved' };

export function severityLabel(s: string): string {
  return (SEVERITY_LABEL as Record<string, string | undefined>)[s] ?? s;
}

/** Newest first by the moment the condition was met; ties by id, so the order is stable between refreshes. */
export function sortNewestFirst<T extends Pick<Flag, 'metAtMs' | 'id'>>(flags: readonly T[]): T[] {
  return [...flags].sort((a, b) => b.metAtMs - a.metAtMs || a.id.localeCompare(b.id));
}

/** `shipment SH-RT-0042`, `carrier Polar Freight`. */
export function subjectText(f: Pick<Flag, 'subject'>): string {
  return `${f.subject.kind} ${f.subject.id}`;
}

/** The last move a person made (acknowledged, resolved, reopened), for "acknowledged by … : comment". */
export function lastHumanMove(events: readonly FlagEvent[]): FlagEvent | undefined {
  return [...events].reverse().find((e) => e.kind === 'acknowledged' || e.kind === 'resolved' || e.kind === 'reopened');
}

/** Which moves the page offers in a state: acknowledging an acknowledged flag is not a move. */
export function movesFor(state: FlagState): ReadonlyArray<'acknowledge' | 'resolve'> {
  return state === 'open' ? ['acknowledge', 'resolve'] : state === 'acknowledged' ? ['resolve'] : [];
}

/** The sentence for a refused move: 409 is the lifecycle saying no (someone else moved the flag meanwhile). */
export function refusalText(status: number, message: string): string {
  if (status === 409) return `Not done: the flag's state does not allow this move (${message}). Someone may have moved it meanwhile: refresh to see its state.`;
  if (status === 404) return `Not done: the gateway no longer has this flag (${message}).`;
  return `Not done: the gateway answered HTTP ${status} (${message}).`;
}
