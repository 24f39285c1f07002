/**
 * The registry in SQLite (`registry.db` beside the other databases). Each entity is kept as its canonical JSON
 * document; placements and order relations are also kept as indexed rows for custody queries. Every write is one
 * transaction; an entity written unchanged writes nothing, so importing a document twice changes nothing.
 */
import type Database from 'better-sqlite3';
import type { Location } from '../../../domain/custody/spans.js';
import type { EntityKind, EntityOf, Order, Placement, Shipment, ShipmentTracking } from '../../../domain/registry/types.js';
import type { ApplyCounts, HistoryEntry, KindCounts, RegistryChange, RegistryStore, WriteMeta } from '../../../ports/registry.js';
import { migrate } from '../database.js';
import { TrackingIndex } from './tracking-index.js';
import { RecordLog } from '../integrity/record-log.js';

const MIGRATIONS = [
  `CREATE TABLE entity (
     kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,
     created_at INTEGER NOT NULL, created_by TEXT NOT NULL, created_source TEXT NOT NULL,
     PRIMARY KEY (kind, id)
   ) WITHOUT ROWID;
   CREATE TABLE placement (
     id TEXT PRIMARY KEY, subject TEXT NOT NULL, loc_kind TEXT NOT NULL, loc TEXT NOT NULL,
     from_ms INTEGER NOT NULL, to_ms INTEGER             -- NULL while open
   ) WITHOUT ROWID;
   CREATE INDEX placement_subject ON placement (subject, from_ms);
   CREATE INDEX placement_loc ON placement (loc_kind, loc, from_ms);
   CREATE TABLE order_batch (batch TEXT NOT NULL, order_id TEXT NOT NULL, PRIMARY KEY (batch, order_id)) WITHOUT ROWID;
   CREATE TABLE order_shipment (shipment TEXT NOT NULL, order_id TEXT NOT NULL, PRIMARY KEY (shipment, order_id)) WITHOUT ROWID;
   CREATE TABLE history (
     seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL, change TEXT NOT NULL,
     before TEXT, after TEXT, at INTEGER NOT NULL, actor TEXT NOT NULL, source TEXT NOT NULL
   );
   CREATE INDEX history_entity ON history (kind, id, seq);`,
  // What is placed at a location at a moment: the placements still open, and those closed after it. By the end first,
  // so the rules' question for live readings ("placed here now") reads the few open placements, not the location's
  // whole history (a zone holds hundreds of batches over a year).
  `DROP INDEX placement_loc;
   CREATE INDEX placement_loc_to ON placement (loc_kind, loc, to_ms, from_ms);`,
  // The devices at a location over a batch's leg: a few among the location's hundreds of batch placements, whatever
  // the leg's age (the index above reads every placement ended after an old leg's start).
  `CREATE INDEX placement_loc_device ON placement (loc_kind, loc, from_ms) WHERE subject >= 'device:' AND subject < 'device;';`,
];

/** At most this many ids per `IN (...)` (SQLite's default variable limit is 32,766). */
const IN_CHUNK = 500;

export class SqliteRegistryStore implements RegistryStore {
  private readonly s;
  private readonly tracking: TrackingIndex;

  /** The records chain (docs/security.md "Tamper evidence"): each placement version appends an entry in its transaction. */
  private readonly records: RecordLog | undefined;

  constructor(private readonly db: Database.Database, options: { readonly chain?: boolean } = {}) {
    migrate(db, 'registry', MIGRATIONS);
    this.records = options.chain === false ? undefined : new RecordLog(db);
    this.records?.adoptExisting('placement');
    this.tracking = new TrackingIndex(db);
    this.s = {
      get: db.prepare('SELECT doc FROM entity WHERE kind = ? AND id = ?').pluck(),
      list: db.prepare('SELECT doc FROM entity WHERE kind = ? AND id > ? ORDER BY id LIMIT ?').pluck(),
      count: db.prepare('SELECT count(*) FROM entity WHERE kind = ?').pluck(),
      insert: db.prepare('INSERT INTO entity (kind, id, doc, created_at, created_by, created_source) VALUES (?, ?, ?, ?, ?, ?)'),
      update: db.prepare('UPDATE entity SET doc = ? WHERE kind = ? AND id = ?'),
      remove: db.prepare('DELETE FROM entity WHERE kind = ? AND id = ?'),
      history: db.prepare('INSERT INTO history (kind, id, change, before, after, at, actor, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      putPlacement: db.prepare(`INSERT INTO placement (id, subject, loc_kind, loc, from_ms, to_ms) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET subject = excluded.subject, loc_kind = excluded.loc_kind, loc = excluded.loc, from_ms = excluded.from_ms, to_ms = excluded.to_ms`),
      removePlacement: db.prepare('DELETE FROM placement WHERE id = ?'),
      removeOrderBatches: db.prepare('DELETE FROM order_batch WHERE order_id = ? AND batch = ?'),
      putOrderBatch: db.prepare('INSERT OR IGNORE INTO order_batch (batch, order_id) VALUES (?, ?)'),
      removeOrderShipment: db.prepare('DELETE FROM order_shipment WHERE order_id = ? AND shipment = ?'),
      putOrderShipment: db.prepare('INSERT OR IGNORE INTO order_shipment (shipment, order_id) VALUES (?, ?)'),
      placementsOf: db.prepare('SELECT e.doc FROM placement p JOIN entity e ON e.kind = \'placements\' AND e.id = p.id WHERE p.subject = ? ORDER BY p.from_ms').pluck(),
      placementsAt: db.prepare(`SELECT e.doc FROM (
          SELECT id, from_ms FROM placement WHERE loc_kind = :kind AND loc = :loc AND to_ms IS NULL AND from_ms < :to
          UNION ALL
          SELECT id, from_ms FROM placement WHERE loc_kind = :kind AND loc = :loc AND to_ms > :from AND from_ms < :to
        ) p JOIN entity e ON e.kind = 'placements' AND e.id = p.id ORDER BY p.from_ms, p.id`).pluck(),
      devicesAt: db.prepare(`SELECT e.doc FROM placement p JOIN entity e ON e.kind = 'placements' AND e.id = p.id
        WHERE p.loc_kind = :kind AND p.loc = :loc AND p.subject >= 'device:' AND p.subject < 'device;' AND p.from_ms < :to
          AND (p.to_ms IS NULL OR p.to_ms > :from) ORDER BY p.from_ms, p.id`).pluck(),
      devicePlacements: db.prepare(`SELECT e.doc FROM placement p JOIN entity e ON e.kind = 'placements' AND e.id = p.id
        WHERE p.subject >= 'device:' AND p.subject < 'device;' ORDER BY p.subject, p.from_ms`).pluck(),
      batchesOfProduct: db.prepare("SELECT id FROM entity WHERE kind = 'batches' AND json_extract(doc, '$.product') = ? ORDER BY id").pluck(),
      zonesOf: db.prepare("SELECT id FROM entity WHERE kind = 'zones' AND json_extract(doc, '$.site') = ? ORDER BY id").pluck(),
      ordersOfBatch: db.prepare('SELECT order_id FROM order_batch WHERE batch = ?').pluck(),
      ordersOfShipment: db.prepare('SELECT order_id FROM order_shipment WHERE shipment = ?').pluck(),
      readHistory: db.prepare('SELECT kind, id, change, before, after, at, actor, source FROM history WHERE kind = ? AND id = ? ORDER BY seq'),
      created: db.prepare('SELECT created_at, created_by, created_source FROM entity WHERE kind = ? AND id = ?'),
    };
  }

  get<K extends EntityKind>(kind: K, id: string): Promise<EntityOf[K] | undefined> {
    const doc = this.s.get.get(kind, id) as string | undefined;
    return Promise.resolve(doc === undefined ? undefined : JSON.parse(doc) as EntityOf[K]);
  }

  list<K extends EntityKind>(kind: K, page: { after?: string; limit: number }): Promise<EntityOf[K][]> {
    return Promise.resolve((this.s.list.all(kind, page.after ?? '', page.limit) as string[]).map((d) => JSON.parse(d) as EntityOf[K]));
  }

  count(kind: EntityKind): Promise<number> {
    return Promise.resolve(this.s.count.get(kind) as number);
  }

  missing(kind: EntityKind, ids: readonly string[]): Promise<string[]> {
    const found = new Set<string>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += IN_CHUNK) {
      const part = unique.slice(i, i + IN_CHUNK);
      const rows = this.db.prepare(`SELECT id FROM entity WHERE kind = ? AND id IN (${part.map(() => '?').join(',')})`).pluck().all(kind, ...part) as string[];
      for (const id of rows) found.add(id);
    }
    return Promise.resolve(unique.filter((id) => !found.has(id)));
  }

  placementsOf(subjects: readonly string[]): Promise<Placement[]> {
    return Promise.resolve([...new Set(subjects)].flatMap((s) => (this.s.placementsOf.all(s) as string[]).map((d) => JSON.parse(d) as Placement)));
  }

  placementsAt(location: Location, fromMs: number, toMs: number, of?: 'device' | 'batch'): Promise<Placement[]> {
    const range = { kind: location.kind, loc: location.id, to: Math.min(toMs, Number.MAX_SAFE_INTEGER), from: Math.max(fromMs, Number.MIN_SAFE_INTEGER) };
    const docs = (of === 'device' ? this.s.devicesAt : this.s.placementsAt).all(range) as string[];
    const all = docs.map((d) => JSON.parse(d) as Placement);
    return Promise.resolve(of === 'batch' ? all.filter((p) => p.batch !== undefined) : all);
  }

  devicePlacements(): Promise<Placement[]> {
    return Promise.resolve((this.s.devicePlacements.all() as string[]).map((d) => JSON.parse(d) as Placement));
  }

  zonesOf(site: string): Promise<string[]> {
    return Promise.resolve(this.s.zonesOf.all(site) as string[]);
  }

  batchesOfProduct(product: string): Promise<string[]> {
    return Promise.resolve(this.s.batchesOfProduct.all(product) as string[]);
  }

  ordersOf(q: { batches: readonly string[]; shipments: readonly string[] }): Promise<string[]> {
    const out = new Set<string>();
    for (const b of q.batches) for (const o of this.s.ordersOfBatch.all(b) as string[]) out.add(o);
    for (const s of q.shipments) for (const o of this.s.ordersOfShipment.all(s) as string[]) out.add(o);
    return Promise.resolve([...out].sort());
  }

  apply(changes: readonly RegistryChange[], meta: WriteMeta): Promise<{ counts: ApplyCounts; changed: ReadonlyMap<string, unknown> }> {
    const counts: ApplyCounts = {};
    const changed = new Map<string, unknown>();
    const tx = this.db.transaction(() => {
      for (const c of changes) {
        const k = (counts[c.kind] ??= { created: 0, updated: 0, unchanged: 0, deleted: 0 });
        const id = c.op === 'delete' ? c.id : c.entity.id;
        const r = c.op === 'delete' ? this.deleteOne(c.kind, c.id, meta, k) : this.putOne(c.kind, c.entity, meta, k);
        if (r.changed) changed.set(`${c.kind}:${id}`, r.before === undefined ? undefined : JSON.parse(r.before) as unknown);
      }
    });
    tx.immediate();
    return Promise.resolve({ counts, changed });
  }

  /** Writes one entity; `before`: its stored document, `changed`: whether anything was written. */
  private putOne(kind: EntityKind, entity: { readonly id: string }, meta: WriteMeta, k: KindCounts): { before?: string; changed: boolean } {
    const doc = JSON.stringify(entity);
    const before = this.s.get.get(kind, entity.id) as string | undefined;
    if (before === doc) {
      k.unchanged++;
      return { before, changed: false };
    }
    if (before === undefined) {
      this.s.insert.run(kind, entity.id, doc, meta.at, meta.actor, meta.source);
      k.created++;
    } else {
      this.s.update.run(doc, kind, entity.id);
      this.s.history.run(kind, entity.id, 'updated', before, doc, meta.at, meta.actor, meta.source);
      k.updated++;
    }
    this.index(kind, entity, before === undefined ? undefined : JSON.parse(before) as unknown);
    if (kind === 'placements') this.records?.record('placement', entity.id);
    return before === undefined ? { changed: true } : { before, changed: true };
  }

  private deleteOne(kind: EntityKind, id: string, meta: WriteMeta, k: KindCounts): { before?: string; changed: boolean } {
    const before = this.s.get.get(kind, id) as string | undefined;
    if (before === undefined) return { changed: false };
    this.s.remove.run(kind, id);
    this.s.history.run(kind, id, 'deleted', before, null, meta.at, meta.actor, meta.source);
    if (kind === 'placements') {
      this.s.removePlacement.run(id);
      this.records?.record('placement', id);
    }
    k.deleted++;
    return { before, changed: true };
  }

  /** Keeps the relation rows of placements and orders in step with their documents. */
  private index(kind: EntityKind, entity: unknown, before: unknown): void {
    if (kind === 'placements') {
      const p = entity as Placement;
      const subject = p.device !== undefined ? `device:${p.device}` : `batch:${p.batch ?? ''}`;
      const [locKind, loc] = p.zone !== undefined ? ['zone', p.zone] : ['shipment', p.shipment ?? ''];
      this.s.putPlacement.run(p.id, subject, locKind, loc, Date.parse(p.from), p.to === undefined ? null : Date.parse(p.to));
    } else if (kind === 'orders') {
      const o = entity as Order;
      const old = before as Order | undefined;
      for (const l of old?.lines ?? []) this.s.removeOrderBatches.run(o.id, l.batch);
      for (const s of old?.shipments ?? []) this.s.removeOrderShipment.run(o.id, s);
      for (const l of o.lines) this.s.putOrderBatch.run(l.batch, o.id);
      for (const s of o.shipments) this.s.putOrderShipment.run(s, o.id);
    } else if (kind === 'shipments') {
      this.tracking.put(entity as Shipment);
    }
  }

  shipmentsByTracking(refs: readonly ShipmentTracking[]): Promise<{ carrier: string; number: string; shipments: string[] }[]> {
    return Promise.resolve(this.tracking.shipmentsOf(refs));
  }

  history(kind: EntityKind, id: string): Promise<HistoryEntry[]> {
    const out: HistoryEntry[] = [];
    const c = this.s.created.get(kind, id) as { created_at: number; created_by: string; created_source: string } | undefined;
    const rows = this.s.readHistory.all(kind, id) as { kind: EntityKind; id: string; change: 'updated' | 'deleted'; before: string | null; after: string | null; at: number; actor: string; source: string }[];
    const firstDoc = rows[0]?.before ?? (this.s.get.get(kind, id) as string | undefined);
    if (c !== undefined && firstDoc !== undefined) out.push({ kind, id, change: 'created', after: JSON.parse(firstDoc), at: new Date(c.created_at).toISOString(), actor: c.created_by, source: c.created_source });
    for (const r of rows) {
      out.push({
        kind: r.kind, id: r.id, change: r.change, at: new Date(r.at).toISOString(), actor: r.actor, source: r.source,
        ...(r.before !== null ? { before: JSON.parse(r.before) as unknown } : {}), ...(r.after !== null ? { after: JSON.parse(r.after) as unknown } : {}),
      });
    }
    return Promise.resolve(out);
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
