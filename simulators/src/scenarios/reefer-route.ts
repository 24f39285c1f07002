/**
 * The reefer trip's geography and timeline: Venlo DC to a hospital pharmacy in Utrecht via the carrier's Eindhoven
 * cross-dock, at road speeds, with a 45 min rest at a lay-by on the A67 (outside every known geofence: an
 * unplanned stop), a 40 min planned stop at the hub (inside its geofence: no flag), and a detour 7 km east of the
 * A2 past a closure (out of the 2 km corridor). Positions are real roads' rough line, not a road network.
 */
import { between, rightOf, type LatLon } from './geo.js';
import { buildTrack, type Step, type Track } from './track.js';

export const ORIGIN: LatLon = { lat: 51.365, lon: 6.15 };
export const HUB: LatLon = { lat: 51.46, lon: 5.41 };
const DEN_BOSCH: LatLon = { lat: 51.7, lon: 5.3 };
export const DESTINATION: LatLon = { lat: 52.08, lon: 5.13 };
/** The planned route, as the shipment's polyline. */
export const ROUTE: readonly LatLon[] = [ORIGIN, HUB, DEN_BOSCH, DESTINATION];
export const CORRIDOR_M = 2000;
/** Geofence radii, metres: the origin DC, the destination, the hub. */
export const RADIUS_M = { origin: 400, destination: 300, hub: 300 };

/** The lay-by where the driver rests, on the line from the origin to the hub (inside the corridor). */
export const LAY_BY: LatLon = between(ORIGIN, HUB, 0.45);
const DETOUR_FROM = between(DEN_BOSCH, DESTINATION, 0.3);
const DETOUR_TO = between(DEN_BOSCH, DESTINATION, 0.65);
const DETOUR_OFFSET_M = 7000;

/** Minutes: loading at the DC, the rest, the hub stop, unloading at the destination. */
export const DWELL_MIN = { loading: 10, rest: 45, hub: 40, unloading: 10 };

const STEPS: readonly Step[] = [
  { kind: 'dwell', minutes: DWELL_MIN.loading, mark: 'loading' },
  { kind: 'drive', to: LAY_BY, kmh: 85 },
  { kind: 'dwell', minutes: DWELL_MIN.rest, mark: 'rest' },
  { kind: 'drive', to: HUB, kmh: 85 },
  { kind: 'dwell', minutes: DWELL_MIN.hub, mark: 'hub' },
  { kind: 'drive', to: DEN_BOSCH, kmh: 85 },
  { kind: 'drive', to: DETOUR_FROM, kmh: 85 },
  { kind: 'drive', to: rightOf(DEN_BOSCH, DESTINATION, DETOUR_FROM, DETOUR_OFFSET_M), kmh: 70, mark: 'detour' },
  { kind: 'drive', to: rightOf(DEN_BOSCH, DESTINATION, DETOUR_TO, DETOUR_OFFSET_M), kmh: 80 },
  { kind: 'drive', to: DETOUR_TO, kmh: 70 },
  { kind: 'drive', to: DESTINATION, kmh: 85 },
  { kind: 'dwell', minutes: DWELL_MIN.unloading, mark: 'unloading' },
];

/** The trip ending at `endMs` (minute-aligned): it starts as long before as its steps take. */
export function tripEndingAt(endMs: number): Track {
  const length = buildTrack(ORIGIN, 0, STEPS).endMs;
  return buildTrack(ORIGIN, endMs - length, STEPS);
}
