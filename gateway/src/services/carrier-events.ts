/**
 * Carrier tracking events in (issue #20, docs/claims.md): a batch is read whole (refused with every problem by path,
 * nothing written), stored once per identity, and answered event by event: new or duplicate, its milestone, the
 * shipments it belongs to. Which shipment an event belongs to is computed when asked, from the registry's tracking
 * numbers and the shipment the sender named, never stored on the event: a shipment registered after its events
 * gets them at once, and an event that belongs to nothing yet is kept and listed, never dropped.
 */
import { readCarrierBatch, type CarrierEvent } from '../domain/carrier/events.js';
import { milestoneOf, type MilestoneOf } from '../domain/carrier/milestones.js';
import type { TrackingRef } from '../domain/carrier/tracking.js';
import type { CarrierEventStore, StoredCarrierEvent, TrackingGroup } from '../ports/carrier-events.js';
import type { RegistryStore } from '../ports/registry.js';
import { RegistryProblems } from './registry.js';

/** An event as the API answers it: what it says (milestone) and whose it is (shipments; empty while unmatched). */
export interface CarrierEventView extends StoredCarrierEvent {
  readonly milestone: MilestoneOf;
  readonly shipments: readonly string[];
}

export interface AcceptedEvent extends CarrierEvent {
  readonly status: 'new' | 'duplicate';
  readonly milestone: MilestoneOf;
  readonly shipments: readonly string[];
}

export interface AcceptAnswer {
  readonly new: number;
  readonly duplicates: number;
  /** In the order sent. */
  readonly events: readonly AcceptedEvent[];
}

export interface UnmatchedGroup extends TrackingGroup {
  /** The shipments named by senders that the registry does not hold (yet). */
  readonly unknownShipments: readonly string[];
}

export interface UnknownCode {
  readonly vocabulary: string;
  readonly code: string;
  readonly events: number;
  readonly firstMs: number;
  readonly lastMs: number;
  /** The most recent events with it (at most 10), for someone deciding what it means. */
  readonly examples: readonly StoredCarrierEvent[];
}

/** Tracking groups read per page while looking for unmatched ones. */
const GROUP_PAGE = 1000;

const refKey = (carrier: string, trackingNumber: string): string => `${carrier}\u0000${trackingNumber}`;

export class CarrierEventService {
  private readonly listeners: ((events: readonly AcceptedEvent[]) => void)[] = [];

  constructor(private readonly store: CarrierEventStore, private readonly registry: RegistryStore) {}

  /** Told the new events of each accepted batch (the rules judge the claims of their shipments). */
  onNew(listener: (events: readonly AcceptedEvent[]) => void): void {
    this.listeners.push(listener);
  }

  /** Reads and stores a batch; throws RegistryProblems (nothing written) when any event is malformed. */
  async accept(raw: unknown, receivedMs: number): Promise<AcceptAnswer> {
    const { events, problems } = readCarrierBatch(raw);
    if (problems.length > 0) throw new RegistryProblems(problems);
    const isNew = await this.store.add(events, receivedMs);
    const owners = await this.owners(events);
    const out = events.map((e, i) => ({ ...e, status: isNew[i] === true ? 'new' as const : 'duplicate' as const, milestone: milestoneOf(e.vocabulary, e.code), shipments: owners(e) }));
    const fresh = out.filter((e) => e.status === 'new');
    if (fresh.length > 0) for (const l of this.listeners) l(fresh);
    return { new: fresh.length, duplicates: out.length - fresh.length, events: out };
  }

  /** The events of a shipment (by its tracking numbers and by name), oldest first; undefined when it is unknown. */
  async ofShipment(id: string): Promise<CarrierEventView[] | undefined> {
    const shipment = await this.registry.get('shipments', id);
    if (shipment === undefined) return undefined;
    const tracking = (shipment.tracking ?? []).map((t) => ({ carrier: t.carrier, trackingNumber: t.number }));
    return this.view(await this.store.find({ tracking, shipments: [id] }));
  }

  /** The events of several shipments, each with the shipment it came through (an event of two shipments comes twice). */
  async ofShipments(ids: readonly string[]): Promise<(CarrierEventView & { readonly shipment: string })[]> {
    const out: (CarrierEventView & { shipment: string })[] = [];
    for (const id of new Set(ids)) for (const e of (await this.ofShipment(id)) ?? []) out.push({ ...e, shipment: id });
    return out.sort((a, b) => a.timeMs - b.timeMs);
  }

  /** The events of one tracking number, oldest first. */
  async ofTracking(ref: TrackingRef): Promise<CarrierEventView[]> {
    return this.view(await this.store.find({ tracking: [ref], shipments: [] }));
  }

  /**
   * Tracking numbers none of whose events belongs to a registered shipment: no shipment lists the number and no
   * named shipment exists. Paged by (carrier, tracking number): `next` is where to go on from.
   */
  async unmatched(page: { after?: TrackingRef; limit: number }): Promise<{ groups: UnmatchedGroup[]; next?: TrackingRef }> {
    const found: UnmatchedGroup[] = [];
    let after = page.after;
    for (;;) {
      const groups = await this.store.groups({ ...(after !== undefined ? { after } : {}), limit: GROUP_PAGE });
      const listed = await this.registry.shipmentsByTracking(groups.map((g) => ({ carrier: g.carrier, number: g.trackingNumber })));
      const missing = new Set(await this.registry.missing('shipments', groups.flatMap((g) => g.named)));
      for (const [i, g] of groups.entries()) {
        if ((listed[i]?.shipments.length ?? 0) > 0 || g.named.some((s) => !missing.has(s))) continue;
        found.push({ ...g, unknownShipments: g.named });
        if (found.length === page.limit) {
          const more = i < groups.length - 1 || groups.length === GROUP_PAGE;
          return { groups: found, ...(more ? { next: { carrier: g.carrier, trackingNumber: g.trackingNumber } } : {}) };
        }
      }
      if (groups.length < GROUP_PAGE) return { groups: found };
      const last = groups[groups.length - 1]!;
      after = { carrier: last.carrier, trackingNumber: last.trackingNumber };
    }
  }

  /** Codes that their vocabulary does not know (kept, mapped to `unknown`), with how often they came and examples. */
  async unknownCodes(): Promise<UnknownCode[]> {
    const out: UnknownCode[] = [];
    for (const c of await this.store.codes()) {
      const vocabulary = c.vocabulary as CarrierEvent['vocabulary'];
      if (milestoneOf(vocabulary, c.code) !== 'unknown') continue;
      out.push({ ...c, examples: await this.store.withCode(c.vocabulary, c.code, 10) });
    }
    return out;
  }

  private async view(events: readonly StoredCarrierEvent[]): Promise<CarrierEventView[]> {
    const owners = await this.owners(events);
    return events.map((e) => ({ ...e, milestone: milestoneOf(e.vocabulary, e.code), shipments: owners(e) }));
  }

  /** For events: the registered shipments each belongs to, by its tracking number and by the shipment named on it. */
  private async owners(events: readonly CarrierEvent[]): Promise<(e: CarrierEvent) => string[]> {
    const refs = new Map<string, { carrier: string; number: string }>();
    for (const e of events) refs.set(refKey(e.carrier, e.trackingNumber), { carrier: e.carrier, number: e.trackingNumber });
    const byRef = new Map((await this.registry.shipmentsByTracking([...refs.values()])).map((r) => [refKey(r.carrier, r.number), r.shipments]));
    const named = [...new Set(events.flatMap((e) => (e.shipment !== undefined ? [e.shipment] : [])))];
    const missing = new Set(await this.registry.missing('shipments', named));
    return (e) => {
      const listed = byRef.get(refKey(e.carrier, e.trackingNumber)) ?? [];
      return e.shipment === undefined || missing.has(e.shipment) || listed.includes(e.shipment) ? listed : [...listed, e.shipment].sort();
    };
  }
}
