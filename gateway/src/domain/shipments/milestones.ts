/**
 * A shipment's milestones as the evidence shows them (docs/claims.md, "Milestones from evidence"): departure from the
 * origin, arrival at and departure from each hub, arrival at the destination. From the trackers' GPS track when it
 * has visits to those places (a visit starts at the first fix inside the geofence and ends at the first fix outside
 * once two fixes in a row are outside: domain/rules/gps.ts), each with the fix that proves it; from custody where no
 * tracker saw it (the goods placed on the shipment: its first placement's start is the departure, and its last
 * placement's end the arrival, once the batch is placed in a zone of the destination site). Pure.
 */
import type { Visit } from '../rules/gps.js';

export const MILESTONE_KINDS = ['departed_origin', 'arrived_hub', 'departed_hub', 'arrived_destination'] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];

export interface Milestone {
  readonly kind: MilestoneKind;
  /** The site (origin, destination) or place (hub). */
  readonly place: string;
  readonly atMs: number;
  readonly source: 'tracker' | 'custody';
  /** The tracker, and its fix that proves the moment (tracker source). */
  readonly device?: string;
  readonly fix?: { readonly lat: number; readonly lon: number };
  /** The placement whose start or end it is (custody source). */
  readonly placement?: string;
}

export interface MilestoneInput {
  readonly origin: string;
  readonly destination: string;
  /** Visits of the shipment's trackers to its known places (gpsFindings). */
  readonly visits: readonly Visit[];
  /** The kept fixes, to name the proving fix of each moment. */
  readonly fixes: readonly { readonly device: string; readonly t: number; readonly lat: number; readonly lon: number }[];
  /** Batch placements on the shipment, and whether the batch was next placed at the destination site. */
  readonly custody: readonly { readonly placement: string; readonly fromMs: number; readonly toMs: number; readonly thenAtDestination: boolean }[];
}

/** The milestones, in time order (then kind order); one per kind and place, the earliest. */
export function milestones(input: MilestoneInput): Milestone[] {
  const fixAt = new Map(input.fixes.map((f) => [`${f.device}\u0000${f.t}`, { lat: f.lat, lon: f.lon }]));
  const found = new Map<string, Milestone>();
  const add = (m: Milestone): void => {
    const key = `${m.kind}\u0000${m.place}`;
    const prev = found.get(key);
    // The earliest, and of two at one moment the tracker's (it names its fix).
    if (prev === undefined || m.atMs < prev.atMs || (m.atMs === prev.atMs && m.source === 'tracker' && prev.source === 'custody')) found.set(key, m);
  };
  const byTracker = (kind: MilestoneKind, v: Visit, atMs: number): Milestone => {
    const fix = fixAt.get(`${v.device}\u0000${atMs}`);
    return { kind, place: v.place, atMs, source: 'tracker', device: v.device, ...(fix !== undefined ? { fix } : {}) };
  };
  for (const v of input.visits) {
    if (v.kind === 'origin' && v.departedMs !== undefined) add(byTracker('departed_origin', v, v.departedMs));
    if (v.kind === 'hub') {
      add(byTracker('arrived_hub', v, v.arrivedMs));
      if (v.departedMs !== undefined) add(byTracker('departed_hub', v, v.departedMs));
    }
    if (v.kind === 'destination') add(byTracker('arrived_destination', v, v.arrivedMs));
  }
  // Custody speaks only where no tracker did: a departure or arrival the track shows is the track's.
  const tracked = (kind: MilestoneKind): boolean => [...found.values()].some((m) => m.kind === kind && m.source === 'tracker');
  if (input.custody.length > 0) {
    const first = input.custody.reduce((a, b) => (b.fromMs < a.fromMs ? b : a));
    if (!tracked('departed_origin')) add({ kind: 'departed_origin', place: input.origin, atMs: first.fromMs, source: 'custody', placement: first.placement });
    const arrived = input.custody.filter((c) => Number.isFinite(c.toMs) && c.thenAtDestination);
    if (arrived.length > 0 && !tracked('arrived_destination')) {
      const last = arrived.reduce((a, b) => (b.toMs > a.toMs ? b : a));
      add({ kind: 'arrived_destination', place: input.destination, atMs: last.toMs, source: 'custody', placement: last.placement });
    }
  }
  const order = (k: MilestoneKind): number => MILESTONE_KINDS.indexOf(k);
  return [...found.values()].sort((a, b) => a.atMs - b.atMs || order(a.kind) - order(b.kind) || (a.place < b.place ? -1 : a.place > b.place ? 1 : 0));
}
