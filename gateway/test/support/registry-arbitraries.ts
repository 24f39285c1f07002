/**
 * fast-check generators of registry input (issue #17): entities of every kind as a client may send them (times in
 * any accepted spelling and zone, optional fields left out, ids with unicode and inner spaces), a document whose
 * references resolve, carrier event batches, and mutations of them. Shared by the domain and the HTTP fuzz tests.
 */
import fc from 'fast-check';
import { gs1CheckDigit } from '@coldtrace/contract';
import { CARRIER_VOCABULARIES } from '../../src/domain/carrier/milestones.js';
import { PRODUCT_PRESETS } from '../../src/domain/registry/presets.js';
import {
  ALARM_TYPES, DEVICE_KINDS, ENTITY_KINDS, ORDER_STATES, PLACE_KINDS, SHIPMENT_MODES, type EntityKind,
} from '../../src/domain/registry/types.js';

type Raw = Record<string, unknown>;

/** Runs scaled by COLDTRACE_FUZZ (docs/engineering.md, "Fuzzing"). */
export const fuzzRuns = (n: number): number => Math.max(1, Math.round(n * Number(process.env['COLDTRACE_FUZZ'] ?? 1)));

/** Ids: plain, with inner spaces and punctuation, or any unicode without surrounding spaces; at most 128 characters. */
export const id: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,11}$/) },
  fc.stringMatching(/^[A-Z][a-z]{0,5} [0-9]{1,3}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((s) => s.trim() === s && s !== '' && s.length <= 128),
);

const YEAR_MS = 365.2425 * 86_400_000;
const Y2000 = Date.UTC(2000, 0, 1);

/** A time in ms: mostly this century, sometimes at the ends of the four-digit years. */
export const timeMs: fc.Arbitrary<number> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: Y2000, max: Y2000 + 60 * YEAR_MS }) },
  fc.integer({ min: Date.parse('0100-01-01T00:00:00Z'), max: Date.parse('0100-01-02T23:59:59.999Z') }),
  fc.integer({ min: Date.parse('9999-12-30T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59.999Z') }),
);

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');

/**
 * `ms` written as a client may write it: canonical, at a zone offset (±14 h, whole quarter hours) with or without
 * seconds and fraction, `T` or a space, lower case, or as a date alone when it is a UTC midnight.
 */
export function timeText(ms: number, style: number, offsetQuarters: number): string {
  const d = new Date(ms);
  if (style % 5 === 0) return d.toISOString();
  if (ms % 86_400_000 === 0 && style % 5 === 1) return d.toISOString().slice(0, 10);
  const offMin = offsetQuarters * 15;
  const local = new Date(ms + offMin * 60_000);
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const sep = style % 3 === 0 ? ' ' : 'T';
  const frac = local.getUTCMilliseconds() === 0 && style % 2 === 0 ? '' : `.${pad(local.getUTCMilliseconds(), 3)}`;
  const zone = offMin === 0 && style % 4 === 0 ? 'Z' : `${offMin < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(offMin) / 60))}:${pad(Math.abs(offMin) % 60)}`;
  const text = `${date}${sep}${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${frac}${zone}`;
  return style % 7 === 0 ? text.toLowerCase() : text;
}

const spelling = fc.tuple(fc.nat(), fc.integer({ min: -56, max: 56 }));
/** A time string for `ms`. */
export const timeOf = (ms: number): fc.Arbitrary<string> => spelling.map(([style, q]) => timeText(ms, style, q));
/** Two time strings, the second strictly later. */
const timesInOrder: fc.Arbitrary<[string, string]> = fc.tuple(timeMs, fc.integer({ min: 1, max: 400 * 86_400_000 }))
  .chain(([a, gap]) => fc.tuple(timeOf(a), timeOf(a + gap)));

const text = fc.oneof(fc.constant(''), fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 10 }));
const lat = fc.double({ min: -90, max: 90, noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
const lon = fc.double({ min: -180, max: 180, noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
const latLon = fc.record({ lat, lon });
const geofence = fc.oneof(
  fc.record({ kind: fc.constant('circle'), center: latLon, radiusM: fc.double({ min: 0.5, max: 1_000_000, noNaN: true }) }),
  // A small polygon around a point away from the antimeridian.
  fc.tuple(fc.double({ min: -80, max: 80, noNaN: true }), fc.double({ min: -170, max: 170, noNaN: true }), fc.integer({ min: 3, max: 6 }))
    .map(([la, lo, n]) => ({ kind: 'polygon', points: Array.from({ length: n }, (_, i) => ({ lat: la + Math.sin((2 * Math.PI * i) / n), lon: lo + Math.cos((2 * Math.PI * i) / n) })) })),
);

/** Optional fields: each present or left out. */
const some = <T extends Raw>(required: (keyof T & string)[], r: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<Raw> =>
  fc.record(r, { requiredKeys: required, noNullPrototype: true });

const limit = fc.constantFrom(...ALARM_TYPES).chain((alarm) => fc.record({
  metric: fc.constantFrom('temperature', 'humidity'), bound: fc.constantFrom('upper', 'lower'), value: fc.integer({ min: -30, max: 40 }),
  alarm: fc.constant(alarm),
  ...(alarm === 'consecutive' ? { delayMin: fc.integer({ min: 1, max: 600 }) } : alarm === 'cumulative' ? { budgetMin: fc.integer({ min: 1, max: 6000 }) } : {}),
}));

/** Tracking numbers as printed (with spaces, any case), and long ones whose upper case is longer still (ß is SS). */
const trackingNumber = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[0-9A-Za-z]{4,8}( [0-9A-Z]{2,4})?$/) },
  fc.array(fc.constantFrom('ß', 'ﬀ', 'ß', 'A1'), { minLength: 40, maxLength: 100 }).map((cs) => cs.join('').slice(0, 128)),
);

/** A GTIN-14 with its check digit (GS1 mod 10). */
const gtin = fc.stringMatching(/^\d{13}$/).map((d) => d + String(gs1CheckDigit(d)));

/** References an entity makes: ids of the kinds it points at (a document fills them from its own entities). */
export interface Refs { readonly [kind: string]: readonly string[] }
const pick = (refs: Refs, kind: EntityKind): fc.Arbitrary<string> => ((refs[kind]?.length ?? 0) > 0 ? fc.constantFrom(...refs[kind]!) : id);

/** One valid entity of `kind` with id `key`, referring to `refs`. */
export function entity(kind: EntityKind, key: string, refs: Refs = {}): fc.Arbitrary<Raw> {
  const k = fc.constant(key);
  switch (kind) {
    case 'sites': return some(['id', 'geofence'], { id: k, name: text, geofence, minRemainingShelfLifeDays: fc.oneof(fc.integer({ min: 0, max: 36_500 }), fc.double({ min: 0, max: 36_500, noNaN: true })) });
    case 'zones': return some(['id', 'site'], { id: k, site: pick(refs, 'sites'), name: text });
    case 'places': return some(['id', 'kind', 'geofence'], { id: k, name: text, kind: fc.constantFrom(...PLACE_KINDS), geofence });
    case 'devices': return some(['id', 'kind', 'intervalS'], {
      id: k, kind: fc.constantFrom(...DEVICE_KINDS), model: text, intervalS: fc.oneof(fc.integer({ min: 1, max: 86_400 }), fc.double({ min: 0.001, max: 86_400, noNaN: true })),
      metrics: fc.uniqueArray(fc.constantFrom('temperature', 'humidity', 'gps.lat', 'door.open'), { maxLength: 3 }),
      // A scanner's door (docs/scans.md): a zone or a shipment, in or out.
      scanner: fc.tuple(fc.boolean(), pick(refs, 'zones'), pick(refs, 'shipments'), fc.constantFrom('in', 'out'))
        .map(([inZone, zone, shipment, direction]) => (inZone ? { zone, direction } : { shipment, direction })),
    });
    case 'products': return fc.oneof(
      fc.record({ id: k, name: text, preset: fc.constantFrom(...PRODUCT_PRESETS.map((p) => p.preset)) }),
      some(['id', 'name', 'storageTempC'], {
        id: k, name: text, storageTempC: fc.integer({ min: -30, max: 30 }), limits: fc.array(limit, { maxLength: 3 }),
        mkt: fc.array(fc.record({ windowH: fc.integer({ min: 1, max: 720 }), limitC: fc.integer({ min: 0, max: 30 }) }), { maxLength: 2 }),
        ignoreStartMin: fc.integer({ min: 0, max: 120 }), gtins: fc.uniqueArray(gtin, { maxLength: 2 }),
      }),
    );
    case 'batches': return fc.tuple(timesInOrder, fc.double({ min: 0.001, max: 1e9, noNaN: true }), pick(refs, 'products'))
      .map(([[producedAt, expiresAt], quantity, product]) => ({ id: key, product, quantity, producedAt, expiresAt }));
    case 'shipments': return fc.tuple(timesInOrder, some(['carrier', 'mode', 'origin', 'destination'], {
      carrier: id, lane: text, mode: fc.constantFrom(...SHIPMENT_MODES), origin: pick(refs, 'sites'), destination: pick(refs, 'sites'),
      hubs: fc.uniqueArray(pick(refs, 'places'), { maxLength: 2 }), route: fc.oneof(fc.constant([]), fc.array(latLon, { minLength: 2, maxLength: 4 })),
      corridorM: fc.integer({ min: 1, max: 500_000 }), gapThresholdMin: fc.integer({ min: 1, max: 10_080 }),
      tracking: fc.array(some(['number'], { number: trackingNumber, carrier: id }), { maxLength: 2 }),
    })).map(([[plannedDeparture, promisedDelivery], s]) => ({ id: key, ...s, plannedDeparture, promisedDelivery }));
    case 'orders': return fc.tuple(timeMs.chain(timeOf), some(['lines'], {
      lines: fc.uniqueArray(fc.record({ batch: pick(refs, 'batches'), quantity: fc.integer({ min: 1, max: 1000 }) }), { minLength: 1, maxLength: 3, selector: (l) => l.batch }),
      customer: text, shipments: fc.uniqueArray(pick(refs, 'shipments'), { maxLength: 2 }), minRemainingShelfLifeDays: fc.integer({ min: 0, max: 365 }),
      statuses: fc.array(some(['status', 'at'], { status: fc.constantFrom(...ORDER_STATES), at: timeMs.chain(timeOf), operator: text, source: text }), { maxLength: 3 }),
    })).map(([promisedDelivery, o]) => ({ id: key, ...o, promisedDelivery }));
    case 'placements': return fc.tuple(timesInOrder, fc.boolean(), fc.boolean(), fc.constantFrom('open', 'closed', 'null'),
      pick(refs, 'devices'), pick(refs, 'batches'), pick(refs, 'zones'), pick(refs, 'shipments'))
      .map(([[from, to], isDevice, inZone, end, device, batch, zone, shipment]) => ({
        id: key, ...(isDevice ? { device } : { batch }), ...(inZone ? { zone } : { shipment }), from,
        ...(end === 'closed' ? { to } : end === 'null' ? { to: null } : {}),
      }));
  }
}

/** Entities of one kind with distinct ids. */
export const entities = (kind: EntityKind, refs: Refs = {}, maxLength = 4): fc.Arbitrary<Raw[]> =>
  fc.uniqueArray(id, { maxLength }).chain((ids) => (ids.length === 0 ? fc.constant([]) : fc.tuple(...ids.map((i) => entity(kind, i, refs)))));

/**
 * A document whose references resolve within it (placements left out: their overlaps are judged against each other
 * and the registry, which a random document would break more often than not).
 */
export const document: fc.Arbitrary<Raw> = entities('sites', {}, 3).chain((sites) => fc.tuple(
  fc.constant(sites), entities('places', {}, 2), entities('products', {}, 2), entities('devices', {}, 2),
).chain(([ss, places, products, devices]) => {
  const refs = { sites: ss.map((e) => e['id'] as string), places: places.map((e) => e['id'] as string), products: products.map((e) => e['id'] as string) };
  const zones = refs.sites.length > 0 ? entities('zones', refs, 3) : fc.constant([]);
  const batches = refs.products.length > 0 ? entities('batches', refs, 3) : fc.constant([]);
  const shipments = refs.sites.length > 0 ? entities('shipments', refs, 2) : fc.constant([]);
  return fc.tuple(zones, batches, shipments).chain(([zs, bs, shs]) => {
    const orders = bs.length > 0 ? entities('orders', { ...refs, batches: bs.map((e) => e['id'] as string), shipments: shs.map((e) => e['id'] as string) }, 2) : fc.constant([]);
    return orders.map((os) => ({ sites: ss, places, products, devices, zones: zs, batches: bs, shipments: shs, orders: os }));
  });
}));

/** A change of a JSON value somewhere inside it: a field dropped, replaced by any JSON, or added; an element dropped. */
export const mutation: fc.Arbitrary<(v: unknown) => unknown> = fc.tuple(fc.infiniteStream(fc.nat()), fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('drop', 'replace', 'add', 'type'))
  .map(([stream, junk, what]) => (v: unknown): unknown => {
    const it = stream[Symbol.iterator]();
    const next = (): number => it.next().value as number;
    const copy = structuredClone(v);
    let node: unknown = copy;
    // Walk down a few levels at random, then change the node reached.
    for (let depth = next() % 5; depth > 0; depth--) {
      const kids = typeof node === 'object' && node !== null ? Object.values(node) : [];
      const child = kids[next() % Math.max(1, kids.length)];
      if (typeof child !== 'object' || child === null) break;
      node = child;
    }
    if (typeof node !== 'object' || node === null) return junk;
    const keys = Object.keys(node);
    const key = keys[next() % Math.max(1, keys.length)] ?? 'id';
    const target = node as Record<string, unknown>;
    if (what === 'drop') {
      if (Array.isArray(node)) node.splice(Number(key), 1);
      else delete target[key];
    } else if (what === 'add' && !Array.isArray(node)) {
      // As JSON.parse makes it: an own property even for `__proto__`.
      Object.defineProperty(target, ['extra', '__proto__', 'constructor', 'id', 'to'][next() % 5]!, { value: junk, enumerable: true, writable: true, configurable: true });
    } else if (what !== 'add') {
      const old = target[key];
      target[key] = what === 'replace' ? junk : typeof old === 'string' ? Number(old) || null : typeof old === 'number' ? String(old) : [old];
    }
    return copy;
  });

/** A carrier event as a carrier or aggregator sends it; its own carrier, number and vocabulary sometimes. */
const carrierEvent = some(['time', 'code'], {
  time: timeMs.chain(timeOf), code: fc.oneof(fc.constantFrom('InTransit', 'Delivered', 'OutForDelivery', 'PU', 'DL', 'AR', 'delivered', 'in_transit'), id),
  text: text, place: text, position: latLon, carrier: id, trackingNumber: id, vocabulary: fc.constantFrom(...CARRIER_VOCABULARIES), shipment: id,
});
/** A batch of carrier events with its defaults (carrier, tracking number, vocabulary). */
export const carrierBatch: fc.Arbitrary<Raw> = some(['carrier', 'events'], {
  carrier: id, trackingNumber: fc.stringMatching(/^[0-9A-Za-z]{4,10}( [0-9A-Z]{2,4}){0,2}$/), vocabulary: fc.constantFrom(...CARRIER_VOCABULARIES),
  events: fc.array(carrierEvent, { minLength: 1, maxLength: 5 }),
});

export { ENTITY_KINDS };
