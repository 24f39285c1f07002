/**
 * The shipments of the Shipments view (#16): each with its status (derived from the custody record and the plan),
 * its trackers' time on it, where it was last seen (the latest fix the GPS rules keep) and its open flags by
 * severity; and a shipment's track as the rules see it, for its route plot. Computed on request from the registry,
 * the store and the flag store; nothing is kept.
 */
import type { Severity } from '../domain/flags/types.js';
import type { Placement, Shipment } from '../domain/registry/types.js';
import { pairFixes, type Fix } from '../domain/rules/gps.js';
import { keptTrack, lastKeptFix } from '../domain/shipments/kept-track.js';
import { shipmentStatus, type ShipmentState, type ShipmentStatus } from '../domain/shipments/status.js';
import type { FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import { spanOfPlacement } from './custody.js';
import { SeriesCache } from './series-cache.js';

export interface TrackerOnShipment {
  readonly device: string;
  readonly placement: string;
  readonly fromMs: number;
  /** Infinity while the tracker is still on it. */
  readonly toMs: number;
}

export interface ShipmentSummary {
  readonly shipment: Shipment;
  readonly status: ShipmentStatus;
  readonly trackers: readonly TrackerOnShipment[];
  /** Absent while no tracker sent a fix the GPS rules keep. */
  readonly lastPosition?: Fix;
  /** Open flags whose subject is the shipment, by severity (every severity present, 0 when none). */
  readonly openFlags: Readonly<Record<Severity, number>>;
}

/** A shipment's kept fixes (per tracker in time order) and how many of its trackers' fixes the rules dropped. */
export interface ShipmentPositions {
  readonly shipment: string;
  readonly atMs: number;
  readonly positions: readonly Fix[];
  readonly dropped: number;
}

export interface ShipmentListQuery {
  readonly state?: ShipmentState;
  /** Shipments with an id after this one (paging: the previous page's `next`). */
  readonly after?: string;
  readonly limit: number;
}

type Placed = Pick<ShipmentSummary, 'shipment' | 'status' | 'trackers'>;

/** Shipments read from the registry at a time while filtering by state. */
const REGISTRY_PAGE = 500;
/** Most open flags counted per shipment. */
const MAX_FLAGS = 1000;

export class ShipmentListService {
  constructor(
    private readonly registry: RegistryStore,
    private readonly store: TelemetryStore,
    private readonly flags: FlagStore,
  ) {}

  /** Shipments in id order, those in `state` only when given; `next` is set when there may be more. */
  async list(q: ShipmentListQuery, nowMs: number): Promise<{ shipments: ShipmentSummary[]; next?: string }> {
    const found: Placed[] = [];
    let after = q.after;
    for (;;) {
      const page = await this.registry.list('shipments', { ...(after !== undefined ? { after } : {}), limit: REGISTRY_PAGE });
      for (const shipment of page) {
        const placed = await this.placed(shipment, nowMs);
        if (q.state !== undefined && placed.status.state !== q.state) continue;
        found.push(placed);
        if (found.length === q.limit) break;
      }
      const last = page.at(-1);
      if (found.length === q.limit || page.length < REGISTRY_PAGE || last === undefined) break;
      after = last.id;
    }
    const shipments: ShipmentSummary[] = [];
    for (const f of found) shipments.push(await this.summary(f, nowMs));
    const next = found.length === q.limit ? found.at(-1)?.shipment.id : undefined;
    return { shipments, ...(next !== undefined ? { next } : {}) };
  }

  /** One shipment as the list shows it; undefined for an unknown shipment. */
  async one(id: string, nowMs: number): Promise<ShipmentSummary | undefined> {
    const shipment = await this.registry.get('shipments', id);
    return shipment === undefined ? undefined : this.summary(await this.placed(shipment, nowMs), nowMs);
  }

  /** The shipment with its status and trackers, from the placements on it: all the state filter needs. */
  private async placed(shipment: Shipment, nowMs: number): Promise<Placed> {
    const placements = await this.registry.placementsAt({ kind: 'shipment', id: shipment.id }, -Infinity, Infinity);
    const status = shipmentStatus(placements.map(spanOfPlacement), Date.parse(shipment.plannedDeparture), Date.parse(shipment.promisedDelivery), nowMs);
    return { shipment, status, trackers: trackersOf(placements) };
  }

  private async summary(p: Placed, nowMs: number): Promise<ShipmentSummary> {
    const lastPosition = await this.lastPosition(p.shipment, p.trackers, nowMs);
    return { ...p, ...(lastPosition !== undefined ? { lastPosition } : {}), openFlags: await this.openFlags(p.shipment.id) };
  }

  /** The shipment's track as the GPS rules see it at `nowMs`; undefined for an unknown shipment. */
  async positions(id: string, nowMs: number): Promise<ShipmentPositions | undefined> {
    const shipment = await this.registry.get('shipments', id);
    if (shipment === undefined) return undefined;
    const fixes = await this.fixesOf(trackersOf(await this.registry.placementsAt({ kind: 'shipment', id }, -Infinity, Infinity)), nowMs);
    const positions = keptTrack(shipment.mode, fixes, nowMs);
    return { shipment: id, atMs: nowMs, positions, dropped: fixes.length - positions.length };
  }

  /** The latest kept fix of the trackers over their time on the shipment, up to `nowMs`. */
  private async lastPosition(shipment: Shipment, trackers: readonly TrackerOnShipment[], nowMs: number): Promise<Fix | undefined> {
    return lastKeptFix(keptTrack(shipment.mode, await this.fixesOf(trackers, nowMs), nowMs));
  }

  /** The trackers' fixes over their time on the shipment up to `nowMs`, exclusive, as the rules read them (RuleInputs.track). */
  private async fixesOf(trackers: readonly TrackerOnShipment[], nowMs: number): Promise<Fix[]> {
    const cache = new SeriesCache(this.store);
    const fixes: Fix[] = [];
    for (const t of trackers) {
      const to = Math.min(t.toMs, nowMs);
      if (to <= t.fromMs) continue;
      for (const f of pairFixes(await cache.get(t.device, 'gps.lat', t.fromMs, to), await cache.get(t.device, 'gps.lon', t.fromMs, to), t.device)) fixes.push(f);
    }
    return fixes;
  }

  private async openFlags(id: string): Promise<Record<Severity, number>> {
    const counts: Record<Severity, number> = { warning: 0, major: 0, critical: 0 };
    for (const f of await this.flags.list({ subject: { kind: 'shipment', id }, state: 'open', limit: MAX_FLAGS })) counts[f.severity] += 1;
    return counts;
  }
}

/** The devices placed on a shipment with their time on it, by start. */
function trackersOf(placements: readonly Placement[]): TrackerOnShipment[] {
  return placements.flatMap((p) => {
    if (p.device === undefined) return [];
    const s = spanOfPlacement(p);
    return [{ device: p.device, placement: p.id, fromMs: s.fromMs, toMs: s.toMs }];
  }).sort((a, b) => a.fromMs - b.fromMs || (a.device < b.device ? -1 : 1));
}
