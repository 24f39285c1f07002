/**
 * Readings of known devices that fell outside every placement, kept as runs of device time per device (not one
 * entry per reading: a sensor without a placement for a week would otherwise fill memory). A placement recorded
 * later removes the part of each run it covers: those readings are linked now.
 */
import type { Span } from '../domain/custody/spans.js';

export interface UnlinkedRun {
  /** Device time of the first and last unlinked reading of the run, ms. */
  readonly firstTime: number;
  readonly lastTime: number;
  /** Readings in the run; null once a later placement covered part of it (what is left is not counted). */
  readonly readings: number | null;
}

/** Readings this close in device time join one run, ms. */
export const RUN_JOIN_MS = 3_600_000;
/** Most runs kept per device; beyond, the two oldest merge (the span is kept, the gap between them is not). */
export const MAX_RUNS_PER_DEVICE = 100;

type Run = { firstTime: number; lastTime: number; readings: number | null };

export class UnlinkedRuns {
  private readonly byDevice = new Map<string, Run[]>();

  add(device: string, t: number): void {
    let runs = this.byDevice.get(device);
    if (runs === undefined) this.byDevice.set(device, (runs = []));
    // Readings mostly arrive in time order: the newest run is checked first.
    for (let i = runs.length - 1; i >= 0; i--) {
      const r = runs[i]!;
      if (t >= r.firstTime - RUN_JOIN_MS && t <= r.lastTime + RUN_JOIN_MS) {
        if (t < r.firstTime) r.firstTime = t;
        if (t > r.lastTime) r.lastTime = t;
        if (r.readings !== null) r.readings++;
        return;
      }
    }
    runs.push({ firstTime: t, lastTime: t, readings: 1 });
    runs.sort((a, b) => a.firstTime - b.firstTime);
    if (runs.length > MAX_RUNS_PER_DEVICE) {
      const [a, b] = runs.splice(0, 2) as [Run, Run];
      runs.unshift({ firstTime: a.firstTime, lastTime: Math.max(a.lastTime, b.lastTime), readings: a.readings !== null && b.readings !== null ? a.readings + b.readings : null });
    }
  }

  /** The device's placements are now `spans` (sorted): the parts of its runs they cover are linked. */
  cover(device: string, spans: readonly Span[]): void {
    const runs = this.byDevice.get(device);
    if (runs === undefined) return;
    let out: Run[] = runs;
    for (const s of spans) out = out.flatMap((r) => cut(r, s));
    if (out.length === 0) this.byDevice.delete(device);
    else this.byDevice.set(device, out);
  }

  list(): { device: string; runs: UnlinkedRun[] }[] {
    return [...this.byDevice].map(([device, runs]) => ({ device, runs: runs.map((r) => ({ ...r })) })).sort((a, b) => (a.device < b.device ? -1 : 1));
  }
}

/** What is left of run `r` outside span `s` ([from, to)). */
function cut(r: Run, s: Span): Run[] {
  if (s.toMs <= r.firstTime || s.fromMs > r.lastTime) return [r];
  const left = s.fromMs > r.firstTime ? [{ firstTime: r.firstTime, lastTime: s.fromMs - 1, readings: null }] : [];
  const right = s.toMs <= r.lastTime ? [{ firstTime: s.toMs, lastTime: r.lastTime, readings: null }] : [];
  return [...left, ...right];
}
