/**
 * Untrusted JSON -> registry entities in canonical form (times as ISO UTC with ms, defaults filled), with every
 * problem by path. Canonical form is what is stored and exported, so import -> export -> import is a fixed point.
 */
import { normaliseCarrier, normaliseTrackingNumber } from '../carrier/tracking.js';
import { Fields, isObject, MAX_ID_LENGTH } from './fields.js';
import { geofenceProblems } from './geofence.js';
import { productPreset } from './presets.js';
import { productProblems } from './product.js';
import { readGtins, readScannerRegistration } from '../scans/registration.js';
import {
  DEVICE_KINDS, ORDER_STATES, PLACE_KINDS, SHIPMENT_MODES,
  type Batch, type Device, type EntityKind, type EntityOf, type Geofence, type LatLon, type Order, type OrderLine,
  type OrderStatus, type Place, type Placement, type Problem, type Product, type Shipment, type ShipmentTracking, type Site, type Zone,
} from './types.js';

/** Shipment defaults when a document leaves them out. */
export const DEFAULT_CORRIDOR_M = 5_000;
export const DEFAULT_GAP_THRESHOLD_MIN = 30;

type Reader<T> = (v: unknown, path: string, problems: Problem[]) => T;

function geofence(f: Fields, key: string): Geofence {
  const before = f.path;
  const problems = geofenceProblems(f.raw(key), `${before}.${key}`);
  for (const p of problems) f.problem(p.path.slice(before.length), p.message);
  const g = f.raw(key) as Geofence;
  if (problems.length > 0) return g;
  // Fields in one order whatever order they came in (stored documents compare as strings).
  const ll = (p: LatLon): LatLon => ({ lat: p.lat, lon: p.lon });
  return g.kind === 'circle' ? { kind: 'circle', center: ll(g.center), radiusM: g.radiusM } : { kind: 'polygon', points: g.points.map(ll) };
}

export function latLon(v: unknown, path: string, problems: Problem[]): LatLon {
  const f = new Fields(v, path, problems, ['lat', 'lon']);
  return { lat: f.num('lat', { min: -90, max: 90 }), lon: f.num('lon', { min: -180, max: 180 }) };
}

const site: Reader<Site> = (v, path, problems) => {
  const f = new Fields(v, path, problems, ['id', 'name', 'geofence', 'minRemainingShelfLifeDays']);
  // Left out when absent, so sites stored before it existed read back unchanged (issue #21, refused at the door).
  const min = f.has('minRemainingShelfLifeDays') ? { minRemainingShelfLifeDays: f.num('minRemainingShelfLifeDays', { min: 0, max: 36_500 }) } : {};
  return { id: f.id(), name: f.str('name', ''), geofence: geofence(f, 'geofence'), ...min };
};

const zone: Reader<Zone> = (v, path, problems) => {
  const f = new Fields(v, path, problems, ['id', 'site', 'name']);
  return { id: f.id(), site: f.id('site'), name: f.str('name', '') };
};

const place: Reader<Place> = (v, path, problems) => {
  const f = new Fields(v, path, problems, ['id', 'name', 'kind', 'geofence']);
  return { id: f.id(), name: f.str('name', ''), kind: f.oneOf('kind', PLACE_KINDS), geofence: geofence(f, 'geofence') };
};

const device: Reader<Device> = (v, path, problems) => {
  const f = new Fields(v, path, problems, ['id', 'kind', 'model', 'intervalS', 'metrics', 'scanner']);
  const scanner = f.has('scanner') ? { scanner: readScannerRegistration(f.raw('scanner'), `${path}.scanner`, problems) } : {};
  return {
    id: f.id(), kind: f.oneOf('kind', DEVICE_KINDS), model: f.str('model', ''), intervalS: f.num('intervalS', { gt: 0, max: 86_400 }),
    metrics: f.list('metrics', (m, p) => (typeof m === 'string' && m !== '' ? m : (problems.push({ path: p, message: 'must be a metric name' }), '')), { optional: true }),
    ...scanner,
  };
};

/** A product; `preset` names a profile of presets.ts whose fields fill what the product leaves out. */
const product: Reader<Product> = (v, path, problems) => {
  if (!isObject(v)) {
    problems.push({ path, message: 'must be an object' });
    // An entity all the same, as the other readers return: the document reads its id (a null here threw, #17).
    return { id: '', name: '', storageTempC: 0, limits: [], mkt: [], ignoreStartMin: 0 };
  }
  const { preset: presetName, gtins: rawGtins, ...rest } = v;
  let base: Partial<Product> = {};
  if (presetName !== undefined) {
    const preset = typeof presetName === 'string' ? productPreset(presetName) : undefined;
    if (preset === undefined) problems.push({ path: `${path}.preset`, message: `unknown preset ${JSON.stringify(presetName)} (GET /api/v1/product-presets lists them)` });
    else base = preset.profile;
  }
  // The name defaults to '' as every entity's does: a CSV writes '' as an empty cell, which reads as absent (#17).
  const p = { name: '', limits: [], mkt: [], ignoreStartMin: 0, ...base, ...rest } as Product;
  const before = problems.length;
  problems.push(...productProblems(p, path));
  // GTINs name the product on scanned codes (issue #21); left out when absent, as stored before they existed.
  const gtins = rawGtins !== undefined ? readGtins(rawGtins, `${path}.gtins`, problems) : [];
  if (problems.length > before) return p;
  const canonical = canonicalProduct(p);
  return gtins.length > 0 ? { ...canonical, gtins } : canonical;
};

/** Fields in one order whatever order they came in (stored documents compare as strings). */
function canonicalProduct(p: Product): Product {
  return {
    id: p.id, name: p.name, storageTempC: p.storageTempC,
    limits: p.limits.map((l) => ({
      metric: l.metric, bound: l.bound, value: l.value, alarm: l.alarm,
      ...(l.delayMin !== undefined ? { delayMin: l.delayMin } : {}), ...(l.budgetMin !== undefined ? { budgetMin: l.budgetMin } : {}),
    })),
    mkt: p.mkt.map((m) => ({ windowH: m.windowH, limitC: m.limitC, ...(m.activationK !== undefined ? { activationK: m.activationK } : {}) })),
    ...(p.shelfLife !== undefined ? { shelfLife: canonicalShelfLife(p.shelfLife) } : {}),
    ignoreStartMin: p.ignoreStartMin,
  };
}

function canonicalShelfLife(m: NonNullable<Product['shelfLife']>): NonNullable<Product['shelfLife']> {
  const base = { refTempC: m.refTempC, refLifeDays: m.refLifeDays };
  switch (m.model) {
    case 'q10': return { model: 'q10', ...base, q10: m.q10 };
    case 'arrhenius': return { model: 'arrhenius', ...base, eaKJPerMol: m.eaKJPerMol };
    case 'sqrt': return { model: 'sqrt', ...base, tMinC: m.tMinC };
  }
}

const batch: Reader<Batch> = (v, path, problems) => {
  const f = new Fields(v, path, problems, ['id', 'product', 'quantity', 'producedAt', 'expiresAt']);
  const b = { id: f.id(), product: f.id('product'), quantity: f.num('quantity', { gt: 0 }), producedAt: f.time('producedAt'), expiresAt: f.time('expiresAt') };
  if (f.ok && b.expiresAt.ms <= b.producedAt.ms) f.problem('.expiresAt', 'must be after producedAt');
  return { ...b, producedAt: b.producedAt.iso, expiresAt: b.expiresAt.iso };
};

/** A tracking number of a shipment; its carrier defaults to the shipment's. Both are normalised as events' are. */
function tracking(v: unknown, path: string, shipmentCarrier: string, problems: Problem[]): ShipmentTracking {
  const f = new Fields(v, path, problems, ['carrier', 'number']);
  const carrier = normaliseCarrier(f.has('carrier') ? f.id('carrier') : shipmentCarrier);
  if (carrier === '' && !f.has('carrier')) f.problem('.carrier', "must name the carrier (the shipment's is empty)");
  const number = normaliseTrackingNumber(f.id('number'));
  // Stored normalised, and read back as ids: case mapping can lengthen (ß is SS), a shipment's carrier is any text (#17).
  if (carrier.length > MAX_ID_LENGTH) f.problem('.carrier', `must be at most ${MAX_ID_LENGTH} characters once normalised (lower case)`);
  if (number.length > MAX_ID_LENGTH) f.problem('.number', `must be at most ${MAX_ID_LENGTH} characters once normalised (upper case, no spaces)`);
  return { carrier, number };
}

const shipment: Reader<Shipment> = (v, path, problems) => {
  const f = new Fields(v, path, problems, ['id', 'carrier', 'lane', 'mode', 'origin', 'destination', 'hubs', 'route', 'corridorM', 'plannedDeparture', 'promisedDelivery', 'gapThresholdMin', 'tracking']);
  const s = {
    id: f.id(), carrier: f.str('carrier', ''), lane: f.str('lane', ''), mode: f.oneOf('mode', SHIPMENT_MODES),
    origin: f.id('origin'), destination: f.id('destination'),
    hubs: f.list('hubs', (h, p) => (typeof h === 'string' && h !== '' ? h : (problems.push({ path: p, message: 'must be a place id' }), '')), { optional: true }),
    route: f.list('route', (x, p) => latLon(x, p, problems), { optional: true }),
    corridorM: f.num('corridorM', { gt: 0, max: 500_000, fallback: DEFAULT_CORRIDOR_M }),
    plannedDeparture: f.time('plannedDeparture'), promisedDelivery: f.time('promisedDelivery'),
    gapThresholdMin: f.num('gapThresholdMin', { gt: 0, max: 10_080, fallback: DEFAULT_GAP_THRESHOLD_MIN }),
  };
  if (s.route.length === 1) f.problem('.route', 'must have at least two points, or none');
  if (f.ok && s.promisedDelivery.ms <= s.plannedDeparture.ms) f.problem('.promisedDelivery', 'must be after plannedDeparture');
  // Left out when empty, so documents from before tracking numbers existed stay as they were stored.
  const numbers: ShipmentTracking[] = [];
  for (const t of f.list('tracking', (x, p) => tracking(x, p, s.carrier, problems), { optional: true })) {
    if (!numbers.some((n) => n.carrier === t.carrier && n.number === t.number)) numbers.push(t);
  }
  return { ...s, plannedDeparture: s.plannedDeparture.iso, promisedDelivery: s.promisedDelivery.iso, ...(numbers.length > 0 ? { tracking: numbers } : {}) };
};

function orderLine(v: unknown, path: string, problems: Problem[]): OrderLine {
  const f = new Fields(v, path, problems, ['batch', 'quantity']);
  return { batch: f.id('batch'), quantity: f.num('quantity', { gt: 0 }) };
}

export function orderStatus(v: unknown, path: string, problems: Problem[]): OrderStatus & { ms: number } {
  const f = new Fields(v, path, problems, ['status', 'at', 'operator', 'source']);
  const at = f.time('at');
  return { status: f.oneOf('status', ORDER_STATES), at: at.iso, ms: at.ms, operator: f.str('operator', ''), source: f.str('source', '') };
}

/** Status history in time order (a stable sort: equal times keep their given order); exact repeats kept once. */
export function canonicalStatuses(list: readonly (OrderStatus & { ms?: number })[]): OrderStatus[] {
  const seen = new Set<string>();
  const out: (OrderStatus & { ms: number })[] = [];
  let sorted = true;
  for (const s of list) {
    // Cheaper than JSON.stringify, and unambiguous: status and time hold no '|', the operator's length fixes where
    // the free text ends.
    const key = `${s.status}|${s.at}|${s.operator.length}|${s.operator}|${s.source}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ms = s.ms ?? Date.parse(s.at);
    if (out.length > 0 && ms < out[out.length - 1]!.ms) sorted = false;
    out.push({ status: s.status, at: s.at, operator: s.operator, source: s.source, ms });
  }
  if (!sorted) out.sort((a, b) => a.ms - b.ms);
  return out.map(({ ms: _ms, ...s }) => s);
}

const order: Reader<Order> = (v, path, problems) => {
  const f = new Fields(v, path, problems, ['id', 'customer', 'lines', 'shipments', 'promisedDelivery', 'minRemainingShelfLifeDays', 'statuses']);
  const lines = f.list('lines', (x, p) => orderLine(x, p, problems), { min: 1 });
  const batches = new Map<string, number>();
  lines.forEach((l, i) => {
    const first = batches.get(l.batch);
    if (first !== undefined && l.batch !== '') f.problem(`.lines[${i}].batch`, `batch '${l.batch}' is already on line ${first}`);
    else batches.set(l.batch, i);
  });
  const shipments = f.list('shipments', (s, p) => (typeof s === 'string' && s !== '' ? s : (problems.push({ path: p, message: 'must be a shipment id' }), '')), { optional: true });
  return {
    id: f.id(), customer: f.str('customer', ''), lines, shipments: [...new Set(shipments)],
    promisedDelivery: f.time('promisedDelivery').iso, minRemainingShelfLifeDays: f.num('minRemainingShelfLifeDays', { min: 0, fallback: 0 }),
    statuses: canonicalStatuses(f.list('statuses', (x, p) => orderStatus(x, p, problems), { optional: true })),
  };
};

/** A placement with its times in ms (`to` Infinity while open). */
export interface PlacementSpan {
  readonly placement: Placement;
  readonly fromMs: number;
  readonly toMs: number;
}

export function spanOf(p: Placement): PlacementSpan {
  return { placement: p, fromMs: Date.parse(p.from), toMs: p.to === undefined ? Infinity : Date.parse(p.to) };
}

const placement: Reader<Placement> = (v, path, problems) => {
  const f = new Fields(v, path, problems, ['id', 'device', 'batch', 'zone', 'shipment', 'from', 'to']);
  const id = f.id();
  if (f.has('device') === f.has('batch')) f.problem('', "must name exactly one of 'device' and 'batch'");
  if (f.has('zone') === f.has('shipment')) f.problem('', "must name exactly one of 'zone' and 'shipment'");
  const subject = f.has('device') ? { device: f.id('device') } : f.has('batch') ? { batch: f.id('batch') } : {};
  const location = f.has('zone') ? { zone: f.id('zone') } : f.has('shipment') ? { shipment: f.id('shipment') } : {};
  const from = f.time('from');
  const to = f.has('to') && f.raw('to') !== null ? f.time('to') : undefined;
  if (to !== undefined && f.ok && to.ms <= from.ms) f.problem('.to', 'must be after from');
  return { id, ...subject, ...location, from: from.iso, ...(to !== undefined ? { to: to.iso } : {}) };
};

export const READERS: { readonly [K in EntityKind]: Reader<EntityOf[K]> } = {
  sites: site, zones: zone, places: place, devices: device, products: product,
  batches: batch, shipments: shipment, orders: order, placements: placement,
};

/** Reads one entity of `kind`: the canonical entity, or the problems (paths start at `path`). */
export function readEntity<K extends EntityKind>(kind: K, v: unknown, path: string): { entity: EntityOf[K]; problems: Problem[] } {
  const problems: Problem[] = [];
  const entity = READERS[kind](v, path, problems) as EntityOf[K];
  return { entity, problems };
}
