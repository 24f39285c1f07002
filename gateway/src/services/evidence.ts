/**
 * The questions custody answers: where was this device at that time and whose goods were there; which readings are
 * evidence for a batch, a shipment or an order (each with the zone or shipment it was taken in); and an order's
 * story in time order. Linking is computed here from the placements, so a placement recorded late links the
 * readings it covers at once.
 */
import { intersect, mergeSegments, type Location, type Segment } from '../domain/custody/spans.js';
import type { StoredReading } from '../domain/reading.js';
import type { Order, Placement } from '../domain/registry/types.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import { locationOf, spanOfPlacement, type CustodyIndex } from './custody.js';
import type { FlagStore } from '../ports/flags.js';
import type { ScanLog, ScanOutcome } from '../ports/scans.js';
import type { Flag } from '../domain/flags/types.js';
import type { PhotoRecords } from '../ports/photos.js';
import { batchesAt, photoLinks, photosInSegments } from './photo-evidence.js';

export type EvidenceSubject = { readonly kind: 'batches' | 'shipments' | 'orders'; readonly id: string };

export interface Resolution {
  readonly device: string;
  readonly time: number;
  /** Undefined when the device was in no zone or shipment then. */
  readonly location?: Location;
  readonly placement?: string;
  /** Batches placed at that location at that time. */
  readonly batches: readonly string[];
  /** Orders with a line of one of those batches, or on that shipment. */
  readonly orders: readonly string[];
}

export interface EvidenceReading extends StoredReading {
  readonly location: Location;
}

export interface Evidence {
  /** The custody segments the readings were fetched for (device, location, time range). */
  readonly segments: readonly Segment[];
  readonly readings: readonly EvidenceReading[];
  /** True when `limit` cut the readings: narrow `from`/`to` to page. */
  readonly truncated: boolean;
}

export type TimelineEvent =
  | { readonly at: string; readonly kind: 'status'; readonly status: string; readonly operator: string; readonly source: string }
  | { readonly at: string; readonly kind: 'custody'; readonly change: 'arrived' | 'left'; readonly batch: string; readonly location: Location; readonly placement: string }
  | { readonly at: string; readonly kind: 'tracker'; readonly change: 'attached' | 'detached'; readonly device: string; readonly shipment: string; readonly placement: string }
  | { readonly at: string; readonly kind: 'flag'; readonly flag: string; readonly rule: string; readonly severity: string; readonly title: string }
  | { readonly at: string; readonly kind: 'place'; readonly change: 'arrived' | 'departed'; readonly place: string; readonly placeKind: string; readonly device: string; readonly shipment: string }
  | {
    readonly at: string; readonly kind: 'scan'; readonly device: string; readonly batch: string; readonly outcome: ScanOutcome; readonly via: 'barcode' | 'rfid';
    readonly reasonCode?: string; readonly reason?: string; readonly placement?: string;
  }
  | {
    readonly at: string; readonly kind: 'photo'; readonly sha256: string; readonly device: string; readonly trigger: string; readonly station?: string;
    readonly location: Location; readonly batches: readonly string[]; readonly warnings: number; readonly original: string; readonly thumbnail: string;
  }
  | {
    readonly at: string; readonly kind: 'carrier'; readonly shipment: string; readonly carrier: string; readonly trackingNumber: string;
    readonly milestone: string; readonly code: string; readonly vocabulary: string; readonly text: string;
    readonly placeName?: string; readonly position?: { readonly lat: number; readonly lon: number };
  };

/** A carrier's tracking event on one of the order's shipments (services/carrier-events.ts). */
export type CarrierTimelineEvent = Omit<Extract<TimelineEvent, { kind: 'carrier' }>, 'kind'> & { readonly ms: number };

/** A tracker's stay at a known place on a shipment's way (from its GPS track: services/tracks.ts). */
export interface PlaceVisit {
  readonly shipment: string;
  readonly place: string;
  readonly placeKind: string;
  readonly device: string;
  readonly arrivedMs: number;
  readonly departedMs?: number;
}

export interface Timeline {
  readonly order: Order;
  readonly events: readonly TimelineEvent[];
  /** Flags the rules put on the order (withdrawn ones left out), most recently changed first. */
  readonly flags: readonly Flag[];
}

/** At one instant: the status, then what ends, then what starts (a batch leaves a zone before it boards). */
/** Most scans of one batch on an order's timeline (the newest): an RFID portal reads a pallet's tags by the hundred. */
const MAX_TIMELINE_SCANS = 200;

function rank(e: TimelineEvent): number {
  if (e.kind === 'status') return 0;
  if (e.kind === 'flag') return 5;
  if (e.kind === 'carrier') return 4;
  if (e.kind === 'place') return e.change === 'departed' ? 1 : 4;
  if (e.kind === 'custody') return e.change === 'left' ? 1 : 3;
  if (e.kind === 'scan') return 2; // the read, then the arrival it caused
  if (e.kind === 'photo') return 4;
  return e.change === 'detached' ? 2 : 4;
}

export class EvidenceService {
  constructor(
    private readonly registry: RegistryStore, private readonly custody: CustodyIndex, private readonly store: TelemetryStore, private readonly flags?: FlagStore,
    /** The scan log: an order's timeline shows its batches' scans (docs/scans.md). */
    private readonly scans?: Pick<ScanLog, 'list'>,
    /** Photo records: an order's timeline shows the photos its cameras took (docs/photos.md). */
    private readonly photos?: Pick<PhotoRecords, 'ofDevices'>,
  ) {}

  async resolve(device: string, time: number): Promise<Resolution> {
    const span = this.custody.locate(device, time);
    if (span === undefined) return { device, time, batches: [], orders: [] };
    const here = await this.registry.placementsAt(span.location, time, time + 1);
    const batches = here.flatMap((p) => (p.batch !== undefined ? [p.batch] : [])).sort();
    const orders = await this.registry.ordersOf({ batches, shipments: span.location.kind === 'shipment' ? [span.location.id] : [] });
    return { device, time, location: span.location, placement: span.placement, batches, orders };
  }

  /** The device segments that are evidence for the subject; undefined when it does not exist. */
  async segments(subject: EvidenceSubject): Promise<Segment[] | undefined> {
    const out: Segment[] = [];
    if (subject.kind === 'batches') {
      if (await this.registry.get('batches', subject.id) === undefined) return undefined;
      await this.batchSegments([subject.id], out);
    } else if (subject.kind === 'shipments') {
      if (await this.registry.get('shipments', subject.id) === undefined) return undefined;
      await this.shipmentSegments([subject.id], out);
    } else {
      const order = await this.registry.get('orders', subject.id);
      if (order === undefined) return undefined;
      await this.batchSegments(order.lines.map((l) => l.batch), out);
      // The order's shipments: their trackers while the order's batches rode on them are already in; trackers of a
      // shipment none of whose batches was placed on it still tell the trip.
      await this.shipmentSegments(order.shipments, out);
    }
    return mergeSegments(out);
  }

  async evidence(subject: EvidenceSubject, q: { from: number; to: number; metric?: string; limit: number }): Promise<Evidence | undefined> {
    const all = await this.segments(subject);
    if (all === undefined) return undefined;
    const window = { fromMs: q.from, toMs: q.to };
    const segments = all.flatMap((s) => {
      const x = intersect(s, window);
      return x === undefined ? [] : [{ ...s, ...x }];
    });
    const readings: EvidenceReading[] = [];
    let truncated = false;
    for (const s of segments) {
      const rows = await this.store.query({ device: s.device, from: s.fromMs, to: s.toMs, limit: q.limit + 1, ...(q.metric !== undefined ? { metric: q.metric } : {}) });
      if (rows.length > q.limit) truncated = true;
      for (const r of rows.slice(0, q.limit)) readings.push({ ...r, location: s.location });
    }
    readings.sort((a, b) => a.time - b.time || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0) || (a.metric < b.metric ? -1 : 1));
    if (readings.length > q.limit) truncated = true;
    return { segments, readings: readings.slice(0, q.limit), truncated };
  }

  /**
   * `visits`: arrivals at and departures from known places on the order's shipments (services/tracks.ts);
   * `carrier`: the carriers' tracking events of its shipments (services/carrier-events.ts).
   */
  async timeline(orderId: string, visits: readonly PlaceVisit[] = [], carrier: readonly CarrierTimelineEvent[] = []): Promise<Timeline | undefined> {
    const order = await this.registry.get('orders', orderId);
    if (order === undefined) return undefined;
    const events: (TimelineEvent & { ms: number })[] = [];
    for (const s of order.statuses) events.push({ ms: Date.parse(s.at), at: s.at, kind: 'status', status: s.status, operator: s.operator, source: s.source });
    const batches = await this.registry.placementsOf(order.lines.map((l) => `batch:${l.batch}`));
    for (const p of batches) this.moves(p, events);
    for (const l of this.scans === undefined ? [] : order.lines) {
      for (const e of await this.scans!.list({ batch: l.batch, limit: MAX_TIMELINE_SCANS })) {
        events.push({
          ms: e.time, at: new Date(e.time).toISOString(), kind: 'scan', device: e.device, batch: l.batch, outcome: e.outcome, via: e.via,
          ...(e.reasonCode !== undefined ? { reasonCode: e.reasonCode } : {}), ...(e.reason !== undefined ? { reason: e.reason } : {}), ...(e.placement !== undefined ? { placement: e.placement } : {}),
        });
      }
    }
    if (this.photos !== undefined) {
      for (const { record: r, location } of await photosInSegments(this.photos, await this.segments({ kind: 'orders', id: orderId }) ?? [])) {
        events.push({
          ms: r.takenAtMs, at: new Date(r.takenAtMs).toISOString(), kind: 'photo', sha256: r.sha256, device: r.device, trigger: r.trigger,
          ...(r.station !== undefined ? { station: r.station } : {}), location, batches: batchesAt(batches, location, r.takenAtMs), warnings: r.warnings.length, ...photoLinks(r.sha256),
        });
      }
    }
    for (const shipment of order.shipments) {
      for (const p of await this.registry.placementsAt({ kind: 'shipment', id: shipment }, -Infinity, Infinity)) if (p.device !== undefined) this.moves(p, events);
    }
    for (const v of visits) {
      const { shipment, place, placeKind, device } = v;
      events.push({ ms: v.arrivedMs, at: new Date(v.arrivedMs).toISOString(), kind: 'place', change: 'arrived', place, placeKind, device, shipment });
      if (v.departedMs !== undefined) events.push({ ms: v.departedMs, at: new Date(v.departedMs).toISOString(), kind: 'place', change: 'departed', place, placeKind, device, shipment });
    }
    for (const c of carrier) events.push({ ...c, kind: 'carrier' });
    const flags = this.flags === undefined ? [] : await this.flags.list({ order: orderId, limit: 1000 });
    for (const f of flags) events.push({ ms: f.metAtMs, at: new Date(f.metAtMs).toISOString(), kind: 'flag', flag: f.id, rule: f.rule, severity: f.severity, title: f.title });
    events.sort((a, b) => a.ms - b.ms || rank(a) - rank(b));
    return { order, events: events.map(({ ms: _ms, ...e }) => e), flags };
  }

  private moves(p: Placement, events: (TimelineEvent & { ms: number })[]): void {
    const end = p.to !== undefined ? [{ at: p.to, ms: Date.parse(p.to) }] : [];
    if (p.batch !== undefined) {
      const location = locationOf(p);
      events.push({ ms: Date.parse(p.from), at: p.from, kind: 'custody', change: 'arrived', batch: p.batch, location, placement: p.id });
      for (const e of end) events.push({ ...e, kind: 'custody', change: 'left', batch: p.batch, location, placement: p.id });
    } else if (p.device !== undefined && p.shipment !== undefined) {
      events.push({ ms: Date.parse(p.from), at: p.from, kind: 'tracker', change: 'attached', device: p.device, shipment: p.shipment, placement: p.id });
      for (const e of end) events.push({ ...e, kind: 'tracker', change: 'detached', device: p.device, shipment: p.shipment, placement: p.id });
    }
  }

  /** Each custody leg of the batch (its placements, in time order) with the devices at its location meanwhile, over the overlap. */
  async custodyLegs(batch: string): Promise<{ placement: Placement; segments: Segment[] }[]> {
    const legs: { placement: Placement; segments: Segment[] }[] = [];
    for (const p of await this.registry.placementsOf([`batch:${batch}`])) {
      const span = spanOfPlacement(p);
      const segments: Segment[] = [];
      for (const d of await this.registry.placementsAt(span.location, span.fromMs, span.toMs, 'device')) {
        if (d.device === undefined) continue;
        const x = intersect(span, spanOfPlacement(d));
        if (x !== undefined) segments.push({ device: d.device, location: span.location, ...x });
      }
      legs.push({ placement: p, segments });
    }
    return legs;
  }

  private async batchSegments(batches: readonly string[], out: Segment[]): Promise<void> {
    for (const b of batches) for (const leg of await this.custodyLegs(b)) out.push(...leg.segments);
  }

  private async shipmentSegments(shipments: readonly string[], out: Segment[]): Promise<void> {
    for (const id of shipments) {
      for (const d of await this.registry.placementsAt({ kind: 'shipment', id }, -Infinity, Infinity)) {
        if (d.device === undefined) continue;
        const s = spanOfPlacement(d);
        out.push({ device: d.device, location: s.location, fromMs: s.fromMs, toMs: s.toMs });
      }
    }
  }
}
