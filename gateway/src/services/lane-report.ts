/**
 * The weekly lane report (#16; docs/dashboard.md, "Lanes"): incidents per carrier, lane or hub per ISO week, counted
 * as tier 3 counts them (services/escalation.ts), the tier 3 reviews of that dimension, and the consistency report
 * (#20, consistency-report.ts) by the same weeks. Derived from the flags and the registry on each request: nothing is
 * kept.
 */
import { laneWeeks, type LaneWeeks, type LaneWeeksQuery } from '../domain/reports/lane-weeks.js';
import { incidentsOf } from '../domain/rules/escalation.js';
import type { ConsistencyRow } from '../domain/reports/consistency.js';
import type { Flag } from '../domain/flags/types.js';
import type { ConsistencyReportService } from './consistency-report.js';
import type { FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import { MAX_FLAGS, shipmentInfos } from './escalation.js';

export interface LaneReport extends LaneWeeks {
  /**
   * The `tier3/{by}` flags under review (open or acknowledged) or whose incidents fall in the range, whatever their
   * state; withdrawn ones left out. Ordered by subject id.
   */
  readonly reviews: readonly Flag[];
  /** Claims against evidence per ISO week of departure, carrier and lane (whatever `by`); empty without the service. */
  readonly consistency: readonly ConsistencyRow[];
}

export class LaneReportService {
  constructor(
    private readonly flags: Pick<FlagStore, 'list'>,
    private readonly registry: Pick<RegistryStore, 'get'>,
    private readonly consistency?: Pick<ConsistencyReportService, 'weekly'>,
  ) {}

  async report(q: LaneWeeksQuery): Promise<LaneReport> {
    const all = await this.flags.list({ limit: MAX_FLAGS });
    const incidents = incidentsOf(all).filter((i) => i.atMs >= q.fromMs && i.atMs < q.toMs);
    const shipments = await shipmentInfos(this.registry, incidents.map((i) => i.shipment));
    const reviews = all
      .filter((f) => f.rule === `tier3/${q.by}` && !f.withdrawn && (f.state !== 'resolved' || (f.startMs < q.toMs && f.endMs >= q.fromMs)))
      .sort((a, b) => (a.subject.id < b.subject.id ? -1 : a.subject.id > b.subject.id ? 1 : 0));
    const consistency = this.consistency === undefined ? [] : await this.consistency.weekly(q.fromMs, q.toMs, q.zone);
    return { ...laneWeeks(incidents, shipments, q), reviews, consistency };
  }
}
