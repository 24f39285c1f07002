/**
 * A vehicle's movements as a timeline of steps (drive to a point at a road speed, dwell for some minutes), and its
 * position at any time. Each drive takes a whole number of minutes (its speed trimmed to fit), so every arrival
 * and departure falls on a one-minute fix: the script then knows exactly which fix starts a stop.
 */
import { between, haversineM, type LatLon } from './geo.js';
import { MINUTE_MS } from './types.js';

export type Step =
  | { readonly kind: 'drive'; readonly to: LatLon; readonly kmh: number; readonly mark?: string }
  | { readonly kind: 'dwell'; readonly minutes: number; readonly mark?: string };

export interface Segment {
  readonly fromMs: number;
  readonly toMs: number;
  readonly from: LatLon;
  readonly to: LatLon;
  /** Speed over the segment, km/h (0 while dwelling). */
  readonly kmh: number;
}

export interface Track {
  readonly startMs: number;
  readonly endMs: number;
  readonly segments: readonly Segment[];
  /** Named steps: when each began and ended. */
  readonly marks: ReadonlyMap<string, { readonly fromMs: number; readonly toMs: number }>;
}

export function buildTrack(start: LatLon, startMs: number, steps: readonly Step[]): Track {
  const segments: Segment[] = [];
  const marks = new Map<string, { fromMs: number; toMs: number }>();
  let at = start;
  let t = startMs;
  for (const step of steps) {
    let seg: Segment;
    if (step.kind === 'dwell') {
      seg = { fromMs: t, toMs: t + step.minutes * MINUTE_MS, from: at, to: at, kmh: 0 };
    } else {
      const metres = haversineM(at, step.to);
      const minutes = Math.max(1, Math.ceil(metres / ((step.kmh * 1000) / 60)));
      seg = { fromMs: t, toMs: t + minutes * MINUTE_MS, from: at, to: step.to, kmh: metres / 1000 / (minutes / 60) };
    }
    segments.push(seg);
    if (step.mark !== undefined) marks.set(step.mark, { fromMs: seg.fromMs, toMs: seg.toMs });
    at = seg.to;
    t = seg.toMs;
  }
  return { startMs, endMs: t, segments, marks };
}

/** Where the vehicle is at `t` and how fast it goes; before the start it is at the start, after the end at the end. */
export function positionAt(track: Track, t: number): { pos: LatLon; kmh: number } {
  const first = track.segments[0];
  if (first === undefined) throw new Error('a track needs at least one step');
  if (t < first.fromMs) return { pos: first.from, kmh: 0 };
  for (const s of track.segments) {
    if (t < s.toMs) return { pos: between(s.from, s.to, (t - s.fromMs) / (s.toMs - s.fromMs)), kmh: s.kmh };
  }
  return { pos: track.segments[track.segments.length - 1]!.to, kmh: 0 };
}

/** The named step's times; throws when the scenario did not mark it (a scripting error, not a runtime condition). */
export function mark(track: Track, name: string): { readonly fromMs: number; readonly toMs: number } {
  const m = track.marks.get(name);
  if (m === undefined) throw new Error(`track has no step marked '${name}'`);
  return m;
}
