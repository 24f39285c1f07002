/**
 * Milestone events to the order hub (docs/events.md): `milestone.reached` when the evidence first shows a shipment's
 * milestone, and again (a new key) when late data moves its moment. The idempotency key digests shipment, kind, place
 * and moment, so a milestone judged again the same is the same event. Pure.
 */
import { createHash } from 'node:crypto';
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

/** sha256 of `${shipment}|${kind}|${place}|${atMs}`, its first 128 bits shaped as a version-8 UUID (as flag events). */
export function milestoneKey(shipment: string, m: Pick<Milestone, 'kind' | 'place' | 'atMs'>): string {
  const h = createHash('sha256').update(`${shipment}|${m.kind}|${m.place}|${m.atMs}`).digest('hex');
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
