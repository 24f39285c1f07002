/**
 * Milestones recorded and told once: a real SQLite store; what goes to the outbox and MQTT collected as it is sent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { openDatabase } from '../adapters/sqlite/database.js';
import { SqliteMilestoneStore } from '../adapters/sqlite/milestones/milestone-store.js';
import type { Milestone } from '../domain/shipments/milestones.js';
import type { OutboxMessage } from '../ports/event-outbox.js';
import { MilestoneService } from './milestones.js';

const T0 = Date.UTC(2026, 11, 7, 6);
const H = 3_600_000;

describe('MilestoneService', () => {
  const db = openDatabase(':memory:');
  const outbox: OutboxMessage[] = [];
  const published: string[] = [];
  let now = T0 + 10 * H;
  const service = new MilestoneService({
    store: new SqliteMilestoneStore(db), registry: { get: (_k, id) => Promise.resolve(id === 'SH-1' ? ({ id } as never) : undefined) },
    clock: { now: () => now }, log: pino({ level: 'silent' }),
    outbox: (m) => { outbox.push(...m); return Promise.resolve(); }, publish: (events) => { for (const e of events) published.push(e.type); },
  });
  afterAll(() => db.close());
  const left: Milestone = { kind: 'departed_origin', place: 'AMS', atMs: T0 + 0.5 * H, source: 'tracker', device: 'T-1', fix: { lat: 52.3, lon: 4.9 } };
  const hub: Milestone = { kind: 'arrived_hub', place: 'HUB-1', atMs: T0 + 2 * H, source: 'tracker', device: 'T-1' };

  it('tells each milestone once, however often the shipment is judged; a moved moment is told again with a new key', async () => {
    await service.record('SH-1', [left], ['O-2', 'O-1']);
    await service.record('SH-1', [left, hub], ['O-1', 'O-2']);
    await service.record('SH-1', [left, hub], ['O-1', 'O-2']);
    expect(outbox.map((m) => JSON.parse(m.body) as { milestone: { kind: string }; orders: string[] }).map((b) => [b.milestone.kind, b.orders])).toEqual([
      ['departed_origin', ['O-1', 'O-2']], ['arrived_hub', ['O-1', 'O-2']],
    ]);
    expect(outbox.every((m) => m.type === 'milestone.reached' && m.orderingKey === 'milestone:SH-1')).toBe(true);
    expect(published).toEqual(['milestone.reached', 'milestone.reached']);
    // A late fix moves the hub arrival earlier: a new moment, a new event (a new key).
    now += H;
    await service.record('SH-1', [left, { ...hub, atMs: T0 + 1.9 * H }], ['O-1', 'O-2']);
    expect(outbox).toHaveLength(3);
    expect(new Set(outbox.map((m) => m.id)).size).toBe(3);
    const recorded = await service.ofShipment('SH-1');
    expect(recorded?.map((m) => [m.kind, m.atMs, m.recordedAt])).toEqual([['departed_origin', left.atMs, T0 + 10 * H], ['arrived_hub', T0 + 1.9 * H, T0 + 11 * H]]);
    expect(await service.ofShipment('NOPE')).toBeUndefined();
  });

  it('a new proof of the same moment is stored, not told again', async () => {
    const before = outbox.length;
    await service.record('SH-1', [{ ...left, fix: { lat: 52.31, lon: 4.9 } }], []);
    expect(outbox).toHaveLength(before);
    expect((await service.ofShipment('SH-1'))?.[0]?.fix).toEqual({ lat: 52.31, lon: 4.9 });
  });
});
