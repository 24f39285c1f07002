import { describe, expect, it } from 'vitest';
import { DroppedFixes } from './dropped-fixes.js';

describe('dropped GPS fixes counted once however often a shipment is judged', () => {
  it('counts what each judgement finds beyond the previous one of the same shipment', () => {
    const counted: [string, number][] = [];
    const d = new DroppedFixes((reason, n) => counted.push([reason, n]));
    d.judged('SH-1', [{ reason: 'speed', count: 2 }]);
    d.judged('SH-1', [{ reason: 'speed', count: 2 }]);
    d.judged('SH-1', [{ reason: 'speed', count: 3 }, { reason: 'future', count: 1 }]);
    d.judged('SH-2', [{ reason: 'speed', count: 1 }]);
    // A late fix can make a dropped one kept again (fewer drops): nothing is taken back from a counter.
    d.judged('SH-1', [{ reason: 'speed', count: 1 }]);
    d.judged('SH-1', [{ reason: 'speed', count: 2 }]);
    expect(counted).toEqual([['speed', 2], ['speed', 1], ['future', 1], ['speed', 1], ['speed', 1]]);
  });
});
