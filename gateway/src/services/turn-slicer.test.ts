import { describe, expect, it } from 'vitest';
import { TurnSlicer } from './turn-slicer.js';

const KiB = 1024;
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('TurnSlicer', () => {
  it('defers only payloads of at least heavyBytes', () => {
    const s = new TurnSlicer({ heavyBytes: 16 * KiB });
    expect(s.defers(16 * KiB - 1)).toBe(false);
    expect(s.defers(16 * KiB)).toBe(true);
  });

  it('runs deferred tasks in order, never at once, at most bytesPerTurn per turn, and lets other work in between', async () => {
    const s = new TurnSlicer({ heavyBytes: 16 * KiB, bytesPerTurn: 32 * KiB });
    const log: string[] = [];
    // 20 KiB each: two do not fit in one 32 KiB turn, so each gets its own.
    for (const name of ['a', 'b', 'c']) {
      s.defer(20 * KiB, () => {
        log.push(name);
        // Work that arrives while a heavy task runs (a socket read, a commit callback) runs before the next one.
        setImmediate(() => log.push(`after ${name}`));
      });
    }
    expect(log).toEqual([]);
    expect(s.queued).toBe(3);
    for (let i = 0; i < 6 && s.queued > 0; i++) await turn();
    await turn();
    expect(log).toEqual(['a', 'after a', 'b', 'after b', 'c', 'after c']);
    expect(s.queued).toBe(0);
  });

  it('runs small deferred tasks together up to the per-turn budget, and a task larger than the budget alone', async () => {
    const s = new TurnSlicer({ heavyBytes: 1, bytesPerTurn: 10 });
    const turns: number[][] = [];
    let t = 0;
    for (const [i, bytes] of [[1, 4], [2, 4], [3, 4], [4, 50], [5, 1]] as const) s.defer(bytes, () => (turns[t] ??= []).push(i));
    while (s.queued > 0) {
      await turn();
      t++;
    }
    expect(turns.filter((x) => x !== undefined)).toEqual([[1, 2], [3], [4], [5]]);
  });

  it('keeps order through a queue that never empties for thousands of turns', async () => {
    const s = new TurnSlicer({ heavyBytes: 1, bytesPerTurn: 1 });
    const ran: number[] = [];
    // A producer that adds a task per turn while earlier ones wait: the queue never empties, order holds.
    for (let i = 0; i < 1500; i++) s.defer(1, () => ran.push(i));
    for (let i = 1500; i < 3000; i++) {
      s.defer(1, () => ran.push(i));
      await turn();
    }
    while (s.queued > 0) await turn();
    expect(ran).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});
