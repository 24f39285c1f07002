import { describe, expect, it } from 'vitest';
import { planMessages, nextSeqs, payloadOf } from './messages.js';
import type { ScenarioReading } from './types.js';

const sources = [{ device: 'a', site: 's', node: 'n' }, { device: 'b', site: 's', node: 'n' }];
const readings: ScenarioReading[] = [];
for (let i = 0; i < 2500; i++) readings.push({ device: i % 2 === 0 ? 'a' : 'b', metric: 'temperature', unit: 'Cel', time: 1_790_000_000_000 + i * 1000, value: 5 });

describe('planMessages', () => {
  it('sends every reading once, per device in time order, at most 1000 a message, seq +1 per message', () => {
    const ms = planMessages(readings, sources, { sliceMs: 1e12 });
    expect(ms.map((m) => [m.device, m.seq, m.readings.length])).toEqual([['a', 0, 1000], ['a', 1, 250], ['b', 0, 1000], ['b', 1, 250]]);
    expect(ms.flatMap((m) => m.readings).length).toBe(2500);
    expect(nextSeqs(ms)).toEqual(new Map([['a', 2], ['b', 2]]));
  });

  it('splits at replay slices and continues from given seqs', () => {
    const ms = planMessages(readings.slice(0, 40), sources, { sliceMs: 10_000, firstSeq: new Map([['a', 7]]) });
    expect(ms.map((m) => `${m.device}${m.seq}:${m.readings.length}`)).toEqual(['a7:5', 'b0:5', 'a8:5', 'b1:5', 'a9:5', 'b2:5', 'a10:5', 'b3:5']);
    expect(ms.map((m) => m.lastMs)).toEqual([...ms.map((m) => m.lastMs)].sort((x, y) => x - y));
  });

  it('refuses a device without a source, and writes contract v1 bodies', () => {
    expect(() => planMessages([{ ...readings[0]!, device: 'x' }], sources, { sliceMs: 1 })).toThrow(/no source/);
    const [m] = planMessages(readings.slice(0, 1), sources, { sliceMs: 1 });
    expect(JSON.parse(payloadOf(m!))).toEqual({ v: 1, seq: 0, time: readings[0]!.time, readings: [{ metric: 'temperature', value: 5, unit: 'Cel', time: readings[0]!.time }] });
  });
});
