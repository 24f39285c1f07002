/**
 * The FEFO list of a site (docs/rules.md): every batch stored in one of its zones at the evaluation time, ordered by
 * the earlier of its dynamic expiry (kinetic shelf life over its whole custody, the same computation the shelf-life
 * rule flags on) and its label. Computed on request from the stored readings; the zone sensors' series are read
 * once per request and shared by the batches stored under them.
 */
import { batchShelfLife } from '../domain/rules/batch-findings.js';
import { fefoOrder, type FefoCandidate, type FefoEntry } from '../domain/rules/fefo.js';
import type { CalibrationLookup } from '../ports/calibration.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import type { EvidenceService } from './evidence.js';
import { RuleInputs } from './rule-inputs.js';
import { SeriesCache } from './series-cache.js';

export interface SiteFefo {
  readonly site: string;
  readonly atMs: number;
  readonly batches: readonly FefoEntry[];
  /** Batches whose label expiry could not be read (kept out of the order, listed so nobody misses them). */
  readonly unreadable: readonly string[];
}

export class FefoService {
  constructor(
    private readonly registry: RegistryStore,
    private readonly evidence: EvidenceService,
    private readonly store: TelemetryStore,
    /** Certificates: shelf life consumed by corrected temperatures, as the shelf-life rule judges them (docs/calibration.md). */
    private readonly calibrations?: CalibrationLookup,
  ) {}

  /** Undefined when the site is unknown. */
  async site(siteId: string, atMs: number): Promise<SiteFefo | undefined> {
    if ((await this.registry.get('sites', siteId)) === undefined) return undefined;
    const inputs = new RuleInputs(this.registry, this.evidence, new SeriesCache(this.store, this.calibrations));
    const candidates: FefoCandidate[] = [];
    const unreadable: string[] = [];
    for (const zone of await this.registry.zonesOf(siteId)) {
      for (const p of await this.registry.placementsAt({ kind: 'zone', id: zone }, atMs, atMs + 1)) {
        if (p.batch === undefined || p.device !== undefined) continue;
        const batch = await this.registry.get('batches', p.batch);
        if (batch === undefined) continue;
        const labelExpiryMs = Date.parse(batch.expiresAt);
        if (!Number.isFinite(labelExpiryMs)) {
          unreadable.push(batch.id);
          continue;
        }
        const input = await inputs.batchInput(batch.id, atMs);
        const sl = input === undefined ? undefined : batchShelfLife(input);
        candidates.push({
          batch: batch.id, product: batch.product, zone, quantity: batch.quantity, labelExpiryMs,
          ...(sl !== undefined
            ? { shelfLife: { dynamicExpiryMs: sl.state.dynamicExpiryMs, remainingDays: sl.state.remainingDays, consumed: sl.state.consumed, level: sl.state.level, asOfMs: sl.endMs } }
            : {}),
        });
      }
    }
    return { site: siteId, atMs, batches: fefoOrder(candidates, atMs), unreadable };
  }
}
