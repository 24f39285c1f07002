/**
 * Milestone events to the order hub (docs/events.md): `milestone.reached` when the evidence first shows a shipment's
 * milestone, and again (a new key) when late data moves its moment. The idempotency key digests shipment, kind, place
 * and moment, so a milestone judged again the same is the same event. Pure.
 */
import { digestKey } from './flag-events.js';
import type { Milestone } from '../shipments/milestones.js';

export const MILESTONE_EVENT_VERSION = 1;

export interface MilestoneEventMessage {
  readonly v: typeof MILESTONE_EVENT_VERSION;
  readonly id: string;
  readonly type: 'milestone.reached';
  /** The moment of the milestone, ISO 8601 (device time of the fix, or the placement's start or end). */
  readonly occurredAt: string;
  readonly shipment: string;
  readonly orders: readonly string[];
  readonly milestone: {
    readonly kind: Milestone['kind'];
    readonly place: string;
    readonly at: string;
    readonly atMs: number;
    readonly source: Milestone['source'];
    readonly device?: string;
    readonly fix?: { readonly lat: number; readonly lon: number };
    readonly placement?: string;
  };
}

/** One message per milestone, in the order given. */
export function milestoneEvents(shipment: string, orders: readonly string[], ms: readonly Milestone[]): MilestoneEventMessage[] {
  return ms.map((m) => {
    const at = new Date(m.atMs).toISOString();
    return {
      v: MILESTONE_EVENT_VERSION, id: milestoneKey(shipment, m), type: 'milestone.reached', occurredAt: at, shipment, orders: [...orders].sort(),
      milestone: {
        kind: m.kind, place: m.place, at, atMs: m.atMs, source: m.source,
        ...(m.device !== undefined ? { device: m.device } : {}), ...(m.fix !== undefined ? { fix: m.fix } : {}), ...(m.placement !== undefined ? { placement: m.placement } : {}),
      },
    };
  });
}

/** The idempotency key of a milestone event: the digest of `${shipment}|${kind}|${place}|${atMs}` (digestKey). */
export function milestoneKey(shipment: string, m: Pick<Milestone, 'kind' | 'place' | 'atMs'>): string {
  return digestKey(`${shipment}|${m.kind}|${m.place}|${m.atMs}`);
}
