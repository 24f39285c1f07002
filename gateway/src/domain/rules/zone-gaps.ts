/**
 * Holes in a batch's warehouse evidence (docs/rules.md, "Zone sensor silence"): time the batch spent in a zone
 * that no sensor of the zone covered. A reading covers its sensor's max gap (3 × the nominal interval, at most
 * 1 h: docs/domain.md §1) and no more, so a hole is exactly a silence of every sensor of the zone longer than
 * that, or a zone without a sensor at all: the blind spot where stock ages unseen. Pure.
 */
import type { Location } from '../custody/spans.js';
import type { Finding } from '../flags/types.js';
import type { HeldSample } from './step-hold.js';

/** What the zone gaps of a batch are judged on: a part of batch-findings' BatchInput (held series per custody leg). */
export interface ZoneGapInput {
  readonly batch: string;
  readonly series: readonly { readonly device: string; readonly location: Location; readonly placement: string; readonly held: readonly HeldSample[] }[];
  readonly orders: readonly { readonly id: string }[];
  readonly nowMs: number;
}

/** A stay of the batch in a zone, ms; `toMs` Infinity while it is still there. */
export interface ZoneLeg {
  readonly placement: string;
  readonly zone: string;
  readonly fromMs: number;
  readonly toMs: number;
}

interface Hole {
  readonly zone: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** The uncovered parts of [fromMs, toMs) given covered intervals (any order, may overlap). */
export function uncovered(fromMs: number, toMs: number, covered: readonly { readonly fromMs: number; readonly toMs: number }[]): { fromMs: number; toMs: number }[] {
  const sorted = [...covered].filter((c) => c.toMs > fromMs && c.fromMs < toMs).sort((a, b) => a.fromMs - b.fromMs);
  const out: { fromMs: number; toMs: number }[] = [];
  let at = fromMs;
  for (const c of sorted) {
    if (c.fromMs > at) out.push({ fromMs: at, toMs: Math.min(c.fromMs, toMs) });
    if (c.toMs > at) at = c.toMs;
    if (at >= toMs) break;
  }
  if (at < toMs) out.push({ fromMs: at, toMs });
  return out;
}

export function zoneGapFinding(input: ZoneGapInput, legs: readonly ZoneLeg[]): Finding | undefined {
  const holes: Hole[] = [];
  let total = 0;
  for (const leg of legs) {
    const end = Math.min(leg.toMs, input.nowMs);
    if (end <= leg.fromMs) continue;
    total += end - leg.fromMs;
    const covered = input.series.filter((s) => s.placement === leg.placement).flatMap((s) => s.held.map((h) => ({ fromMs: h.t, toMs: h.t + h.dt })));
    for (const h of uncovered(leg.fromMs, end, covered)) holes.push({ zone: leg.zone, ...h });
  }
  if (holes.length === 0) return undefined;
  holes.sort((a, b) => a.fromMs - b.fromMs);
  // A hole still open (it reaches now) ends at its start until a reading closes it: the flag does not change while
  // the silence goes on, and is cleared by the next reading (as a tracker's silence is).
  const open = holes.filter((h) => h.toMs >= input.nowMs);
  const closed = holes.filter((h) => h.toMs < input.nowMs);
  const figures: Record<string, number | string> = {
    holes: holes.length,
    longestClosedMin: Math.round(Math.max(0, ...closed.map((h) => h.toMs - h.fromMs)) / 60_000),
    zones: [...new Set(holes.map((h) => h.zone))].sort().join(','),
  };
  if (open.length > 0) figures.silentSinceMs = Math.min(...open.map((h) => h.fromMs));
  else figures.coveragePercent = Math.round(((total - holes.reduce((a, h) => a + h.toMs - h.fromMs, 0)) / total) * 10_000) / 100;
  const zones = [...new Set(holes.map((h) => h.zone))].sort();
  const devices = [...new Set(input.series.filter((s) => s.location.kind === 'zone' && zones.includes(s.location.id)).map((s) => s.device))].sort();
  return {
    rule: 'data-gap/zone', params: { coverPerReading: 'max gap: 3 × the sensor interval, at most 1 h' }, subject: { kind: 'batch', id: input.batch },
    severity: 'warning', title: 'no zone sensor reading covers part of the time the batch was stored',
    startMs: holes[0]!.fromMs, endMs: Math.max(...closed.map((h) => h.toMs), ...open.map((h) => h.fromMs)),
    // The hole starts where the last reading's cover ends: by then the silence had lasted the max gap.
    metAtMs: holes[0]!.fromMs, active: open.length > 0, episodes: [], figures,
    related: { devices, zones, batches: [input.batch], shipments: [], orders: [...new Set(input.orders.map((o) => o.id))].sort() },
  };
}
