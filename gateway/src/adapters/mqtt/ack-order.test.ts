import { describe, expect, it } from 'vitest';
import { InOrderAcks } from './ack-order.js';

describe('InOrderAcks', () => {
  const run = (ids: number[], finishOrder: number[]): number[] => {
    const sent: number[] = [];
    const acks = new InOrderAcks((id) => sent.push(id));
    const entries = ids.map((id) => acks.received(id));
    for (const i of finishOrder) acks.done(entries[i]!);
    return sent;
  };

  it.each([
    { name: 'in arrival order as they finish in order', ids: [7, 8, 9], finish: [0, 1, 2], sent: [7, 8, 9] },
    { name: 'holds later messages until the first one finishes', ids: [7, 8, 9], finish: [2, 1, 0], sent: [9, 8, 7].reverse() },
    { name: 'releases only the finished prefix', ids: [7, 8, 9, 10], finish: [1, 3, 0], sent: [7, 8] },
    { name: 'sends nothing while the first waits', ids: [1, 2, 3], finish: [1, 2], sent: [] },
    { name: 'keeps a reused packet id apart from its first use', ids: [5, 6, 5], finish: [2, 0, 1], sent: [5, 6, 5] },
  ])('acknowledges $name', ({ ids, finish, sent }) => {
    expect(run(ids, finish)).toEqual(sent);
  });

  it('counts what waits and forgets everything on clear', () => {
    const sent: number[] = [];
    const acks = new InOrderAcks((id) => sent.push(id));
    const a = acks.received(1);
    acks.received(2);
    expect(acks.inFlight).toBe(2);
    acks.done(a);
    expect(acks.inFlight).toBe(1);
    acks.clear();
    expect(acks.inFlight).toBe(0);
    acks.done(acks.received(3));
    expect(sent).toEqual([1, 3]);
  });

  it('stays correct across compaction of a long-lived window', () => {
    const sent: number[] = [];
    const acks = new InOrderAcks((id) => sent.push(id));
    const held = acks.received(0);
    const later = Array.from({ length: 3000 }, (_, i) => acks.received(i + 1));
    for (const e of later) acks.done(e);
    expect(sent).toEqual([]);
    acks.done(held);
    expect(sent).toEqual(Array.from({ length: 3001 }, (_, i) => i));
    for (let i = 0; i < 5000; i++) acks.done(acks.received(i % 65_535 + 1));
    expect(sent).toHaveLength(8001);
    expect(acks.inFlight).toBe(0);
  });
});
