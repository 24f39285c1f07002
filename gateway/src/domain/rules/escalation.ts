/**
 * Escalation, tier 3 (review; docs/rules.md, "Not yet": escalation tiers): the same carrier, lane or hub with 3 or
 * more incidents within 7 days is flagged for commercial review. An incident is one shipment anomaly, counted once
 * however many batches or orders it touches, and a stop that is both unplanned and prolonged counts once. Pure: a
 * function of the flags and the shipments, in any order; no clock.
 */
import type { Finding, Flag, Related } from '../flags/types.js';

export interface Incident {
  /** `{shipment}/{family}@{episode start, ms}`: one physical event on one shipment. */
  readonly key: string;
  /** When its condition was first met (the earliest metAtMs of the episodes that make it), device time, ms. */
  readonly atMs: number;
  readonly shipment: string;
  /** The id of the flag that met it first (ties: the smallest id). */
  readonly flag: string;
  readonly orders: readonly string[];
  readonly batches: readonly string[];
}

export interface ShipmentInfo {
  readonly id: string;
  readonly carrier: string;
  readonly lane: string;
  readonly hubs: readonly string[];
}

export interface Tier3Options {
  /** Incidents within one window that make a finding. Default 3. */
  readonly minIncidents?: number;
  /** The window, ms; inclusive: incidents exactly `windowMs` apart are within it. Default 7 days. */
  readonly windowMs?: number;
}

const DAY_MS = 86_400_000;
export const TIER3_DEFAULTS: Required<Tier3Options> = { minIncidents: 3, windowMs: 7 * DAY_MS };

/** Batch rules whose flags are events, when they happen on a shipment; shelf life is a state, not an event. */
const BATCH_EVENT_RULES = new Set(['excursion', 'mkt']);
/** Rules whose episodes are the same physical stop (the prolonged flag escalates the unplanned one). */
const STOP_RULES = new Set(['unplanned-stop', 'prolonged-stop']);

/**
 * What makes an incident the same one: the rule's first segment (`excursion`, `mkt`, `shock`, ...), the stop rules
 * as one. The same warm spell judged as instant, consecutive and cumulative, or a shock of 50 g that is also one
 * of 25 g, is then one incident (their episodes start alike).
 */
function familyOf(rule: string): string {
  const head = rule.split('/')[0] ?? rule;
  return STOP_RULES.has(head) ? 'stop' : head;
}

/** The shipments a flag is an anomaly of: its subject's, or a batch event's shipments; none for the rest. */
function shipmentsOf(f: Flag): readonly string[] {
  if (f.withdrawn) return [];
  if (f.subject.kind === 'shipment') return [f.subject.id];
  if (f.subject.kind === 'batch' && BATCH_EVENT_RULES.has(familyOf(f.rule))) return f.related.shipments;
  return [];
}

function unique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byTime(a: Incident, b: Incident): number {
  return a.atMs - b.atMs || cmp(a.key, b.key);
}

/** The incidents of flags: one per shipment anomaly, however many batches or orders it touches. */
export function incidentsOf(flags: readonly Flag[]): Incident[] {
  const found = new Map<string, { atMs: number; shipment: string; flag: string; orders: Set<string>; batches: Set<string> }>();
  for (const f of flags) {
    const shipments = shipmentsOf(f);
    if (shipments.length === 0) continue;
    // Each offending stretch is an event of its own; a flag without episodes (data gap, MKT) is one.
    const events = f.episodes.length > 0 ? f.episodes.map((e) => ({ startMs: e.startMs, atMs: e.metAtMs })) : [{ startMs: f.startMs, atMs: f.metAtMs }];
    const family = familyOf(f.rule);
    for (const shipment of shipments) {
      for (const ev of events) {
        const key = `${shipment}/${family}@${ev.startMs}`;
        const cur = found.get(key);
        if (cur === undefined) {
          found.set(key, { atMs: ev.atMs, shipment, flag: f.id, orders: new Set(f.related.orders), batches: new Set(f.related.batches) });
          continue;
        }
        if (ev.atMs < cur.atMs || (ev.atMs === cur.atMs && f.id < cur.flag)) {
          cur.atMs = ev.atMs;
          cur.flag = f.id;
        }
        for (const o of f.related.orders) cur.orders.add(o);
        for (const b of f.related.batches) cur.batches.add(b);
      }
    }
  }
  return [...found].map(([key, v]) => ({ key, atMs: v.atMs, shipment: v.shipment, flag: v.flag, orders: unique(v.orders), batches: unique(v.batches) })).sort(byTime);
}

type Tier3Kind = 'carrier' | 'lane' | 'hub';
const KINDS: readonly Tier3Kind[] = ['carrier', 'lane', 'hub'];

/** Shipment id -> the carriers, lanes and hubs it names (a duplicate id adds its own: the same in any order). */
function dimensionsOf(shipments: readonly ShipmentInfo[]): Map<string, Record<Tier3Kind, Set<string>>> {
  const out = new Map<string, Record<Tier3Kind, Set<string>>>();
  for (const s of shipments) {
    const d = out.get(s.id) ?? { carrier: new Set<string>(), lane: new Set<string>(), hub: new Set<string>() };
    d.carrier.add(s.carrier);
    d.lane.add(s.lane);
    for (const h of s.hubs) d.hub.add(h);
    out.set(s.id, d);
  }
  return out;
}

function spanText(ms: number): string {
  if (ms % DAY_MS === 0) return ms === DAY_MS ? '1 day' : `${ms / DAY_MS} days`;
  return `${Math.round((ms / 3_600_000) * 100) / 100} h`;
}

/**
 * Tier 3 (review): the same carrier, lane or hub with >= `minIncidents` incidents within `windowMs`: one finding per
 * carrier, lane and hub (`tier3/carrier`, `tier3/lane`, `tier3/hub`). A window is the incidents from one to one
 * at most `windowMs` later, inclusive. The finding starts at the first incident of the first window that reaches
 * the minimum and is met at the incident that brings it there; it ends at the last incident of the last such window
 * and relates the shipments, orders and batches of the incidents in such windows. `figures.incidents` is the count
 * of the densest window. It is active while the window ending at the latest incident still reaches the minimum: the
 * latest incident stands for "now", so the same incidents give the same finding whenever they are judged.
 * Incidents of shipments not in `shipments` count nowhere.
 */
export function tier3Findings(incidents: readonly Incident[], shipments: readonly ShipmentInfo[], opts: Tier3Options = {}): Finding[] {
  const minIncidents = opts.minIncidents ?? TIER3_DEFAULTS.minIncidents;
  const windowMs = opts.windowMs ?? TIER3_DEFAULTS.windowMs;
  if (!Number.isInteger(minIncidents) || minIncidents < 1) throw new RangeError(`minIncidents must be an integer >= 1, not ${minIncidents}`);
  if (!Number.isFinite(windowMs) || windowMs < 0) throw new RangeError(`windowMs must be a finite number >= 0, not ${windowMs}`);

  const dims = dimensionsOf(shipments);
  const groups = new Map<string, { kind: Tier3Kind; id: string; incidents: Incident[] }>();
  const seen = new Set<string>();
  // The same incident given twice counts once (its earliest report, in any order).
  for (const inc of [...incidents].sort((a, b) => byTime(a, b) || cmp(a.flag, b.flag))) {
    if (seen.has(inc.key)) continue;
    seen.add(inc.key);
    const d = dims.get(inc.shipment);
    if (d === undefined) continue;
    for (const kind of KINDS) {
      for (const id of d[kind]) {
        const g = groups.get(`${kind}\u0000${id}`) ?? { kind, id, incidents: [] };
        g.incidents.push(inc);
        groups.set(`${kind}\u0000${id}`, g);
      }
    }
  }

  const out: Finding[] = [];
  const order = [...groups.values()].sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || cmp(a.id, b.id));
  for (const g of order) {
    const f = groupFinding(g.kind, g.id, g.incidents, minIncidents, windowMs);
    if (f !== undefined) out.push(f);
  }
  return out;
}

/** One carrier's, lane's or hub's incidents (in time order) judged by sliding windows. */
function groupFinding(kind: Tier3Kind, id: string, incs: readonly Incident[], minIncidents: number, windowMs: number): Finding | undefined {
  let lo = 0;
  let first: { startMs: number; metAtMs: number } | undefined;
  let lastEnd = 0;
  let densest = 0;
  let countAtEnd = 0;
  // Incidents in some window that reaches the minimum: from a window's first incident to its last.
  const counted: number[] = [];
  for (let j = 0; j < incs.length; j++) {
    const at = incs[j]!.atMs;
    while (at - incs[lo]!.atMs > windowMs) lo++;
    const count = j - lo + 1;
    countAtEnd = count;
    if (count < minIncidents) continue;
    first ??= { startMs: incs[lo]!.atMs, metAtMs: at };
    lastEnd = at;
    densest = Math.max(densest, count);
    for (let i = Math.max(lo, (counted.at(-1) ?? -1) + 1); i <= j; i++) counted.push(i);
  }
  if (first === undefined) return undefined;
  const members = counted.map((i) => incs[i]!);
  const related: Related = {
    devices: [], zones: [], shipments: unique(members.map((m) => m.shipment)),
    orders: unique(members.flatMap((m) => m.orders)), batches: unique(members.flatMap((m) => m.batches)),
  };
  return {
    rule: `tier3/${kind}`, params: { minIncidents, windowMs }, subject: { kind, id }, severity: 'major',
    title: `${kind} ${id}: ${densest} incidents within ${spanText(windowMs)}`,
    startMs: first.startMs, endMs: lastEnd, metAtMs: first.metAtMs, active: countAtEnd >= minIncidents,
    episodes: [], figures: { incidents: densest, shipments: related.shipments.length }, related,
  };
}
