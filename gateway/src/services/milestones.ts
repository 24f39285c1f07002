/**
 * Milestones from evidence (docs/claims.md): what the rules' judgement of a shipment shows is recorded (the store
 * says what is new, or moved), and each new one is told to the order hub as `milestone.reached`, through the same
 * durable, signed outbox as flag events and on MQTT (`ct/v1/_events/milestone/reached`). Judged shipments arrive
 * here from the rules round; recording is fire-and-forget for the round, with failures logged and the next judgement
 * recording again (the store compares with what it holds, so nothing is told twice).
 */
import type { Logger } from 'pino';
import { milestoneEvents, type MilestoneEventMessage } from '../domain/events/milestone-events.js';
import type { Milestone } from '../domain/shipments/milestones.js';
import type { Clock } from '../ports/clock.js';
import type { OutboxMessage } from '../ports/event-outbox.js';
import type { MilestoneStore, RecordedMilestone } from '../ports/milestones.js';
import type { RegistryStore } from '../ports/registry.js';

export interface MilestoneServiceDeps {
  readonly store: MilestoneStore;
  readonly registry: Pick<RegistryStore, 'get'>;
  readonly clock: Clock;
  readonly log: Logger;
  /** The webhooks' outbox (EventDelivery.acceptMessages), and the MQTT publisher when up. */
  readonly outbox?: (messages: readonly OutboxMessage[]) => Promise<void>;
  readonly publish?: (messages: readonly MilestoneEventMessage[]) => void;
}

export class MilestoneService {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: MilestoneServiceDeps) {}

  /** The rules' callback for a judged shipment. */
  readonly judged = (shipment: string, milestones: readonly Milestone[], orders: readonly string[]): void => {
    const p = this.record(shipment, milestones, orders).then(() => undefined, (err: unknown) => this.deps.log.error({ err, shipment }, 'milestones: could not record; recorded at the next judgement'));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  };

  async record(shipment: string, milestones: readonly Milestone[], orders: readonly string[]): Promise<MilestoneEventMessage[]> {
    const changed = await this.deps.store.record(shipment, milestones, this.deps.clock.now());
    if (changed.length === 0) return [];
    const events = milestoneEvents(shipment, orders, changed);
    this.deps.publish?.(events);
    await this.deps.outbox?.(events.map((m) => ({ id: m.id, type: m.type, orderingKey: `milestone:${shipment}`, body: JSON.stringify(m) })));
    return events;
  }

  /** A shipment's milestones, in time order; undefined for an unknown shipment. */
  async ofShipment(shipment: string): Promise<RecordedMilestone[] | undefined> {
    if (await this.deps.registry.get('shipments', shipment) === undefined) return undefined;
    return this.deps.store.ofShipment(shipment);
  }

  /** Resolves once what was handed over is recorded (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
