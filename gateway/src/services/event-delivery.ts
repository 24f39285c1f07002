/**
 * Flag events to the order hub's webhooks, from the durable outbox (docs/events.md). `accept` (the rules'
 * listener) turns flag changes into messages and enqueues each for every target; a loop driven by the scheduler
 * (every `pollMs`, and at once when something is enqueued or a delivery ends) sends what is due, at most
 * `maxInFlight` at a time, signed with the target's secret. 2xx: delivered. 408, 429, 5xx or no answer: tried again
 * after a capped exponential backoff, without end (a receiver down for an hour misses nothing). Any other answer:
 * dead-lettered with its status and body, for a person to look at and retry through the API.
 *
 * Delivery is at least once (a crash between the POST and its bookkeeping sends it again); the idempotency key
 * makes it once per key for the receiver. Events of one flag reach one target in enqueue order.
 */
import { Buffer } from 'node:buffer';
import type { Logger } from 'pino';
import { DEFAULT_RETRY_BACKOFF, retryDelayMs, signBody, unitOf, verdictOf, type RetryBackoffOptions } from '../domain/events/delivery.js';
import { flagEvents } from '../domain/events/flag-events.js';
import type { Clock, Scheduler } from '../ports/clock.js';
import type { DeadLetter, DueDelivery, EventOutbox, OutboxMessage, TargetStats } from '../ports/event-outbox.js';
import type { FlagChange } from '../ports/flags.js';

export interface WebhookTarget {
  /** Name in the outbox, the logs and the API; must stay the same across restarts. */
  readonly name: string;
  readonly url: string;
  /** HMAC-SHA256 key of the signature header. */
  readonly secret: string;
}

export interface WebhookAnswer {
  readonly status: number;
  readonly body: string;
  /** The receiver's Retry-After, ms (a floor of the next delay). */
  readonly retryAfterMs?: number;
}

/** One HTTP POST; rejects when there is no answer (refused, timed out, reset). */
export type WebhookPost = (url: string, body: string, headers: Readonly<Record<string, string>>) => Promise<WebhookAnswer>;

export interface EventDeliveryOptions {
  /** Poll of the outbox for due deliveries, ms. Default 500. */
  readonly pollMs: number;
  /** Most POSTs under way at once, over all targets. Default 4. */
  readonly maxInFlight: number;
  /** Backoff of retries. Default 1 s doubling, capped at 5 min, up to 20 % less by a deterministic jitter. */
  readonly backoff: RetryBackoffOptions;
  /** Customer self-service link, `{order}` and `{flag}` replaced. Default: none (notices carry no links). */
  readonly linkTemplate?: string;
  /** Most bytes of a refusing answer kept with its dead letter. Default 4096. */
  readonly answerBytes: number;
  /** Most pending deliveries per target; events past it are dropped, logged and counted. Default 100 000. */
  readonly maxPendingPerTarget: number;
  /** Delivered rows are kept this long, ms (idempotent re-enqueue within it). Default 7 days. */
  readonly keepDeliveredMs: number;
}

export const DEFAULT_EVENT_DELIVERY_OPTIONS: EventDeliveryOptions = {
  pollMs: 500, maxInFlight: 4, backoff: DEFAULT_RETRY_BACKOFF, answerBytes: 4096, maxPendingPerTarget: 100_000, keepDeliveredMs: 7 * 86_400_000,
};

export interface EventDeliveryDeps {
  readonly outbox: EventOutbox;
  readonly targets: readonly WebhookTarget[];
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  readonly post: WebhookPost;
  readonly options?: Partial<EventDeliveryOptions>;
}

export interface EventTargetStats extends TargetStats {
  /** Events not enqueued for this target since start because it had `maxPendingPerTarget` pending. */
  readonly dropped: number;
  /** POSTs under way now. */
  readonly inFlight: number;
  /** false: deliveries left in the outbox for a target no longer configured (dead-lettered when due). */
  readonly configured: boolean;
}

const PRUNE_EVERY_MS = 3_600_000;

export class EventDelivery {
  private readonly o: EventDeliveryOptions;
  private readonly targets: ReadonlyMap<string, WebhookTarget>;
  /** `${target}\n${id}` -> the delivery under way. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly accepting = new Set<Promise<void>>();
  private readonly dropped = new Map<string, number>();
  /** Deliveries whose bookkeeping failed, held until then (gateway ms): a broken outbox must not resend in a tight loop. */
  private readonly held = new Map<string, number>();
  private timer: { cancel(): void } | undefined;
  private timerAt = Infinity;
  private ticking: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private lastPrune = -Infinity;

  constructor(private readonly deps: EventDeliveryDeps) {
    this.o = { ...DEFAULT_EVENT_DELIVERY_OPTIONS, ...deps.options };
    this.targets = new Map(deps.targets.map((t) => [t.name, t]));
    // What was pending before a restart is due now.
    this.schedule(0);
  }

  /** The rules' listener: the changes' events, enqueued for every target. Never rejects (failures are logged). */
  readonly accept = (changes: readonly FlagChange[]): Promise<void> => this.acceptMessages(this.flagMessages(changes));

  /** Events as they are (flag events, milestones), enqueued for every target. Never rejects (failures are logged). */
  readonly acceptMessages = (messages: readonly OutboxMessage[]): Promise<void> => {
    if (this.closed || this.targets.size === 0 || messages.length === 0) return Promise.resolve();
    const p = this.enqueueMessages(messages).catch((err: unknown) => this.deps.log.error({ err }, 'events: could not enqueue events; they are lost'));
    this.accepting.add(p);
    void p.finally(() => this.accepting.delete(p));
    return p;
  };

  deadLetters(limit: number, target?: string): Promise<DeadLetter[]> {
    return this.deps.outbox.deadLetters(limit, target);
  }

  /** A dead letter back to pending, due now; false when there is no such dead letter. */
  async retryDeadLetter(id: string, target: string): Promise<boolean> {
    const ok = await this.deps.outbox.retryDeadLetter(id, target, this.deps.clock.now());
    if (ok) this.schedule(0);
    return ok;
  }

  /** Every configured target (zeros when it had nothing yet), and any left in the outbox from an earlier configuration. */
  async stats(): Promise<EventTargetStats[]> {
    const stored = new Map((await this.deps.outbox.stats()).map((s) => [s.target, s]));
    const names = [...new Set([...this.targets.keys(), ...stored.keys()])];
    return names.map((target) => ({
      target, pending: 0, delivered: 0, deadLettered: 0, ...stored.get(target),
      dropped: this.dropped.get(target) ?? 0,
      inFlight: [...this.inFlight.keys()].filter((k) => k.startsWith(`${target}\n`)).length,
      configured: this.targets.has(target),
    }));
  }

  /** Resolves once nothing is being enqueued, polled or sent (tests, shutdown); what is due later stays due. */
  async idle(): Promise<void> {
    while (this.accepting.size > 0 || this.ticking !== undefined || this.inFlight.size > 0) {
      await Promise.all([...this.accepting, this.ticking, ...this.inFlight.values()]);
    }
  }

  /** Stops the loop and waits for the POSTs under way (each ends by the poster's timeout). */
  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.idle();
  }

  private flagMessages(changes: readonly FlagChange[]): OutboxMessage[] {
    return flagEvents(changes, this.o.linkTemplate !== undefined ? { linkTemplate: this.o.linkTemplate } : {})
      .map((m) => ({ id: m.id, type: m.type, orderingKey: m.flag.id, body: JSON.stringify(m) }));
  }

  private async enqueueMessages(messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const pending = new Map((await this.deps.outbox.stats()).map((s) => [s.target, s.pending]));
    const targets: string[] = [];
    for (const t of this.targets.keys()) {
      if ((pending.get(t) ?? 0) + messages.length <= this.o.maxPendingPerTarget) targets.push(t);
      else {
        // docs/engineering.md 6: the outbox is bounded; past the cap new events are refused, counted and logged.
        this.dropped.set(t, (this.dropped.get(t) ?? 0) + messages.length);
        this.deps.log.error({ target: t, dropped: messages.length, cap: this.o.maxPendingPerTarget }, 'events: the outbox of a webhook is full; events dropped');
      }
    }
    if (targets.length === 0) return;
    await this.deps.outbox.enqueue(messages, targets, this.deps.clock.now());
    this.schedule(0);
  }

  /** One timer at a time: the earliest asked for wins. */
  private schedule(ms: number): void {
    if (this.closed) return;
    const at = this.deps.clock.now() + ms;
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.deps.scheduler.after(ms, () => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.tick();
    });
  }

  private tick(): Promise<void> {
    if (this.ticking !== undefined) {
      this.again = true;
      return this.ticking;
    }
    this.ticking = (async () => {
      do {
        this.again = false;
        await this.fill();
      } while (this.again && !this.closed);
    })().catch((err: unknown) => this.deps.log.error({ err }, 'events: the outbox could not be read; tried again at the next poll'))
      .finally(() => {
        this.ticking = undefined;
        this.schedule(this.o.pollMs);
      });
    return this.ticking;
  }

  private async fill(): Promise<void> {
    if (this.closed) return;
    const now = this.deps.clock.now();
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      await this.deps.outbox.prune(now - this.o.keepDeliveredMs);
    }
    const free = this.o.maxInFlight - this.inFlight.size;
    if (free <= 0) return;
    // Deliveries under way are still pending, so they come back; ask for enough to fill the free slots besides.
    for (const d of await this.deps.outbox.due(now, free + this.inFlight.size)) {
      if (this.inFlight.size >= this.o.maxInFlight || this.closed) break;
      const key = `${d.target}\n${d.id}`;
      if (this.inFlight.has(key) || (this.held.get(key) ?? -Infinity) > now) continue;
      this.held.delete(key);
      const p = this.send(d)
        .catch((err: unknown) => {
          this.held.set(key, this.deps.clock.now() + retryDelayMs(d.attempts + 1, 0, this.o.backoff));
          this.deps.log.error({ err, id: d.id, target: d.target }, 'events: delivery bookkeeping failed; the event is sent again later');
        })
        .finally(() => {
          this.inFlight.delete(key);
          this.schedule(0);
        });
      this.inFlight.set(key, p);
    }
  }

  private async send(d: DueDelivery): Promise<void> {
    const { outbox, clock, log } = this.deps;
    const target = this.targets.get(d.target);
    if (target === undefined) {
      await outbox.deadLetter(d.id, d.target, clock.now(), { body: `webhook target '${d.target}' is not configured` });
      log.error({ id: d.id, target: d.target }, 'events: dead letter: its webhook target is no longer configured');
      return;
    }
    const headers = {
      'content-type': 'application/json',
      'x-coldtrace-event': d.type,
      'x-coldtrace-idempotency-key': d.id,
      'x-coldtrace-signature': signBody(target.secret, d.body),
      'x-coldtrace-timestamp': new Date(clock.now()).toISOString(),
      'x-coldtrace-attempt': String(d.attempts + 1),
    };
    let answer: { status: number; body: string; retryAfterMs?: number };
    try {
      answer = await this.deps.post(target.url, d.body, headers);
    } catch (err) {
      return this.retry(d, `no answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    switch (verdictOf(answer.status)) {
      case 'delivered':
        return outbox.markDelivered(d.id, d.target, clock.now());
      case 'retry':
        return this.retry(d, `HTTP ${answer.status}: ${clip(answer.body, 200)}`, answer.retryAfterMs);
      case 'dead':
        await outbox.deadLetter(d.id, d.target, clock.now(), { status: answer.status, body: clip(answer.body, this.o.answerBytes) });
        log.error({ id: d.id, target: d.target, type: d.type, status: answer.status }, 'events: dead letter: the webhook refused the event');
        return;
    }
  }

  private async retry(d: DueDelivery, error: string, retryAfterMs?: number): Promise<void> {
    const now = this.deps.clock.now();
    const delay = retryDelayMs(d.attempts + 1, unitOf(`${d.target}|${d.id}|${d.attempts}`), this.o.backoff, retryAfterMs);
    await this.deps.outbox.markFailed(d.id, d.target, now, error, now + delay);
    // First failure at warn, the rest at debug: a receiver down for an hour must not flood the log.
    const fields = { id: d.id, target: d.target, attempt: d.attempts + 1, retryInMs: delay, error };
    if (d.attempts === 0) this.deps.log.warn(fields, 'events: delivery failed; retrying with backoff');
    else this.deps.log.debug(fields, 'events: delivery failed again');
  }
}

/** The first `bytes` of a UTF-8 string (a character cut in two is dropped). */
function clip(s: string, bytes: number): string {
  const b = Buffer.from(s, 'utf8');
  return b.length <= bytes ? s : b.subarray(0, bytes).toString('utf8').replace(/\uFFFD$/, '');
}
