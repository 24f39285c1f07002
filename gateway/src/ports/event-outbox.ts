/**
 * The durable outbox of events to the order hub (docs/events.md). A message is enqueued once per target: one
 * delivery row per (message, target), each with its own state, attempts and next attempt, so a receiver that is
 * down holds back only its own deliveries. Enqueueing is idempotent by message id (its idempotency key): the same
 * message enqueued again changes nothing. Deliveries of one ordering key (a flag) to one target leave in enqueue
 * order: `due` offers only the oldest pending delivery of each (target, key).
 */

export interface OutboxMessage {
  /** The idempotency key. */
  readonly id: string;
  /** `flag.raised` ... (header x-coldtrace-event). */
  readonly type: string;
  /** Deliveries of one key to one target keep their enqueue order (the flag id). */
  readonly orderingKey: string;
  /** The exact bytes sent and signed, every attempt. */
  readonly body: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** A delivery that is due: the message, its target and how many attempts it had. */
export interface DueDelivery {
  readonly id: string;
  readonly target: string;
  readonly type: string;
  readonly orderingKey: string;
  readonly body: string;
  /** Attempts so far (0 before the first). */
  readonly attempts: number;
  /** Gateway time it was enqueued, ms. */
  readonly enqueuedAt: number;
}

/** The receiver's answer that dead-lettered a delivery; `status` absent when there was no HTTP answer. */
export interface DeadLetterAnswer {
  readonly status?: number;
  /** The answer's body (the first 4 KiB) or why there was none. */
  readonly body: string;
}

export interface DeadLetter {
  readonly id: string;
  readonly target: string;
  readonly type: string;
  readonly orderingKey: string;
  readonly attempts: number;
  readonly enqueuedAt: number;
  readonly deadAt: number;
  readonly answer: DeadLetterAnswer;
  /** The message as it was sent. */
  readonly body: string;
}

export interface TargetStats {
  readonly target: string;
  readonly pending: number;
  readonly delivered: number;
  readonly deadLettered: number;
  /** Enqueue time of the oldest pending delivery, ms; absent when none is pending. */
  readonly oldestPendingAt?: number;
  /** The last failure of a pending delivery (retrying), for the operator. */
  readonly lastError?: string;
}

export interface EventOutbox {
  /** Adds each message for each target, in the given order; a (message, target) already there is left alone. */
  enqueue(messages: readonly OutboxMessage[], targets: readonly string[], at: number): Promise<void>;
  /**
   * Pending deliveries whose next attempt is at or before `now`, at most `limit`, earliest first; of each
   * (target, ordering key) only the oldest pending one (a later event of a flag waits for the earlier).
   */
  due(now: number, limit: number): Promise<DueDelivery[]>;
  markDelivered(id: string, target: string, at: number): Promise<void>;
  /** One more failed attempt; tried again at `nextAttemptAt`. */
  markFailed(id: string, target: string, at: number, error: string, nextAttemptAt: number): Promise<void>;
  /** Given up: kept with the answer for a person (the API), out of the delivery order. */
  deadLetter(id: string, target: string, at: number, answer: DeadLetterAnswer): Promise<void>;
  /** Dead letters, most recent first. */
  deadLetters(limit: number, target?: string): Promise<DeadLetter[]>;
  /** A dead letter goes back to pending, due at `now`, its attempts counted from 0; false when there is no such dead letter. */
  retryDeadLetter(id: string, target: string, now: number): Promise<boolean>;
  /** Counts per target (targets with no delivery at all are absent). */
  stats(): Promise<TargetStats[]>;
  /** Forgets deliveries delivered before `before` (and messages with no delivery left); returns how many. */
  prune(before: number): Promise<number>;
  close(): Promise<void>;
}
