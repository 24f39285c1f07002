/**
 * What hourly rollups keep of a temperature series so that MKT and kinetic shelf life survive raw-data retention
 * (docs/rules.md, "After retention"): per hour, the time held at each value, in tenths of a degree. Both are sums
 * over held time of a function of the temperature (exp(-ΔH/RT) for MKT, the model's rate for shelf life), so the time
 * at each value is all they need, whatever the model and its parameters, judged later. What is lost is the order
 * within an hour: excursion rules (runs, first and last offending readings) cannot be judged on it. Pure.
 */
import { dedupe, type HeldSample, type Sample } from './step-hold.js';

export const HOUR_MS = 3_600_000;
/** Metrics whose held hours retention keeps: what MKT and kinetic shelf life are judged on. */
export const KINETIC_METRICS: ReadonlySet<string> = new Set(['temperature']);
/** Values are kept in bins of a tenth: a bin's value is within 0.05 of every reading in it. */
export const BINS_PER_UNIT = 10;

/** One hour of a series: held time, ms, per value bin (the value × 10, rounded). */
export interface HeldHour {
  readonly hour: number;
  readonly bins: ReadonlyMap<number, number>;
}

export const binOf = (v: number): number => Math.round(v * BINS_PER_UNIT);

/**
 * Folds samples (any order; duplicates of a time as `hold` keeps them) into hours of held time per bin: each holds
 * until the next sample, at most `maxGapMs`; the last until `nextMs` (the series' first sample after these, if any),
 * at most `maxGapMs`. Held time is counted in the hour of its sample, also the part that runs into the next hour.
 */
export function heldHours(samples: readonly Sample[], maxGapMs: number, nextMs?: number): HeldHour[] {
  const sorted = dedupe(samples);
  const hours = new Map<number, Map<number, number>>();
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]!;
    const next = sorted[i + 1]?.t ?? nextMs ?? Infinity;
    const dt = Math.min(next - s.t, maxGapMs);
    if (dt <= 0) continue;
    const hour = Math.floor(s.t / HOUR_MS) * HOUR_MS;
    const bins = hours.get(hour) ?? hours.set(hour, new Map()).get(hour)!;
    const bin = binOf(s.v);
    bins.set(bin, (bins.get(bin) ?? 0) + dt);
  }
  return [...hours].sort((a, b) => a[0] - b[0]).map(([hour, bins]) => ({ hour, bins }));
}

/**
 * Held hours laid out as held samples for the kinetic rules: per hour, its bins in value order from the hour's start,
 * each holding its time. The sums over held time are exact (to the bin); where in the hour a value was held is not
 * known, and this layout does not pretend to: no excursion rule is judged on it.
 */
export function heldFromHours(hours: readonly HeldHour[]): HeldSample[] {
  const out: HeldSample[] = [];
  for (const h of [...hours].sort((a, b) => a.hour - b.hour)) {
    let t = h.hour;
    for (const [bin, dt] of [...h.bins].sort((a, b) => a[0] - b[0])) {
      if (dt <= 0) continue;
      out.push({ t, v: bin / BINS_PER_UNIT, dt });
      t += dt;
    }
  }
  return out;
}

/**
 * A sensor's held series over [fromMs, toMs) completed with the held hours retention kept: the hours holding no raw
 * reading (retention deleted them) are laid out (heldFromHours) and clipped to the range. `rolledBeforeMs`: the end
 * of the last such hour (undefined when none was needed); excursions are judged from there on only.
 */
export function withRolled(raw: readonly HeldSample[], hours: readonly HeldHour[], fromMs: number, toMs: number): { held: HeldSample[]; rolledBeforeMs?: number } {
  const rawHours = new Set(raw.map((h) => Math.floor(h.t / HOUR_MS) * HOUR_MS));
  const missing = hours.filter((h) => !rawHours.has(h.hour) && h.hour + HOUR_MS > fromMs && h.hour < toMs);
  if (missing.length === 0) return { held: [...raw] };
  const rolled: HeldSample[] = [];
  for (const h of heldFromHours(missing)) {
    const t = Math.max(h.t, fromMs);
    const end = Math.min(h.t + h.dt, toMs);
    if (end > t) rolled.push({ t, v: h.v, dt: end - t });
  }
  const held = [...rolled, ...raw].sort((a, b) => a.t - b.t);
  return { held, rolledBeforeMs: Math.min(toMs, missing.reduce((m, h) => Math.max(m, h.hour), -Infinity) + HOUR_MS) };
}
