/**
 * A shipment's predicted delivery window (domain/shipments/delivery-window.ts) from its kept track and the past
 * shipments of its lane, held later by an active weather stop flag (domain/shipments/weather-delay.ts): read on
 * request from the registry, the store and the flags, nothing kept.
 */
import { routeLengthM } from '../domain/registry/geofence.js';
import type { Shipment } from '../domain/registry/types.js';
import { deliveryWindow, type DeliveryWindow } from '../domain/shipments/delivery-window.js';
import { shipmentStatus, type ShipmentStatus } from '../domain/shipments/status.js';
import { heldBy, latestDelay, weatherDelayOf, WEATHER_STOP_RULE, type WeatherDelay } from '../domain/shipments/weather-delay.js';
import type { FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import { spanOfPlacement } from './custody.js';
import type { ShipmentListService } from './shipments.js';

/** Past shipments of the lane read at most (the latest to arrive), and the registry page size to find them. */
const LANE_TRIPS = 50;
const PAGE = 1000;

export interface ShipmentWindow {
  readonly status: ShipmentStatus;
  /** Absent when there is nothing to predict (not in transit) or no basis yet (see `reason`). */
  readonly window?: DeliveryWindow;
  readonly reason?: string;
  /** An active weather stop flag's hold on the window (already applied to `window`); present even without a window. */
  readonly delay?: WeatherDelay;
}

export class DeliveryWindowService {
  constructor(
    private readonly registry: RegistryStore,
    private readonly shipments: Pick<ShipmentListService, 'positions'>,
    private readonly flags?: Pick<FlagStore, 'list'>,
  ) {}

  /** Undefined for an unknown shipment. */
  async of(id: string, nowMs: number): Promise<ShipmentWindow | undefined> {
    const shipment = await this.registry.get('shipments', id);
    if (shipment === undefined) return undefined;
    const status = await this.statusOf(shipment, nowMs);
    if (status.state !== 'in_transit') return { status, reason: status.state === 'arrived' ? 'arrived' : 'not departed yet' };
    const track = (await this.shipments.positions(id, nowMs))?.positions ?? [];
    const window = deliveryWindow({ route: shipment.route, track, laneKmh: await this.laneKmh(shipment, nowMs) });
    const delay = await this.weatherDelay(id);
    const held = delay !== undefined ? { delay } : {};
    if (window === undefined) {
      const reason = shipment.route.length < 2 ? 'no planned route' : track.length === 0 ? 'no kept GPS fix yet' : 'less than 3 hours of track and 3 past trips on the lane';
      return { status, reason, ...held };
    }
    return { status, window: delay !== undefined ? heldBy(window, delay) : window, ...held };
  }

  /** The hold of the shipment's active weather stop flags, if any (the flags as they stand: judged at each round). */
  private async weatherDelay(id: string): Promise<WeatherDelay | undefined> {
    if (this.flags === undefined) return undefined;
    const flags = await this.flags.list({ subject: { kind: 'shipment', id }, rule: WEATHER_STOP_RULE, active: true, limit: 20 });
    return latestDelay(flags.flatMap((f) => weatherDelayOf(f) ?? []));
  }

  private async statusOf(s: Shipment, nowMs: number): Promise<ShipmentStatus> {
    const placements = await this.registry.placementsAt({ kind: 'shipment', id: s.id }, -Infinity, Infinity);
    return shipmentStatus(placements.map(spanOfPlacement), Date.parse(s.plannedDeparture), Date.parse(s.promisedDelivery), nowMs);
  }

  /** Effective speeds (route length over departure to arrival) of the lane's shipments that arrived by `nowMs`, km/h. */
  private async laneKmh(shipment: Shipment, nowMs: number): Promise<number[]> {
    const trips: { arrivedMs: number; kmh: number }[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.registry.list('shipments', { ...(after !== undefined ? { after } : {}), limit: PAGE });
      for (const s of page) {
        if (s.lane !== shipment.lane || s.id === shipment.id || s.route.length < 2) continue;
        const st = await this.statusOf(s, nowMs);
        if (st.state !== 'arrived' || st.departedMs === undefined || st.arrivedMs === undefined || st.arrivedMs <= st.departedMs) continue;
        trips.push({ arrivedMs: st.arrivedMs, kmh: routeLengthM(s.route) / 1000 / ((st.arrivedMs - st.departedMs) / 3_600_000) });
      }
      if (page.length < PAGE) break;
      after = page.at(-1)!.id;
    }
    return trips.sort((a, b) => b.arrivedMs - a.arrivedMs).slice(0, LANE_TRIPS).map((t) => t.kmh);
  }
}
