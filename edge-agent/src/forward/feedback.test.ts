import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { FeedbackMessage } from '@coldtrace/contract';
import { OTHER_DEVICES, RefusalTracker } from './feedback.js';

const T = 1_795_600_000_000;

function logged(): { log: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

function feedback(patch: Partial<FeedbackMessage> = {}): Buffer {
  const base: FeedbackMessage = {
    v: 1, device: 'room-1', topic: 'ct/v1/s/n/room-1/data', code: 'E_VALUE_RANGE', reason: 'value outside the physically plausible range for the metric',
    detail: "/readings/0/value: 500 is outside [-100, 200] for 'temperature'", metrics: ['temperature'], seq: 1, deviceTime: T, receivedAt: T, quarantineId: 1, suppressed: 0,
  };
  return Buffer.from(JSON.stringify({ ...base, ...patch }));
}

describe('RefusalTracker', () => {
  it('logs a refusal once per device, metric and code, and counts every one', () => {
    const { log, lines } = logged();
    const t = new RefusalTracker(log);
    t.onMessage(feedback({ quarantineId: 1 }));
    t.onMessage(feedback({ quarantineId: 2, suppressed: 7 }));
    t.onMessage(feedback({ quarantineId: 3, metrics: ['humidity'] }));
    t.onMessage(feedback({ quarantineId: 4, code: 'E_UNIT' }));
    t.onMessage(feedback({ quarantineId: 5, device: 'room-2' }));
    t.onMessage(feedback({ quarantineId: 6, suppressed: 2 }));
    const warns = lines.filter((l) => l['level'] === 40);
    expect(warns.map((l) => [l['device'], l['metric'], l['code'], l['quarantineId']])).toEqual([
      ['room-1', 'temperature', 'E_VALUE_RANGE', 1],
      ['room-1', 'humidity', 'E_VALUE_RANGE', 3],
      ['room-1', 'temperature', 'E_UNIT', 4],
      ['room-2', 'temperature', 'E_VALUE_RANGE', 5],
    ]);
    expect(warns[0]?.['msg']).toContain('gateway refused a message of room-1 (temperature): value outside the physically plausible range');
    expect(t.refusals()).toEqual([
      { device: 'room-1', code: 'E_VALUE_RANGE', refusals: 1 + 8 + 1 + 3 },
      { device: 'room-1', code: 'E_UNIT', refusals: 1 },
      { device: 'room-2', code: 'E_VALUE_RANGE', refusals: 1 },
    ]);
  });

  it("counts a refusal of the node's own status under an empty device", () => {
    const { log } = logged();
    const t = new RefusalTracker(log);
    const { device: _d, metrics: _m, ...nodeLevel } = JSON.parse(feedback({ code: 'E_JSON' }).toString()) as FeedbackMessage;
    t.onMessage(Buffer.from(JSON.stringify(nodeLevel)));
    expect(t.refusals()).toEqual([{ device: '', code: 'E_JSON', refusals: 1 }]);
  });

  it('ignores a message that is not contract feedback: counted, logged once', () => {
    const { log, lines } = logged();
    const t = new RefusalTracker(log);
    t.onMessage(Buffer.from('{"v":1}'));
    t.onMessage(Buffer.from('not json'));
    expect(t.invalidMessages).toBe(2);
    expect(t.refusals()).toEqual([]);
    expect(lines.filter((l) => l['level'] === 40)).toHaveLength(1);
  });

  it('counts at most maxKeys device and code pairs; the rest under _other', () => {
    const { log } = logged();
    const t = new RefusalTracker(log, { maxKeys: 2 });
    for (const device of ['a', 'b', 'c', 'd']) t.onMessage(feedback({ device }));
    expect(t.refusals()).toEqual([
      { device: 'a', code: 'E_VALUE_RANGE', refusals: 1 },
      { device: 'b', code: 'E_VALUE_RANGE', refusals: 1 },
      { device: OTHER_DEVICES, code: 'E_VALUE_RANGE', refusals: 2 },
    ]);
  });
});
