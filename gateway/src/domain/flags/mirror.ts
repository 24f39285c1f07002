/**
 * A flag's lifecycle as points for a time-series store (issue #16: flags in Grafana for the InfluxDB deployment).
 * Pure: flag changes in, one point per event out, the same every time, so a change mirrored twice (a retry, a
 * restart) gives the same points and the store keeps each once.
 *
 * A point is the flag as it was right after the event, at the event's gateway time: the last point of a flag is
 * its current state (what the table of open flags reads), and every point is an annotation on the charts.
 */
import { linksOf, tierOf, zonesOf } from '../alerts/alertmanager.js';
import type { FlagEventKind } from '../events/flag-events.js';
import type { Flag } from './types.js';

export interface FlagPoint {
  /** Gateway time of the event, ms: the point's time. */
  readonly at: number;
  readonly event: FlagEventKind;
  readonly flag: string;
  readonly rule: string;
  readonly severity: Flag['severity'];
  /** docs/rules.md, Escalation: 1 inform, 2 act, 3 review. */
  readonly tier: '1' | '2' | '3';
  readonly subjectKind: string;
  readonly subjectId: string;
  /** Sites of the zones it touches, comma-separated; '' when none. */
  readonly site: string;
  /** Zones it touches (its subject when a zone), comma-separated; '' when none. */
  readonly zone: string;
  /** Shipments it touches (its subject when a shipment), comma-separated; '' when none. */
  readonly shipment: string;
  /** `open`, `acknowledged`, `resolved`; `withdrawn` when the data no longer shows it. */
  readonly state: Flag['state'] | 'withdrawn';
  readonly active: boolean;
  readonly title: string;
  /** Orders at risk, comma-separated; '' when none. */
  readonly orders: string;
  readonly batches: string;
  readonly devices: string;
  /** Device times of the offending stretch and of the moment the condition was met, ms. */
  readonly startMs: number;
  readonly endMs: number;
  readonly metAtMs: number;
  /** `rules`, or the person who moved it. */
  readonly actor: string;
  readonly comment?: string;
  /** Where a person sees the evidence: the order's timeline (evidence charts), or the flags view. */
  readonly evidenceUrl: string;
  /** The flag's own document in the API. */
  readonly flagUrl: string;
  /** The rule's numeric figures (min, max, twa, totalBeyondMin ...): the evidence numbers. */
  readonly figures: Readonly<Record<string, number>>;
  /** Its text figures, `name value` joined by `; `. */
  readonly notes: string;
}

export interface FlagPointContext {
  /** Sites of a flag's zones (the registry knows them). */
  readonly sites: readonly string[];
  /** The gateway's public base URL; '' gives links relative to it (`/#/orders/O-1`). */
  readonly publicUrl: string;
}

/** One point per event of each change, in the order of the changes and of their events. */
export function flagPoints(changes: readonly { readonly flag: Flag; readonly events: readonly FlagEventKind[] }[], contextOf: (f: Flag) => FlagPointContext): FlagPoint[] {
  const out: FlagPoint[] = [];
  for (const { flag, events } of changes) {
    const ctx = contextOf(flag);
    for (const kind of events) out.push(pointOf(flag, kind, ctx));
  }
  return out;
}

export function pointOf(flag: Flag, kind: FlagEventKind, ctx: FlagPointContext): FlagPoint {
  const event = flag.events.findLast((e) => e.kind === kind);
  const links = linksOf(flag, ctx.publicUrl);
  const figures: Record<string, number> = {};
  const notes: string[] = [];
  for (const [k, v] of Object.entries(flag.figures)) {
    if (typeof v === 'number' && Number.isFinite(v)) figures[k] = v;
    else notes.push(`${k} ${String(v)}`);
  }
  const shipments = flag.subject.kind === 'shipment' ? [...new Set([flag.subject.id, ...flag.related.shipments])].sort() : flag.related.shipments;
  return {
    at: event?.at ?? flag.updatedAt,
    event: kind,
    flag: flag.id,
    rule: flag.rule,
    severity: flag.severity,
    tier: tierOf(flag),
    subjectKind: flag.subject.kind,
    subjectId: flag.subject.id,
    site: [...ctx.sites].sort().join(','),
    zone: zonesOf(flag).join(','),
    shipment: shipments.join(','),
    state: flag.withdrawn ? 'withdrawn' : flag.state,
    active: flag.active,
    title: flag.title,
    orders: flag.related.orders.join(','),
    batches: flag.related.batches.join(','),
    devices: flag.related.devices.join(','),
    startMs: flag.startMs,
    endMs: flag.endMs,
    metAtMs: flag.metAtMs,
    actor: event?.by ?? 'rules',
    ...(event?.comment !== undefined ? { comment: event.comment } : {}),
    evidenceUrl: links.dashboard,
    flagUrl: links.flag,
    figures,
    notes: notes.join('; '),
  };
}
