/**
 * The Lanes view's model (#16, docs/dashboard.md "Lanes"): what `#/lanes?...` asks for, and the heatmap's layout,
 * colour levels and words. Pure: no DOM, no clock (today is passed in).
 */
import type { LaneConsistency, LaneDimension, LaneReport } from './api-lanes.js';

const DAY_MS = 86_400_000;
export const DIMENSIONS: ReadonlyArray<readonly [LaneDimension, string]> = [['carrier', 'Carrier'], ['lane', 'Lane'], ['hub', 'Hub']];
export const SPANS_WEEKS = [4, 8, 13, 26, 52] as const;

export interface LanesQuery {
  readonly by: LaneDimension;
  /** Dates `YYYY-MM-DD` (from midnight in the viewer's zone); `to` exclusive. */
  readonly from: string;
  readonly to: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * `#/lanes?by=hub&from=2026-12-21&to=2027-01-11` -> the query; `by` defaults to carrier, `to` to tomorrow (today
 * included), `from` to 8 weeks before `to`. A bad value falls back to its default.
 */
export function lanesQueryOf(hash: string, nowMs: number): LanesQuery {
  const q = new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
  const by = DIMENSIONS.find(([d]) => d === q.get('by'))?.[0] ?? 'carrier';
  const toRaw = q.get('to') ?? '';
  const to = DATE.test(toRaw) && Number.isFinite(Date.parse(toRaw)) ? toRaw : day(nowMs + DAY_MS);
  const fromRaw = q.get('from') ?? '';
  const from = DATE.test(fromRaw) && Date.parse(fromRaw) < Date.parse(to) ? fromRaw : day(Date.parse(to) - 8 * 7 * DAY_MS);
  return { by, from, to };
}

/** The query's instants for the API: its dates at midnight in the runtime's (the viewer's) zone. */
export function rangeOf(q: LanesQuery): { from: string; to: string } {
  const local = (date: string): string => {
    const [y, mo, d] = date.split('-').map(Number);
    return new Date(y ?? 1970, (mo ?? 1) - 1, d ?? 1).toISOString();
  };
  return { from: local(q.from), to: local(q.to) };
}

export function lanesHash(q: LanesQuery): string {
  return `#/lanes?${new URLSearchParams({ by: q.by, from: q.from, to: q.to }).toString()}`;
}

/** The query covering the `weeks` weeks up to today. */
export function lastWeeks(by: LaneDimension, weeks: number, nowMs: number): LanesQuery {
  const to = day(nowMs + DAY_MS);
  return { by, from: day(Date.parse(to) - weeks * 7 * DAY_MS), to };
}

/** 0 for none, else 1..4 by the share of the busiest cell: the colour, never the only signal (the number is written). */
export function heatLevel(count: number, max: number): 0 | 1 | 2 | 3 | 4 {
  if (count <= 0 || max <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((count / max) * 4))) as 1 | 2 | 3 | 4;
}

export interface HeatCell {
  readonly week: string;
  readonly count: number;
  readonly level: 0 | 1 | 2 | 3 | 4;
  readonly x: number;
  readonly y: number;
  readonly shipments: readonly string[];
  /** A sentence for the tooltip and screen readers. */
  readonly label: string;
}

export interface Heatmap {
  readonly width: number;
  readonly height: number;
  readonly cellW: number;
  readonly cellH: number;
  readonly columns: ReadonlyArray<{ readonly week: string; readonly short: string; readonly monday: string; readonly x: number }>;
  readonly rows: ReadonlyArray<{ readonly key: string; readonly total: number; readonly y: number; readonly cells: readonly HeatCell[] }>;
}

/** Sizes of the heatmap, px: a cell, the row labels' column, the week headers' band, the totals' column. */
export interface HeatLayout { readonly cellW: number; readonly cellH: number; readonly labelW: number; readonly headH: number; readonly totalW: number }
export const HEAT_LAYOUT: HeatLayout = { cellW: 58, cellH: 30, labelW: 170, headH: 38, totalW: 56 };

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** One row per carrier, lane or hub, one column per week; every cell drawn, empty weeks as 0. */
export function heatmapOf(r: LaneReport, layout: HeatLayout = HEAT_LAYOUT): Heatmap {
  const { cellW, cellH, labelW, headH, totalW } = layout;
  const max = Math.max(0, ...r.rows.flatMap((row) => row.cells.map((c) => c.incidents)));
  const columns = r.weeks.map((w, i) => ({ week: w.key, short: w.key.slice(5), monday: w.monday, x: labelW + i * cellW }));
  const rows = r.rows.map((row, j) => {
    const y = headH + j * cellH;
    const cells = columns.map((col): HeatCell => {
      const c = row.cells.find((x) => x.week === col.week);
      const count = c?.incidents ?? 0;
      const who = c === undefined || c.shipments.length === 0 ? '' : ` (${c.shipments.join(', ')})`;
      return { week: col.week, count, level: heatLevel(count, max), x: col.x, y, shipments: c?.shipments ?? [], label: `${row.key}, ${col.week}: ${plural(count, 'incident')}${who}` };
    });
    return { key: row.key, total: row.total, y, cells };
  });
  return { width: labelW + columns.length * cellW + totalW, height: headH + rows.length * cellH, cellW, cellH, columns, rows };
}

/** `28 Dec`: a week's Monday under its column (a local date: no zone to convert). */
export function mondayText(monday: string): string {
  const [y, m, d] = monday.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** The status line: `3 carriers with incidents over 8 weeks, 1 tier 3 review.` (a shipment via two hubs counts in both). */
export function lanesSummary(r: LaneReport): string {
  const noun = r.by === 'carrier' ? 'carrier' : r.by === 'lane' ? 'lane' : 'hub';
  return `${plural(r.rows.length, noun)} with incidents over ${plural(r.weeks.length, 'week')}, ${plural(r.reviews.length, 'tier 3 review')}.`;
}

export const CONSISTENCY_HEAD = ['Week', 'Carrier', 'Lane', 'Shipments', 'Orders shipped early', 'Deliveries not corroborated', 'Hub events contradicted', "Carrier's median lag"] as const;

/** A row of the claims table: its cells as written, and whether any claim disagreed with the evidence. */
export interface ConsistencyLine {
  readonly key: string;
  readonly cells: readonly string[];
  readonly disagreed: boolean;
}

/** `2 of 7 (29 %)`, or a dash when there was nothing to judge. */
const outOf = (n: number, of: number): string => (of === 0 ? '–' : `${n} of ${of} (${Math.round((n / of) * 100)} %)`);

/** The claims table: one line per week, carrier and lane, as the report orders them (week first). */
export function consistencyLines(rows: readonly LaneConsistency[]): ConsistencyLine[] {
  return rows.map((r) => ({
    key: `${r.week} ${r.carrier} ${r.lane}`,
    cells: [r.week, r.carrier, r.lane, String(r.shipments), outOf(r.ordersShippedEarly, r.orders), outOf(r.deliveriesNotCorroborated, r.deliveryClaims),
      outOf(r.hubEventsContradicted, r.hubEvents),
      r.medianLagMin === undefined ? '–' : `${r.medianLagMin > 0 ? '+' : ''}${r.medianLagMin} min (${plural(r.lagPairs, 'event')})`],
    disagreed: r.ordersShippedEarly + r.deliveriesNotCorroborated + r.hubEventsContradicted > 0,
  }));
}
