/**
 * Where a shipment's truck was at a read's device time, from its trackers' GPS readings (issue #21: a batch on a
 * truck 300 km away cannot be scanned in at the door). The last fix within TRUCK_FIX_WINDOW_MS before the read, of
 * any tracker placed on the shipment then; none when no tracker reported a position in that window.
 */
import type { TruckFix } from '../domain/scans/decide.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';

/** How far back a fix still says where the truck is, ms (30 min). */
export const TRUCK_FIX_WINDOW_MS = 30 * 60_000;

/** Most fixes of one tracker read for one lookup (one every 10 s over the window). */
const MAX_FIXES = 2000;

export async function truckFixAt(shipment: string, t: number, registry: Pick<RegistryStore, 'placementsAt'>, telemetry: Pick<TelemetryStore, 'query'>): Promise<TruckFix | undefined> {
  const from = t - TRUCK_FIX_WINDOW_MS;
  let best: TruckFix | undefined;
  const devices = new Set((await registry.placementsAt({ kind: 'shipment', id: shipment }, from, t + 1, 'device')).flatMap((p) => (p.device !== undefined ? [p.device] : [])));
  for (const device of devices) {
    const [lat, lon] = await Promise.all(['gps.lat', 'gps.lon'].map((metric) => telemetry.query({ device, metric, from, to: t + 1, limit: MAX_FIXES })));
    const lons = new Map((lon ?? []).map((r) => [r.time, r.value]));
    for (let i = (lat ?? []).length - 1; i >= 0; i--) {
      const r = lat![i]!;
      const lo = lons.get(r.time);
      if (lo === undefined) continue;
      if (best === undefined || r.time > best.atMs) best = { lat: r.value, lon: lo, device, atMs: r.time };
      break;
    }
  }
  return best;
}
