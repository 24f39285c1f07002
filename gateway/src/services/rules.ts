/**
 * Runs the rules (docs/rules.md). Committed readings (the hook after the commit) and registry changes mark the
 * subjects they touch: the batches exposed where the readings were taken, the shipments their trackers ride. A
 * round, a short moment later (the scheduler's), judges each marked subject over its whole custody from the
 * stored readings and reconciles its flags. Flags are therefore a function of the data: a late reading, a reading
 * out of order or a late custody record simply marks the subject again, and the next round gives what the data now
 * says. Rounds run one at a time; subjects marked during a round wait for the next.
 */
import { ReadingFlag, type StoredReading } from '../domain/reading.js';
import type { Finding, Subject } from '../domain/flags/types.js';
import type { FlagChange } from '../ports/flags.js';
import { locationOf, spanOfPlacement } from './custody.js';
import { SeriesCache } from './series-cache.js';
import { RulesSweep } from './rules-sweep.js';
import { RuleInputs } from './rule-inputs.js';
import { judgeRound, type Lane, type LaneIntervals } from './rules-round.js';
import { TriageState } from './triage-state.js';
import { triage } from '../domain/rules/triage.js';
import { DroppedFixes } from './dropped-fixes.js';
import { LocationBatches } from './location-batches.js';
import { DueMarks } from './due-marks.js';
import { SubjectJudge } from './subject-judge.js';
import { asJudged, dirtyLocation, noteReading, type DirtyLocation } from './dirty-locations.js';
import type { RegistryChangeSet } from './registry.js';
import type { RulesDeps } from './rules-deps.js';

export type { RulesDeps } from './rules-deps.js';

/** A round starts this long after the first mark, ms: readings of one burst are judged together. */
export const DEFAULT_ROUND_DELAY_MS = 100;
/**
 * A subject is judged at most this often, ms, per lane: a busy zone marks its batches with every commit. `live`: readings
 * that may prove a new condition (beyond a bound, domain/rules/triage.ts), and shipments; `steady`: readings within
 * every bound (shelf life moves, a flag clears, a hole closes: nothing to tell within a second); `background`:
 * registry changes and silences.
 */
export const DEFAULT_LANE_INTERVALS_MS: LaneIntervals = { live: 500, steady: 30_000, background: 500 };
/** Most of the main thread one round takes, ms (then it waits for the next round: at most a third of the time). */
export const DEFAULT_ROUND_BUDGET_MS = 50;
/** Silence is looked for this often, ms: trackers on shipments, zone sensors (rules-sweep.ts). */
export const DEFAULT_SWEEP_MS = 60_000;

export type FlagListener = (changes: readonly FlagChange[]) => void;

export class RulesService {
  /** Subject (`batch:ID`, `shipment:ID`) -> gateway time it was first marked since its last evaluation, per lane. */
  private readonly marked: Record<Lane, Map<string, number>> = { live: new Map(), steady: new Map(), background: new Map() };
  /** What the triage of committed readings needs per batch and device. */
  private readonly triage: TriageState;
  private readonly droppedFixes: DroppedFixes;
  private readonly located: LocationBatches;
  private readonly due: DueMarks;
  private timer: { cancel(): void } | undefined;
  private running: Promise<void> | undefined;
  private readonly listeners: FlagListener[] = [];
  private closed = false;
  /** Registry changes noted since the last round. */
  private readonly changes: { change: RegistryChangeSet; at: number }[] = [];
  /** Locations readings were taken at since the last round (`zone:ID`), with the device-time range. */
  private readonly dirty = new Map<string, DirtyLocation>();

  /** Subject -> gateway time its last evaluation started (entries older than the longest interval are dropped). */
  private readonly judgedAt = new Map<string, number>();
  private sweep: RulesSweep | undefined;

  constructor(
    private readonly deps: RulesDeps, private readonly roundDelayMs = DEFAULT_ROUND_DELAY_MS,
    private readonly intervals = DEFAULT_LANE_INTERVALS_MS, private readonly roundBudgetMs = DEFAULT_ROUND_BUDGET_MS,
  ) {
    this.triage = new TriageState(deps.registry, deps.clock);
    this.droppedFixes = new DroppedFixes(deps.countDroppedFixes);
    this.located = new LocationBatches(deps.registry, deps.clock);
    this.due = new DueMarks(deps.clock, deps.scheduler, (subject) => this.mark(subject));
  }

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
    for (const measured of readings) {
      const r = asJudged(this.deps.calibrations, measured);
      // A device whose clock runs ahead has a flag of its own, raised by a skewed reading, cleared by one on time.
      if ((r.flags & ReadingFlag.CLOCK_SKEW) !== 0 || this.triage.skewing(r.device)) this.mark(`device:${r.device}`, at);
      const s = this.deps.custody.locate(r.device, r.time);
      if (s === undefined) continue;
      // Commits hold a device's readings together: one key per run of them.
      const key = r.device === lastDevice && e !== undefined && e.placement === s.placement ? lastKey : `${s.location.kind}:${s.location.id}`;
      lastDevice = r.device;
      lastKey = key;
      e = this.dirty.get(key);
      if (e === undefined) this.dirty.set(key, (e = dirtyLocation(s, r, at)));
      else noteReading(e, r);
    }
    if (this.dirty.size > 0) this.schedule();
  };

  /**
   * The subjects of the locations readings were taken at since the last round: a shipment, and the batches there, live
   * if the readings reach a threshold of the batch's product (they may prove a new condition), else steady.
   */
  private async markDirty(): Promise<void> {
    const dirty = [...this.dirty.values()];
    this.dirty.clear();
    for (const d of dirty) {
      if (d.location.kind === 'shipment') this.mark(`shipment:${d.location.id}`, d.at);
      const batches = await this.located.at(d.location, d.from, d.to);
      if (batches.length === 0) continue;
      const readings = { ranges: d.ranges, firstOf: d.firstOf, lastMs: d.to - 1, maxGapMs: await this.triage.maxGapOf(d.firstOf.keys()) };
      for (const b of batches) {
        const t = await this.triage.of(b);
        this.mark(`batch:${b}`, d.at, triage(t.thresholds, readings, t.known));
      }
    }
  }

  /**
   * Registry changes: batches whose custody changed, and batches at a location where a device placement changed.
   * Noted only: the batches are found in the next round, so an import answers without waiting for them.
   */
  readonly registryChanged = (change: RegistryChangeSet): void => {
    this.triage.registryChanged();
    this.located.clear();
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
          for (const q of await this.deps.registry.placementsAt(locationOf(p), span.fromMs, span.toMs, 'batch')) if (q.batch !== undefined) later(`batch:${q.batch}`);
        }
      }
    }
  }

  /**
   * Marks a subject (`batch:ID`, `shipment:ID`) to be judged. `live` (readings that may prove something) goes first,
   * then `steady`, then `background` (registry changes: a bulk import marks every batch it places, and must not hold
   * up the flags of new readings).
   */
  mark(subject: string, at = this.deps.clock.now(), lane: Lane = 'live'): void {
    if (this.closed) return;
    const queue = this.marked[lane];
    if (!queue.has(subject)) queue.set(subject, at);
    this.schedule();
  }

  /** Marks a subject again at `atMs`, when time alone makes a condition due (due-marks.ts; bounded). */
  markAt(subject: string, atMs: number): void {
    if (!this.closed) this.due.at(subject, atMs);
  }

  private get markedCount(): number {
    return this.marked.live.size + this.marked.steady.size + this.marked.background.size;
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
    this.due.close();
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
    const longest = Math.max(...Object.values(this.intervals));
    // Oldest first (each is deleted before it is set again): stop at the first one still inside the longest interval.
    for (const [b, at] of this.judgedAt) {
      if (at + longest > now) break;
      this.judgedAt.delete(b);
    }
    let judged = 0;
    this.running = this.judgeMarked(force).then((n) => void (judged = n));
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    // Readings committed or subjects marked while the round ran (their timer found it running) get a round too. With
    // no reading arriving (nothing noted, nothing marked live), background work (a bulk import's batches) goes on at
    // once: the budget is there to keep ingest fast, not to slow judging down when nothing else is to be done.
    if (this.dirty.size > 0 || this.marked.live.size > 0) this.schedule();
    else if (this.changes.length > 0 || (judged > 0 && this.marked.background.size > 0)) this.schedule(0);
    // Subjects that wait out their interval: looked at again a round delay later, not in a tight loop.
    else if (this.markedCount > 0) this.schedule();
  }

  /**
   * Judges marked subjects, live ones first (rules-round.ts). Ingest first: a round takes the main thread for at most its
   * budget, in slices with a turn of the event loop between them; what is left waits for the next round (under heavy
   * load flags come later, readings are acknowledged as fast as without rules). Subjects judged less than the
   * interval ago wait.
   */
  private judgeMarked(force: boolean): Promise<number> {
    const judge = new SubjectJudge((cache) => this.inputs(cache), this.triage, this.droppedFixes, this.deps.flags, this.deps.milestones, this.deps.scanFindings, this.deps.calibrationFindings);
    const queues = { marked: this.marked, judgedAt: this.judgedAt, intervals: this.intervals };
    // Flags the store refused to write (disk full ...): judged again in the background lane, every 500 ms at most
    // (not in a flush, which would then never end while the store refuses).
    const unwritten = (subjects: readonly Subject[]): void => {
      if (!force) for (const s of subjects) this.mark(`${s.kind}:${s.id}`, this.deps.clock.now(), 'background');
    };
    return judgeRound({ ...this.deps, unwritten }, queues, judge, this.listeners, { force, budgetMs: this.roundBudgetMs });
  }

  /** The findings of a subject (a batch when given an id) at evaluation time `nowMs`; no flag is written. */
  findings(subject: Subject | string, nowMs: number, cache = new SeriesCache(this.deps.store, this.deps.calibrations)): Promise<Finding[]> {
    const s = typeof subject === 'string' ? { kind: 'batch' as const, id: subject } : subject;
    return this.inputs(cache).findings(s, nowMs);
  }

  private inputs(cache: SeriesCache): RuleInputs {
    return new RuleInputs(this.deps.registry, this.deps.evidence, cache, this.deps.carrierEvents, this.deps.weatherAlerts, this.deps.claimProfiles);
  }
}
