/**
 * The weekly lane report (#16; docs/dashboard.md, "Lanes"): incidents per carrier, lane or hub per ISO week. An
 * incident is tier 3's (domain/rules/escalation.ts): one anomaly of a shipment, counted once however many batches
 * or rules show it. Pure: a function of the incidents, the shipments, the range and the zone.
 */
import type { Incident, ShipmentInfo } from '../rules/escalation.js';
import { isoWeekOfDay, isoWeeksBetween, localDays, type IsoWeek } from './iso-week.js';

export type LaneDimension = 'carrier' | 'lane' | 'hub';

export interface LaneWeeksQuery {
  readonly by: LaneDimension;
  /** Incidents met in [fromMs, toMs) count, device time, ms. */
  readonly fromMs: number;
  readonly toMs: number;
  /** IANA time zone the weeks are cut in. */
  readonly zone: string;
}

export interface LaneWeekCell {
  /** ISO week key, `2026-W49`. */
  readonly week: string;
  readonly incidents: number;
  /** The shipments and the flags (the first to meet each incident) behind the count, sorted, each once. */
  readonly shipments: readonly string[];
  readonly flags: readonly string[];
}

export interface LaneWeeksRow {
  /** The carrier, lane or hub. */
  readonly key: string;
  readonly total: number;
  /** Only weeks with incidents. */
  readonly cells: readonly LaneWeekCell[];
}

export interface LaneWeeks {
  /** Every week of the range, in order, with or without incidents: the heatmap's columns. */
  readonly weeks: readonly IsoWeek[];
  /** Keys with incidents in the range, most incidents first, then by key. */
  readonly rows: readonly LaneWeeksRow[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function keysOf(s: ShipmentInfo, by: LaneDimension): readonly string[] {
  if (by === 'carrier') return [s.carrier];
  if (by === 'lane') return [s.lane];
  return s.hubs;
}

/**
 * Incidents met in the range, per `by` key and ISO week in `zone`. An incident given twice (same key) counts once;
 * a shipment through two hubs counts in each hub's row; incidents of shipments not in `shipments`, or of one with
 * an empty carrier or lane, count nowhere.
 */
export function laneWeeks(incidents: readonly Incident[], shipments: readonly ShipmentInfo[], q: LaneWeeksQuery): LaneWeeks {
  const byShipment = new Map<string, Set<string>>();
  for (const s of shipments) {
    const keys = byShipment.get(s.id) ?? new Set<string>();
    for (const k of keysOf(s, q.by)) if (k !== '') keys.add(k);
    byShipment.set(s.id, keys);
  }
  const dayOf = localDays(q.zone);
  const cells = new Map<string, Map<string, { n: number; shipments: Set<string>; flags: Set<string> }>>();
  const seen = new Set<string>();
  for (const inc of incidents) {
    if (inc.atMs < q.fromMs || inc.atMs >= q.toMs || seen.has(inc.key)) continue;
    seen.add(inc.key);
    const week = isoWeekOfDay(dayOf(inc.atMs)).key;
    for (const key of byShipment.get(inc.shipment) ?? []) {
      const row = cells.get(key) ?? new Map<string, { n: number; shipments: Set<string>; flags: Set<string> }>();
      cells.set(key, row);
      const c = row.get(week) ?? { n: 0, shipments: new Set<string>(), flags: new Set<string>() };
      row.set(week, c);
      c.n++;
      c.shipments.add(inc.shipment);
      c.flags.add(inc.flag);
    }
  }
  const rows = [...cells].map(([key, weeks]): LaneWeeksRow => {
    const list = [...weeks].sort(([a], [b]) => cmp(a, b))
      .map(([week, c]) => ({ week, incidents: c.n, shipments: [...c.shipments].sort(), flags: [...c.flags].sort() }));
    return { key, total: list.reduce((t, c) => t + c.incidents, 0), cells: list };
  });
  rows.sort((a, b) => b.total - a.total || cmp(a.key, b.key));
  return { weeks: isoWeeksBetween(q.fromMs, q.toMs, q.zone), rows };
}
