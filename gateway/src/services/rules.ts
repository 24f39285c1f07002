/**
 * Runs the rules (docs/rules.md). Committed readings (the hook after the commit) and registry changes mark the
 * batches they touch; a round, a short moment later (the scheduler's), judges each marked batch over its whole
 * custody from the stored readings and reconciles its flags. Flags are therefore a function of the data: a late
 * reading, a reading out of order or a late custody record simply marks the batch again, and the next round gives
 * what the data now says. Rounds run one at a time; batches marked during a round wait for the next.
 */
import type { Logger } from 'pino';
import { batchFindings, type LegSeries } from '../domain/rules/batch-findings.js';
import { hold, maxGapMs } from '../domain/rules/step-hold.js';
import type { StoredReading } from '../domain/reading.js';
import type { Finding } from '../domain/flags/types.js';
import type { Clock, Scheduler } from '../ports/clock.js';
import type { FlagChange, FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import { locationOf, spanOfPlacement, type CustodyIndex } from './custody.js';
import { SeriesCache } from './series-cache.js';
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
/** A batch is judged at most this often, ms: a busy zone marks its batches with every commit. */
export const DEFAULT_MIN_BATCH_INTERVAL_MS = 500;

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

  /** Batch -> gateway time its last evaluation started (entries older than the interval are dropped). */
  private readonly judgedAt = new Map<string, number>();

  constructor(private readonly deps: RulesDeps, private readonly roundDelayMs = DEFAULT_ROUND_DELAY_MS, private readonly minBatchIntervalMs = DEFAULT_MIN_BATCH_INTERVAL_MS) {}

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
    for (const product of change.products) for (const b of await this.deps.registry.batchesOfProduct(product)) this.mark(b, at);
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
      // A flush: batches judged less than the interval ago are judged again at once.
      if (this.running === undefined) await this.round(true);
      else await this.running;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    await this.running;
  }

  private async round(force = false): Promise<void> {
    if (this.running !== undefined) return this.running;
    this.timer?.cancel();
    this.timer = undefined;
    const now = this.deps.clock.now();
    for (const [b, at] of this.judgedAt) if (at + this.minBatchIntervalMs <= now) this.judgedAt.delete(b);
    // Batches judged less than the interval ago wait for a later round; the rest go now.
    const batches = [...this.marked].filter(([b]) => force || !this.judgedAt.has(b));
    for (const [b] of batches) {
      this.marked.delete(b);
      this.judgedAt.set(b, now);
    }
    const cache = new SeriesCache(this.deps.store);
    this.running = (async () => {
      for (const [batch, markedAt] of batches) {
        try {
          const changes = await this.evaluate(batch, cache);
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
    if (this.marked.size > 0 && !this.closed) {
      const waits = [...this.marked.keys()].map((b) => (this.judgedAt.get(b) ?? -Infinity) + this.minBatchIntervalMs - this.deps.clock.now());
      const delay = Math.max(this.roundDelayMs, Math.min(...waits));
      this.timer ??= this.deps.scheduler.after(delay, () => { this.timer = undefined; void this.round(); });
    }
  }

  /** Judges one batch now and reconciles its flags. */
  async evaluate(batch: string, cache = new SeriesCache(this.deps.store)): Promise<FlagChange[]> {
    const now = this.deps.clock.now();
    const findings = await this.findings(batch, now, cache);
    return this.deps.flags.reconcile([{ kind: 'batch', id: batch }], findings, now);
  }

  /** The findings of a batch at evaluation time `nowMs` (no flag is written). */
  async findings(batchId: string, nowMs: number, cache = new SeriesCache(this.deps.store)): Promise<Finding[]> {
    const { registry } = this.deps;
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
          const samples = await cache.get(seg.device, metric, seg.fromMs - gap, to);
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
