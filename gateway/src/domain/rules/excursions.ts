/**
 * Excursions beyond one bound of a product profile (docs/domain.md §8): instant, consecutive and cumulative alarm
 * types as data loggers configure them (LogTag, Tive, Controlant), judged on one sensor's step-held series
 * (docs/domain.md §6), with the evidence a flag records. Pure: a function of the held series, the limit and the
 * options; no clock.
 */
import type { Limit } from '../registry/types.js';
import { DEFAULT_ACTIVATION_K, mktC } from './kinetics.js';
import type { HeldSample, Sample } from './step-hold.js';

const MINUTE_MS = 60_000;

export interface EvaluateLimitOptions {
  /**
   * Shipment-start ignore period (`ignoreStartMin`, Controlant), as the instant it ends, ms device time: held time
   * before it neither counts nor offends; a held sample straddling it counts only from it. Default: none.
   */
  readonly ignoreBeforeMs?: number;
  /** ΔH/R for the MKT over the excursion, kelvin. Default 10 000 (ΔH 83.144 kJ/mol, docs/domain.md §6). */
  readonly activationK?: number;
}

export const DEFAULT_EVALUATE_LIMIT_OPTIONS: Required<EvaluateLimitOptions> = {
  ignoreBeforeMs: -Infinity,
  activationK: DEFAULT_ACTIVATION_K,
};

/** What a flag records about the offending readings (docs/domain.md §8), over their held time. */
export interface ExcursionEvidence {
  /** The first and last offending held samples (value and start of the counted hold; ms). */
  readonly firstOffending: Sample;
  readonly lastOffending: Sample;
  readonly min: number;
  readonly max: number;
  /** Time-weighted (step-hold) mean. */
  readonly twa: number;
  /** Mean kinetic temperature, °C (docs/domain.md §6); undefined when the metric is not `temperature` (°C). */
  readonly mkt: number | undefined;
}

/** A maximal run of contiguous offending held time: no gap, no in-range reading inside [startMs, endMs). */
export interface Episode extends ExcursionEvidence {
  readonly startMs: number;
  readonly endMs: number;
  /** When the limit's condition was met for this run's time (see `evaluateLimit`). */
  readonly metAtMs: number;
  /** endMs - startMs: the held time beyond the bound (contiguous, so it is also the sum of the held samples). */
  readonly durationMs: number;
}

export interface LimitFinding extends ExcursionEvidence {
  /** The instant the condition was first met, ms device time. */
  readonly metAtMs: number;
  /** The runs that count, in time order; the evidence fields are over all of them. */
  readonly episodes: readonly Episode[];
  /** Σ durationMs of the episodes. */
  readonly totalBeyondMs: number;
  /** The last held sample of the series offends and belongs to a counted episode: still beyond at the end of the data. */
  readonly active: boolean;
}

/** Inclusive bounds (docs/domain.md §8): an upper limit of 30.0 is crossed by 30.0, a lower limit of 2 by 2. */
export function beyond(limit: Limit, v: number): boolean {
  return limit.bound === 'upper' ? v >= limit.value : v <= limit.value;
}

/**
 * Judges one sensor's step-held series of `limit.metric` (time order, as `hold()` gives it) against one bound.
 * Returns undefined when the condition is never met; otherwise the finding:
 * - `instant`: met at the start of the first offending held sample; every offending run is an episode.
 * - `consecutive`: met when one contiguous offending run reaches `delayMin` (inclusive), at its start + the delay;
 *   only such runs are episodes (a shorter one is what the delay is there to let pass: a door opening, a defrost).
 *   A data gap breaks a run: time in it is unknown, so it cannot count as beyond (docs/domain.md §6).
 * - `cumulative`: met when the total offending time reaches `budgetMin`, at the instant inside the held sample where
 *   it does; the total never resets (docs/domain.md §8), so every offending run is an episode, also those before
 *   the budget was reached; an episode's metAtMs is then the later of its start and the finding's metAtMs.
 * A missing delay or budget is taken as 0, the strictest reading (the registry requires one greater than 0).
 * Held samples holding no time (dt 0, or wholly inside the ignore period) neither offend nor interrupt a run.
 */
export function evaluateLimit(held: readonly HeldSample[], limit: Limit, opts: EvaluateLimitOptions = {}): LimitFinding | undefined {
  const o = { ...DEFAULT_EVALUATE_LIMIT_OPTIONS, ...definedOnly(opts) };
  const { runs, lastOffends } = offendingRuns(held, limit, o.ignoreBeforeMs);
  const counted = selectEpisodes(runs, limit);
  if (counted === undefined || counted.episodes.length === 0) return undefined;
  const withMkt = limit.metric === 'temperature';
  const episodes = counted.episodes.map((r) => {
    const startMs = r[0]!.t;
    const last = r[r.length - 1]!;
    const endMs = last.t + last.dt;
    return { startMs, endMs, metAtMs: counted.metAt(r), durationMs: endMs - startMs, ...evidence(r, withMkt, o.activationK) };
  });
  const all = counted.episodes.flat();
  return {
    // Episodes are in time order and so are their metAtMs (a cumulative one met earlier is stamped with the budget's).
    metAtMs: episodes[0]!.metAtMs,
    episodes,
    totalBeyondMs: episodes.reduce((s, e) => s + e.durationMs, 0),
    ...evidence(all, withMkt, o.activationK),
    active: lastOffends && counted.episodes[counted.episodes.length - 1] === runs[runs.length - 1],
  };
}

/** A run of contiguous offending held samples, each clipped to the counted time (after the ignore period). */
type Run = HeldSample[];

/** The maximal offending runs; and whether the series' last held sample is offending (then it ends the last run). */
function offendingRuns(held: readonly HeldSample[], limit: Limit, ignoreBeforeMs: number): { runs: Run[]; lastOffends: boolean } {
  const runs: Run[] = [];
  let current: Run | undefined;
  let lastOffends = false;
  for (const h of held) {
    const start = Math.max(h.t, ignoreBeforeMs);
    const end = h.t + h.dt;
    if (end <= start) continue;
    lastOffends = beyond(limit, h.v);
    if (!lastOffends) {
      current = undefined;
      continue;
    }
    const piece: HeldSample = { t: start, v: h.v, dt: end - start };
    const prev = current?.[current.length - 1];
    // Contiguous only when this sample starts exactly where the last one ended: anything between is a data gap.
    if (current !== undefined && prev !== undefined && prev.t + prev.dt === start) current.push(piece);
    else runs.push((current = [piece]));
  }
  return { runs, lastOffends };
}

/** The runs that count under the limit's alarm type and when each was met; undefined when the condition never is. */
function selectEpisodes(runs: readonly Run[], limit: Limit): { episodes: Run[]; metAt: (r: Run) => number } | undefined {
  const start = (r: Run): number => r[0]!.t;
  switch (limit.alarm) {
    case 'instant':
      return { episodes: [...runs], metAt: start };
    case 'consecutive': {
      const delay = (limit.delayMin ?? 0) * MINUTE_MS;
      return { episodes: runs.filter((r) => heldMs(r) >= delay), metAt: (r) => start(r) + delay };
    }
    case 'cumulative': {
      const metAt = budgetReachedAt(runs, (limit.budgetMin ?? 0) * MINUTE_MS);
      if (metAt === undefined) return undefined;
      return { episodes: [...runs], metAt: (r) => Math.max(start(r), metAt) };
    }
  }
}

/** The instant the running total of offending time reaches the budget, interpolated inside the held sample. */
function budgetReachedAt(runs: readonly Run[], budgetMs: number): number | undefined {
  let total = 0;
  for (const r of runs) {
    for (const p of r) {
      if (total + p.dt >= budgetMs) return p.t + Math.max(0, budgetMs - total);
      total += p.dt;
    }
  }
  return undefined;
}

function heldMs(r: readonly HeldSample[]): number {
  return r.reduce((s, p) => s + p.dt, 0);
}

/** Evidence over non-empty offending held samples in time order. */
function evidence(pieces: readonly HeldSample[], withMkt: boolean, activationK: number): ExcursionEvidence {
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  let min = Infinity;
  let max = -Infinity;
  let weighted = 0;
  let total = 0;
  for (const p of pieces) {
    min = Math.min(min, p.v);
    max = Math.max(max, p.v);
    weighted += p.v * p.dt;
    total += p.dt;
  }
  return {
    firstOffending: { t: first.t, v: first.v },
    lastOffending: { t: last.t, v: last.v },
    min,
    max,
    twa: weighted / total,
    mkt: withMkt ? mktC(pieces, activationK) : undefined,
  };
}

/** Options without the keys the caller left undefined, so that they do not hide the defaults. */
function definedOnly(opts: EvaluateLimitOptions): EvaluateLimitOptions {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
}
