/**
 * Runs the rules (docs/rules.md). Committed readings (the hook after the commit) and registry changes mark the
 * subjects they touch: the batches exposed where the readings were taken, the shipments their trackers ride. A
 * round, a short moment later (the scheduler's), judges each marked subject over its whole custody from the
 * stored readings and reconciles its flags. Flags are therefore a function of the data: a late reading, a reading
 * out of order or a late custody record simply marks the subject again, and the next round gives what the data now
 * says. Rounds run one at a time; subjects marked during a round wait for the next.
 */
import type { Logger } from 'pino';
import type { StoredReading } from '../domain/reading.js';
import type { Finding, Subject } from '../domain/flags/types.js';
import type { Clock, Scheduler } from '../ports/clock.js';
import type { FlagChange, FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import { locationOf, spanOfPlacement, type CustodyIndex } from './custody.js';
import { SeriesCache } from './series-cache.js';
import { RulesSweep } from './rules-sweep.js';
import { RuleInputs } from './rule-inputs.js';
import { evaluateTier3, touchesIncidents } from './escalation.js';
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
/** Most of the main thread one round takes, ms (then it waits for the next round: at most a third of the time). */
export const DEFAULT_ROUND_BUDGET_MS = 50;
/** Silence is looked for this often, ms: trackers on shipments, zone sensors (rules-sweep.ts). */
export const DEFAULT_SWEEP_MS = 60_000;

export type FlagListener = (changes: readonly FlagChange[]) => void;

interface DirtyLocation {
  readonly location: ReturnType<typeof locationOf>;
  readonly placement: string;
  from: number;
  to: number;
  /** Gateway time the first of its readings was committed. */
  readonly at: number;
}

export class RulesService {
  /** Subject (`batch:ID`, `shipment:ID`) -> gateway time it was first marked since its last evaluation, per lane. */
  private readonly marked = { live: new Map<string, number>(), background: new Map<string, number>() };
  private timer: { cancel(): void } | undefined;
  private running: Promise<void> | undefined;
  private readonly listeners: FlagListener[] = [];
  private closed = false;
  /** Registry changes noted since the last round. */
  private readonly changes: { change: RegistryChangeSet; at: number }[] = [];
  /** Locations readings were taken at since the last round (`zone:ID`), with the device-time range. */
  private readonly dirty = new Map<string, DirtyLocation>();

  /** Subject -> gateway time its last evaluation started (entries older than the interval are dropped). */
  private readonly judgedAt = new Map<string, number>();
  private sweep: RulesSweep | undefined;

  constructor(
    private readonly deps: RulesDeps, private readonly roundDelayMs = DEFAULT_ROUND_DELAY_MS,
    private readonly minBatchIntervalMs = DEFAULT_MIN_BATCH_INTERVAL_MS, private readonly roundBudgetMs = DEFAULT_ROUND_BUDGET_MS,
  ) {}

  /** Looks for silence every `everyMs` (rules-sweep.ts): trackers on shipments, zone sensors gone quiet. */
  startSweep(everyMs = DEFAULT_SWEEP_MS): void {
    this.sweep = new RulesSweep({
      ...this.deps, mark: (subject, at, lane) => this.mark(subject, at, lane),
      onError: (e) => this.deps.log.error({ err: e }, 'rules: the silence sweep failed; it runs again at the next one'),
    });
    this.sweep.start(everyMs);
  }

  onFlags(listener: FlagListener): void {
    this.listeners.push(listener);
  }

  /**
   * The hook after the commit: where each reading was taken (custody, in memory) is noted with its time range; the
   * batches exposed there are looked up once per round, not once per commit (the hook runs on the commit path).
   */
  readonly committed = (readings: readonly StoredReading[]): void => {
    const at = this.deps.clock.now();
    let lastDevice = '';
    let lastKey = '';
    let e: DirtyLocation | undefined;
    for (const r of readings) {
      const s = this.deps.custody.locate(r.device, r.time);
      if (s === undefined) continue;
      // Commits hold a device's readings together: one key per run of them.
      const key = r.device === lastDevice && e !== undefined && e.placement === s.placement ? lastKey : `${s.location.kind}:${s.location.id}`;
      lastDevice = r.device;
      lastKey = key;
      e = this.dirty.get(key);
      if (e === undefined) this.dirty.set(key, (e = { location: s.location, placement: s.placement, from: r.time, to: r.time + 1, at }));
      else {
        if (r.time < e.from) e.from = r.time;
        if (r.time + 1 > e.to) e.to = r.time + 1;
      }
    }
    if (this.dirty.size > 0) this.schedule();
  };

  /** The subjects of the locations readings were taken at since the last round. */
  private async markDirty(): Promise<void> {
    const dirty = [...this.dirty.values()];
    this.dirty.clear();
    for (const d of dirty) {
      if (d.location.kind === 'shipment') this.mark(`shipment:${d.location.id}`, d.at);
      for (const p of await this.deps.registry.placementsAt(d.location, d.from, d.to)) if (p.batch !== undefined) this.mark(`batch:${p.batch}`, d.at);
    }
  }

  /**
   * Registry changes: batches whose custody changed, and batches at a location where a device placement changed.
   * Noted only: the batches are found in the next round, so an import answers without waiting for them.
   */
  readonly registryChanged = (change: RegistryChangeSet): void => {
    this.changes.push({ change, at: this.deps.clock.now() });
    this.schedule();
  };

  /** Marks what the noted registry changes touch (in the background lane). */
  private async markChanges(): Promise<void> {
    const pending = this.changes.splice(0);
    for (const { change, at } of pending) {
      const later = (subject: string): void => this.mark(subject, at, 'background');
      for (const product of change.products) for (const b of await this.deps.registry.batchesOfProduct(product)) later(`batch:${b}`);
      for (const b of change.batches) later(`batch:${b}`);
      for (const s of change.shipments) later(`shipment:${s}`);
      // A correction moves custody away from where a placement was as well as to where it is now.
      for (const p of [...change.placements, ...change.previousPlacements]) {
        if (p.shipment !== undefined) later(`shipment:${p.shipment}`);
        if (p.batch !== undefined) later(`batch:${p.batch}`);
        else {
          const span = spanOfPlacement(p);
          for (const q of await this.deps.registry.placementsAt(locationOf(p), span.fromMs, span.toMs)) if (q.batch !== undefined) later(`batch:${q.batch}`);
        }
      }
    }
  }

  /**
   * Marks a subject (`batch:ID`, `shipment:ID`) to be judged. `live` (readings arrived) goes before `background`
   * (registry changes: a bulk import marks every batch it places, and must not hold up the flags of new readings).
   */
  mark(subject: string, at = this.deps.clock.now(), lane: 'live' | 'background' = 'live'): void {
    if (this.closed) return;
    const queue = this.marked[lane];
    if (!queue.has(subject)) queue.set(subject, at);
    this.schedule();
  }

  private get markedCount(): number {
    return this.marked.live.size + this.marked.background.size;
  }

  private schedule(delayMs = this.roundDelayMs): void {
    if (this.closed) return;
    this.timer ??= this.deps.scheduler.after(delayMs, () => {
      this.timer = undefined;
      void this.round();
    });
  }

  /** Resolves once nothing is marked and no round runs (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.changes.length > 0 || this.dirty.size > 0 || this.running !== undefined || this.markedCount > 0) {
      // A flush: subjects judged less than the interval ago are judged again at once, whatever the budget.
      if (this.running === undefined) await this.round(true);
      else await this.running;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    this.sweep?.close();
    // A round has two phases, each its own promise: wait until neither runs.
    while (this.running !== undefined) await this.running;
  }

  /**
   * Judges the subjects now, through a round like readings do (so their changes reach the listeners and tier 3),
   * and answers what changed.
   */
  async judgeNow(subjects: readonly string[]): Promise<FlagChange[]> {
    const changes: FlagChange[] = [];
    const listener: FlagListener = (c) => {
      for (const x of c) changes.push(x);
    };
    this.listeners.push(listener);
    try {
      for (const s of subjects) this.mark(s);
      await this.idle();
    } finally {
      this.listeners.splice(this.listeners.indexOf(listener), 1);
    }
    return changes;
  }

  private async round(force = false): Promise<void> {
    if (this.running !== undefined) return this.running;
    this.timer?.cancel();
    this.timer = undefined;
    this.running = (async () => {
      await this.markChanges().catch((e: unknown) => this.deps.log.error({ err: e }, 'rules: could not find the batches of registry changes'));
      await this.markDirty().catch((e: unknown) => this.deps.log.error({ err: e }, 'rules: could not find the batches of committed readings'));
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    const now = this.deps.clock.now();
    // Oldest first (each is deleted before it is set again): stop at the first one still inside the interval.
    for (const [b, at] of this.judgedAt) {
      if (at + this.minBatchIntervalMs > now) break;
      this.judgedAt.delete(b);
    }
    this.running = this.judgeMarked(force);
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    // Readings committed or subjects marked while the round ran (their timer found it running) get a round too. With
    // no reading arriving (nothing noted, nothing marked live), background work (a bulk import's batches) goes on at
    // once: the budget is there to keep ingest fast, not to slow judging down when nothing else is to be done.
    if (this.dirty.size > 0 || this.marked.live.size > 0) this.schedule();
    else if (this.changes.length > 0) this.schedule(0);
    else if (this.marked.background.size > 0) this.schedule(0);
  }

  /**
   * Judges marked subjects, live ones first. Ingest first: a round takes the main thread for at most its budget and
   * gives the event loop a turn between subjects; what is left waits for the next round (under heavy load flags come
   * later, readings are acknowledged as fast as without rules). Subjects judged less than the interval ago wait.
   */
  private async judgeMarked(force: boolean): Promise<void> {
    const cache = new SeriesCache(this.deps.store);
    const started = this.deps.clock.now();
    let incidentsMoved = false;
    let judged = 0;
    for (const lane of ['live', 'background'] as const) {
      const queue = this.marked[lane];
      // Deleting while iterating a Map is safe; subjects marked during the round are met later in it, or wait.
      for (const [key, markedAt] of queue) {
        if (!force && judged > 0 && this.deps.clock.now() - started >= this.roundBudgetMs) break;
        if (!force && this.judgedAt.has(key)) continue;
        queue.delete(key);
        if (lane === 'background' && this.marked.live.has(key)) continue;
        if (judged++ > 0) await new Promise<void>((r) => this.deps.scheduler.after(0, r));
        this.judgedAt.delete(key);
        this.judgedAt.set(key, this.deps.clock.now());
        const kind = key.slice(0, key.indexOf(':')) as Subject['kind'];
        try {
          const changes = await this.evaluate({ kind, id: key.slice(kind.length + 1) }, cache);
          if (lane === 'live') this.deps.observeLatency?.((this.deps.clock.now() - markedAt) / 1000);
          if (changes.length > 0) for (const l of this.listeners) l(changes);
          if (touchesIncidents(changes)) incidentsMoved = true;
        } catch (e) {
          this.deps.log.error({ err: e, subject: key }, 'rules: evaluation failed; it is judged again at its next reading');
        }
      }
    }
    if (!incidentsMoved) return;
    try {
      const changes = await evaluateTier3(this.deps.flags, this.deps.registry, this.deps.clock.now());
      if (changes.length > 0) for (const l of this.listeners) l(changes);
    } catch (e) {
      this.deps.log.error({ err: e }, 'rules: escalation failed; judged again at the next incident');
    }
  }

  /** Judges one subject (a batch, a shipment) now and reconciles its flags. */
  async evaluate(subject: Subject | string, cache = new SeriesCache(this.deps.store)): Promise<FlagChange[]> {
    const s = typeof subject === 'string' ? { kind: 'batch' as const, id: subject } : subject;
    const now = this.deps.clock.now();
    const findings = await this.findings(s, now, cache);
    return this.deps.flags.reconcile([s], findings, now);
  }

  /** The findings of a subject (a batch when given an id) at evaluation time `nowMs`; no flag is written. */
  findings(subject: Subject | string, nowMs: number, cache = new SeriesCache(this.deps.store)): Promise<Finding[]> {
    const s = typeof subject === 'string' ? { kind: 'batch' as const, id: subject } : subject;
    return new RuleInputs(this.deps.registry, this.deps.evidence, this.deps.store, cache).findings(s, nowMs);
  }
}
