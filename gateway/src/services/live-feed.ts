/**
 * What the live Shipments view and order timelines are told (issue #16), from the gateway's own events: flag changes,
 * milestones, registry writes (custody moves, an order's statuses) and committed GPS fixes and shocks of trackers on
 * shipments. Each source finds the topics it touches and publishes to LiveChanges, which merges and paces them.
 *
 * Server cost is bounded by what is followed: with no follower a source returns at once; an order's follower costs
 * one registry read when it starts and one per registry write (its statuses, lines and shipments re-read, a handful
 * of orders at most), and a commit costs one custody look-up per run of a tracker's readings, only for GPS and shock
 * readings, never a store query.
 */
import type { Logger } from 'pino';
import type { Location } from '../domain/custody/spans.js';
import type { StoredReading } from '../domain/reading.js';
import type { FlagChange } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import { DEVICES_TOPIC, SHIPMENTS_TOPIC, orderTopic, type LiveChanges, type LiveListener } from './live-changes.js';
import type { RegistryChangeSet } from './registry.js';

export interface LiveFeedDeps {
  readonly changes: LiveChanges;
  readonly registry: Pick<RegistryStore, 'get'>;
  /** Where a device was at device time t (CustodyIndex.locate). */
  readonly locate: (device: string, t: number) => { readonly location: Location } | undefined;
  readonly log: Logger;
}

/** What an order's timeline is made of: its batches and shipments, and its own document as last read. */
interface OrderScope {
  batches: Set<string>;
  shipments: Set<string>;
  doc: string;
}

/** GPS fixes and shocks: what moves a shipment's position, track and markers. */
const isPositionMetric = (metric: string): boolean => metric.startsWith('gps.') || metric.startsWith('shock.');

export type FollowOutcome = { readonly stop: () => void } | 'unknown' | 'full';

export class LiveFeed {
  private readonly scopes = new Map<string, OrderScope>();

  constructor(private readonly deps: LiveFeedDeps) {}

  /** Follows the shipments; undefined when the subscribers' cap is reached. */
  followShipments(listener: LiveListener): (() => void) | undefined {
    return this.deps.changes.subscribe(SHIPMENTS_TOPIC, listener);
  }

  /**
   * Follows the devices' latest readings (the live environment page): told at most once per LiveChanges interval
   * that readings were committed, so the page reads the devices again within a second of a commit instead of at
   * its next poll (issue #16: a new reading shown within 2 s of its commit).
   */
  followDevices(listener: LiveListener): (() => void) | undefined {
    return this.deps.changes.subscribe(DEVICES_TOPIC, listener);
  }

  /** Follows one order: 'unknown' when the registry has no such order, 'full' at the subscribers' cap. */
  async followOrder(id: string, listener: LiveListener): Promise<FollowOutcome> {
    const scope = await this.scopeOf(id);
    if (scope === undefined) return 'unknown';
    const stop = this.deps.changes.subscribe(orderTopic(id), listener);
    if (stop === undefined) return 'full';
    this.scopes.set(id, scope);
    return {
      stop: () => {
        stop();
        if (!this.deps.changes.follows(orderTopic(id))) this.scopes.delete(id);
      },
    };
  }

  /** Flag changes (the rules' and people's). */
  readonly flags = (changes: readonly FlagChange[]): void => {
    for (const { flag } of changes) {
      const shipments = flag.subject.kind === 'shipment' ? [flag.subject.id, ...flag.related.shipments] : flag.related.shipments;
      if (shipments.length > 0) this.deps.changes.publish(SHIPMENTS_TOPIC, 'flag', shipments);
      for (const o of flag.related.orders) this.deps.changes.publish(orderTopic(o), 'flag', shipments);
    }
  };

  /** Milestones reached (arrived at a hub, delivered ...). */
  readonly milestones = (events: readonly { readonly shipment: string; readonly orders: readonly string[] }[]): void => {
    for (const e of events) {
      this.deps.changes.publish(SHIPMENTS_TOPIC, 'milestone', [e.shipment]);
      for (const o of e.orders) this.deps.changes.publish(orderTopic(o), 'milestone', [e.shipment]);
      for (const [id, scope] of this.scopes) if (scope.shipments.has(e.shipment)) this.deps.changes.publish(orderTopic(id), 'milestone', [e.shipment]);
    }
  };

  /** A registry write: custody moves of shipments and of followed orders' batches; followed orders' own changes. */
  readonly registryChanged = async (c: RegistryChangeSet): Promise<void> => {
    const placements = [...c.placements, ...c.previousPlacements];
    const shipments = [...new Set([...c.shipments, ...placements.flatMap((p) => (p.shipment !== undefined ? [p.shipment] : []))])];
    if (shipments.length > 0) this.deps.changes.publish(SHIPMENTS_TOPIC, 'custody', shipments);
    for (const [id, scope] of this.scopes) {
      const touched = placements.some((p) => (p.batch !== undefined && scope.batches.has(p.batch)) || (p.shipment !== undefined && scope.shipments.has(p.shipment)))
        || c.batches.some((b) => scope.batches.has(b)) || c.shipments.some((s) => scope.shipments.has(s));
      if (touched) this.deps.changes.publish(orderTopic(id), 'custody', shipments.filter((s) => scope.shipments.has(s)));
      try {
        const now = await this.scopeOf(id);
        if (now === undefined || now.doc === scope.doc || !this.scopes.has(id)) continue;
        this.scopes.set(id, now);
        this.deps.changes.publish(orderTopic(id), 'status');
      } catch (err) {
        this.deps.log.warn({ err, order: id }, 'live: the order could not be read again');
      }
    }
  };

  /** The hook after the commit: any reading for the devices' followers; new GPS fixes and shocks of trackers on shipments. */
  readonly committed = (readings: readonly StoredReading[]): void => {
    if (readings.length > 0) this.deps.changes.publish(DEVICES_TOPIC, 'reading');
    const followsShipments = this.deps.changes.follows(SHIPMENTS_TOPIC);
    if (!followsShipments && this.scopes.size === 0) return;
    const moved = new Set<string>();
    let lastDevice = '';
    let lastTime = NaN;
    for (const r of readings) {
      if (!isPositionMetric(r.metric) || (r.device === lastDevice && r.time === lastTime)) continue;
      lastDevice = r.device;
      lastTime = r.time;
      const at = this.deps.locate(r.device, r.time);
      if (at?.location.kind === 'shipment') moved.add(at.location.id);
    }
    if (moved.size === 0) return;
    const shipments = [...moved];
    if (followsShipments) this.deps.changes.publish(SHIPMENTS_TOPIC, 'position', shipments);
    for (const [id, scope] of this.scopes) {
      const mine = shipments.filter((s) => scope.shipments.has(s));
      if (mine.length > 0) this.deps.changes.publish(orderTopic(id), 'position', mine);
    }
  };

  private async scopeOf(id: string): Promise<OrderScope | undefined> {
    const order = await this.deps.registry.get('orders', id);
    if (order === undefined) return undefined;
    return { batches: new Set(order.lines.map((l) => l.batch)), shipments: new Set(order.shipments), doc: JSON.stringify(order) };
  }
}
