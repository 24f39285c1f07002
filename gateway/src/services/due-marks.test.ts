import { describe, expect, it } from 'vitest';
import { ManualTime } from '../../test/support/manual-time.js';
import { DueMarks } from './due-marks.js';

const T0 = Date.UTC(2026, 11, 7, 8);
const MIN = 60_000;

describe('DueMarks: judging again when time alone makes something due', () => {
  it('marks each subject at each of its due moments, once per moment, in time order; a past moment at once', () => {
    const time = new ManualTime(T0);
    const marked: [string, number][] = [];
    const due = new DueMarks(time, time, (s) => marked.push([s, (time.t - T0) / MIN]));
    due.at('shipment:A', T0 + 30 * MIN);
    due.at('shipment:A', T0 + 10 * MIN);
    due.at('shipment:A', T0 + 30 * MIN);
    due.at('shipment:B', T0 + 20 * MIN);
    due.at('shipment:C', T0 - MIN);
    expect(marked).toEqual([['shipment:C', 0]]);
    for (let m = 1; m <= 40; m++) {
      time.t = T0 + m * MIN;
      time.runDue();
    }
    expect(marked).toEqual([['shipment:C', 0], ['shipment:A', 10], ['shipment:B', 20], ['shipment:A', 30]]);
    expect(time.tasks).toEqual([]);
  });

  it('keeps at most 16 moments per subject, never judging earlier than due', () => {
    const time = new ManualTime(T0);
    const marked: number[] = [];
    const due = new DueMarks(time, time, () => marked.push((time.t - T0) / MIN));
    for (let i = 1; i <= 20; i++) due.at('shipment:A', T0 + i * MIN);
    for (let m = 1; m <= 25; m++) {
      time.t = T0 + m * MIN;
      time.runDue();
    }
    expect(marked).toHaveLength(16);
    expect(marked.slice(0, 15)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(marked.at(-1)).toBe(20);
    expect(time.tasks.length).toBe(0);
  });
});
