/**
 * A registry the size of a large 3PL for the registry bench: sites with zones, carrier hubs, zone sensors and
 * trackers, products, batches, shipments, orders and their placements over the year before `end`. Deterministic for
 * a seed and an end time. Structure: zone sensors stay in a zone (or move once or twice within their site; the last
 * placement stays open); trackers ride shipments one after another; each batch goes receiving (some) -> cold room
 * -> dispatch staging -> shipment -> a cold room of the destination site; orders take 1-3 batches and the shipments
 * they ride, with 2-5 of the order hub's seven states in order. Valid for the gateway's import (generate.test.ts).
 */
import { seededRandom } from '../../random.js';
import type { BenchMode } from '../shapes.js';

export interface RegistrySize {
  readonly sites: number;
  readonly places: number;
  readonly products: number;
  /** Zone sensors `zs-0` ...: the load generator's device ids with devicePrefix 'zs'. */
  readonly zoneSensors: number;
  /** Trackers `trk-0` ... */
  readonly trackers: number;
  readonly batches: number;
  readonly shipments: number;
  readonly orders: number;
  /** Placements in all, devices' and batches': batches get 4 or 5 each to reach it. */
  readonly placements: number;
}

/**
 * The 3PL (full) and its scaled-down variants. Smoke keeps 20 zone sensors (1/1000 would be 4) so every
 * device of the smoke load shapes is registered and placed.
 */
export const REGISTRY_SIZES: Record<BenchMode, RegistrySize> = {
  full: { sites: 50, places: 20, products: 40, zoneSensors: 4000, trackers: 1000, batches: 200_000, shipments: 20_000, orders: 500_000, placements: 1_000_000 },
  quick: { sites: 20, places: 10, products: 20, zoneSensors: 400, trackers: 100, batches: 20_000, shipments: 2_000, orders: 50_000, placements: 100_000 },
  smoke: { sites: 3, places: 2, products: 4, zoneSensors: 20, trackers: 1, batches: 200, shipments: 20, orders: 500, placements: 1_000 },
};

/** Entity kinds in dependency order (the gateway's ENTITY_KINDS; its package does not export the registry types). */
export const KINDS = ['sites', 'zones', 'places', 'devices', 'products', 'batches', 'shipments', 'orders', 'placements'] as const;
export type Kind = (typeof KINDS)[number];
export type Entity = { readonly id: string } & Record<string, unknown>;
export type RegistryEntities = Record<Kind, Entity[]>;

export const SENSOR_PREFIX = 'zs';
export const TRACKER_PREFIX = 'trk';
/** Zones of every site: 0 receiving dock, 1 dispatch staging, 2.. cold rooms. */
const ZONE_NAMES = ['Receiving dock', 'Dispatch staging', 'Cold room 1', 'Cold room 2', 'Cold room 3', 'Cold room 4', 'Freezer 1', 'Ambient store'];
const ZONES = ZONE_NAMES.length;
const STATES = ['pending_payment', 'paid', 'approved', 'allocated', 'packed', 'shipped', 'completed'] as const;
const OPERATORS = ['web', 'payments', 'j.devries', 'wms', 'dock-3', 'dock-3', 'carrier'];
/** Hours before departure each state is reached (completed: after arrival, below). */
const STATE_OFFSET_H = [-96, -90, -72, -48, -8, 0];
const PRESETS = ['pharma-2-8', 'pharma-2-8', 'pharma-2-8', 'crt', 'frozen'];
const CARRIERS = ['Coldline', 'Frigo Express', 'PharmaLog', 'NordKühl', 'BlueBox'];

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface GeneratedRegistry {
  readonly entities: RegistryEntities;
  /** End of the registry's year, ms (the minute of `now`): the last placements stay open past it. */
  readonly end: number;
  /** Per order (index = order number - 1): departure of the shipment of its first line's batch, ms. */
  readonly orderTimes: Float64Array;
  readonly orderIds: readonly string[];
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const iso = (ms: number): string => new Date(ms).toISOString();
const minute = (ms: number): number => Math.floor(ms / MIN) * MIN;

export function generateRegistry(size: RegistrySize, now: number, seed = 1): GeneratedRegistry {
  const rnd = seededRandom(seed);
  const int = (a: number, b: number): number => a + Math.floor(rnd() * (b - a + 1));
  const end = minute(now);
  const start = end - 365 * DAY;
  const e: RegistryEntities = { sites: [], zones: [], places: [], devices: [], products: [], batches: [], shipments: [], orders: [], placements: [] };

  const centres: { lat: number; lon: number }[] = [];
  for (let i = 0; i < size.sites; i++) {
    const center = { lat: Math.round((44 + rnd() * 12) * 1e4) / 1e4, lon: Math.round((-4 + rnd() * 24) * 1e4) / 1e4 };
    centres.push(center);
    e.sites.push({ id: siteId(i), name: `Distribution centre ${i + 1}`, geofence: { kind: 'circle', center, radiusM: int(3, 8) * 100 } });
    ZONE_NAMES.forEach((name, k) => e.zones.push({ id: zoneId(i, k), site: siteId(i), name }));
  }
  const hubs: { lat: number; lon: number }[] = [];
  for (let i = 0; i < size.places; i++) {
    const center = { lat: Math.round((44 + rnd() * 12) * 1e4) / 1e4, lon: Math.round((-4 + rnd() * 24) * 1e4) / 1e4 };
    hubs.push(center);
    const kind = i % 5 === 4 ? 'airport' : 'carrier_hub';
    e.places.push({ id: `HUB-${pad(i + 1, 2)}`, name: `${kind === 'airport' ? 'Air cargo terminal' : 'Carrier hub'} ${i + 1}`, kind, geofence: { kind: 'circle', center, radiusM: 400 } });
  }
  for (let i = 0; i < size.products; i++) {
    e.products.push({ id: `PRD-${pad(i + 1, 3)}`, name: `Product ${i + 1}`, preset: PRESETS[i % PRESETS.length]! });
  }

  // Zone sensors: home zone i mod zones (the first sensors cover every zone once); some moved once or twice before.
  const totalZones = size.sites * ZONES;
  const sensorFrom = start - 120 * DAY;
  for (let i = 0; i < size.zoneSensors; i++) {
    const id = `${SENSOR_PREFIX}-${i}`;
    e.devices.push({ id, kind: 'zone_sensor', model: 'XY-MD02', intervalS: 300, metrics: ['temperature', 'humidity'] });
    const home = i % totalZones;
    const site = Math.floor(home / ZONES);
    const r = rnd();
    const k = r < 0.65 ? 1 : r < 0.9 ? 2 : 3;
    const cuts = Array.from({ length: k - 1 }, () => minute(sensorFrom + 30 * DAY + rnd() * (end - sensorFrom - 60 * DAY))).sort((a, b) => a - b);
    const bounds = [sensorFrom, ...cuts];
    for (let j = 0; j < k; j++) {
      const zone = j === k - 1 ? home % ZONES : (home + 1 + j) % ZONES;
      const to = bounds[j + 1];
      if (to !== undefined && to <= bounds[j]!) continue;
      e.placements.push({ id: `PL-${id}-${j}`, device: id, zone: zoneId(site, zone), from: iso(bounds[j]!), ...(to !== undefined ? { to: iso(to) } : {}) });
    }
  }
  for (let i = 0; i < size.trackers; i++) {
    e.devices.push({ id: `${TRACKER_PREFIX}-${i}`, kind: 'tracker', model: 'LTE-M cold-chain tracker', intervalS: 300, metrics: ['temperature', 'gps.lat', 'gps.lon'] });
  }

  // Shipments spread over the year; the last leave 10 days before the end, so every one has arrived.
  const dep = new Float64Array(size.shipments);
  const arr = new Float64Array(size.shipments);
  const route = new Int32Array(size.shipments * 2);
  const trackerFree = new Float64Array(size.trackers);
  const trackerRides = new Int32Array(size.trackers);
  const depSpan = 355 * DAY;
  for (let j = 0; j < size.shipments; j++) {
    dep[j] = minute(start + ((j + rnd() * 0.8) * depSpan) / size.shipments);
    const r = rnd();
    const [mode, hours] = r < 0.7 ? ['road', int(6, 72)] : r < 0.85 ? ['air', int(12, 48)] : r < 0.95 ? ['rail', int(24, 120)] : ['sea', int(120, 192)];
    arr[j] = dep[j]! + hours * HOUR;
    const origin = int(0, size.sites - 1);
    const destination = size.sites === 1 ? origin : (origin + int(1, size.sites - 1)) % size.sites;
    route[2 * j] = origin;
    route[2 * j + 1] = destination;
    const via = size.places === 0 ? [] : [...new Set(Array.from({ length: int(0, 2) }, () => int(0, size.places - 1)))];
    const id = shipmentId(j);
    e.shipments.push({
      id, carrier: CARRIERS[j % CARRIERS.length]!, lane: `${siteId(origin)}>${siteId(destination)}`, mode, origin: siteId(origin), destination: siteId(destination),
      hubs: via.map((h) => `HUB-${pad(h + 1, 2)}`), route: [centres[origin]!, ...via.map((h) => hubs[h]!), centres[destination]!], corridorM: 5000,
      plannedDeparture: iso(dep[j]!), promisedDelivery: iso(arr[j]! + 6 * HOUR), gapThresholdMin: 30,
    });
    // Trackers in turn: tracker j mod trackers rides this one (the shipments between keep its rides apart).
    if (size.trackers > 0) {
      const t = j % size.trackers;
      const from = Math.max(dep[j]!, trackerFree[t]!);
      if (from < arr[j]!) {
        const device = `${TRACKER_PREFIX}-${t}`;
        e.placements.push({ id: `PL-${device}-${trackerRides[t]!}`, device, shipment: id, from: iso(from), to: iso(arr[j]!) });
        trackerRides[t]!++;
        trackerFree[t] = arr[j]!;
      }
    }
  }

  // Batches: consecutive batches share a shipment; `extra` of them (spread evenly) also pass the receiving dock.
  const extra = Math.max(0, Math.min(size.batches, size.placements - e.placements.length - 4 * size.batches));
  const shipmentOf = (b: number): number => Math.floor((b * size.shipments) / size.batches);
  for (let b = 0; b < size.batches; b++) {
    const j = shipmentOf(b);
    const id = batchId(b);
    const [origin, destination] = [route[2 * j]!, route[2 * j + 1]!];
    const staging = dep[j]! - int(2, 24) * HOUR;
    const storage = staging - int(3, 60) * DAY - int(0, 23) * HOUR;
    const received = Math.floor(((b + 1) * extra) / size.batches) > Math.floor((b * extra) / size.batches) ? storage - int(2, 48) * HOUR : undefined;
    const leaves = arr[j]! + int(2, 30) * DAY;
    const coldRoom = (): number => 2 + int(0, ZONES - 3);
    const spans: [string, string, number, number | undefined][] = [
      ...(received !== undefined ? [['zone', zoneId(origin, 0), received, storage] as [string, string, number, number]] : []),
      ['zone', zoneId(origin, coldRoom()), storage, staging], ['zone', zoneId(origin, 1), staging, dep[j]!],
      ['shipment', shipmentId(j), dep[j]!, arr[j]!], ['zone', zoneId(destination, coldRoom()), arr[j]!, leaves > end ? undefined : leaves],
    ];
    spans.forEach(([kind, where, from, to], k) => e.placements.push({ id: `PL-${id}-${k}`, batch: id, [kind]: where, from: iso(from), ...(to !== undefined ? { to: iso(to) } : {}) }));
    const produced = (received ?? storage) - int(5, 60) * DAY;
    e.batches.push({
      id, product: `PRD-${pad(int(1, size.products), 3)}`, quantity: int(10, 200) * 100,
      producedAt: iso(produced).slice(0, 10), expiresAt: iso(produced + int(540, 900) * DAY).slice(0, 10),
    });
  }

  // Orders: in time order over the batches; more lines from the same shipment, sometimes from the next one.
  const firstBatch = (j: number): number => Math.ceil((j * size.batches) / size.shipments);
  const orderTimes = new Float64Array(size.orders);
  const orderIds: string[] = [];
  for (let o = 0; o < size.orders; o++) {
    const b0 = Math.floor((o * size.batches) / size.orders);
    const j0 = shipmentOf(b0);
    const lines = new Set([b0]);
    const want = rnd() < 0.4 ? 1 : rnd() < 0.67 ? 2 : 3;
    for (let tries = 0; lines.size < want && tries < 10; tries++) {
      const j = rnd() < 0.1 && j0 + 1 < size.shipments ? j0 + 1 : j0;
      const lo = firstBatch(j);
      const hi = Math.min(size.batches, firstBatch(j + 1));
      if (hi > lo) lines.add(int(lo, hi - 1));
    }
    const shipments = [...new Set([...lines].map(shipmentOf))];
    const n = int(2, 5);
    const statuses: Record<string, unknown>[] = [];
    let need = n;
    STATES.forEach((status, s) => {
      if (rnd() >= need / (STATES.length - s)) return;
      need--;
      const at = s < STATE_OFFSET_H.length ? dep[j0]! + STATE_OFFSET_H[s]! * HOUR + (s === 5 ? 0 : int(0, 59) * MIN) : arr[j0]! + int(1, 12) * HOUR;
      statuses.push({ status, at: iso(at), operator: OPERATORS[s]!, source: 'order-hub' });
    });
    const id = `ORD-${pad(o + 1, 7)}`;
    orderIds.push(id);
    orderTimes[o] = dep[j0]!;
    e.orders.push({
      id, customer: `Customer ${int(1, 5000)}`, lines: [...lines].map((b) => ({ batch: batchId(b), quantity: int(1, 50) * 10 })),
      shipments: shipments.map(shipmentId), promisedDelivery: iso(arr[j0]! + 6 * HOUR), minRemainingShelfLifeDays: int(3, 36) * 10, statuses,
    });
  }
  return { entities: e, end, orderTimes, orderIds };
}

function siteId(i: number): string {
  return `SITE-${pad(i + 1, 2)}`;
}

function zoneId(site: number, k: number): string {
  return `${siteId(site)}-Z${k}`;
}

function shipmentId(j: number): string {
  return `SH-${pad(j + 1, 6)}`;
}

function batchId(b: number): string {
  return `B-${pad(b + 1, 6)}`;
}

/** Entities per kind. */
export function countsOf(e: RegistryEntities): Record<Kind, number> {
  return Object.fromEntries(KINDS.map((k) => [k, e[k].length])) as Record<Kind, number>;
}
