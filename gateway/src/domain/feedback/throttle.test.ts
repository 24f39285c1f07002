import { describe, expect, it } from 'vitest';
import { FeedbackThrottle } from './throttle.js';

const T = 1_795_600_000_000;
const S = 1000;

describe('FeedbackThrottle', () => {
  it.each([
    { name: 'sends the first refusal of a key at once', offers: [0], want: ['send:0'] },
    { name: 'holds back refusals within the interval', offers: [0, 1 * S, 59 * S], want: ['send:0', 'suppressed', 'suppressed'] },
    { name: 'sends again after the interval, carrying what it held back', offers: [0, 1 * S, 2 * S, 60 * S], want: ['send:0', 'suppressed', 'suppressed', 'send:2'] },
    { name: 'starts the next interval at the send, not at the first refusal', offers: [0, 60 * S, 100 * S, 120 * S], want: ['send:0', 'send:0', 'suppressed', 'send:1'] },
  ])('$name', ({ offers, want }) => {
    const t = new FeedbackThrottle<number>({ intervalMs: 60 * S });
    expect(offers.map((at, i) => {
      const o = t.offer('d1/E_VALUE_RANGE', T + at, i);
      return o.kind === 'send' ? `send:${o.suppressed}` : o.kind;
    })).toEqual(want);
  });

  it('throttles each device and code on its own', () => {
    const t = new FeedbackThrottle<number>({ intervalMs: 60 * S });
    expect(t.offer('d1/E_VALUE_RANGE', T, 1).kind).toBe('send');
    expect(t.offer('d1/E_UNIT', T, 2).kind).toBe('send');
    expect(t.offer('d2/E_VALUE_RANGE', T, 3).kind).toBe('send');
    expect(t.offer('d1/E_VALUE_RANGE', T + S, 4).kind).toBe('suppressed');
  });

  it('flushes a quiet key at its interval end with its last held item; no refusal goes uncounted', () => {
    const t = new FeedbackThrottle<string>({ intervalMs: 10 * S });
    const sent: number[] = [];
    let offered = 0;
    for (let at = 0; at < 25 * S; at += 250) {
      offered++;
      const o = t.offer('k', T + at, `r${offered}`);
      if (o.kind === 'send') sent.push(1 + o.suppressed);
      for (const f of t.flush(T + at)) sent.push(1 + f.suppressed);
    }
    expect(t.nextFlushAt()).toBe(T + 30 * S);
    expect(t.flush(T + 30 * S - 1)).toEqual([]);
    const last = t.flush(T + 30 * S);
    expect(last).toEqual([{ key: 'k', item: `r${offered}`, suppressed: expect.any(Number) as number }]);
    for (const f of last) sent.push(1 + f.suppressed);
    expect(sent.length).toBe(4); // at 0, 10 s and 20 s as refusals come, then the flush of the last 19
    expect(sent.reduce((a, b) => a + b, 0)).toBe(offered);
    expect(t.nextFlushAt()).toBeUndefined();
  });

  it('forgets idle keys at a flush', () => {
    const t = new FeedbackThrottle<number>({ intervalMs: 10 * S });
    t.offer('a', T, 1);
    t.offer('b', T, 1);
    expect(t.size).toBe(2);
    expect(t.flush(T + 10 * S)).toEqual([]);
    expect(t.size).toBe(0);
  });

  it('tracks at most maxKeys keys: a new key beyond them is untracked until an idle one expires', () => {
    const t = new FeedbackThrottle<number>({ intervalMs: 10 * S, maxKeys: 2 });
    expect(t.offer('a', T, 1).kind).toBe('send');
    expect(t.offer('b', T, 1).kind).toBe('send');
    expect(t.offer('a', T + S, 1).kind).toBe('suppressed');
    expect(t.offer('c', T + S, 1).kind).toBe('untracked');
    // b is idle after its interval and makes room; a still holds a refusal back and is kept.
    expect(t.offer('c', T + 10 * S, 1).kind).toBe('send');
    expect(t.size).toBe(2);
    expect(t.flush(T + 10 * S).map((f) => f.key)).toEqual(['a']);
  });
});
