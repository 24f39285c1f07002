import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { MessageValidator } from './validate.js';
import { ReadingFlag } from './reading.js';

interface Case { name: string; topic: string; body?: unknown; raw?: string; rawBase64?: string; code: string; detail?: string }
const cases = JSON.parse(readFileSync(new URL('../../test/fixtures/rejections.json', import.meta.url), 'utf8')) as Case[];
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const RECEIVED = 1_790_000_001_000;

describe('MessageValidator', () => {
  const v = new MessageValidator();

  it.each(cases)('refuses $name with $code', (c) => {
    const payload = c.rawBase64 !== undefined ? Buffer.from(c.rawBase64, 'base64') : enc(c.raw ?? JSON.stringify(c.body));
    const r = v.check(c.topic, payload, RECEIVED);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(c.code);
    if (c.detail !== undefined) expect(r.detail).toContain(c.detail);
  });

  it('gives every rejection case of the fixture a reason, and the distinct causes distinct codes', () => {
    const codes = new Set(cases.map((c) => c.code));
    expect(codes.size).toBeGreaterThanOrEqual(14);
  });

  it('refuses an oversized payload before parsing it', () => {
    const small = new MessageValidator({ maxPayloadBytes: 100 });
    const r = small.check('ct/v1/wh1/n1/d1/data', enc(JSON.stringify({ v: 1, seq: 1, time: 1790000000000, readings: Array(10).fill({ metric: 'temperature', value: 1, unit: 'Cel' }) })), RECEIVED);
    expect(r.ok ? 'ok' : r.code).toBe('E_OVERSIZE');
  });

  it('accepts a data message and keeps device time, receive time and sequence apart', () => {
    const body = { v: 1, seq: 42, time: 1_790_000_000_000, readings: [
      { metric: 'temperature', value: 4.25, unit: 'Cel' },
      { metric: 'humidity', value: 61, unit: '%RH', time: 1_789_999_999_000 },
      { metric: 'door.open', value: true, unit: '1' },
    ] };
    const r = v.check('ct/v1/wh1/n1/d1/data', enc(JSON.stringify(body)), RECEIVED);
    expect(r.ok && r.kind).toBe('data');
    if (!r.ok || r.kind !== 'data') return;
    expect(r.readings).toEqual([
      { site: 'wh1', node: 'n1', device: 'd1', metric: 'temperature', time: 1_790_000_000_000, value: 4.25, unit: 'Cel', seq: 42, receivedAt: RECEIVED, flags: 0 },
      { site: 'wh1', node: 'n1', device: 'd1', metric: 'humidity', time: 1_789_999_999_000, value: 61, unit: '%RH', seq: 42, receivedAt: RECEIVED, flags: 0 },
      { site: 'wh1', node: 'n1', device: 'd1', metric: 'door.open', time: 1_790_000_000_000, value: 1, unit: '1', seq: 42, receivedAt: RECEIVED, flags: 0 },
    ]);
  });

  it.each([
    { name: 'flags a reading more than 5 min ahead of receive time as clock skew', ahead: 5 * 60_000 + 1, flags: ReadingFlag.CLOCK_SKEW },
    { name: 'does not flag a reading exactly 5 min ahead', ahead: 5 * 60_000, flags: 0 },
    { name: 'flags a reading received more than 60 s after it was measured as late', ahead: -60_001, flags: ReadingFlag.LATE },
    { name: 'does not flag a reading received within 60 s', ahead: -60_000, flags: 0 },
  ])('$name', ({ ahead, flags }) => {
    const r = v.check('ct/v1/wh1/n1/d1/data', enc(JSON.stringify({ v: 1, seq: 1, time: RECEIVED + ahead, readings: [{ metric: 'temperature', value: 4, unit: 'Cel' }] })), RECEIVED);
    expect(r.ok && r.kind === 'data' ? r.readings[0]?.flags : 'rejected').toBe(flags);
  });

  it('accepts node birth with outbox figures, and will messages', () => {
    const birth = { v: 1, state: 'online', time: 1_790_000_000_000, boot: 'b1', devices: ['d1'], outbox: { depth: 3, bytes: 300, droppedFull: 7, droppedExpired: 0 } };
    const b = v.check('ct/v1/wh1/n1/status', enc(JSON.stringify(birth)), RECEIVED);
    expect(b.ok && b.kind === 'node-status' ? b.status.outbox?.droppedFull : 'rejected').toBe(7);
    const r = v.check('ct/v1/wh1/n1/status', enc(JSON.stringify({ v: 1, state: 'offline', time: 1_790_000_000_000, boot: 'b1', will: true })), RECEIVED);
    expect(r.ok && r.kind).toBe('node-status');
  });
});
