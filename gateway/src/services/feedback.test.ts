import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { FeedbackMessage } from '@coldtrace/contract';
import type { Refusal } from '../domain/feedback/refusal.js';
import type { Scheduler } from '../ports/clock.js';
import type { FeedbackSink } from '../ports/feedback.js';
import { FeedbackService } from './feedback.js';

const T = 1_795_600_000_000;
const log = pino({ level: 'silent' });

/** Time and timers moved by hand. */
function manualTime(): { clock: { now(): number }; scheduler: Scheduler; advance(ms: number): void } {
  let now = T;
  let timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  return {
    clock: { now: () => now },
    scheduler: {
      after(ms, fn) {
        const t = { at: now + ms, fn, live: true };
        timers.push(t);
        return { cancel: () => { t.live = false; } };
      },
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.live && t.at <= now);
      timers = timers.filter((t) => t.live && t.at > now);
      for (const t of due) t.fn();
    },
  };
}

/** A sink that records what it is given; `settle` answers the waiting publishes. */
function recordingSink(): FeedbackSink & { sent: Array<{ node: string; m: FeedbackMessage }>; waiting: Array<(e?: Error) => void>; settle(error?: Error): void } {
  const sent: Array<{ node: string; m: FeedbackMessage }> = [];
  const waiting: Array<(e?: Error) => void> = [];
  return {
    sent, waiting,
    publish(_site, node, m, done) {
      sent.push({ node, m });
      waiting.push(done);
    },
    settle(error) {
      for (const done of waiting.splice(0)) done(error);
    },
  };
}

function refusal(i: number, device = 'room-1', code: Refusal['code'] = 'E_VALUE_RANGE'): Refusal {
  return {
    topic: `ct/v1/wh1/edge-1/${device}/data`, parsed: { kind: 'data', site: 'wh1', node: 'edge-1', device }, code,
    detail: 'value out of range', facts: { seq: i, metrics: ['temperature'] }, receivedAt: T + i, quarantineId: i + 1,
  };
}

describe('FeedbackService', () => {
  it('sends the first refusal at once and one feedback per interval after it, every refusal counted in them', () => {
    const time = manualTime();
    const sink = recordingSink();
    const f = new FeedbackService({ sink, clock: time.clock, scheduler: time.scheduler, log, options: { intervalMs: 10_000 } });
    for (let i = 0; i < 100; i++) {
      f.refused(refusal(i));
      time.advance(10); // 100 refusals over 1 s
    }
    expect(sink.sent.map((s) => s.m.quarantineId)).toEqual([1]);
    time.advance(9_000);
    expect(sink.sent).toHaveLength(2);
    expect(sink.sent[1]!.m).toMatchObject({ quarantineId: 100, seq: 99, suppressed: 98, device: 'room-1' });
    expect(sink.sent.reduce((n, s) => n + 1 + s.m.suppressed, 0)).toBe(100);
    sink.settle();
    expect(f.counts()).toEqual({ published: 2, suppressed: 99, untracked: 0, overflow: 0, failed: 0, inFlight: 0 });
  });

  it('keeps at most maxInFlight publishes waiting for the broker, and counts the rest and the failures', () => {
    const time = manualTime();
    const sink = recordingSink();
    const f = new FeedbackService({ sink, clock: time.clock, scheduler: time.scheduler, log, options: { maxInFlight: 3 } });
    for (let i = 0; i < 5; i++) f.refused(refusal(i, `room-${i}`));
    expect(sink.sent).toHaveLength(3);
    expect(f.counts()).toMatchObject({ inFlight: 3, overflow: 2 });
    sink.settle(new Error('connection lost'));
    expect(f.counts()).toMatchObject({ inFlight: 0, failed: 3, published: 0 });
  });

  it('never throws into ingest, even when the sink does', () => {
    const time = manualTime();
    const f = new FeedbackService({ sink: { publish: () => { throw new Error('boom'); } }, clock: time.clock, scheduler: time.scheduler, log });
    expect(() => f.refused(refusal(1))).not.toThrow();
    expect(f.counts()).toMatchObject({ failed: 1, inFlight: 0 });
  });

  it('sends nothing after close', () => {
    const time = manualTime();
    const sink = recordingSink();
    const f = new FeedbackService({ sink, clock: time.clock, scheduler: time.scheduler, log, options: { intervalMs: 1000 } });
    f.refused(refusal(1));
    f.refused(refusal(2));
    f.close();
    time.advance(5000);
    f.refused(refusal(3));
    expect(sink.sent).toHaveLength(1);
  });
});
