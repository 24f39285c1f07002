/**
 * The shipments list of the Shipments view (#16): each shipment with its status (derived from the custody record
 * and the plan), its trackers' time on it, where it was last seen (the latest fix the GPS rules keep) and its open
 * flags by severity. Computed on request from the registry, the store and the flag store; nothing is kept.
 */
import type { Severity } from '../domain/flags/types.js';
import type { Shipment } from '../domain/registry/types.js';
import { pairFixes, type Fix } from '../domain/rules/gps.js';
import { lastKeptFix } from '../domain/shipments/last-position.js';
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

export interface ShipmentListQuery {
  readonly state?: ShipmentState;
  /** Shipments with an id after this one (paging: the previous page's `next`). */
  readonly after?: string;
  readonly limit: number;
}

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
    const found: { shipment: Shipment; status: ShipmentStatus; trackers: TrackerOnShipment[] }[] = [];
    let after = q.after;
    for (;;) {
      const page = await this.registry.list('shipments', { ...(after !== undefined ? { after } : {}), limit: REGISTRY_PAGE });
      for (const shipment of page) {
        const placements = await this.registry.placementsAt({ kind: 'shipment', id: shipment.id }, -Infinity, Infinity);
        const spans = placements.map(spanOfPlacement);
        const status = shipmentStatus(spans, Date.parse(shipment.plannedDeparture), Date.parse(shipment.promisedDelivery), nowMs);
        if (q.state !== undefined && status.state !== q.state) continue;
        const trackers = spans.flatMap((s, i) => {
          const device = placements[i]?.device;
          return device !== undefined ? [{ device, placement: s.placement, fromMs: s.fromMs, toMs: s.toMs }] : [];
        }).sort((a, b) => a.fromMs - b.fromMs || (a.device < b.device ? -1 : 1));
        found.push({ shipment, status, trackers });
        if (found.length === q.limit) break;
      }
      const last = page.at(-1);
      if (found.length === q.limit || page.length < REGISTRY_PAGE || last === undefined) break;
      after = last.id;
    }
    const shipments: ShipmentSummary[] = [];
    for (const f of found) {
      const lastPosition = await this.lastPosition(f.shipment, f.trackers, nowMs);
      shipments.push({ ...f, ...(lastPosition !== undefined ? { lastPosition } : {}), openFlags: await this.openFlags(f.shipment.id) });
    }
    const next = found.length === q.limit ? found.at(-1)?.shipment.id : undefined;
    return { shipments, ...(next !== undefined ? { next } : {}) };
  }

  /** The latest kept fix of the trackers over their time on the shipment, up to `nowMs`. */
  private async lastPosition(shipment: Shipment, trackers: readonly TrackerOnShipment[], nowMs: number): Promise<Fix | undefined> {
    const cache = new SeriesCache(this.store);
    const fixes: Fix[] = [];
    for (const t of trackers) {
      // Up to `nowMs`, exclusive, as the rules read a tracker's leg (RuleInputs.track).
      const to = Math.min(t.toMs, nowMs);
      if (to <= t.fromMs) continue;
      for (const f of pairFixes(await cache.get(t.device, 'gps.lat', t.fromMs, to), await cache.get(t.device, 'gps.lon', t.fromMs, to), t.device)) fixes.push(f);
    }
    return lastKeptFix(shipment.id, shipment.mode, fixes, nowMs);
  }

  private async openFlags(id: string): Promise<Record<Severity, number>> {
    const counts: Record<Severity, number> = { warning: 0, major: 0, critical: 0 };
    for (const f of await this.flags.list({ subject: { kind: 'shipment', id }, state: 'open', limit: MAX_FLAGS })) counts[f.severity] += 1;
    return counts;
  }
}
