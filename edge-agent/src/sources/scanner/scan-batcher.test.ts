import type { ScanRead } from '@coldtrace/contract';
import { describe, expect, it } from 'vitest';
import { ManualTime } from '../../../test/helpers/manual-time.js';
import { ScanBatcher } from './scan-batcher.js';

const read = (raw: string): ScanRead => ({ via: 'rfid', raw, error: { code: 'E_EPC_HEX', reason: 'test' } });

function rig(o: { dedupeMs?: number; batchMs?: number; maxBatch?: number }): { b: ScanBatcher; sent: [string, string[]][]; time: ManualTime } {
  const time = new ManualTime(0);
  const sent: [string, string[]][] = [];
  const b = new ScanBatcher({ dedupeMs: 2000, batchMs: 200, maxBatch: 1000, ...o }, time, (d, reads) => sent.push([d, reads.map((r) => r.raw)]));
  return { b, sent, time };
}

describe('ScanBatcher', () => {
  it('folds a key seen again on the same device within the hold time, not on another device, and not after it', () => {
    const { b } = rig({});
    expect([b.repeated('in', 'A', 0), b.repeated('in', 'A', 1999), b.repeated('out', 'A', 1999), b.repeated('in', 'A', 2000), b.repeated('in', 'A', 2001)]).toEqual([false, true, false, false, true]);
  });

  it('folds nothing with a hold time of 0', () => {
    const { b } = rig({ dedupeMs: 0 });
    expect([b.repeated('in', 'A', 0), b.repeated('in', 'A', 0)]).toEqual([false, false]);
  });

  it('sends a device batch after batchMs, or at once when it is full', async () => {
    const { b, sent, time } = rig({ maxBatch: 3 });
    b.add('in', read('1'));
    b.add('out', read('2'));
    b.add('in', read('3'));
    await time.advance(199);
    expect(sent).toEqual([]);
    await time.advance(1);
    expect(sent).toEqual([['in', ['1', '3']], ['out', ['2']]]);
    for (const r of ['4', '5', '6', '7']) b.add('in', read(r));
    expect(sent.slice(2)).toEqual([['in', ['4', '5', '6']]]);
    b.flush();
    expect(sent.slice(3)).toEqual([['in', ['7']]]);
  });
});
