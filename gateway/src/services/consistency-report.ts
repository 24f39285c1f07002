/**
 * The consistency report (#20, docs/claims.md "Consistency report"): per carrier, lane and month, how often the
 * carrier's and the order hub's word disagreed with the evidence. Derived on each request from the registry, the
 * corroboration flags, the carrier events and the tracker milestones: nothing is kept.
 */
import { consistencyRows, monthsIn, weeksIn, type ConsistencyEvent, type ConsistencyFlag, type ConsistencyMilestone, type ConsistencyRow, type ConsistencyShipment, type PeriodOf } from '../domain/reports/consistency.js';
import { hubOf } from '../domain/rules/hub-claims.js';
import type { FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import type { CarrierEventService } from './carrier-events.js';
import type { MilestoneService } from './milestones.js';
import { MAX_FLAGS } from './escalation.js';

const PAGE = 1000;

export class ConsistencyReportService {
  constructor(
    private readonly registry: Pick<RegistryStore, 'get' | 'list' | 'ordersOf'>,
    private readonly flags: Pick<FlagStore, 'list'>,
    private readonly carrier: Pick<CarrierEventService, 'ofShipment'>,
    private readonly milestones: Pick<MilestoneService, 'ofShipment'>,
  ) {}

  /** Rows of the months [fromMonth, toMonth) (YYYY-MM, UTC), by month, carrier and lane. */
  report(fromMonth: string, toMonth: string): Promise<ConsistencyRow[]> {
    return this.rows(monthsIn(fromMonth, toMonth));
  }

  /** Rows of the ISO weeks (in `zone`) of departures in [fromMs, toMs), by week, carrier and lane: the lane report's. */
  weekly(fromMs: number, toMs: number, zone: string): Promise<ConsistencyRow[]> {
    return this.rows(weeksIn(fromMs, toMs, zone));
  }

  private async rows(periodOf: PeriodOf): Promise<ConsistencyRow[]> {
    const shipments: ConsistencyShipment[] = [];
    const events: ConsistencyEvent[] = [];
    const milestones: ConsistencyMilestone[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.registry.list('shipments', { ...(after !== undefined ? { after } : {}), limit: PAGE });
      for (const s of page) {
        const departure = Date.parse(s.plannedDeparture);
        if (periodOf(departure) === undefined) continue;
        shipments.push({ id: s.id, carrier: s.carrier, lane: s.lane, plannedDepartureMs: departure, orders: await this.registry.ordersOf({ batches: [], shipments: [s.id] }) });
        const hubs = (await Promise.all(s.hubs.map((h) => this.registry.get('places', h)))).flatMap((p) => (p !== undefined ? [{ id: p.id, name: p.name, geofence: p.geofence }] : []));
        for (const e of (await this.carrier.ofShipment(s.id)) ?? []) {
          const hub = e.milestone === 'delivered' ? undefined : hubOf({ timeMs: e.timeMs, carrier: e.carrier, code: e.code, ...(e.place !== undefined ? { place: e.place } : {}), ...(e.position !== undefined ? { position: e.position } : {}) }, hubs);
          events.push({ shipment: s.id, timeMs: e.timeMs, delivered: e.milestone === 'delivered', ...(hub !== undefined ? { hub: hub.id } : {}) });
        }
        for (const m of (await this.milestones.ofShipment(s.id)) ?? []) {
          if (m.source === 'tracker' && (m.kind === 'arrived_destination' || m.kind === 'arrived_hub')) milestones.push({ shipment: s.id, kind: m.kind, place: m.place, atMs: m.atMs });
        }
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.id;
    }
    const flags: ConsistencyFlag[] = (await this.flags.list({ rule: 'claim/', limit: MAX_FLAGS }))
      .filter((f) => f.subject.kind === 'shipment' && !f.withdrawn)
      .map((f) => ({ rule: f.rule, shipment: f.subject.id, figures: f.figures }));
    return consistencyRows({ shipments, flags, events, milestones, periodOf });
  }
}
