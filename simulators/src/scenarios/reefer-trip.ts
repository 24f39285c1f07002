/**
 * "Reefer trip": a refrigerated truck's trip of the last few hours (reefer-route.ts), with a GPS tracker, a reefer
 * temperature probe and an accelerometer on the shipment, two batches of 2-8 °C products on it, and an order for
 * each. What it injects: an unplanned 45 min rest at a lay-by, a planned hub stop (no flag), a 62 g shock as a
 * pallet is dropped at the hub, a reefer failure after the hub (reset 45 min later, back in range on arrival), and a
 * detour out of the corridor. With four incidents on one shipment the carrier, the lane and the hub reach tier 3
 * (3 within 7 days). docs/scenarios.md.
 */
import { seededRandom } from '../random.js';
import { distanceToRouteM, offset, type LatLon } from './geo.js';
import { CORRIDOR_M, DESTINATION, HUB, ORIGIN, RADIUS_M, ROUTE, tripEndingAt } from './reefer-route.js';
import { firstConsecutive, grid, jitter, rounded, runsBeyond, type TimedValue } from './series.js';
import { mark, positionAt, type Track } from './track.js';
import { iso, MINUTE_MS, minuteAligned, type ExpectedFlag, type Scenario, type ScenarioOptions, type ScenarioReading } from './types.js';

const INTERVAL_MS = MINUTE_MS;
const VIBRATION_EVERY_MS = 5 * MINUTE_MS;
const SHIPMENT = 'SH-RT-0042';
const CARRIER = 'Polar Freight';
const LANE = 'VNL-UTR';
const HUB_ID = 'rt-hub-eindhoven';
const ORDERS = ['ORD-RT-201', 'ORD-RT-202'];
const BATCH_ORDER: readonly [string, string][] = [['RT-VAX-7731', 'ORD-RT-201'], ['RT-INS-0452', 'ORD-RT-202']];
const DEVICES = { gps: 'rt-gps-12', reefer: 'rt-reefer-12', acc: 'rt-acc-12' };
/** The reefer fails this long after the truck leaves the hub and is reset after `minutes`. */
const REEFER_FAILURE = { afterHubMs: 15 * MINUTE_MS, minutes: 45, riseC: 8 };
/** Shocks: a handling bump at loading (below 25 g: no flag) and a dropped pallet at the hub (62 g). */
const BUMP = { afterLoadingMs: 4 * MINUTE_MS + 23_000, g: 14, ms: 11 };
const DROP = { afterHubMs: 12 * MINUTE_MS + 17_000, g: 62, ms: 8 };
/** GPS noise, metres either way. */
const GPS_NOISE_M = 4;

function reeferC(track: Track, seed: number, t: number): number {
  const start = mark(track, 'hub').toMs + REEFER_FAILURE.afterHubMs;
  const dt = t - start;
  const length = REEFER_FAILURE.minutes * MINUTE_MS;
  const up = (x: number): number => REEFER_FAILURE.riseC * (1 - Math.exp(-x / (20 * MINUTE_MS)));
  const rise = dt < 0 ? 0 : dt < length ? up(dt) : up(length) * Math.exp(-(dt - length) / (10 * MINUTE_MS));
  return 5 + rise + jitter(seededRandom(seed * 7919 + Math.floor(t / 1000)), 0.1);
}

export function reeferTrip(opts: ScenarioOptions = {}): Scenario {
  const nowMs = minuteAligned(opts.nowMs ?? Date.now());
  const seed = opts.seed ?? 1;
  const track = tripEndingAt(nowMs);
  const rnd = seededRandom(seed * 104_729);
  const readings: ScenarioReading[] = [];
  const fixes: (LatLon & { time: number })[] = [];
  const temps: TimedValue[] = [];
  const hub = mark(track, 'hub');
  for (const t of grid(track.startMs, track.endMs, INTERVAL_MS)) {
    const { pos, kmh } = positionAt(track, t);
    const fix = offset(pos, jitter(rnd, GPS_NOISE_M), jitter(rnd, GPS_NOISE_M));
    const lat = rounded(fix.lat, 6);
    const lon = rounded(fix.lon, 6);
    fixes.push({ time: t, lat, lon });
    readings.push({ device: DEVICES.gps, metric: 'gps.lat', unit: 'deg', time: t, value: lat });
    readings.push({ device: DEVICES.gps, metric: 'gps.lon', unit: 'deg', time: t, value: lon });
    readings.push({ device: DEVICES.gps, metric: 'gps.speed', unit: 'km/h', time: t, value: kmh === 0 ? 0 : rounded(kmh + jitter(rnd, 2)) });
    const c = rounded(reeferC(track, seed, t));
    temps.push({ time: t, value: c });
    readings.push({ device: DEVICES.reefer, metric: 'temperature', unit: 'Cel', time: t, value: c });
    if ((t - track.startMs) % VIBRATION_EVERY_MS === 0) {
      readings.push({ device: DEVICES.acc, metric: 'vibration.grms', unit: '[g]', time: t, value: rounded(kmh === 0 ? 0.03 + rnd() * 0.02 : 0.25 + rnd() * 0.2, 2) });
    }
  }
  const bumpAt = track.startMs + BUMP.afterLoadingMs;
  const dropAt = hub.fromMs + DROP.afterHubMs;
  for (const [t, s] of [[bumpAt, BUMP], [dropAt, DROP]] as const) {
    readings.push({ device: DEVICES.acc, metric: 'shock.peak', unit: '[g]', time: t, value: s.g });
    readings.push({ device: DEVICES.acc, metric: 'shock.duration', unit: 'ms', time: t, value: s.ms });
  }
  readings.sort((a, b) => a.time - b.time || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
  return {
    name: 'reefer-trip', title: 'Reefer trip: Venlo to Utrecht via the Eindhoven hub, a rest, a shock, a reefer failure, a detour',
    nowMs, startMs: track.startMs, readings, registry: registry(track), marker: { kind: 'sites', id: 'rt-venlo-dc' },
    expected: expectations(track, fixes, temps, dropAt), live: [],
    sources: Object.values(DEVICES).map((device) => ({ device, site: 'rt-fleet', node: 'rt-truck-12' })),
    landmarks: { origin: ORIGIN, hub: HUB, destination: DESTINATION },
  };
}

/** Runs of fixes beyond the corridor (a fix inside ends one) lasting 10 min or more, first fix to last. */
export function deviations(fixes: readonly (LatLon & { time: number })[], corridorM: number, minMs: number): { startMs: number; metAtMs: number }[] {
  const beyond = fixes.map((f) => ({ time: f.time, value: distanceToRouteM(f, ROUTE) }));
  // Fix to fix: each fix "holds" until the next one, so a run's length is its first to its last fix plus one interval.
  return runsBeyond(beyond, (d) => d > corridorM, INTERVAL_MS)
    .filter((r) => r.endMs - INTERVAL_MS - r.startMs >= minMs)
    .map((r) => ({ startMs: r.startMs, metAtMs: r.startMs + minMs }));
}

function expectations(track: Track, fixes: readonly (LatLon & { time: number })[], temps: readonly TimedValue[], dropAt: number): ExpectedFlag[] {
  const rest = mark(track, 'rest');
  const onShipment = { kind: 'shipment' as const, id: SHIPMENT };
  const stopMet = rest.fromMs + 30 * MINUTE_MS;
  const dev = deviations(fixes, CORRIDOR_M, 10 * MINUTE_MS);
  if (dev.length !== 1) throw new Error(`reefer-trip: the detour makes ${dev.length} route deviations, not 1 (scripting error)`);
  const deviationMet = dev[0]!.metAtMs;
  const warm = firstConsecutive(temps, (v) => v >= 8, 30 * MINUTE_MS, 3 * INTERVAL_MS);
  if (warm === undefined) throw new Error('reefer-trip: the reefer failure does not reach the alarm delay (scripting error)');
  const shipmentFlag = (rule: string, metAtMs: number, toleranceMs: number, why: string): ExpectedFlag => ({ rule, subject: onShipment, orders: ORDERS, metAtMs, toleranceMs, why });
  // Tier 3: one incident per anomaly (both shock flags are one, both batches' excursions are one); the third makes it.
  const incidents = [stopMet, dropAt, deviationMet, warm.metAtMs].sort((a, b) => a - b);
  const tier3Met = incidents[2]!;
  const tier3 = (kind: 'carrier' | 'lane' | 'hub', id: string): ExpectedFlag => ({
    rule: `tier3/${kind}`, subject: { kind, id }, orders: ORDERS, metAtMs: tier3Met, toleranceMs: INTERVAL_MS,
    why: `the shipment's third incident within 7 days (rest stop, shock, reefer excursion, detour) at ${iso(tier3Met)}`,
  });
  return [
    shipmentFlag('shock/shock.peak/25/instant', dropAt, 0, `a pallet dropped at the hub: 62 g at ${iso(dropAt)} (the 14 g bump at loading is under 25 g)`),
    shipmentFlag('shock/shock.peak/50/instant', dropAt, 0, `the same 62 g shock is also 50 g or more`),
    shipmentFlag('unplanned-stop/200/30', stopMet, INTERVAL_MS, `a 45 min rest at a lay-by from ${iso(rest.fromMs)}, outside every known geofence (the 40 min hub stop is inside the hub's)`),
    shipmentFlag(`route-deviation/${CORRIDOR_M}/10`, deviationMet, INTERVAL_MS, `the detour's first fix beyond ${CORRIDOR_M} m of the route at ${iso(dev[0]!.startMs)}, beyond for 10 min by ${iso(deviationMet)}`),
    ...BATCH_ORDER.map(([batch, order]): ExpectedFlag => ({
      rule: 'excursion/temperature/upper/8/consecutive/30', subject: { kind: 'batch', id: batch }, orders: [order], metAtMs: warm.metAtMs, toleranceMs: INTERVAL_MS,
      why: `the reefer fails after the hub; its probe reads ≥ 8 °C from ${iso(warm.startMs)}, for 30 min without a break by ${iso(warm.metAtMs)}`,
    })),
    tier3('carrier', CARRIER), tier3('lane', LANE), tier3('hub', HUB_ID),
  ];
}

function registry(track: Track): Record<string, unknown> {
  const at = (ms: number): string => iso(ms);
  const departed = mark(track, 'loading').toMs;
  const circle = (center: LatLon, radiusM: number) => ({ kind: 'circle', center, radiusM });
  const onTruck = (id: string, what: { device?: string; batch?: string }) => ({ id, ...what, shipment: SHIPMENT, from: at(track.startMs), to: at(track.endMs) });
  const statuses = [
    { status: 'paid', at: at(track.startMs - 26 * 3_600_000), operator: 'payments', source: 'order-hub' },
    { status: 'allocated', at: at(track.startMs - 20 * 3_600_000), operator: 'wms', source: 'order-hub' },
    { status: 'packed', at: at(track.startMs - 3_600_000), operator: 'dock-2', source: 'order-hub' },
    { status: 'shipped', at: at(departed), operator: 'dock-2', source: 'order-hub' },
  ];
  return {
    format: 'coldtrace-registry/1',
    sites: [
      { id: 'rt-venlo-dc', name: 'Venlo distribution centre (scenario)', geofence: circle(ORIGIN, RADIUS_M.origin) },
      { id: 'rt-utrecht-pharmacy', name: 'Utrecht hospital pharmacy (scenario)', geofence: circle(DESTINATION, RADIUS_M.destination) },
    ],
    places: [{ id: HUB_ID, name: 'Polar Freight cross-dock Eindhoven', kind: 'carrier_hub', geofence: circle(HUB, RADIUS_M.hub) }],
    devices: [
      { id: DEVICES.gps, kind: 'tracker', model: 'GPS tracker', intervalS: 60, metrics: ['gps.lat', 'gps.lon', 'gps.speed'] },
      { id: DEVICES.reefer, kind: 'logger', model: 'Reefer return-air probe', intervalS: 60, metrics: ['temperature'] },
      { id: DEVICES.acc, kind: 'tracker', model: 'Accelerometer', intervalS: 300, metrics: ['shock.peak', 'shock.duration', 'vibration.grms'] },
    ],
    products: [
      { id: 'rt-vaccine', name: 'Vaccine, 10-dose vial', preset: 'pharma-2-8' },
      { id: 'rt-insulin', name: 'Insulin pens', preset: 'pharma-2-8' },
    ],
    batches: [
      { id: 'RT-VAX-7731', product: 'rt-vaccine', quantity: 1200, producedAt: at(track.startMs - 40 * 86_400_000).slice(0, 10), expiresAt: at(track.startMs + 600 * 86_400_000).slice(0, 10) },
      { id: 'RT-INS-0452', product: 'rt-insulin', quantity: 3000, producedAt: at(track.startMs - 20 * 86_400_000).slice(0, 10), expiresAt: at(track.startMs + 400 * 86_400_000).slice(0, 10) },
    ],
    shipments: [{
      id: SHIPMENT, carrier: CARRIER, lane: LANE, mode: 'road', origin: 'rt-venlo-dc', destination: 'rt-utrecht-pharmacy', hubs: [HUB_ID],
      route: ROUTE, corridorM: CORRIDOR_M, plannedDeparture: at(departed), promisedDelivery: at(track.endMs + 3_600_000), gapThresholdMin: 30,
    }],
    orders: [
      { id: 'ORD-RT-201', customer: 'Utrecht hospital pharmacy', lines: [{ batch: 'RT-VAX-7731', quantity: 1200 }], shipments: [SHIPMENT], promisedDelivery: at(track.endMs + 3_600_000), minRemainingShelfLifeDays: 180, statuses },
      { id: 'ORD-RT-202', customer: 'Utrecht hospital pharmacy', lines: [{ batch: 'RT-INS-0452', quantity: 3000 }], shipments: [SHIPMENT], promisedDelivery: at(track.endMs + 3_600_000), minRemainingShelfLifeDays: 90, statuses },
    ],
    placements: [
      ...Object.values(DEVICES).map((device) => onTruck(`pl-${device}`, { device })),
      ...BATCH_ORDER.map(([batch]) => onTruck(`pl-${batch}-truck`, { batch })),
    ],
  };
}
