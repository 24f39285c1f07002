/**
 * One round of the rules (rules.ts): the marked subjects, live ones first, judged in slices. Per slice the series
 * its subjects need are read from the store in one call (series-cache.ts `prefetch`), the subjects are judged, and
 * their flags are written in one transaction (flag-slice.ts); ingest gets a turn of the event loop between slices,
 * and inside one whenever the judging has held it for HOLD_MS.
 * A round stops at its budget (what is left waits for the next round) unless it is a flush (`force`).
 */
import type { Finding, Subject } from '../domain/flags/types.js';
import type { Scheduler } from '../ports/clock.js';
import type { FlagChange } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import type { CalibrationLookup } from '../ports/calibration.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import { evaluateTier3 } from './escalation.js';
import { FlagSlice, type FlagSliceDeps } from './flag-slice.js';
import { SeriesCache } from './series-cache.js';

/** Subjects judged per slice: their reads share one store call, their flags one commit. */
export const SLICE_SUBJECTS = 16;
/**
 * Longest the judging holds the event loop, ms, before ingest gets a turn (inside a slice too): every message in
 * flight waits while it holds, so under closed-loop load a long hold costs throughput even with CPU to spare.
 */
export const HOLD_MS = 4;

/** The queues of marked subjects, in the order they are judged (rules.ts DEFAULT_LANE_INTERVALS_MS). */
export const LANES = ['live', 'steady', 'background'] as const;
export type Lane = (typeof LANES)[number];
export type LaneIntervals = Readonly<Record<Lane, number>>;

export interface RoundQueues {
  /** Subject (`batch:ID`, `shipment:ID`) -> gateway time it was first marked since it was last judged, per lane. */
  readonly marked: Readonly<Record<Lane, Map<string, number>>>;
  /** Subject -> gateway time it was last judged: one marked in a lane waits until that lane's interval has passed. */
  readonly judgedAt: Map<string, number>;
  readonly intervals: LaneIntervals;
}

export interface RoundDeps extends FlagSliceDeps {
  readonly store: TelemetryStore;
  /** Certificates: the round's series carry their corrections (docs/calibration.md). */
  readonly calibrations?: CalibrationLookup;
  readonly registry: RegistryStore;
  readonly scheduler: Scheduler;
}

export interface Judge {
  /** The findings of a subject at `nowMs`, reading through the round's cache (also called with the cache planning). */
  readonly findingsOf: (subject: Subject, nowMs: number, cache: SeriesCache) => Promise<Finding[]>;
  /** Told each subject's findings once judged (not while planning). */
  readonly judged: (subject: Subject, findings: readonly Finding[]) => void;
}

interface Picked {
  readonly key: string;
  readonly subject: Subject;
  readonly markedAt?: number;
}

export async function judgeRound(
  deps: RoundDeps, queues: RoundQueues, judge: Judge, listeners: readonly ((changes: readonly FlagChange[]) => void)[],
  o: { readonly force: boolean; readonly budgetMs: number },
): Promise<number> {
  const cache = new SeriesCache(deps.store, deps.calibrations);
  let judged = 0;
  const slice = new FlagSlice(deps, listeners);
  const started = deps.clock.now();
  for (let first = true; ; first = false) {
    if (!o.force && !first && deps.clock.now() - started >= o.budgetMs) break;
    const picked = pick(queues, o.force, deps.clock.now());
    if (picked.length === 0) break;
    judged += picked.length;
    if (!first) await new Promise<void>((r) => deps.scheduler.after(0, r));
    const now = deps.clock.now();
    try {
      await cache.prefetch(async () => {
        for (const p of picked) await judge.findingsOf(p.subject, now, cache).catch(() => undefined);
      });
    } catch (e) {
      // Each subject then reads what it needs on its own (and fails on its own if the store does).
      deps.log.warn({ err: e }, 'rules: reading ahead for a slice failed; its subjects read their series one by one');
    }
    let held = deps.clock.now();
    for (const p of picked) {
      if (deps.clock.now() - held >= HOLD_MS) {
        await new Promise<void>((r) => deps.scheduler.after(0, r));
        held = deps.clock.now();
      }
      try {
        const findings = await judge.findingsOf(p.subject, now, cache);
        judge.judged(p.subject, findings);
        slice.add({ subject: p.subject, findings, ...(p.markedAt !== undefined ? { markedAt: p.markedAt } : {}) });
      } catch (e) {
        deps.log.error({ err: e, subject: p.key }, 'rules: evaluation failed; it is judged again at its next reading');
      }
    }
    await slice.write();
  }
  if (!slice.incidentsMoved) return judged;
  try {
    const changes = await evaluateTier3(deps.flags, deps.registry, deps.clock.now());
    if (changes.length > 0) for (const l of listeners) l(changes);
  } catch (e) {
    deps.log.error({ err: e }, 'rules: escalation failed; judged again at the next incident');
  }
  return judged;
}

/** Takes the next slice's subjects off the queues, in lane order; one judged less than its lane's interval ago waits. */
function pick(q: RoundQueues, force: boolean, now: number): Picked[] {
  const out: Picked[] = [];
  for (const [i, lane] of LANES.entries()) {
    const queue = q.marked[lane];
    // Deleting while iterating a Map is safe; subjects marked meanwhile are met later, or wait for the next round.
    for (const [key, markedAt] of queue) {
      if (out.length >= SLICE_SUBJECTS) return out;
      const last = q.judgedAt.get(key);
      if (!force && last !== undefined && last + q.intervals[lane] > now) continue;
      queue.delete(key);
      // Marked in an earlier lane too: judged from there.
      if (LANES.slice(0, i).some((l) => q.marked[l].has(key))) continue;
      q.judgedAt.delete(key);
      q.judgedAt.set(key, now);
      const kind = key.slice(0, key.indexOf(':')) as Subject['kind'];
      out.push({ key, subject: { kind, id: key.slice(kind.length + 1) }, ...(lane === 'live' ? { markedAt } : {}) });
    }
  }
  return out;
}
