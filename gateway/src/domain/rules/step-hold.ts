/**
 * Step-hold weighting of a sensor's readings (docs/domain.md §6): each reading holds its value until the next
 * reading, for at most the max gap; the rest of a longer interval is a data gap, excluded from every sum and
 * reported. Pure.
 */

/** One reading of one metric of one sensor: device time, ms, and value. */
export interface Sample {
  readonly t: number;
  readonly v: number;
}

/** A reading with the time it holds for: [t, t + dt). */
export interface HeldSample extends Sample {
  readonly dt: number;
}

export interface Gap {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Default max gap: 3 × the device's nominal interval, at most 1 h (docs/domain.md §6). */
export function maxGapMs(nominalIntervalS: number): number {
  return Math.min(3 * nominalIntervalS * 1000, 3_600_000);
}

/**
 * Samples (any order; of several at one time the lowest value is kept, whatever the order) -> held samples over [fromMs, toMs): each holds
 * until the next sample or `toMs`, capped at `maxGap`; samples outside the range are dropped, except that the last
 * sample before `fromMs` holds into the range (up to its cap), so a window starting between two readings is covered.
 * Returns the held samples in time order and the gaps (uncovered time) inside the range.
 */
export function hold(samples: readonly Sample[], fromMs: number, toMs: number, maxGap: number): { held: HeldSample[]; gaps: Gap[] } {
  const sorted = dedupe(samples);
  const held: HeldSample[] = [];
  const gaps: Gap[] = [];
  let covered = fromMs;
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]!;
    if (s.t >= toMs) break;
    const next = sorted[i + 1]?.t ?? toMs;
    const end = Math.min(next, toMs, s.t + maxGap);
    const start = Math.max(s.t, fromMs);
    if (end <= start) continue;
    if (start > covered) gaps.push({ fromMs: covered, toMs: start });
    held.push({ t: start, v: s.v, dt: end - start });
    covered = end;
  }
  if (covered < toMs) gaps.push({ fromMs: covered, toMs });
  return { held, gaps };
}

/** Sorted by time, one sample per time (the lowest value: the same whatever order they came in). */
export function dedupe(samples: readonly Sample[]): Sample[] {
  const sorted = [...samples].sort((a, b) => a.t - b.t || a.v - b.v);
  const out: Sample[] = [];
  for (const s of sorted) if (out.length === 0 || out[out.length - 1]!.t !== s.t) out.push(s);
  return out;
}
