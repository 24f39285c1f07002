/**
 * Where a shipment was last seen, as the GPS rules see its track (docs/rules.md, GPS): the latest fix of its
 * trackers that the rules keep, so a position jump, a (0, 0) fix or a fix dated in the future is never shown as
 * where the goods are. Pure.
 */
import { gpsFindings, type Fix } from '../rules/gps.js';
import type { ShipmentMode } from '../registry/types.js';

/** Latest fixes tried before giving up (a tracker sending nothing but jumps). */
const MAX_CANDIDATES = 16;

const NO_RELATED = { devices: [], zones: [], batches: [], shipments: [], orders: [] };

/** Fixes the GPS rules drop among `fixes` (one tracker's) at `nowMs`. */
function droppedCount(shipment: string, mode: ShipmentMode, fixes: readonly Fix[], nowMs: number): number {
  const r = gpsFindings({ shipment, mode, fixes, route: [], corridorM: 0, known: [], nowMs, related: NO_RELATED });
  return r.dropped.reduce((n, d) => n + d.count, 0);
}

/**
 * The latest fix (by device time, at or before `nowMs`) that the GPS rules keep; undefined when none of the latest
 * few is kept. The rules walk each tracker's fixes in time order, each judged against the fixes before it only, so a
 * fix is kept exactly when adding it to its tracker's earlier fixes drops nothing more: asked of the rules
 * themselves (gpsFindings), not of a copy of their checks. `fixes` as `pairFixes` makes them: one per tracker and time.
 */
export function lastKeptFix(shipment: string, mode: ShipmentMode, fixes: readonly Fix[], nowMs: number): Fix | undefined {
  const latestFirst = fixes.filter((f) => f.t <= nowMs).sort((a, b) => b.t - a.t || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
  for (const f of latestFirst.slice(0, MAX_CANDIDATES)) {
    const before = fixes.filter((g) => g.device === f.device && g.t < f.t);
    if (droppedCount(shipment, mode, [...before, f], nowMs) === droppedCount(shipment, mode, before, nowMs)) return f;
  }
  return undefined;
}
