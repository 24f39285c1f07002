/**
 * Refusal feedback (issue #24): when ingest has durably quarantined a device's message, the device's node is told on
 * its feedback topic, so a site notices a device whose every message is refused. Bounded three ways: at most one
 * feedback per device and code per interval (domain/feedback/throttle.ts; the rest are counted into the next one), at
 * most `maxKeys` devices and codes tracked, at most `maxInFlight` publishes the broker has not taken yet (an external
 * broker that is away). Never blocks ingest: `refused` returns at once and never throws; what it could not send is
 * counted in /metrics (`coldtrace_feedback_messages_total`), never retried (the quarantine is the record).
 */
import type { Logger } from 'pino';
import { feedbackMessage, refusalKey, type Refusal } from '../domain/feedback/refusal.js';
import { FeedbackThrottle, DEFAULT_THROTTLE_OPTIONS, type ThrottleOptions } from '../domain/feedback/throttle.js';
import type { Clock, Scheduler } from '../ports/clock.js';
import type { FeedbackSink } from '../ports/feedback.js';

export interface FeedbackOptions extends ThrottleOptions {
  /** Most feedback publishes not yet taken by the broker; beyond it a feedback is dropped (`overflow`). Default 1000. */
  readonly maxInFlight: number;
}

export const DEFAULT_FEEDBACK_OPTIONS: FeedbackOptions = { ...DEFAULT_THROTTLE_OPTIONS, maxInFlight: 1000 };

/** What became of each refusal offered, since start. */
export interface FeedbackCounts {
  /** Feedback messages the broker took. */
  readonly published: number;
  /** Refusals held back by the throttle (carried as `suppressed` in a later feedback). */
  readonly suppressed: number;
  /** Refusals of a new device and code while `maxKeys` were tracked: not sent. */
  readonly untracked: number;
  /** Feedback dropped because `maxInFlight` publishes were waiting for the broker. */
  readonly overflow: number;
  /** Publishes the broker did not take (connection lost ...). */
  readonly failed: number;
  /** Publishes waiting for the broker now. */
  readonly inFlight: number;
}

export interface FeedbackDeps {
  readonly sink: FeedbackSink;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  /** Receive time of a refused message to its feedback taken by the broker, s (sent at once, not flushed). */
  readonly observeLatency?: (seconds: number) => void;
  readonly options?: Partial<FeedbackOptions>;
}

export class FeedbackService {
  readonly options: FeedbackOptions;
  private readonly throttle: FeedbackThrottle<Refusal>;
  private timer: { cancel(): void } | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private closed = false;
  private counts_ = { published: 0, suppressed: 0, untracked: 0, overflow: 0, failed: 0, inFlight: 0 };

  constructor(private readonly deps: FeedbackDeps) {
    this.options = { ...DEFAULT_FEEDBACK_OPTIONS, ...deps.options };
    this.throttle = new FeedbackThrottle<Refusal>(this.options);
  }

  /** A message of `r.parsed`'s node was refused and is durably quarantined. Returns at once; never throws. */
  refused(r: Refusal): void {
    if (this.closed) return;
    try {
      const offer = this.throttle.offer(refusalKey(r), this.deps.clock.now(), r);
      switch (offer.kind) {
        case 'send':
          this.send(r, offer.suppressed, true);
          break;
        case 'suppressed':
          this.counts_.suppressed++;
          this.scheduleFlush();
          break;
        case 'untracked':
          this.counts_.untracked++;
          break;
      }
    } catch (e) {
      this.deps.log.error({ err: (e as Error).message }, 'refusal feedback failed');
    }
  }

  counts(): FeedbackCounts {
    return { ...this.counts_ };
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private send(r: Refusal, suppressed: number, live: boolean): void {
    if (this.counts_.inFlight >= this.options.maxInFlight) {
      this.counts_.overflow++;
      return;
    }
    const { site, node } = r.parsed;
    let settled = false;
    const done = (error?: Error): void => {
      if (settled) return;
      settled = true;
      this.counts_.inFlight--;
      if (error !== undefined) {
        this.counts_.failed++;
        this.deps.log.debug({ err: error.message, site, node, code: r.code }, 'refusal feedback not published');
        return;
      }
      this.counts_.published++;
      if (live) this.deps.observeLatency?.((this.deps.clock.now() - r.receivedAt) / 1000);
    };
    this.counts_.inFlight++;
    try {
      this.deps.sink.publish(site, node, feedbackMessage(r, suppressed), done);
    } catch (e) {
      done(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** One timer for the earliest interval end with refusals held back. */
  private scheduleFlush(): void {
    const at = this.throttle.nextFlushAt();
    if (at === undefined || at >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.deps.scheduler.after(Math.max(0, at - this.deps.clock.now()), () => this.flush());
  }

  private flush(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.closed) return;
    try {
      for (const f of this.throttle.flush(this.deps.clock.now())) this.send(f.item, f.suppressed, false);
    } catch (e) {
      this.deps.log.error({ err: (e as Error).message }, 'refusal feedback flush failed');
    }
    this.scheduleFlush();
  }
}
