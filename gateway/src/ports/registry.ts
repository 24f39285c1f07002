/**
 * The registry store port: entities, placements and their history (docs/registry.md). The embedded default is
 * SQLite (its own database file); the roadmap puts it on a shared PostgreSQL for several gateways, so everything
 * here is asynchronous and every write is one transaction.
 */
import type { Location } from '../domain/custody/spans.js';
import type { EntityKind, EntityOf, Placement, ShipmentTracking } from '../domain/registry/types.js';

/** One change of a write: an entity added or replaced (by id), or a placement deleted. */
export type RegistryChange =
  | { readonly [K in EntityKind]: { readonly op: 'put'; readonly kind: K; readonly entity: EntityOf[K] } }[EntityKind]
  | { readonly op: 'delete'; readonly kind: 'placements'; readonly id: string };

/** Who made a write, when, and through what (the API, the import tool, the order hub). */
export interface WriteMeta {
  /** Gateway time, ms. */
  readonly at: number;
  readonly actor: string;
  readonly source: string;
}

export interface KindCounts {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

export type ApplyCounts = Partial<Record<EntityKind, KindCounts>>;

export interface HistoryEntry {
  readonly kind: EntityKind;
  readonly id: string;
  readonly change: 'created' | 'updated' | 'deleted';
  /** The entity before the change (absent for created). */
  readonly before?: unknown;
  /** The entity after the change (absent for deleted). */
  readonly after?: unknown;
  /** ISO time of the change. */
  readonly at: string;
  readonly actor: string;
  readonly source: string;
}

export interface RegistryStore {
  get<K extends EntityKind>(kind: K, id: string): Promise<EntityOf[K] | undefined>;
  /** Entities of a kind by id, after `after` (paging). */
  list<K extends EntityKind>(kind: K, page: { readonly after?: string; readonly limit: number }): Promise<EntityOf[K][]>;
  count(kind: EntityKind): Promise<number>;
  /** The ids of `ids` that are not stored. */
  missing(kind: EntityKind, ids: readonly string[]): Promise<string[]>;
  /** Placements of the subjects ('device:ID' or 'batch:ID'). */
  placementsOf(subjects: readonly string[]): Promise<Placement[]>;
  /** Placements at a location overlapping [fromMs, toMs): devices and batches, or only those of `of`. */
  placementsAt(location: Location, fromMs: number, toMs: number, of?: 'device' | 'batch'): Promise<Placement[]>;
  /** Every device placement (the custody index is built from them). */
  devicePlacements(): Promise<Placement[]>;
  /** Ids of the batches of a product. */
  /** Ids of the zones of a site, sorted. */
  zonesOf(site: string): Promise<string[]>;
  batchesOfProduct(product: string): Promise<string[]>;
  /** Ids of the orders with a line of one of the batches, or on one of the shipments. */
  ordersOf(q: { readonly batches: readonly string[]; readonly shipments: readonly string[] }): Promise<string[]>;
  /**
   * Applies every change in one transaction; unchanged entities write nothing. `changed`: `kind:id` of each entity
   * created, updated or deleted, with its document before the change (undefined when created).
   */
  apply(changes: readonly RegistryChange[], meta: WriteMeta): Promise<{ counts: ApplyCounts; changed: ReadonlyMap<string, unknown> }>;
  /** Each tracking number (normalised) with the ids of the shipments that list it, sorted (docs/claims.md). */
  shipmentsByTracking(refs: readonly ShipmentTracking[]): Promise<{ carrier: string; number: string; shipments: string[] }[]>;
  /** An entity's history, oldest first: created, then each correction. */
  history(kind: EntityKind, id: string): Promise<HistoryEntry[]>;
  close(): Promise<void>;
}
