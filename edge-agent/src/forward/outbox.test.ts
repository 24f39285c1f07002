import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox, PRIORITY } from './outbox.js';

class ManualClock {
  constructor(public t = 1_700_000_000_000) {}
  now(): number {
    return this.t;
  }
}

describe('Outbox', () => {
  let dir: string;
  let clock: ManualClock;
  const open = (opts: { maxBytes?: number; maxAgeMs?: number } = {}) => new Outbox(join(dir, 'o.db'), clock, opts);
  const put = (o: Outbox, device: string | undefined, payload: string, priority: number = PRIORITY.live) =>
    o.enqueue({ ...(device !== undefined ? { device } : {}), topic: `t/${device ?? 'x'}`, priority, build: (seq) => `${payload}#${seq ?? '-'}` });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ct-outbox-'));
    clock = new ManualClock();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('numbers each device from 0, independently, and keeps counting after a reopen', () => {
    let o = open();
    expect([put(o, 'a', 'x').seq, put(o, 'a', 'x').seq, put(o, 'b', 'x').seq, put(o, undefined, 's').seq]).toEqual([0, 1, 0, undefined]);
    o.close();
    o = open();
    expect(put(o, 'a', 'x').seq).toBe(2);
    expect(o.stats().depth).toBe(5);
    o.close();
  });

  it('never reuses a sequence number, even after its row was acknowledged', () => {
    const o = open();
    const first = put(o, 'a', 'x');
    o.ack(first.id);
    expect(put(o, 'a', 'x').seq).toBe(1);
    o.close();
  });

  it('drops the oldest rows when full, and counts them', () => {
    const o = open({ maxBytes: 1024 });
    const payload = 'p'.repeat(100); // 100 + "#n" bytes each
    for (let i = 0; i < 20; i++) put(o, 'a', payload);
    const s = o.stats();
    expect(s.bytes).toBeLessThanOrEqual(1024);
    expect(s.depth + s.droppedFull).toBe(20);
    expect(s.droppedFull).toBeGreaterThan(0);
    const rows = o.peek('backlog', 0, o.maxId(), 100);
    expect(rows[0]?.payload).toBe(`${payload}#${s.droppedFull}`); // the survivors are the newest
    expect(rows.at(-1)?.payload).toBe(`${payload}#19`);
    o.close();
  });

  it('expires rows older than maxAgeMs, and counts them', () => {
    const o = open({ maxAgeMs: 60_000 });
    put(o, 'a', 'old');
    clock.t += 30_000;
    put(o, 'a', 'new');
    clock.t += 40_000;
    expect(o.expire()).toBe(1);
    expect(o.stats()).toMatchObject({ depth: 1, droppedExpired: 1 });
    expect(o.peek('backlog', 0, o.maxId(), 10).map((r) => r.payload)).toEqual(['new#1']);
    o.close();
  });

  it('splits lanes: alarms apart, live after the boundary, backlog up to it, each in id order', () => {
    const o = open();
    put(o, 'a', 'b1');
    put(o, 'a', 'al1', PRIORITY.alarm);
    put(o, 'a', 'b2');
    const boundary = o.maxId();
    put(o, 'a', 'l1');
    put(o, 'a', 'al2', PRIORITY.alarm);
    const payloads = (lane: 'alarm' | 'live' | 'backlog') => o.peek(lane, 0, boundary, 10).map((r) => r.payload.split('#')[0]);
    expect(payloads('alarm')).toEqual(['al1', 'al2']);
    expect(payloads('live')).toEqual(['l1']);
    expect(payloads('backlog')).toEqual(['b1', 'b2']);
    o.close();
  });

  it('ack deletes once and keeps the byte count exact', () => {
    const o = open();
    const { id } = put(o, 'a', 'xyz');
    expect(o.stats().bytes).toBe(Buffer.byteLength('xyz#0'));
    expect(o.ack(id)).toBe(true);
    expect(o.ack(id)).toBe(false);
    expect(o.stats()).toMatchObject({ depth: 0, bytes: 0 });
    o.close();
  });
});
