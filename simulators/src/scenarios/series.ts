/**
 * Helpers for scripting sensor series and for reading expectations off them: a time grid, seeded noise, and the
 * runs of readings beyond a bound as docs/domain.md §8 counts them (each reading holds until the next, for at most
 * the max gap; an in-range reading or a longer silence ends a run).
 */
export interface TimedValue {
  readonly time: number;
  readonly value: number;
}

export interface Run {
  /** Device time of the first reading of the run, ms. */
  readonly startMs: number;
  /** End of the hold of its last reading, ms. */
  readonly endMs: number;
}

/** Times from `fromMs` (inclusive) to `toMs` (exclusive), every `stepMs`. */
export function grid(fromMs: number, toMs: number, stepMs: number): number[] {
  const out: number[] = [];
  for (let t = fromMs; t < toMs; t += stepMs) out.push(t);
  return out;
}

/** A value rounded to `digits` decimals, as a sensor reports it. */
export function rounded(v: number, digits = 1): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

/** Symmetric noise in [-amp, amp) from a seeded source. */
export function jitter(rnd: () => number, amp: number): number {
  return (rnd() * 2 - 1) * amp;
}

/** Maximal runs of readings (time order) for which `offends` holds, weighted step-hold with `maxGapMs`. */
export function runsBeyond(series: readonly TimedValue[], offends: (v: number) => boolean, maxGapMs: number): Run[] {
  const runs: Run[] = [];
  let current: { startMs: number; endMs: number } | undefined;
  for (let i = 0; i < series.length; i++) {
    const r = series[i]!;
    const next = series[i + 1];
    const holdEnd = Math.min(next?.time ?? r.time + maxGapMs, r.time + maxGapMs);
    if (!offends(r.value)) {
      current = undefined;
      continue;
    }
    if (current !== undefined && current.endMs === r.time) current.endMs = holdEnd;
    else runs.push((current = { startMs: r.time, endMs: holdEnd }));
  }
  return runs;
}

/** The first run lasting at least `delayMs`, and when it reached it (start + delay); undefined if none does. */
export function firstConsecutive(series: readonly TimedValue[], offends: (v: number) => boolean, delayMs: number, maxGapMs: number): (Run & { metAtMs: number }) | undefined {
  const run = runsBeyond(series, offends, maxGapMs).find((r) => r.endMs - r.startMs >= delayMs);
  return run === undefined ? undefined : { ...run, metAtMs: run.startMs + delayMs };
}
