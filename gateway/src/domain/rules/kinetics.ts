/**
 * Mean kinetic temperature (docs/domain.md §6): of a step-held series, and its worst rolling window. Pure.
 * Held samples come from `hold()` (step-hold.ts): weights are their `dt`, data gaps are already left out.
 */
import type { HeldSample } from './step-hold.js';

/** ΔH/R by default, kelvin: ΔH 83.144 kJ/mol over R 8.3144 J/(mol·K) (docs/domain.md §6). */
export const DEFAULT_ACTIVATION_K = 10_000;

const KELVIN = 273.15;

/**
 * Fixed reference of the rolling sums (docs/domain.md §6, numerics): each term is exp(H/T_REF - H/T), not
 * exp(-H/T). With H = 10 000 K the exponent lies in [-6.3, +6.6] for -40..+60 °C, so terms stay within 1e-3..1e3,
 * where exp(-H/T) alone is 1e-19..1e-13 and underflows to 0 for a large activation energy (H = 300 000 K). A fixed
 * reference, unlike the series' maximum, needs no first pass and keeps one running sum valid for every window; it
 * cannot overflow for any T > 0 K while H < 709 · 273.15 K (about 194 000 K), and with H = 10 000 K underflows only
 * below 13 K.
 */
const T_REF_K = KELVIN;

/**
 * MKT in °C of the held samples, weights = dt (docs/domain.md §6); undefined when no time is covered.
 * The largest exponent is factored out of the sum (log-sum-exp): exp(-10 000/T) is about 1e-15 at room temperature,
 * and far smaller for larger activation energies, where the plain sum would underflow to 0.
 */
export function mktC(held: readonly HeldSample[], activationK = DEFAULT_ACTIVATION_K): number | undefined {
  let maxX = -Infinity;
  for (const s of held) if (s.dt > 0) maxX = Math.max(maxX, -activationK / (s.v + KELVIN));
  if (maxX === -Infinity) return undefined;
  let sum = 0;
  let weight = 0;
  for (const s of held) {
    if (!(s.dt > 0)) continue;
    sum += s.dt * Math.exp(-activationK / (s.v + KELVIN) - maxX);
    weight += s.dt;
  }
  // ln(mean of exp(-H/T)) = maxX + ln(sum / weight); MKT_K = H / -that.
  return activationK / -(maxX + Math.log(sum / weight)) - KELVIN;
}

/** Time-weighted arithmetic mean in °C, weights = dt; undefined when no time is covered. MKT is never below it. */
export function twaC(held: readonly HeldSample[]): number | undefined {
  let sum = 0;
  let weight = 0;
  for (const s of held) {
    if (!(s.dt > 0)) continue;
    sum += s.dt * s.v;
    weight += s.dt;
  }
  return weight > 0 ? sum / weight : undefined;
}

export interface RollingMkt {
  /** The window with the highest MKT: its end (ms, exclusive) and its MKT (°C); undefined when nothing is covered. */
  readonly worst: { readonly endMs: number; readonly mktC: number } | undefined;
}

/**
 * The worst rolling MKT window (docs/domain.md §6: CCT 24 h, CRT 30 days). A window [end - windowMs, end) is
 * evaluated at every held sample's end (t + dt); it weighs the held time inside it, a sample partly inside for the
 * part inside. Data gaps are not in the sums, so a window may cover less than windowMs, and windows ending in the
 * first windowMs of the series cover only what there is (a series shorter than one window is judged as a whole).
 *
 * `held` in time order and not overlapping, as `hold()` returns it (sorted here if it is not). O(n): a two-pointer
 * running sum of exp(H/T_ref - H/T)·dt. Its rounding drift after n additions and removals is at most about
 * n·eps times the largest window sum, so the worst (largest) window is exact to n·eps relative (1e-11 for 100 000
 * samples); only windows far colder than the worst lose precision, and they are not the answer.
 * A non-positive window covers nothing: worst undefined.
 *
 * `fullWindowsOnly`: only windows that start at or after the series' start are judged (a rule on "the MKT of 24 h"
 * must not judge the first hour as if it were a day); a series shorter than one window then has no worst window.
 */
export function rollingMkt(held: readonly HeldSample[], windowMs: number, activationK = DEFAULT_ACTIVATION_K, opts: { fullWindowsOnly?: boolean } = {}): RollingMkt {
  if (!(windowMs > 0)) return { worst: undefined };
  const xs = (isSorted(held) ? held : [...held].sort((a, b) => a.t - b.t)).filter((s) => s.dt > 0);
  const firstEnd = opts.fullWindowsOnly === true && xs.length > 0 ? xs[0]!.t + windowMs : -Infinity;
  const h0 = activationK / T_REF_K;
  const terms = xs.map((s) => Math.exp(h0 - activationK / (s.v + KELVIN)));
  let sum = 0;
  let weight = 0;
  let lo = 0;
  let worst: { endMs: number; mktC: number } | undefined;
  for (let i = 0; i < xs.length; i++) {
    const s = xs[i]!;
    sum += s.dt * terms[i]!;
    weight += s.dt;
    const end = s.t + s.dt;
    const start = end - windowMs;
    // Drop the samples that ended at or before the window's start.
    for (let first = xs[lo]!; first.t + first.dt <= start; first = xs[lo]!) {
      sum -= first.dt * terms[lo]!;
      weight -= first.dt;
      lo++;
    }
    // The first sample left may straddle the start: only its part inside counts.
    const first = xs[lo]!;
    const cut = Math.max(0, start - first.t);
    const w = weight - cut;
    const meanTerm = (sum - cut * terms[lo]!) / w;
    if (!(w > 0) || !(meanTerm > 0)) continue;
    if (end < firstEnd) continue;
    const mkt = activationK / (h0 - Math.log(meanTerm)) - KELVIN;
    if (worst === undefined || mkt > worst.mktC) worst = { endMs: end, mktC: mkt };
  }
  return { worst };
}

function isSorted(held: readonly HeldSample[]): boolean {
  for (let i = 1; i < held.length; i++) if (held[i]!.t < held[i - 1]!.t) return false;
  return true;
}
