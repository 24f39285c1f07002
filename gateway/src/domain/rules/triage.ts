/**
 * Which new readings may change a batch's flags at once (docs/rules.md, "When the rules run"). An excursion of every
 * kind is met, or met again, only by a reading beyond its bound, and ends only with one within it; a window's MKT
 * only rises above its limit with a reading above it (a mean of exponentials never exceeds its largest term).
 * Readings that do neither (within every bound with no excursion going on, or beyond a bound whose excursion is
 * already flagged and going on) move shelf life and figures, but tell nothing new within a second. The rules judge the
 * batches under the first kind at once (`live`), the others at a steadier pace (`steady`).
 */
import type { Finding } from '../flags/types.js';
import type { Limit, MktWindow } from '../registry/types.js';
import { excursionRule, mktRule, type BatchInput } from './batch-findings.js';
import { beyond } from './excursions.js';

/** A bound a reading may reach, and the rule it may prove: inclusive on both sides, so a value at the bound counts for both. */
export interface Threshold {
  readonly rule: string;
  readonly kind: 'excursion' | 'mkt';
  /** A `consecutive` limit's delay, ms: its condition is met only that long after its run began. */
  readonly delayMs?: number;
  /** An MKT window, ms: judged over full windows only, so met only once the data spans one. */
  readonly windowMs?: number;
  readonly metric: string;
  readonly bound: 'upper' | 'lower';
  readonly value: number;
}

/** Per metric, the lowest and highest value of some readings. */
export type ValueRanges = ReadonlyMap<string, { readonly min: number; readonly max: number }>;

/** What the last judgement of a batch leaves for the triage of its next readings. */
export interface KnownFindings {
  /** Its rules with a finding, and those whose condition held at the end of its data. */
  readonly found: ReadonlySet<string>;
  readonly active: ReadonlySet<string>;
  /** Per `consecutive` rule not going on: the earliest start of a run still open at the end of a series. */
  readonly openRuns: ReadonlyMap<string, number>;
  /**
   * Per device: where the last stretch of its series without a gap began (its first reading, or the first after its
   * last gap). A reading before it may fill a gap and join runs; one after it, late or not, joins nothing.
   */
  readonly gapFreeSince: ReadonlyMap<string, number>;
  /** The time of the batch's first reading judged (Infinity: none). */
  readonly firstSeenMs: number;
}

export const NOTHING_FOUND: KnownFindings = { found: new Set(), active: new Set(), openRuns: new Map(), gapFreeSince: new Map(), firstSeenMs: Infinity };

/** New readings at one location: per metric their value range, per device the earliest; and the latest time. */
export interface NewReadings {
  readonly ranges: ValueRanges;
  readonly firstOf: ReadonlyMap<string, number>;
  readonly lastMs: number;
  /** The longest a reading there holds (its sensor's max gap, docs/domain.md §1), ms. */
  readonly maxGapMs: number;
}

/** A product's thresholds: its excursion limits, and the limits of its MKT windows (temperature, upper). */
export function thresholdsOf(product: { readonly limits: readonly Limit[]; readonly mkt: readonly MktWindow[] }): Threshold[] {
  return [
    ...product.limits.map((l) => ({
      rule: excursionRule(l), kind: 'excursion' as const, metric: l.metric, bound: l.bound, value: l.value,
      ...(l.alarm === 'consecutive' ? { delayMs: (l.delayMin ?? 0) * 60_000 } : {}),
    })),
    ...product.mkt.map((m) => ({ rule: mktRule(m), kind: 'mkt' as const, metric: 'temperature', bound: 'upper' as const, value: m.limitC, windowMs: m.windowH * 3_600_000 })),
  ];
}

/**
 * `live` when the readings may change the batch's flags at once: a threshold reached whose excursion is not going on
 * (or whose MKT limit was never found passed, once the data spans a full window), or a reading within the bound of an
 * excursion going on (it may end it).
 * A `consecutive` limit reached is met only once its run has lasted the delay: readings that cannot make any run
 * that long (the open run's start, or the earliest new reading, plus the delay lies beyond the last new reading's
 * hold) go steady, unless one of them comes before its device's last stretch without a gap (it may fill a gap and
 * join runs; a reading late by a moment, inside that stretch, joins nothing).
 */
export function triage(thresholds: readonly Threshold[], readings: NewReadings, known: KnownFindings): 'live' | 'steady' {
  let late: boolean | undefined;
  let first: number | undefined;
  for (const t of thresholds) {
    const r = readings.ranges.get(t.metric);
    if (r === undefined) continue;
    const reached = t.bound === 'upper' ? r.max >= t.value : r.min <= t.value;
    const within = t.bound === 'upper' ? r.min <= t.value : r.max >= t.value;
    if (t.kind === 'mkt') {
      const span = readings.lastMs - Math.min(known.firstSeenMs, ...readings.firstOf.values());
      if (reached && !known.found.has(t.rule) && span >= (t.windowMs ?? 0)) return 'live';
      continue;
    }
    if (known.active.has(t.rule)) {
      if (within) return 'live';
      continue;
    }
    if (!reached) continue;
    if (t.delayMs === undefined) return 'live';
    late ??= gapFilling(readings.firstOf, known.gapFreeSince);
    if (late) return 'live';
    first ??= Math.min(...readings.firstOf.values());
    const start = Math.min(known.openRuns.get(t.rule) ?? Infinity, first);
    if (readings.lastMs + readings.maxGapMs >= start + t.delayMs) return 'live';
  }
  return 'steady';
}

function gapFilling(firstOf: ReadonlyMap<string, number>, gapFreeSince: ReadonlyMap<string, number>): boolean {
  for (const [device, first] of firstOf) if (first < (gapFreeSince.get(device) ?? -Infinity)) return true;
  return false;
}

/** What a judgement of `input` (with its `findings`) leaves for the triage of the batch's next readings. */
export function knownFindings(input: BatchInput, findings: readonly Finding[]): KnownFindings {
  const gapFreeSince = new Map<string, number>();
  let firstSeenMs = Infinity;
  // A device's series over all legs, in time order: a gap is held time that stops before the next sample.
  const byDevice = new Map<string, { t: number; dt: number }[]>();
  for (const s of input.series) {
    const list = byDevice.get(s.device) ?? byDevice.set(s.device, []).get(s.device)!;
    for (const h of s.held) list.push(h);
    firstSeenMs = Math.min(firstSeenMs, s.held[0]?.t ?? Infinity);
  }
  for (const [device, held] of byDevice) {
    held.sort((a, b) => a.t - b.t);
    let since = held[0]?.t ?? Infinity;
    for (let i = 1; i < held.length; i++) if (held[i - 1]!.t + held[i - 1]!.dt < held[i]!.t) since = held[i]!.t;
    gapFreeSince.set(device, since);
  }
  const active = new Set(findings.filter((f) => f.active).map((f) => f.rule));
  const openRuns = new Map<string, number>();
  for (const limit of input.product.limits) {
    const rule = excursionRule(limit);
    if (limit.alarm !== 'consecutive' || active.has(rule)) continue;
    for (const s of input.series) {
      if (s.metric !== limit.metric) continue;
      // Back from the end while the samples offend and follow on without a gap.
      let i = s.held.length - 1;
      while (i > 0 && beyond(limit, s.held[i - 1]!.v) && beyond(limit, s.held[i]!.v) && s.held[i - 1]!.t + s.held[i - 1]!.dt === s.held[i]!.t) i--;
      const open = s.held[i];
      if (open !== undefined && beyond(limit, open.v) && open.t < (openRuns.get(rule) ?? Infinity)) openRuns.set(rule, open.t);
    }
  }
  return { found: new Set(findings.map((f) => f.rule)), active, openRuns, gapFreeSince, firstSeenMs };
}
