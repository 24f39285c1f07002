/**
 * Custody in time (docs/registry.md, "Custody"): half-open spans [from, to) of a device or a batch at a location,
 * and the arithmetic the resolution and the evidence queries need. Pure.
 */

export type LocationKind = 'zone' | 'shipment';

export interface Location {
  readonly kind: LocationKind;
  readonly id: string;
}

export interface Span {
  readonly fromMs: number;
  /** Infinity while open. */
  readonly toMs: number;
}

/** A subject's span at a location. */
export interface LocatedSpan extends Span {
  readonly location: Location;
  /** The placement that records it. */
  readonly placement: string;
}

/**
 * The span of `spans` (sorted by start, not overlapping: one subject's placements) that holds time `t`, or
 * undefined. Binary search: a device with years of placements resolves in O(log n).
 */
export function locate<S extends Span>(spans: readonly S[], t: number): S | undefined {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = spans[mid]!;
    if (t < s.fromMs) hi = mid - 1;
    else if (t >= s.toMs) lo = mid + 1;
    else return s;
  }
  return undefined;
}

export function intersect(a: Span, b: Span): Span | undefined {
  const fromMs = Math.max(a.fromMs, b.fromMs);
  const toMs = Math.min(a.toMs, b.toMs);
  return fromMs < toMs ? { fromMs, toMs } : undefined;
}

/** A device's readings to fetch as evidence: [from, to) at a location. */
export interface Segment extends Span {
  readonly device: string;
  readonly location: Location;
}

/**
 * Segments merged per device: overlapping or touching segments of one device become one (a device is at one
 * location at a time, so they share it). Sorted by device, then time. An order's evidence gathers segments from
 * several batches in one zone: each reading must come once.
 */
export function mergeSegments(segments: readonly Segment[]): Segment[] {
  const sorted = [...segments].sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : a.fromMs - b.fromMs));
  const out: Segment[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.device === s.device && s.fromMs <= last.toMs && sameLocation(last.location, s.location)) {
      if (s.toMs > last.toMs) out[out.length - 1] = { ...last, toMs: s.toMs };
    } else out.push(s);
  }
  return out;
}

export function sameLocation(a: Location, b: Location): boolean {
  return a.kind === b.kind && a.id === b.id;
}
