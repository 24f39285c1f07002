/**
 * The notification store port (issue #22, docs/notifications.md): alarms with their escalation state, the outbox of
 * messages to people, and the delivery log of every attempt. Durable: a gateway that restarts finds what was due
 * still due, and what was done still done.
 */
import type { AlarmInfo, Message, MessageKind } from '../domain/notify/message.js';
import type { Silence } from '../domain/notify/escalation.js';
import type { Language } from '../domain/notify/policy.js';

export type AlarmStatus = 'open' | 'held' | 'acknowledged' | 'closed';

export interface Alarm {
  /** `${policy}|${flagId}|${raised at}`: one per policy and flag episode. */
  readonly id: string;
  readonly flagId: string;
  readonly policy: string;
  readonly info: AlarmInfo;
  readonly status: AlarmStatus;
  /** Gateway ms the escalation started from (raised, or the end of a maintenance window that held it). */
  readonly startedAt: number;
  /** 0-based index of the next escalation step; the number of steps taken so far. */
  readonly nextStep: number;
  /** When the next step (or the end of the hold) is due; undefined when escalation is over. */
  readonly nextAt?: number;
  /** The maintenance window holding it (status 'held'). */
  readonly heldBy?: string;
  readonly createdAt: number;
  readonly ackAt?: number;
  readonly ackBy?: string;
  /** How: `link`, `api`, `flag` (the flag acknowledged in the dashboard or API). */
  readonly ackVia?: string;
  readonly closedAt?: number;
  readonly closedReason?: string;
}

/** A message to one person on one channel, waiting in the outbox or done. */
export interface OutMessage {
  readonly id: number;
  readonly kind: MessageKind;
  readonly alarmId?: string;
  readonly recipient: string;
  readonly channel: string;
  readonly address: string;
  readonly language: Language;
  /** 1-based escalation step. */
  readonly step: number;
  /** Messages of one group (recipient, channel, step, site, rule) due together are sent as one. */
  readonly groupKey: string;
  readonly status: 'pending' | 'sent' | 'cancelled';
  readonly attempts: number;
  readonly createdAt: number;
  readonly nextAt: number;
  readonly lastError?: string;
  /** For 'channel-failing': the failing channel and its last error. */
  readonly failing?: { readonly channel: string; readonly error: string; readonly recipient: string };
}

export type NewMessage = Omit<OutMessage, 'id' | 'status' | 'attempts' | 'lastError'>;

/** One attempt at handing a message to a provider: the delivery log. */
export interface DeliveryAttempt {
  readonly seq: number;
  readonly at: number;
  readonly recipient: string;
  readonly channel: string;
  readonly address: string;
  /** The outbox messages this attempt carried (one send per group). */
  readonly messages: readonly number[];
  readonly alarms: readonly string[];
  readonly ok: boolean;
  /** The provider's error when not delivered (an SMTP reply, an HTTP status and body, a connection error). */
  readonly error?: string;
}

export interface ChannelHealth {
  readonly channel: string;
  readonly consecutiveFailures: number;
  readonly failingSince?: number;
  /** When its failure alarm was raised on the failover channel (once per failing period). */
  readonly alarmedAt?: number;
}

export interface NotifyStore {
  /** Adds alarms not known yet (by id), their first step due at their `nextAt`; returns the ids added. One transaction. */
  openAlarms(alarms: readonly Alarm[]): Promise<string[]>;
  get(id: string): Promise<Alarm | undefined>;
  /** Open or held alarms with `nextAt` at or before `now`, oldest first. */
  dueAlarms(now: number, limit: number): Promise<Alarm[]>;
  /**
   * Takes step `step` of an alarm: its messages into the outbox and the next step's time, in one transaction, only
   * if the alarm is still at that step (a second taker changes nothing). Returns whether it was taken.
   */
  takeStep(id: string, step: number, messages: readonly NewMessage[], next: { nextStep: number; nextAt?: number; startedAt?: number }): Promise<boolean>;
  /** A held alarm whose window ended: escalation starts now. */
  release(id: string, at: number): Promise<void>;
  /** Stops the escalation of a flag's open and held alarms; their pending messages are cancelled (kept, with the reason). Returns the alarms changed. */
  acknowledge(flagId: string, by: string, via: string, at: number): Promise<Alarm[]>;
  closeAlarms(flagId: string, reason: string, at: number, alarmId?: string): Promise<Alarm[]>;
  enqueue(messages: readonly NewMessage[]): Promise<void>;
  dueMessages(now: number, limit: number): Promise<OutMessage[]>;
  /** When the next alarm step or message is due; undefined when nothing is. */
  nextDueAt(): Promise<number | undefined>;
  /** The latest successful send of a group, for the group interval. */
  lastSentAt(recipient: string, channel: string, groupKey: string): Promise<number | undefined>;
  /** Records one attempt for a group of messages: sent, or failed and due again at `retryAt`. */
  recordAttempt(messages: readonly number[], attempt: Omit<DeliveryAttempt, 'seq' | 'messages'>, retryAt?: number): Promise<void>;
  attempts(q: { limit: number; alarm?: string; recipient?: string; channel?: string; before?: number }): Promise<DeliveryAttempt[]>;
  alarms(q: { limit: number; status?: AlarmStatus; flag?: string }): Promise<Alarm[]>;
  messages(q: { limit: number; status?: OutMessage['status']; alarm?: string }): Promise<OutMessage[]>;
  channelHealth(channel: string): Promise<ChannelHealth>;
  setChannelHealth(h: ChannelHealth): Promise<void>;
  addSilence(s: SilenceRecord): Promise<void>;
  /** Silences newest first; with `activeAt`, only those in force then. */
  silences(q: { limit: number; activeAt?: number }): Promise<SilenceRecord[]>;
  /**
   * Ends a silence now (its end moves to `at` when that is earlier) and makes the alarms it holds due now.
   * Undefined when there is no such silence.
   */
  expireSilence(id: string, by: string, at: number): Promise<SilenceRecord | undefined>;
  /** Messages waiting in the outbox, and alarms open or held (for /metrics). */
  counts(): Promise<{ readonly pendingMessages: number; readonly open: number; readonly held: number }>;
  /**
   * Deletes what is done and older than `before` (gateway ms): acknowledged and closed alarms with their messages,
   * and delivery attempts. Returns the rows deleted.
   */
  prune(before: number): Promise<number>;
  /** A value kept across restarts (the link-signing key when none is configured). */
  meta(key: string, init: () => string): Promise<string>;
  close(): Promise<void>;
}

/** One message handed to a channel's provider. */
export interface Outgoing {
  /** The recipient's address on the channel. */
  readonly to: string;
  readonly recipient: string;
  readonly language: Language;
  readonly message: Message;
  readonly alarms: readonly { readonly id: string; readonly flagId: string; readonly evidenceUrl?: string; readonly ackUrl?: string }[];
}

/** Hands a message to a provider (an SMTP server, a webhook); rejects with the provider's error. */
export type ChannelSend = (o: Outgoing) => Promise<void>;

export interface SilenceRecord extends Silence {
  readonly createdAt: number;
  /** Ended early: by whom. */
  readonly expiredBy?: string;
}
