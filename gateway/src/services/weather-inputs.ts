/**
 * What the weather rule (domain/rules/weather-alerts.ts) judges a shipment on, beside what the rules read for it
 * already: the alerts that may be in force (weather-alerts.ts, from its store), the kept track, and the delivery
 * window as it stood before a stop (delivery-window.ts on the track up to it; without a basis, the promised delivery).
 */
import type { Finding, Related } from '../domain/flags/types.js';
import type { Shipment } from '../domain/registry/types.js';
import type { Fix } from '../domain/rules/gps.js';
import { mergeBoxes, polygonBox } from '../domain/alerts/cap-area.js';
import { weatherFindings, zonesNear } from '../domain/rules/weather-alerts.js';
import { deliveryWindow } from '../domain/shipments/delivery-window.js';
import { keptTrack } from '../domain/shipments/kept-track.js';
import type { WeatherAlertService } from './weather-alerts.js';

export async function weatherOf(
  alerts: Pick<WeatherAlertService, 'riskZones'>, shipment: Shipment, fixes: readonly Fix[], onItsWay: boolean, nowMs: number, related: Related,
): Promise<Finding[]> {
  const zones = await alerts.riskZones();
  if (zones.size === 0 || fixes.length === 0) return [];
  // Keeping the track costs a pass of the GPS rules over every fix: not done when no zone is anywhere near the fixes
  // received or the route (the kept fixes are among them), with the rule's own margin.
  const b = mergeBoxes([polygonBox(fixes), ...(shipment.route.length > 0 ? [polygonBox(shipment.route)] : [])]);
  const finite = Number.isFinite(b.minLat + b.maxLat + b.minLon + b.maxLon);
  if (finite && zonesNear(zones, { minLat: b.minLat - 0.5, maxLat: b.maxLat + 0.5, minLon: b.minLon - 0.5, maxLon: b.maxLon + 0.5 }).length === 0) return [];
  const kept = keptTrack(shipment.mode, fixes, nowMs);
  const promised = Date.parse(shipment.promisedDelivery);
  const windowBefore = (stopStartMs: number) => {
    const w = deliveryWindow({ route: shipment.route, track: kept.filter((f) => f.t <= stopStartMs), laneKmh: [] });
    return w !== undefined && Number.isFinite(w.p90Ms) ? { p10Ms: w.p10Ms, p50Ms: w.p50Ms, p90Ms: w.p90Ms, basis: w.basis } : { p10Ms: promised, p50Ms: promised, p90Ms: promised, basis: 'promised delivery' };
  };
  return weatherFindings({ shipment: shipment.id, kept, route: shipment.route, zones, onItsWay, windowBefore, nowMs, related });
}
