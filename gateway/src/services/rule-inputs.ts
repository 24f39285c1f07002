/**
 * What the rules judge a subject on, read from the registry and the store: a batch over its custody legs, a
 * shipment over its trackers' legs. The judging itself is pure (domain/rules).
 */
import { batchFindings, type BatchInput, type LegSeries } from '../domain/rules/batch-findings.js';
import { shipmentFindings, trackerCoverage, TRANSIT_RULES, type TrackerCoverage } from '../domain/rules/shipment-findings.js';
import { gpsFindings, pairFixes, type Fix, type GpsResult, type KnownPlace, type Visit } from '../domain/rules/gps.js';
import { hold, maxGapMs } from '../domain/rules/step-hold.js';
import { KINETIC_METRICS, withRolled } from '../domain/rules/held-hours.js';
import type { ZoneLeg } from '../domain/rules/zone-gaps.js';
import type { Finding, Subject } from '../domain/flags/types.js';
import type { RegistryStore } from '../ports/registry.js';
import { spanOfPlacement } from './custody.js';
import { deviceFindings } from './device-inputs.js';
import { goodsOn } from './goods-on-shipment.js';
import { milestones, type Milestone, type MilestoneInput } from '../domain/shipments/milestones.js';
import { deliveryClaimFinding } from '../domain/rules/delivery-claims.js';
import { arrivalClaimFinding } from '../domain/rules/arrival-claims.js';
import { shippedClaimFinding } from '../domain/rules/shipped-claims.js';
import { silenceClaimFinding } from '../domain/rules/silence-claims.js';
import { hubClaimFinding } from '../domain/rules/hub-claims.js';
import { claimParamsFor, type ClaimProfiles } from '../domain/rules/claim-params.js';
import { keptTrack, lastKeptFix } from '../domain/shipments/kept-track.js';
import type { Related } from '../domain/flags/types.js';
import type { Shipment } from '../domain/registry/types.js';
import type { CarrierEventService } from './carrier-events.js';
import type { EvidenceService } from './evidence.js';
import type { SeriesCache } from './series-cache.js';
import type { WeatherAlertService } from './weather-alerts.js';
import { weatherOf } from './weather-inputs.js';

/** A shipment judged: its findings, the GPS fixes dropped, the milestones its evidence shows, the orders it serves. */
export interface ShipmentJudgement {
  readonly findings: Finding[];
  readonly dropped: GpsResult['dropped'];
  readonly milestones: Milestone[];
  readonly orders: string[];
}

export class RuleInputs {
  private readonly intervals = new Map<string, number>();

  constructor(
    private readonly registry: RegistryStore, private readonly evidence: EvidenceService, private readonly cache: SeriesCache,
    /** Carrier events, for the claims checked against the evidence (absent: none are). */
    private readonly carrier?: Pick<CarrierEventService, 'ofShipment'>,
    /** CAP weather and disruption alerts (absent: no shipment is judged against any). */
    private readonly weather?: Pick<WeatherAlertService, 'riskZones'>,
    /** The corroboration rules' parameters per carrier and lane (absent: the defaults). */
    private readonly claimProfiles: ClaimProfiles = {},
  ) {}

  /** The findings of a subject at evaluation time `nowMs`. */
  findings(subject: Subject, nowMs: number): Promise<Finding[]> {
    if (subject.kind === 'batch') return this.batch(subject.id, nowMs);
    if (subject.kind === 'shipment') return this.shipment(subject.id, nowMs).then((j) => j.findings);
    if (subject.kind === 'device') return deviceFindings(this.registry, this.cache, subject.id, nowMs);
    return Promise.resolve([]);
  }

  private async maxGap(device: string): Promise<number> {
    if (!this.intervals.has(device)) this.intervals.set(device, (await this.registry.get('devices', device))?.intervalS ?? 60);
    return maxGapMs(this.intervals.get(device)!);
  }

  /** One device's held series of a metric over [fromMs, toMs), the reading before it holding into it. */
  private async held(device: string, metric: string, fromMs: number, toMs: number) {
    const gap = await this.maxGap(device);
    return hold(await this.cache.get(device, metric, fromMs - gap, toMs), fromMs, toMs, gap).held;
  }

  private async batch(batchId: string, nowMs: number): Promise<Finding[]> {
    const input = await this.batchInput(batchId, nowMs);
    return input === undefined ? [] : batchFindings(input);
  }

  /** What a batch is judged on at `nowMs`: its product, its readings over every custody leg, its orders. */
  async batchInput(batchId: string, nowMs: number): Promise<BatchInput | undefined> {
    const batch = await this.registry.get('batches', batchId);
    if (batch === undefined) return undefined;
    const product = await this.registry.get('products', batch.product);
    if (product === undefined) return undefined;
    const metrics = [...new Set([...product.limits.map((l) => l.metric), ...(product.mkt.length > 0 || product.shelfLife !== undefined ? ['temperature'] : [])])];
    const series: LegSeries[] = [];
    const zoneLegs: ZoneLeg[] = [];
    for (const leg of await this.evidence.custodyLegs(batchId)) {
      if (leg.placement.zone !== undefined) {
        const span = spanOfPlacement(leg.placement);
        zoneLegs.push({ placement: leg.placement.id, zone: leg.placement.zone, fromMs: span.fromMs, toMs: span.toMs });
      }
      // The ignore period at a shipment's start (loading), for this leg only.
      const ignoreBeforeMs = leg.placement.shipment !== undefined && product.ignoreStartMin > 0 ? Date.parse(leg.placement.from) + product.ignoreStartMin * 60_000 : undefined;
      for (const seg of leg.segments) {
        const to = Math.min(seg.toMs, nowMs);
        if (to <= seg.fromMs) continue;
        for (const metric of metrics) {
          const raw = await this.held(seg.device, metric, seg.fromMs, to);
          const rolled = KINETIC_METRICS.has(metric) ? withRolled(raw, await this.cache.heldHours(seg.device, metric, seg.fromMs, to), seg.fromMs, to) : { held: raw };
          if (rolled.held.length === 0) continue;
          series.push({
            device: seg.device, location: seg.location, placement: leg.placement.id, metric, held: rolled.held,
            ...(ignoreBeforeMs !== undefined ? { ignoreBeforeMs } : {}), ...(rolled.rolledBeforeMs !== undefined ? { rolledBeforeMs: rolled.rolledBeforeMs } : {}),
          });
        }
      }
    }
    const orders = [];
    for (const id of await this.registry.ordersOf({ batches: [batchId], shipments: [] })) {
      const o = await this.registry.get('orders', id);
      if (o !== undefined) orders.push({ id, promisedDeliveryMs: Date.parse(o.promisedDelivery), minRemainingShelfLifeDays: o.minRemainingShelfLifeDays });
    }
    return { batch: batchId, product, series, orders, nowMs, zoneLegs };
  }

  /** A shipment's findings at `nowMs`, and its trackers' GPS fixes dropped as invalid, by reason. */
  async shipment(id: string, nowMs: number): Promise<ShipmentJudgement> {
    const shipment = await this.registry.get('shipments', id);
    if (shipment === undefined) return { findings: [], dropped: [], milestones: [], orders: [] };
    const here = await this.registry.placementsAt({ kind: 'shipment', id }, -Infinity, Infinity);
    const series: LegSeries[] = [];
    const heartbeats: number[] = [];
    const fixes: Fix[] = [];
    const legs: { fromMs: number; toMs: number }[] = [];
    for (const p of here) {
      if (p.device === undefined) continue;
      const span = spanOfPlacement(p);
      const to = Math.min(span.toMs, nowMs);
      legs.push({ fromMs: span.fromMs, toMs: span.toMs });
      if (to <= span.fromMs) continue;
      for (const metric of new Set(TRANSIT_RULES.map((r) => r.limit.metric))) {
        const held = await this.held(p.device, metric, span.fromMs, to);
        if (held.length > 0) series.push({ device: p.device, location: span.location, placement: p.id, metric, held });
      }
      for (const t of await this.cache.deviceTimes(p.device, span.fromMs, to)) heartbeats.push(t);
      for (const f of await this.fixesOf(p.device, span.fromMs, to)) fixes.push(f);
    }
    const batches = [...new Set(here.flatMap((p) => (p.batch !== undefined ? [p.batch] : [])))];
    const orders = await this.registry.ordersOf({ batches, shipments: [id] });
    const transit = shipmentFindings({ shipment: id, series, heartbeats, legs, gapThresholdMin: shipment.gapThresholdMin, orders, batches, nowMs });
    const related = { devices: [...new Set(fixes.map((f) => f.device))].sort(), zones: [], batches: [...batches].sort(), shipments: [id], orders: [...orders].sort() };
    const gps = fixes.length === 0 ? undefined : gpsFindings({ shipment: id, mode: shipment.mode, fixes, route: shipment.route, corridorM: shipment.corridorM, known: await this.knownPlaces(shipment), nowMs, related });
    const custody = await goodsOn(this.registry, here.filter((p) => p.batch !== undefined), shipment.destination, nowMs);
    const ms = milestones({ origin: shipment.origin, destination: shipment.destination, visits: gps?.visits ?? [], fixes, custody });
    const claimRelated = { ...related, devices: [...new Set(here.flatMap((p) => (p.device !== undefined ? [p.device] : [])))].sort() };
    const departedMs = ms.find((m) => m.kind === 'departed_origin')?.atMs;
    const spans = here.map(spanOfPlacement);
    const onItsWay = spans.some((x) => x.fromMs <= nowMs && nowMs < x.toMs);
    const startedMs = spans.reduce((m, x) => Math.min(m, x.fromMs), Infinity);
    const lastReadingMs = heartbeats.reduce((m, t) => Math.max(m, t), -Infinity);
    const claim = await this.claims(shipment, legs.length > 0, gps?.visits ?? [], fixes, custody, nowMs, claimRelated, departedMs,
      { onItsWay, startedMs, ...(Number.isFinite(lastReadingMs) ? { lastReadingMs } : {}) });
    const weather = this.weather === undefined ? [] : await weatherOf(this.weather, shipment, fixes, onItsWay, nowMs, claimRelated);
    return { findings: [...transit, ...(gps?.findings ?? []), ...claim, ...weather], dropped: gps?.dropped ?? [], milestones: ms, orders: [...orders].sort() };
  }

  /**
   * Claims checked against the evidence (docs/claims.md, "Corroboration"): the carrier's deliveries against the
   * trackers' visits or custody (delivery-claims.ts), and an arrival nobody confirmed (arrival-claims.ts).
   */
  private async claims(
    shipment: Shipment, tracked: boolean, visits: readonly Visit[], fixes: readonly Fix[], custody: MilestoneInput['custody'], nowMs: number, related: Related,
    departedMs: number | undefined, way: { onItsWay: boolean; startedMs: number; lastReadingMs?: number },
  ): Promise<Finding[]> {
    // The rules' windows for this carrier and lane (docs/claims.md, "Per carrier and lane").
    const p = claimParamsFor(this.claimProfiles, shipment.carrier, shipment.lane);
    const events = (await this.carrier?.ofShipment(shipment.id)) ?? [];
    const lastCarrierEventMs = events.reduce((m, e) => Math.max(m, e.timeMs), -Infinity);
    const silent = silenceClaimFinding({ shipment: shipment.id, ...way, ...(Number.isFinite(lastCarrierEventMs) ? { lastCarrierEventMs } : {}), nowMs, related, hours: p.noUpdateHours });
    const delivered = events.filter((e) => e.milestone === 'delivered');
    const atDestination = visits.filter((v) => v.kind === 'destination');
    const out: Finding[] = silent === undefined ? [] : [silent];
    const site = await this.registry.get('sites', shipment.destination);
    if (delivered.length > 0 && site !== undefined) {
      const f = deliveryClaimFinding({
        shipment: shipment.id, claims: delivered.map((e) => ({ timeMs: e.timeMs, carrier: e.carrier, code: e.code, ...(e.text !== undefined ? { text: e.text } : {}) })),
        destination: { id: site.id, geofence: site.geofence }, tracked, visits: atDestination,
        fixes, placedAtDestinationMs: custody.filter((c) => c.thenAtDestination).map((c) => c.toMs), nowMs, related, windowMin: p.deliveredWindowMin,
      });
      if (f !== undefined) out.push(f);
    }
    const completed: number[] = [];
    const shipped: { order: string; atMs: number }[] = [];
    for (const o of related.orders) {
      for (const st of (await this.registry.get('orders', o))?.statuses ?? []) {
        if (st.status === 'completed') completed.push(Date.parse(st.at));
        if (st.status === 'shipped') shipped.push({ order: o, atMs: Date.parse(st.at) });
      }
    }
    const hubs = (await Promise.all(shipment.hubs.map((h) => this.registry.get('places', h)))).flatMap((p) => (p !== undefined ? [{ id: p.id, name: p.name, geofence: p.geofence }] : []));
    const atHub = events.filter((e) => e.milestone !== 'delivered' && (e.place !== undefined || e.position !== undefined));
    if (hubs.length > 0 && atHub.length > 0) {
      const f = hubClaimFinding({
        shipment: shipment.id, hubs, visits: visits.filter((v) => v.kind === 'hub'), fixes, nowMs, related, windowMin: p.hubWindowMin, farKm: p.hubFarKm,
        events: atHub.map((e) => ({ timeMs: e.timeMs, carrier: e.carrier, code: e.code, text: e.text, ...(e.place !== undefined ? { place: e.place } : {}), ...(e.position !== undefined ? { position: e.position } : {}) })),
      });
      if (f !== undefined) out.push(f);
    }
    const early = shippedClaimFinding({ shipment: shipment.id, origin: shipment.origin, shipped, ...(departedMs !== undefined ? { departedMs } : {}), nowMs, related, withinMin: p.shippedWithinMin });
    if (early !== undefined) out.push(early);
    if (atDestination.length > 0) {
      const input = { shipment: shipment.id, destination: shipment.destination, visits: atDestination, confirmations: [...delivered.map((e) => e.timeMs), ...completed], nowMs, related, withinMin: p.arrivalWithinMin };
      if (arrivalClaimFinding(input) !== undefined) {
        const last = lastKeptFix(keptTrack(shipment.mode, fixes, nowMs));
        out.push(arrivalClaimFinding({ ...input, ...(last !== undefined ? { lastFix: last } : {}) })!);
      }
    }
    return out;
  }

  /** A tracker's GPS fixes over [fromMs, toMs). */
  private async fixesOf(device: string, fromMs: number, toMs: number): Promise<Fix[]> {
    return pairFixes(await this.cache.get(device, 'gps.lat', fromMs, toMs), await this.cache.get(device, 'gps.lon', fromMs, toMs), device);
  }

  /**
   * A shipment's GPS track judged at `nowMs`, as the rules judge it: how many fixes its trackers sent, those dropped
   * as invalid by reason, and the visits to its known places (origin, destination, hubs) with arrival and departure.
   */
  async track(id: string, nowMs: number): Promise<(GpsResult & { readonly fixes: number; readonly coverage: TrackerCoverage }) | undefined> {
    const shipment = await this.registry.get('shipments', id);
    if (shipment === undefined) return undefined;
    const fixes: Fix[] = [];
    const heartbeats: number[] = [];
    const legs: { fromMs: number; toMs: number }[] = [];
    for (const p of await this.registry.placementsAt({ kind: 'shipment', id }, -Infinity, Infinity, 'device')) {
      if (p.device === undefined) continue;
      const span = spanOfPlacement(p);
      const to = Math.min(span.toMs, nowMs);
      legs.push({ fromMs: span.fromMs, toMs: span.toMs });
      if (to <= span.fromMs) continue;
      for (const f of await this.fixesOf(p.device, span.fromMs, to)) fixes.push(f);
      for (const t of await this.cache.deviceTimes(p.device, span.fromMs, to)) heartbeats.push(t);
    }
    const related = { devices: [], zones: [], batches: [], shipments: [id], orders: [] };
    const gps = gpsFindings({ shipment: id, mode: shipment.mode, fixes, route: shipment.route, corridorM: shipment.corridorM, known: await this.knownPlaces(shipment), nowMs, related });
    return { ...gps, fixes: fixes.length, coverage: trackerCoverage({ heartbeats, legs, gapThresholdMin: shipment.gapThresholdMin, nowMs }) };
  }

  /** The origin and destination sites and the hubs on the way, with their geofences: stops there are planned. */
  private async knownPlaces(s: { origin: string; destination: string; hubs: readonly string[] }): Promise<KnownPlace[]> {
    const out: KnownPlace[] = [];
    const origin = await this.registry.get('sites', s.origin);
    if (origin !== undefined) out.push({ id: origin.id, kind: 'origin', geofence: origin.geofence });
    const destination = await this.registry.get('sites', s.destination);
    if (destination !== undefined) out.push({ id: destination.id, kind: 'destination', geofence: destination.geofence });
    for (const h of s.hubs) {
      const place = await this.registry.get('places', h);
      if (place !== undefined) out.push({ id: place.id, kind: 'hub', geofence: place.geofence });
    }
    return out;
  }
}
