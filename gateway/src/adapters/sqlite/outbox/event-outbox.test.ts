import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxMessage } from '../../../ports/event-outbox.js';
import { openDatabase } from '../database.js';
import { SqliteEventOutbox } from './event-outbox.js';

const msg = (id: string, flag = 'F1'): OutboxMessage => ({ id, type: 'flag.raised', orderingKey: flag, body: `{"id":"${id}"}` });
const ids = (rows: readonly { id: string; target: string }[]): string[] => rows.map((r) => `${r.target}:${r.id}`);

describe('SqliteEventOutbox', () => {
  let dir: string;
  let file: string;
  let outbox: SqliteEventOutbox;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-outbox-'));
    file = join(dir, 'events.db');
    outbox = new SqliteEventOutbox(openDatabase(file));
  });
  afterEach(async () => {
    await outbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one delivery per message and target, and enqueueing the same message again changes nothing', async () => {
    await outbox.enqueue([msg('a'), msg('b', 'F2')], ['hub', 'audit'], 100);
    await outbox.enqueue([msg('a'), { ...msg('b', 'F2'), body: 'changed' }], ['hub', 'audit'], 200);
    const due = await outbox.due(1000, 10);
    expect(ids(due).sort()).toEqual(['audit:a', 'audit:b', 'hub:a', 'hub:b']);
    expect(due.find((d) => d.id === 'b')).toMatchObject({ body: '{"id":"b"}', attempts: 0, enqueuedAt: 100, orderingKey: 'F2', type: 'flag.raised' });
    expect(await outbox.stats()).toEqual([
      { target: 'audit', pending: 2, delivered: 0, deadLettered: 0, oldestPendingAt: 100 },
      { target: 'hub', pending: 2, delivered: 0, deadLettered: 0, oldestPendingAt: 100 },
    ]);
  });

  it('offers only the oldest pending event of a flag per target; the next once it is delivered or dead', async () => {
    await outbox.enqueue([msg('a1', 'A'), msg('b1', 'B'), msg('a2', 'A'), msg('a3', 'A')], ['hub', 'audit'], 0);
    expect(ids(await outbox.due(0, 100)).sort()).toEqual(['audit:a1', 'audit:b1', 'hub:a1', 'hub:b1']);
    // a1 backs off at hub: a2 still waits there (never before a1), while audit goes on.
    await outbox.markFailed('a1', 'hub', 10, 'HTTP 503', 5000);
    await outbox.markDelivered('a1', 'audit', 10);
    expect(ids(await outbox.due(100, 100)).sort()).toEqual(['audit:a2', 'audit:b1', 'hub:b1']);
    expect(ids(await outbox.due(5000, 100)).sort()).toEqual(['audit:a2', 'audit:b1', 'hub:a1', 'hub:b1']);
    await outbox.deadLetter('a1', 'hub', 5000, { status: 422, body: 'no such order' });
    expect(ids(await outbox.due(5000, 100)).sort()).toEqual(['audit:a2', 'audit:b1', 'hub:a2', 'hub:b1']);
    expect(await outbox.due(5000, 1)).toHaveLength(1);
  });

  it('counts attempts, keeps the last error of what is pending, and gives due ones earliest first', async () => {
    await outbox.enqueue([msg('a', 'A'), msg('b', 'B')], ['hub'], 0);
    await outbox.markFailed('a', 'hub', 1, 'no answer: ECONNREFUSED', 3000);
    await outbox.markFailed('b', 'hub', 2, 'HTTP 500: boom', 2000);
    expect(await outbox.due(2999, 10)).toMatchObject([{ id: 'b', attempts: 1 }]);
    expect((await outbox.due(3000, 10)).map((d) => d.id)).toEqual(['b', 'a']);
    expect((await outbox.stats())[0]).toMatchObject({ pending: 2, lastError: 'HTTP 500: boom' });
    await outbox.markDelivered('b', 'hub', 3000);
    await outbox.markDelivered('a', 'hub', 3001);
    expect(await outbox.stats()).toEqual([{ target: 'hub', pending: 0, delivered: 2, deadLettered: 0 }]);
    // Marking what is no longer pending changes nothing.
    await outbox.markFailed('a', 'hub', 4000, 'late', 9000);
    expect(await outbox.due(10_000, 10)).toEqual([]);
  });

  it('lists dead letters with their answer, most recent first, and sends one again when retried', async () => {
    await outbox.enqueue([msg('a', 'A'), msg('b', 'B')], ['hub', 'audit'], 0);
    await outbox.deadLetter('a', 'hub', 10, { status: 422, body: '{"error":"unknown order"}' });
    await outbox.deadLetter('b', 'hub', 20, { body: "webhook target 'hub' is not configured" });
    expect(await outbox.deadLetters(10)).toMatchObject([
      { id: 'b', target: 'hub', attempts: 1, deadAt: 20, answer: { body: "webhook target 'hub' is not configured" }, body: '{"id":"b"}' },
      { id: 'a', target: 'hub', attempts: 1, deadAt: 10, answer: { status: 422, body: '{"error":"unknown order"}' } },
    ]);
    expect((await outbox.deadLetters(10))[0]!.answer).not.toHaveProperty('status');
    expect(await outbox.deadLetters(10, 'audit')).toEqual([]);
    expect(await outbox.deadLetters(1)).toHaveLength(1);
    expect((await outbox.stats()).find((s) => s.target === 'hub')).toMatchObject({ pending: 0, deadLettered: 2 });

    expect(await outbox.retryDeadLetter('a', 'hub', 50)).toBe(true);
    expect(await outbox.retryDeadLetter('a', 'hub', 50)).toBe(false);
    expect(await outbox.retryDeadLetter('a', 'audit', 50)).toBe(false);
    expect(await outbox.retryDeadLetter('nope', 'hub', 50)).toBe(false);
    expect((await outbox.due(50, 10)).filter((d) => d.target === 'hub')).toMatchObject([{ id: 'a', attempts: 0 }]);
    expect(ids(await outbox.deadLetters(10))).toEqual(['hub:b']);
  });

  it('keeps everything across a restart on the same file', async () => {
    await outbox.enqueue([msg('a', 'A'), msg('b', 'A')], ['hub'], 0);
    await outbox.markFailed('a', 'hub', 1, 'HTTP 503', 1000);
    await outbox.close();
    outbox = new SqliteEventOutbox(openDatabase(file));
    expect(await outbox.due(999, 10)).toEqual([]);
    expect(await outbox.due(1000, 10)).toMatchObject([{ id: 'a', attempts: 1, body: '{"id":"a"}' }]);
    await outbox.markDelivered('a', 'hub', 1001);
    expect(await outbox.due(1001, 10)).toMatchObject([{ id: 'b', attempts: 0 }]);
  });

  it('prunes delivered rows before a time, and the messages no delivery needs any more', async () => {
    await outbox.enqueue([msg('a', 'A'), msg('b', 'B'), msg('c', 'C')], ['hub', 'audit'], 0);
    await outbox.markDelivered('a', 'hub', 10);
    await outbox.markDelivered('a', 'audit', 10);
    await outbox.markDelivered('b', 'hub', 10);
    await outbox.markDelivered('c', 'hub', 100);
    expect(await outbox.prune(50)).toBe(3);
    expect(await outbox.stats()).toEqual([
      { target: 'audit', pending: 2, delivered: 0, deadLettered: 0, oldestPendingAt: 0 },
      { target: 'hub', pending: 0, delivered: 1, deadLettered: 0 },
    ]);
    // b is still pending at audit: its message stays; a is gone, so enqueueing it again sends it again.
    expect(ids(await outbox.due(100, 10)).sort()).toEqual(['audit:b', 'audit:c']);
    await outbox.enqueue([msg('a', 'A')], ['hub'], 200);
    expect(ids(await outbox.due(200, 10)).sort()).toEqual(['audit:b', 'audit:c', 'hub:a']);
  });
});
