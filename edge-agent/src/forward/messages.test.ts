import { Value } from '@sinclair/typebox/value';
import { DataMessageSchema } from '@coldtrace/contract';
import { describe, expect, it } from 'vitest';
import { chunkReadings, dataMessage } from './messages.js';

const r = (value: number, time: number) => ({ metric: 'temperature' as const, value, unit: 'Cel', time });

describe('dataMessage', () => {
  it('takes the first reading time and repeats a time only where it differs', () => {
    const t = 1_700_000_000_000;
    const m = dataMessage(7, [r(1, t), r(2, t), r(3, t + 500)]);
    expect(m).toEqual({
      v: 1,
      seq: 7,
      time: t,
      readings: [
        { metric: 'temperature', value: 1, unit: 'Cel' },
        { metric: 'temperature', value: 2, unit: 'Cel' },
        { metric: 'temperature', value: 3, unit: 'Cel', time: t + 500 },
      ],
    });
    expect(Value.Check(DataMessageSchema, m)).toBe(true);
  });

  it('refuses an empty batch', () => {
    expect(() => dataMessage(0, [])).toThrow(RangeError);
  });
});

describe('chunkReadings', () => {
  it('splits at the contract maximum', () => {
    const readings = Array.from({ length: 2500 }, (_, i) => r(i, 1_700_000_000_000 + i));
    expect(chunkReadings(readings).map((c) => c.length)).toEqual([1000, 1000, 500]);
  });
});
