/**
 * Shipments' GPS tracks as the rules see them (domain/rules/gps.ts): fixes received, those dropped as invalid by
 * reason (counted, never silently), and visits to the known places on the way, which also go on the order's
 * timeline (arrived at the hub, departed from it). Computed on request from the stored fixes.
 */
import type { DropReason } from '../domain/rules/gps.js';
import type { TrackerCoverage } from '../domain/rules/shipment-findings.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import type { CarrierEventService } from './carrier-events.js';
import type { CarrierTimelineEvent, EvidenceService, PlaceVisit, Timeline } from './evidence.js';
import { RuleInputs } from './rule-inputs.js';
import { SeriesCache } from './series-cache.js';

export interface ShipmentTrack {
  readonly shipment: string;
  readonly atMs: number;
  /** Fixes the shipment's trackers sent while on it (gps.lat and gps.lon paired by device time). */
  readonly fixes: number;
  readonly dropped: readonly { readonly reason: DropReason; readonly count: number }[];
  readonly visits: readonly PlaceVisit[];
  /** The time trackers rode on it up to `atMs`, the part their readings covered, and the silences beyond its gap threshold. */
  readonly coverage: TrackerCoverage;
}

export class TrackService {
  constructor(
    private readonly registry: RegistryStore,
    private readonly evidence: EvidenceService,
    private readonly store: TelemetryStore,
    /** Carrier tracking events of the order's shipments, on its timeline; absent: none there. */
    private readonly carrier?: Pick<CarrierEventService, 'ofShipments'>,
  ) {}

  private inputs(): RuleInputs {
    return new RuleInputs(this.registry, this.evidence, new SeriesCache(this.store));
  }

  /** Undefined for an unknown shipment. */
  async shipment(id: string, atMs: number, inputs = this.inputs()): Promise<ShipmentTrack | undefined> {
    const t = await inputs.track(id, atMs);
    if (t === undefined) return undefined;
    const visits = t.visits.map((v) => ({ shipment: id, place: v.place, placeKind: v.kind, device: v.device, arrivedMs: v.arrivedMs, ...(v.departedMs !== undefined ? { departedMs: v.departedMs } : {}) }));
    return { shipment: id, atMs, fixes: t.fixes, dropped: t.dropped, visits, coverage: t.coverage };
  }

  /** The order's timeline with the visits of its shipments' trackers to known places. */
  async orderTimeline(orderId: string, atMs: number): Promise<Timeline | undefined> {
    const order = await this.registry.get('orders', orderId);
    if (order === undefined) return undefined;
    const inputs = this.inputs();
    const visits: PlaceVisit[] = [];
    for (const s of order.shipments) for (const v of (await this.shipment(s, atMs, inputs))?.visits ?? []) visits.push(v);
    return this.evidence.timeline(orderId, visits, await this.carrierEvents(order.shipments, order.lines.map((l) => l.batch)));
  }

  /** Carrier events of the shipments the order is served by: those it lists and those its batches rode on. */
  private async carrierEvents(listed: readonly string[], batches: readonly string[]): Promise<CarrierTimelineEvent[]> {
    if (this.carrier === undefined) return [];
    const rode = (await this.registry.placementsOf(batches.map((b) => `batch:${b}`))).flatMap((p) => (p.shipment !== undefined ? [p.shipment] : []));
    return (await this.carrier.ofShipments([...listed, ...rode])).map((e) => ({
      ms: e.timeMs, at: e.time, shipment: e.shipment, carrier: e.carrier, trackingNumber: e.trackingNumber, milestone: e.milestone,
      code: e.code, vocabulary: e.vocabulary, text: e.text, ...(e.place !== undefined ? { placeName: e.place } : {}), ...(e.position !== undefined ? { position: e.position } : {}),
    }));
  }
}
