/**
 * The facts of an order's customer summary (domain/summary), gathered on request from what the gateway already
 * knows: the temperature readings of its batches' custody legs, its flags, its shipments' hub visits and carrier
 * events (the order timeline) and the delivery window. Nothing is kept; the same data and time give the same facts.
 */
import type { Timeline } from './evidence.js';
import type { EvidenceService } from './evidence.js';
import type { DeliveryWindowService } from './delivery-windows.js';
import type { TrackService } from './tracks.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import { concernsOf } from '../domain/summary/concerns.js';
import { hubOf } from '../domain/rules/hub-claims.js';
import { claimParamsFor, type ClaimProfiles } from '../domain/rules/claim-params.js';
import type { CarrierClaim, DeliveryFacts, HubStay, OrderFacts, TemperatureFacts } from '../domain/summary/facts.js';

/** The metric the goods' temperature is read from, and the page size of its readings. */
const TEMPERATURE = 'temperature';
const PAGE = 50_000;

export class OrderSummaryService {
  constructor(
    private readonly registry: RegistryStore,
    private readonly evidence: Pick<EvidenceService, 'custodyLegs'>,
    private readonly store: TelemetryStore,
    private readonly tracks: Pick<TrackService, 'orderTimeline'>,
    private readonly windows: Pick<DeliveryWindowService, 'of'>,
    /** The corroboration rules' windows per carrier and lane (COLDTRACE_CLAIMS_CONFIG), so the summary judges as they do. */
    private readonly claimProfiles: ClaimProfiles = {},
  ) {}

  /** Undefined for an unknown order. */
  async facts(orderId: string, atMs: number): Promise<OrderFacts | undefined> {
    const t = await this.tracks.orderTimeline(orderId, atMs);
    if (t === undefined) return undefined;
    const temperature = await this.temperature(t.order.lines.map((l) => l.batch), atMs);
    const carrier = await this.carrier(t, atMs);
    const delivery = await this.delivery(t.order.shipments, atMs);
    return {
      ...(temperature !== undefined ? { temperature } : {}),
      concerns: concernsOf(t.flags),
      hubStays: await this.hubStays(t),
      ...(carrier !== undefined ? { carrier } : {}),
      ...(delivery !== undefined ? { delivery } : {}),
    };
  }

  /** Min and max of the temperature readings of each batch's custody legs up to `atMs`. */
  private async temperature(batches: readonly string[], atMs: number): Promise<TemperatureFacts | undefined> {
    let minC = Infinity;
    let maxC = -Infinity;
    let readings = 0;
    for (const b of new Set(batches)) {
      for (const leg of await this.evidence.custodyLegs(b)) {
        for (const s of leg.segments) {
          const to = Math.min(s.toMs, atMs);
          for (let from = s.fromMs; from < to;) {
            const rows = await this.store.query({ device: s.device, metric: TEMPERATURE, from, to, limit: PAGE });
            for (const r of rows) {
              if (r.value < minC) minC = r.value;
              if (r.value > maxC) maxC = r.value;
            }
            readings += rows.length;
            if (rows.length < PAGE) break;
            from = rows.at(-1)!.time + 1;
          }
        }
      }
    }
    return readings === 0 ? undefined : { minC, maxC, readings };
  }

  /** Stays at hubs: each tracker's arrival paired with its departure; several trackers' stays at one hub merged. */
  private async hubStays(t: Timeline): Promise<HubStay[]> {
    const open = new Map<string, number>();
    const stays = new Map<string, { place: string; arrivedMs: number; departedMs?: number }[]>();
    for (const e of t.events) {
      if (e.kind !== 'place' || e.placeKind !== 'hub') continue;
      const ms = Date.parse(e.at);
      const key = `${e.shipment}\u0000${e.place}`;
      if (e.change === 'arrived') open.set(`${key}\u0000${e.device}`, ms);
      const list = stays.get(key) ?? [];
      stays.set(key, list);
      if (e.change === 'arrived') list.push({ place: e.place, arrivedMs: ms });
      else {
        const from = open.get(`${key}\u0000${e.device}`);
        const stay = list.find((s) => s.arrivedMs === from && s.departedMs === undefined);
        if (stay !== undefined) stay.departedMs = ms;
      }
    }
    const out: HubStay[] = [];
    for (const list of stays.values()) {
      for (const s of merge(list)) out.push({ name: await this.placeName(s.place), arrivedMs: s.arrivedMs, ...(s.departedMs !== undefined ? { departedMs: s.departedMs } : {}) });
    }
    return out;
  }

  private async placeName(id: string): Promise<string> {
    return (await this.registry.get('places', id))?.name ?? (await this.registry.get('sites', id))?.name ?? id;
  }

  /**
   * The latest carrier event up to `atMs`, with what our evidence says of it: contradicted when a corroboration flag
   * names it (claim/delivered, claim/hub: its last claim is this event), confirmed when a tracker of its shipment
   * arrived within the claim window at the destination (a delivery) or at the hub the event names: the window of
   * the shipment's carrier and lane (claim-params.ts), as the rules judged it.
   */
  private async carrier(t: Timeline, atMs: number): Promise<CarrierClaim | undefined> {
    let last: Extract<Timeline['events'][number], { kind: 'carrier' }> | undefined;
    for (const e of t.events) if (e.kind === 'carrier' && Date.parse(e.at) <= atMs) last = e;
    if (last === undefined) return undefined;
    const ms = Date.parse(last.at);
    const claim = { atMs: ms, milestone: last.milestone, text: last.text, ...(last.placeName !== undefined ? { placeName: last.placeName } : {}) };
    const flag = t.flags.find((f) => !f.withdrawn && f.subject.id === last.shipment && f.endMs === ms && (f.rule.startsWith('claim/delivered/') || f.rule.startsWith('claim/hub/')));
    if (flag !== undefined) {
      const km = flag.figures['nearestFixKm'];
      return { ...claim, evidence: { kind: 'contradicted', ...(typeof km === 'number' ? { trackerKm: km } : {}) } };
    }
    const lane = (await this.registry.get('shipments', last.shipment))?.lane ?? '';
    const params = claimParamsFor(this.claimProfiles, last.carrier, lane);
    const w = (last.milestone === 'delivered' ? params.deliveredWindowMin : params.hubWindowMin) * 60_000;
    const arrivals = t.events.filter((e) => e.kind === 'place' && e.change === 'arrived' && e.shipment === last.shipment && Math.abs(Date.parse(e.at) - ms) <= w);
    for (const a of arrivals) {
      if (a.kind !== 'place') continue;
      const at = last.milestone === 'delivered' ? a.placeKind === 'destination'
        : a.placeKind === 'hub' && await this.namesHub(last, a.place);
      if (at) return { ...claim, evidence: { kind: 'confirmed', trackerAtMs: Date.parse(a.at) } };
    }
    return claim;
  }

  /** Whether a carrier event names the hub `placeId` (hub-claims.ts hubOf). */
  private async namesHub(e: { readonly at: string; readonly carrier: string; readonly code: string; readonly placeName?: string; readonly position?: { lat: number; lon: number } }, placeId: string): Promise<boolean> {
    const p = await this.registry.get('places', placeId);
    if (p === undefined) return false;
    const event = { timeMs: Date.parse(e.at), carrier: e.carrier, code: e.code, ...(e.placeName !== undefined ? { place: e.placeName } : {}), ...(e.position !== undefined ? { position: e.position } : {}) };
    return hubOf(event, [{ id: p.id, name: p.name, geofence: p.geofence }]) !== undefined;
  }

  /**
   * The order's arrival as a customer sees it: the first of its shipments in transit (its window, or that there is
   * no basis yet); else, when all have arrived, the last arrival; else not departed.
   */
  private async delivery(shipments: readonly string[], atMs: number): Promise<DeliveryFacts | undefined> {
    let arrivedMs = -Infinity;
    let planned = false;
    for (const id of shipments) {
      const w = await this.windows.of(id, atMs);
      if (w === undefined) continue;
      if (w.status.state === 'in_transit') {
        // The window already holds a weather stop's delay; without a window of its own, the delay's is the estimate.
        const x = w.window ?? w.delay;
        if (x === undefined || !Number.isFinite(x.p10Ms) || !Number.isFinite(x.p90Ms)) return { kind: 'no-basis' };
        return { kind: 'window', p10Ms: x.p10Ms, p50Ms: x.p50Ms, p90Ms: x.p90Ms, ...(w.delay !== undefined ? { delayedBy: w.delay.event } : {}) };
      }
      if (w.status.state === 'planned') planned = true;
      else if (w.status.arrivedMs !== undefined) arrivedMs = Math.max(arrivedMs, w.status.arrivedMs);
    }
    if (planned) return { kind: 'not-departed' };
    return Number.isFinite(arrivedMs) ? { kind: 'arrived', atMs: arrivedMs } : undefined;
  }
}

/** Overlapping stays as one (two trackers on one truck see the same stay); a stay still open swallows later ones. */
function merge(stays: readonly { place: string; arrivedMs: number; departedMs?: number }[]): { place: string; arrivedMs: number; departedMs?: number }[] {
  const out: { place: string; arrivedMs: number; departedMs?: number }[] = [];
  for (const s of [...stays].sort((a, b) => a.arrivedMs - b.arrivedMs)) {
    const last = out.at(-1);
    if (last !== undefined && (last.departedMs === undefined || s.arrivedMs <= last.departedMs)) {
      if (last.departedMs !== undefined) {
        if (s.departedMs === undefined) delete last.departedMs;
        else last.departedMs = Math.max(last.departedMs, s.departedMs);
      }
    } else out.push({ ...s });
  }
  return out;
}
