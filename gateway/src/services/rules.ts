/**
 * Runs the rules (docs/rules.md). Committed readings (the hook after the commit) and registry changes mark the
 * batches they touch; a round, a short moment later (the scheduler's), judges each marked batch over its whole
 * custody from the stored readings and reconciles its flags. Flags are therefore a function of the data: a late
 * reading, a reading out of order or a late custody record simply marks the batch again, and the next round gives
 * what the data now says. Rounds run one at a time; batches marked during a round wait for the next.
 */
import type { Logger } from 'pino';
import { batchFindings, type LegSeries } from '../domain/rules/batch-findings.js';
import { hold, maxGapMs, type Sample } from '../domain/rules/step-hold.js';
import type { StoredReading } from '../domain/reading.js';
import type { Finding } from '../domain/flags/types.js';
import type { Clock, Scheduler } from '../ports/clock.js';
import type { FlagChange, FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import { locationOf, spanOfPlacement, type CustodyIndex } from './custody.js';
import type { EvidenceService } from './evidence.js';
import type { RegistryChangeSet } from './registry.js';

export interface RulesDeps {
  readonly registry: RegistryStore;
  readonly evidence: EvidenceService;
  readonly store: TelemetryStore;
  readonly flags: FlagStore;
  readonly custody: CustodyIndex;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  /** Seconds from the commit that marked a batch to its flags being reconciled (the flag latency). */
  readonly observeLatency?: (seconds: number) => void;
}

/** A round starts this long after the first mark, ms: readings of one burst are judged together. */
export const DEFAULT_ROUND_DELAY_MS = 100;
/** Most readings of one sensor and metric read for one leg. */
const MAX_LEG_READINGS = 5_000_000;

export type FlagListener = (changes: readonly FlagChange[]) => void;

export class RulesService {
  /** Batch -> gateway time it was first marked since its last evaluation. */
  private readonly marked = new Map<string, number>();
  private timer: { cancel(): void } | undefined;
  private running: Promise<void> | undefined;
  private readonly listeners: FlagListener[] = [];
  private closed = false;
  /** Lookups of the batches of committed readings still under way (idle() waits for them). */
  private readonly finding = new Set<Promise<void>>();

  constructor(private readonly deps: RulesDeps, private readonly roundDelayMs = DEFAULT_ROUND_DELAY_MS) {}

  onFlags(listener: FlagListener): void {
    this.listeners.push(listener);
  }

  /** The hook after the commit: the batches exposed where the readings were taken are marked. */
  readonly committed = (readings: readonly StoredReading[]): void => {
    const at = this.deps.clock.now();
    const spans = new Map<string, { location: ReturnType<typeof locationOf>; from: number; to: number }>();
    for (const r of readings) {
      const s = this.deps.custody.locate(r.device, r.time);
      if (s === undefined) continue;
      const key = `${s.location.kind}:${s.location.id}`;
      const e = spans.get(key);
      if (e === undefined) spans.set(key, { location: s.location, from: r.time, to: r.time + 1 });
      else {
        e.from = Math.min(e.from, r.time);
        e.to = Math.max(e.to, r.time + 1);
      }
    }
    if (spans.size === 0) return;
    const lookup = (async () => {
      for (const s of spans.values()) {
        for (const p of await this.deps.registry.placementsAt(s.location, s.from, s.to)) if (p.batch !== undefined) this.mark(p.batch, at);
      }
    })().catch((e: unknown) => this.deps.log.error({ err: e }, 'rules: could not find the batches of committed readings'));
    this.finding.add(lookup);
    void lookup.finally(() => this.finding.delete(lookup));
  };

  /** Registry changes: batches whose custody changed, and batches at a location where a device placement changed. */
  readonly registryChanged = async (change: RegistryChangeSet): Promise<void> => {
    const at = this.deps.clock.now();
    for (const p of change.placements) {
      if (p.batch !== undefined) this.mark(p.batch, at);
      else {
        const span = spanOfPlacement(p);
        for (const q of await this.deps.registry.placementsAt(locationOf(p), span.fromMs, span.toMs)) if (q.batch !== undefined) this.mark(q.batch, at);
      }
    }
  };

  mark(batch: string, at = this.deps.clock.now()): void {
    if (this.closed) return;
    if (!this.marked.has(batch)) this.marked.set(batch, at);
    this.timer ??= this.deps.scheduler.after(this.roundDelayMs, () => {
      this.timer = undefined;
      void this.round();
    });
  }

  /** Resolves once no batch is marked and no round runs (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.finding.size > 0 || this.running !== undefined || this.marked.size > 0) {
      if (this.finding.size > 0) {
        await Promise.all(this.finding);
        continue;
      }
      if (this.running === undefined) await this.round();
      else await this.running;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    await this.running;
  }

  private async round(): Promise<void> {
    if (this.running !== undefined) return this.running;
    this.timer?.cancel();
    this.timer = undefined;
    const batches = [...this.marked];
    this.marked.clear();
    this.running = (async () => {
      for (const [batch, markedAt] of batches) {
        try {
          const changes = await this.evaluate(batch);
          this.deps.observeLatency?.((this.deps.clock.now() - markedAt) / 1000);
          if (changes.length > 0) for (const l of this.listeners) l(changes);
        } catch (e) {
          this.deps.log.error({ err: e, batch }, 'rules: evaluation failed; the batch is judged again at its next reading');
        }
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.marked.size > 0 && !this.closed) this.timer ??= this.deps.scheduler.after(this.roundDelayMs, () => { this.timer = undefined; void this.round(); });
  }

  /** Judges one batch now and reconciles its flags. */
  async evaluate(batch: string): Promise<FlagChange[]> {
    const now = this.deps.clock.now();
    const findings = await this.findings(batch, now);
    return this.deps.flags.reconcile([{ kind: 'batch', id: batch }], findings, now);
  }

  /** The findings of a batch at evaluation time `nowMs` (no flag is written). */
  async findings(batchId: string, nowMs: number): Promise<Finding[]> {
    const { registry, store } = this.deps;
    const batch = await registry.get('batches', batchId);
    if (batch === undefined) return [];
    const product = await registry.get('products', batch.product);
    if (product === undefined) return [];
    const metrics = [...new Set([...product.limits.map((l) => l.metric), ...(product.mkt.length > 0 || product.shelfLife !== undefined ? ['temperature'] : [])])];
    const intervals = new Map<string, number>();
    const series: LegSeries[] = [];
    for (const leg of await this.deps.evidence.custodyLegs(batchId)) {
      const ignoreBeforeMs = leg.placement.shipment !== undefined ? Date.parse(leg.placement.from) + product.ignoreStartMin * 60_000 : undefined;
      for (const seg of leg.segments) {
        if (!intervals.has(seg.device)) intervals.set(seg.device, (await registry.get('devices', seg.device))?.intervalS ?? 60);
        const gap = maxGapMs(intervals.get(seg.device)!);
        const to = Math.min(seg.toMs, nowMs);
        if (to <= seg.fromMs) continue;
        for (const metric of metrics) {
          // From one max gap before the leg: the reading before it holds into the leg.
          const rows = await store.query({ device: seg.device, metric, from: seg.fromMs - gap, to, limit: MAX_LEG_READINGS });
          const samples: Sample[] = rows.map((r) => ({ t: r.time, v: r.value }));
          const { held } = hold(samples, seg.fromMs, to, gap);
          if (held.length === 0) continue;
          series.push({ device: seg.device, location: seg.location, placement: leg.placement.id, metric, held, ...(ignoreBeforeMs !== undefined ? { ignoreBeforeMs } : {}) });
        }
      }
    }
    const orders = [];
    for (const id of await registry.ordersOf({ batches: [batchId], shipments: [] })) {
      const o = await registry.get('orders', id);
      if (o !== undefined) orders.push({ id, promisedDeliveryMs: Date.parse(o.promisedDelivery), minRemainingShelfLifeDays: o.minRemainingShelfLifeDays });
    }
    return batchFindings({ batch: batchId, product, series, orders, nowMs });
  }
}
