/**
 * A registry document (import) read as a whole: every entity canonical or its problems by path, ids unique per
 * kind, and the references it makes (checked against the document and the registry by the service).
 */
import { readEntity, spanOf, type PlacementSpan } from './entities.js';
import { isObject } from './fields.js';
import { ENTITY_KINDS, REGISTRY_FORMAT, type EntityKind, type EntityOf, type Placement, type Problem } from './types.js';

/** What a document holds per kind (kinds it leaves out are empty). */
export type Entities = { [K in EntityKind]: EntityOf[K][] };

export function emptyEntities(): Entities {
  return { sites: [], zones: [], places: [], devices: [], products: [], batches: [], shipments: [], orders: [], placements: [] };
}

export interface ReadDocument {
  readonly entities: Entities;
  readonly problems: Problem[];
}

/** Reads an import document; kinds may be left out (an import adds and updates, it never deletes). */
export function readDocument(raw: unknown): ReadDocument {
  const problems: Problem[] = [];
  const entities = emptyEntities();
  if (!isObject(raw)) return { entities, problems: [{ path: '', message: 'must be a JSON object (a registry document)' }] };
  if (raw.format !== undefined && raw.format !== REGISTRY_FORMAT) problems.push({ path: 'format', message: `must be '${REGISTRY_FORMAT}'` });
  for (const key of Object.keys(raw)) {
    if (key !== 'format' && !(ENTITY_KINDS as readonly string[]).includes(key)) problems.push({ path: key, message: `unknown field '${key}' (a document holds format, ${ENTITY_KINDS.join(', ')})` });
  }
  for (const kind of ENTITY_KINDS) {
    const list = raw[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push({ path: kind, message: 'must be an array' });
      continue;
    }
    const firstAt = new Map<string, number>();
    list.forEach((v, i) => {
      const r = readEntity(kind, v, `${kind}[${i}]`);
      problems.push(...r.problems);
      const id = r.entity.id;
      const first = firstAt.get(id);
      if (first !== undefined) problems.push({ path: `${kind}[${i}].id`, message: `duplicate id '${id}' (also ${kind}[${first}])` });
      else firstAt.set(id, i);
      (entities[kind] as unknown[]).push(r.entity);
    });
  }
  return { entities, problems };
}

/** An id that a field refers to. */
export interface Reference {
  readonly path: string;
  readonly kind: EntityKind;
  readonly id: string;
}

/** Every reference the entities make, with its path. */
export function referencesOf(e: Entities): Reference[] {
  const refs: Reference[] = [];
  const ref = (path: string, kind: EntityKind, id: string | undefined): void => {
    if (id !== undefined && id !== '') refs.push({ path, kind, id });
  };
  e.zones.forEach((z, i) => ref(`zones[${i}].site`, 'sites', z.site));
  e.devices.forEach((d, i) => {
    ref(`devices[${i}].scanner.zone`, 'zones', d.scanner?.zone);
    ref(`devices[${i}].scanner.shipment`, 'shipments', d.scanner?.shipment);
  });
  e.batches.forEach((b, i) => ref(`batches[${i}].product`, 'products', b.product));
  e.shipments.forEach((s, i) => {
    ref(`shipments[${i}].origin`, 'sites', s.origin);
    ref(`shipments[${i}].destination`, 'sites', s.destination);
    s.hubs.forEach((h, k) => ref(`shipments[${i}].hubs[${k}]`, 'places', h));
  });
  e.orders.forEach((o, i) => {
    o.lines.forEach((l, k) => ref(`orders[${i}].lines[${k}].batch`, 'batches', l.batch));
    o.shipments.forEach((s, k) => ref(`orders[${i}].shipments[${k}]`, 'shipments', s));
  });
  e.placements.forEach((p, i) => {
    ref(`placements[${i}].device`, 'devices', p.device);
    ref(`placements[${i}].batch`, 'batches', p.batch);
    ref(`placements[${i}].zone`, 'zones', p.zone);
    ref(`placements[${i}].shipment`, 'shipments', p.shipment);
  });
  return refs;
}

/** Singular of a kind, for messages ("unknown batch 'B-9'"). */
export const SINGULAR: Record<EntityKind, string> = {
  sites: 'site', zones: 'zone', places: 'place', devices: 'device', products: 'product',
  batches: 'batch', shipments: 'shipment', orders: 'order', placements: 'placement',
};

/** 'device:D-1' or 'batch:B-1': whose custody a placement records. */
export function subjectOf(p: Placement): string {
  return p.device !== undefined ? `device:${p.device}` : `batch:${p.batch ?? ''}`;
}

/**
 * Overlapping placements of one subject (a device or a batch is in one place at a time). `placements`: the
 * subject's placements after the change (stored ones with the document's replacing those of the same id);
 * `pathOf` names a placement of the document, undefined for stored ones. A problem is reported on the document's
 * placement of each overlapping pair.
 */
export function overlapProblems(placements: readonly Placement[], pathOf: (id: string) => string | undefined): Problem[] {
  const bySubject = new Map<string, PlacementSpan[]>();
  for (const p of placements) {
    const key = subjectOf(p);
    let list = bySubject.get(key);
    if (list === undefined) bySubject.set(key, (list = []));
    list.push(spanOf(p));
  }
  const problems: Problem[] = [];
  for (const list of bySubject.values()) {
    list.sort((a, b) => a.fromMs - b.fromMs);
    // Sorted by start: a span overlaps a later one iff the later one starts before the latest end so far.
    let reach: PlacementSpan | undefined;
    for (const s of list) {
      if (reach !== undefined && s.fromMs < reach.toMs) {
        const [mine, other] = pathOf(s.placement.id) !== undefined ? [s, reach] : [reach, s];
        const subject = subjectOf(s.placement);
        const kind = subject.slice(0, subject.indexOf(':'));
        const id = subject.slice(kind.length + 1);
        problems.push({
          path: `${pathOf(mine.placement.id) ?? `placements '${mine.placement.id}'`}.from`,
          message: `overlaps placement '${other.placement.id}' (${other.placement.from} to ${other.placement.to ?? 'open'}) of ${kind} '${id}': a ${kind} is in one place at a time`,
        });
      }
      if (reach === undefined || s.toMs > reach.toMs) reach = s;
    }
  }
  return problems;
}
