/**
 * A shipment's track as the GPS rules see it (docs/rules.md, GPS): each tracker's fixes without those the rules
 * drop (out of range, (0, 0), after the evaluation time, an implausible speed from the previous kept fix), and
 * where the shipment was last seen: the latest kept fix, so a position jump is never shown as where the goods are.
 * Pure.
 */
import { gpsFindings, type Fix } from '../rules/gps.js';
import type { ShipmentMode } from '../registry/types.js';

const NO_RELATED = { devices: [], zones: [], batches: [], shipments: [], orders: [] };

/** Whether the GPS rules keep every one of `fixes`. */
function allKept(mode: ShipmentMode, fixes: readonly Fix[], nowMs: number): boolean {
  return gpsFindings({ shipment: '', mode, fixes, route: [], corridorM: 0, known: [], nowMs, related: NO_RELATED }).dropped.length === 0;
}

/**
 * The fixes the GPS rules keep, per tracker in time order (trackers in id order). `fixes` as `pairFixes` makes
 * them: one per tracker and time. The rules judge each fix on its own and against the tracker's previous kept fix
 * only (docs/rules.md: a speed is measured from the previous kept fix), so a fix is kept exactly when the rules keep
 * the pair (previous kept, fix): asked of the rules themselves (gpsFindings), two fixes at a time, not of a copy of
 * their checks.
 */
export function keptTrack(mode: ShipmentMode, fixes: readonly Fix[], nowMs: number): Fix[] {
  const byDevice = new Map<string, Fix[]>();
  for (const f of fixes) {
    const list = byDevice.get(f.device);
    if (list === undefined) byDevice.set(f.device, [f]);
    else list.push(f);
  }
  const out: Fix[] = [];
  for (const device of [...byDevice.keys()].sort()) {
    const track = byDevice.get(device)!.sort((a, b) => a.t - b.t);
    // Most tracks lose no fix: one judging of the whole track says so, and the walk two at a time is not needed.
    if (allKept(mode, track, nowMs)) {
      for (const f of track) out.push(f);
      continue;
    }
    let prev: Fix | undefined;
    for (const f of track) {
      if (!allKept(mode, prev === undefined ? [f] : [prev, f], nowMs)) continue;
      out.push(f);
      prev = f;
    }
  }
  return out;
}

/** The latest kept fix over all trackers (by device time; ties by tracker id); undefined without one. */
export function lastKeptFix(kept: readonly Fix[]): Fix | undefined {
  let last: Fix | undefined;
  for (const f of kept) if (last === undefined || f.t > last.t || (f.t === last.t && f.device < last.device)) last = f;
  return last;
}
