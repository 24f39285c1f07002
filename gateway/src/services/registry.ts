/**
 * The registry use cases: import a document, put or correct one entity, end or delete a placement, append an order
 * status; read entities and their history. Every write is checked whole first (shape, references against the
 * document and the store, overlapping custody) and refused with every problem by path, writing nothing; then it is
 * applied in one transaction. Writes run one at a time, so the checks see what the write will change.
 */
import { canonicalStatuses, orderStatus } from '../domain/registry/entities.js';
import { overlapProblems, readDocument, referencesOf, SINGULAR, subjectOf, type Entities } from '../domain/registry/document.js';
import { ENTITY_KINDS, REGISTRY_FORMAT, type EntityKind, type EntityOf, type Order, type Placement, type Problem } from '../domain/registry/types.js';
import type { Clock } from '../ports/clock.js';
import type { ApplyCounts, HistoryEntry, RegistryChange, RegistryStore, WriteMeta } from '../ports/registry.js';

/** A write refused: nothing of it was written. */
export class RegistryProblems extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}${problems.length > 5 ? '; ...' : ''}`);
  }
}

/** Who writes and through what; the time comes from the clock. */
export interface Author {
  readonly actor: string;
  readonly source: string;
}

/** What a write changed, for the stages that follow the registry (custody, rules). */
export interface RegistryChangeSet {
  /** Devices whose placements changed (their readings may link differently now). */
  readonly devices: readonly string[];
  /** Devices added or replaced. */
  readonly registeredDevices: readonly string[];
  /** Products added or replaced (their batches are judged again by their new profile). */
  readonly products: readonly string[];
  /** Placements written or deleted (as they were before, for deletions). */
  readonly placements: readonly Placement[];
  /** Placements as they were before this write changed them (a correction moves custody away from them too). */
  readonly previousPlacements: readonly Placement[];
  /** Batches whose own document changed (product, dates), and batches whose orders changed (lines, promised delivery). */
  readonly batches: readonly string[];
  /** Shipments whose own document changed (route, corridor, gap threshold). */
  readonly shipments: readonly string[];
}

export type RegistryListener = (change: RegistryChangeSet) => Promise<void> | void;

/** Most problems reported for one write (a document with a systematic mistake would list it 500,000 times). */
export const MAX_PROBLEMS = 1000;

export class RegistryService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: RegistryListener[] = [];

  constructor(private readonly store: RegistryStore, private readonly clock: Clock) {}

  onChange(listener: RegistryListener): void {
    this.listeners.push(listener);
  }

  /** Imports a document (any subset of kinds): adds and updates by id, never deletes. */
  importDocument(raw: unknown, author: Author): Promise<ApplyCounts> {
    return this.serial(async () => {
      const read = readDocument(raw);
      return this.checkAndApply(read.entities, read.problems, author, (kind, i) => `${kind}[${i}]`);
    });
  }

  /** Puts one entity of `kind` (created or replaced by id). Problems name its fields without a document prefix. */
  put(kind: EntityKind, raw: unknown, author: Author): Promise<ApplyCounts> {
    return this.serial(async () => {
      const read = readDocument({ [kind]: [raw] });
      const strip = (p: Problem): Problem => ({ path: p.path.replace(`${kind}[0]`, '').replace(/^\./, ''), message: p.message });
      try {
        return await this.checkAndApply(read.entities, read.problems, author, () => '');
      } catch (e) {
        if (e instanceof RegistryProblems) throw new RegistryProblems(e.problems.map(strip));
        throw e;
      }
    });
  }

  /** Deletes a placement recorded by mistake; its history keeps it. */
  deletePlacement(id: string, author: Author): Promise<boolean> {
    return this.serial(async () => {
      const p = await this.store.get('placements', id);
      if (p === undefined) return false;
      await this.store.apply([{ op: 'delete', kind: 'placements', id }], this.meta(author));
      await this.tell({ devices: p.device !== undefined ? [p.device] : [], registeredDevices: [], products: [], placements: [p], previousPlacements: [], batches: [], shipments: [] });
      return true;
    });
  }

  /** Appends a status to an order's history (a repeat of one already there changes nothing). */
  appendStatus(orderId: string, raw: unknown, author: Author): Promise<EntityOf['orders'] | undefined> {
    return this.serial(async () => {
      const order = await this.store.get('orders', orderId);
      if (order === undefined) return undefined;
      const problems: Problem[] = [];
      const status = orderStatus(raw, '', problems);
      if (problems.length > 0) throw new RegistryProblems(problems.map((p) => ({ path: p.path.replace(/^\./, ''), message: p.message })));
      const next = { ...order, statuses: canonicalStatuses([...order.statuses, status]) };
      await this.store.apply([{ op: 'put', kind: 'orders', entity: next }], this.meta(author));
      return next;
    });
  }

  get<K extends EntityKind>(kind: K, id: string): Promise<EntityOf[K] | undefined> {
    return this.store.get(kind, id);
  }

  list<K extends EntityKind>(kind: K, page: { after?: string; limit: number }): Promise<EntityOf[K][]> {
    return this.store.list(kind, page);
  }

  history(kind: EntityKind, id: string): Promise<HistoryEntry[]> {
    return this.store.history(kind, id);
  }

  /** Every entity of a kind in id order, a page at a time (an export of millions never sits in memory whole). */
  async *entities<K extends EntityKind>(kind: K, pageSize = 10_000): AsyncGenerator<EntityOf[K][]> {
    let after: string | undefined;
    for (;;) {
      const page = await this.store.list(kind, { ...(after !== undefined ? { after } : {}), limit: pageSize });
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.id;
    }
  }

  /**
   * The whole registry as one document (`format`, then each kind in id order), as JSON text in pieces: a 3PL's
   * registry is larger than the longest string a JavaScript engine holds.
   */
  async *exportJson(): AsyncGenerator<string> {
    yield `{"format":${JSON.stringify(REGISTRY_FORMAT)}`;
    for (const kind of ENTITY_KINDS) {
      yield `,${JSON.stringify(kind)}:[`;
      let first = true;
      for await (const page of this.entities(kind)) {
        yield `${first ? '' : ','}${page.map((e) => JSON.stringify(e)).join(',')}`;
        first = false;
      }
      yield ']';
    }
    yield '}\n';
  }

  private async checkAndApply(e: Entities, problems: Problem[], author: Author, pathOf: (kind: EntityKind, i: number) => string): Promise<ApplyCounts> {
    // References are checked whatever else is wrong (one answer lists them all); overlaps only on sound placements.
    // Loops, not push(...): a systematic mistake in a large import gives more problems than a call takes arguments.
    for (const p of await this.referenceProblems(e)) problems.push(p);
    if (problems.length === 0) for (const p of await this.custodyProblems(e, pathOf)) problems.push(p);
    if (problems.length > 0) throw new RegistryProblems(problems.slice(0, MAX_PROBLEMS));
    const changes: RegistryChange[] = [];
    for (const kind of ENTITY_KINDS) for (const entity of e[kind]) changes.push({ op: 'put', kind, entity } as RegistryChange);
    const { counts, changed } = await this.store.apply(changes, this.meta(author));
    // The stages after the registry hear of what changed only: importing the same document again moves nothing.
    const placements = e.placements.filter((p) => changed.has(`placements:${p.id}`));
    const previousPlacements = placements.flatMap((p) => {
      const before = changed.get(`placements:${p.id}`) as Placement | undefined;
      return before === undefined ? [] : [before];
    });
    const devices = [...new Set([...placements, ...previousPlacements].flatMap((p) => (p.device !== undefined ? [p.device] : [])))];
    const orderBatches = e.orders.filter((o) => changed.has(`orders:${o.id}`)).flatMap((o) => {
      const before = changed.get(`orders:${o.id}`) as Order | undefined;
      return [...o.lines, ...(before?.lines ?? [])].map((l) => l.batch);
    });
    await this.tell({
      devices, registeredDevices: e.devices.filter((d) => changed.has(`devices:${d.id}`)).map((d) => d.id),
      // A product created now has no batches judged by an older profile (its batches are new too, or refused).
      products: e.products.filter((p) => changed.get(`products:${p.id}`) !== undefined).map((p) => p.id), placements, previousPlacements,
      batches: [...new Set([...e.batches.filter((b) => changed.has(`batches:${b.id}`)).map((b) => b.id), ...orderBatches])],
      shipments: e.shipments.filter((s) => changed.has(`shipments:${s.id}`)).map((s) => s.id),
    });
    return counts;
  }

  /** References that name neither an entity of the document nor a stored one. */
  private async referenceProblems(e: Entities): Promise<Problem[]> {
    const refs = referencesOf(e);
    const inDoc = new Map<EntityKind, Set<string>>(ENTITY_KINDS.map((k) => [k, new Set(e[k].map((x) => x.id))]));
    const outside = new Map<EntityKind, string[]>();
    for (const r of refs) if (!inDoc.get(r.kind)!.has(r.id)) (outside.get(r.kind) ?? outside.set(r.kind, []).get(r.kind)!).push(r.id);
    const missing = new Map<EntityKind, Set<string>>();
    for (const [kind, ids] of outside) missing.set(kind, new Set(await this.store.missing(kind, ids)));
    return refs.filter((r) => missing.get(r.kind)?.has(r.id) === true).map((r) => ({ path: r.path, message: `unknown ${SINGULAR[r.kind]} '${r.id}'` }));
  }

  /** Placements of the document against the stored ones of the same subjects (the document's replace by id). */
  private async custodyProblems(e: Entities, pathOf: (kind: EntityKind, i: number) => string): Promise<Problem[]> {
    if (e.placements.length === 0) return [];
    const docPath = new Map(e.placements.map((p, i) => [p.id, pathOf('placements', i)]));
    const stored = await this.store.placementsOf([...new Set(e.placements.map(subjectOf))]);
    const all = [...stored.filter((p) => !docPath.has(p.id)), ...e.placements];
    return overlapProblems(all, (id) => docPath.get(id));
  }

  private meta(author: Author): WriteMeta {
    return { at: this.clock.now(), actor: author.actor, source: author.source };
  }

  private async tell(change: RegistryChangeSet): Promise<void> {
    for (const l of this.listeners) await l(change);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
