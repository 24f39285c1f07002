/**
 * A flag as an Alertmanager alert (issue #22, docs/notifications.md): the body item of `POST /api/v2/alerts`. Pure:
 * the gateway time, the sites of the flag's zones and the link base are arguments.
 *
 * Alertmanager identifies an alert by its labels, so the labels are what a team routes on and nothing that changes
 * on every evaluation (figures, state, times go to annotations). A firing alert carries an `endsAt` a few re-send
 * intervals ahead, as Prometheus does: if the gateway stops re-sending, its alerts end by themselves at that time,
 * whatever the Alertmanager's `resolve_timeout`.
 */
import type { Flag } from '../flags/types.js';

/** One item of the `POST /api/v2/alerts` body (Alertmanager's `postableAlert`). */
export interface AlertmanagerAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** ISO 8601. */
  readonly startsAt: string;
  /** ISO 8601; at or before now: resolved. */
  readonly endsAt: string;
  /** The flag with its history on the gateway, when a public URL is configured. */
  readonly generatorURL?: string;
}

export interface AlertContext {
  /** Gateway time, ms. */
  readonly now: number;
  /** How long a firing alert holds without being sent again, ms (its `endsAt` is now plus this). */
  readonly validForMs: number;
  /** Sites of the flag's zones, sorted (the registry's; none when unknown). */
  readonly sites: readonly string[];
  /** The gateway's public base URL (`https://coldtrace.example.com`), for the evidence links; none: no links. */
  readonly publicUrl?: string;
}

/** The alert is firing: the flag's condition holds, nobody resolved it and the data still shows it. */
export function isFiring(flag: Flag): boolean {
  return flag.active && !flag.withdrawn && flag.state !== 'resolved';
}

/** `excursion/temperature/upper/8/instant` -> `ColdtraceExcursion`; `shelf-life/q10` -> `ColdtraceShelfLife`. */
export function alertName(rule: string): string {
  const family = rule.split('/')[0] ?? rule;
  return `Coldtrace${family.split(/[^A-Za-z0-9]+/).filter((w) => w !== '').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}`;
}

/** docs/rules.md, Escalation: tier 3 (review) is its own rules; tiers 1 (inform) and 2 (act) are the flags by severity. */
export function tierOf(flag: Pick<Flag, 'rule' | 'severity'>): '1' | '2' | '3' {
  if (flag.rule.startsWith('tier3/')) return '3';
  return flag.severity === 'warning' ? '1' : '2';
}

/** The labels a team routes on; the alert's identity in Alertmanager. */
export function alertLabels(flag: Flag, sites: readonly string[]): Record<string, string> {
  return {
    alertname: alertName(flag.rule),
    source: 'coldtrace',
    rule: flag.rule,
    severity: flag.severity,
    tier: tierOf(flag),
    subject_kind: flag.subject.kind,
    subject_id: flag.subject.id,
    ...(flag.subject.kind === 'zone' || flag.related.zones.length > 0 ? { zone: zonesOf(flag).join(',') } : {}),
    ...(sites.length > 0 ? { site: sites.join(',') } : {}),
  };
}

/** The alert of a flag as it is now: firing, or resolved at the moment it ended. */
export function alertOf(flag: Flag, ctx: AlertContext): AlertmanagerAlert {
  const startsAt = Math.min(flag.metAtMs, ctx.now);
  const endsAt = isFiring(flag) ? ctx.now + ctx.validForMs : Math.min(ctx.now, Math.max(startsAt, endedAt(flag)));
  const links = ctx.publicUrl === undefined ? undefined : linksOf(flag, ctx.publicUrl);
  return {
    labels: alertLabels(flag, ctx.sites),
    annotations: {
      summary: `${flag.title} (${flag.subject.kind} ${flag.subject.id})`,
      description: describe(flag),
      flag_id: flag.id,
      state: flag.withdrawn ? 'withdrawn' : flag.state,
      active: String(flag.active),
      ...(flag.related.orders.length > 0 ? { orders: flag.related.orders.join(', ') } : {}),
      ...(flag.related.batches.length > 0 ? { batches: flag.related.batches.join(', ') } : {}),
      ...(flag.related.shipments.length > 0 ? { shipments: flag.related.shipments.join(', ') } : {}),
      ...(flag.related.devices.length > 0 ? { devices: flag.related.devices.join(', ') } : {}),
      ...(links !== undefined ? { evidence_url: links.flag, dashboard_url: links.dashboard } : {}),
      ...(links !== undefined && links.orders.length > 0 ? { order_urls: links.orders.join('\n') } : {}),
    },
    startsAt: new Date(startsAt).toISOString(),
    endsAt: new Date(endsAt).toISOString(),
    ...(links !== undefined ? { generatorURL: links.flag } : {}),
  };
}

/** An alert with these labels, resolved now: ends one the gateway sent before with labels the flag no longer has. */
export function resolvedAlert(labels: Readonly<Record<string, string>>, startsAt: string, now: number): AlertmanagerAlert {
  return { labels, annotations: {}, startsAt, endsAt: new Date(Math.max(now, Date.parse(startsAt))).toISOString() };
}

/** Labels as one string, the same for the same set in any order. */
export function fingerprint(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The zones of a flag: its subject when it is a zone, and the zones it touches; sorted. */
export function zonesOf(flag: Flag): string[] {
  return flag.subject.kind === 'zone' ? [...new Set([flag.subject.id, ...flag.related.zones])].sort() : [...flag.related.zones];
}

/** When the alert ended: a withdrawal or resolution at its gateway time; a cleared condition at its last offending device time. */
function endedAt(flag: Flag): number {
  const kind = flag.withdrawn ? 'withdrawn' : flag.state === 'resolved' ? 'resolved' : undefined;
  if (kind === undefined) return flag.endMs;
  const e = flag.events.findLast((x) => x.kind === kind);
  return e?.at ?? flag.updatedAt;
}

function describe(flag: Flag): string {
  const lines = [
    `${flag.title}: ${flag.subject.kind} ${flag.subject.id}, severity ${flag.severity}.`,
    `Condition met at ${iso(flag.metAtMs)}; offending from ${iso(flag.startMs)} to ${iso(flag.endMs)}${flag.active ? ' (still holds)' : ' (ended)'}.`,
  ];
  const figures = Object.entries(flag.figures).map(([k, v]) => `${k} ${v}`);
  if (figures.length > 0) lines.push(`Figures: ${figures.join(', ')}.`);
  if (flag.related.orders.length > 0) lines.push(`Orders at risk: ${flag.related.orders.join(', ')}.`);
  return lines.join('\n');
}

export function linksOf(flag: Flag, publicUrl: string): { flag: string; dashboard: string; orders: string[] } {
  const base = publicUrl.replace(/\/+$/, '');
  const orders = flag.related.orders.map((o) => `${base}/#/orders/${encodeURIComponent(o)}`);
  return { flag: `${base}/api/v1/flags/${encodeURIComponent(flag.id)}`, dashboard: orders[0] ?? `${base}/#/flags`, orders };
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
