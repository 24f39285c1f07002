/**
 * Sending the notification outbox (issue #22, docs/notifications.md). Due messages are grouped by recipient, channel
 * and group (step, site, rule): one send tells a person about every alarm of the group, so a site-wide power cut is
 * a handful of messages, not a thousand. Every attempt goes to the delivery log with the provider's answer. A failed
 * send is retried after a capped backoff, without end, until it is delivered or its alarms are acknowledged or
 * closed; a channel that fails `failAfterAttempts` times in a row raises its own alarm on its failover channel, to
 * the people it could not reach, with their alarms.
 */
import type { Logger } from 'pino';
import { retryDelayMs, unitOf, type RetryBackoffOptions } from '../domain/events/delivery.js';
import { signAck } from '../domain/notify/ack-link.js';
import { renderMessage, type AlarmInfo } from '../domain/notify/message.js';
import type { NotifyPolicy } from '../domain/notify/policy.js';
import type { Alarm, ChannelSend, NewMessage, NotifyStore, OutMessage } from '../ports/notify.js';
import { policyOfTest } from './notify-test-alarm.js';

export interface DispatchOptions {
  /** Most messages read from the outbox per round. */
  readonly batch: number;
  /** Most sends under way at once. */
  readonly concurrency: number;
  /** An acknowledgement link is valid this long after it is sent, ms. */
  readonly ackLinkTtlMs: number;
  /** Failed sends in a row after which a channel's failure alarm goes out on its failover channel. */
  readonly failAfterAttempts: number;
  readonly backoff: RetryBackoffOptions;
}

export interface DispatchDeps {
  readonly store: NotifyStore;
  readonly policy: NotifyPolicy;
  readonly channels: ReadonlyMap<string, ChannelSend>;
  readonly log: Logger;
  /** The link-signing key. */
  readonly ackKey: string;
  /** The gateway as people reach it; none: messages carry no links. */
  readonly publicUrl?: string;
  readonly options: DispatchOptions;
}

/** `${recipient}\n${channel}\n${groupKey}`. */
type GroupId = string;

export class NotifyDispatch {
  /** Sends since start by channel. */
  private readonly counts = new Map<string, { delivered: number; failed: number }>();

  constructor(private readonly d: DispatchDeps) {}

  attemptCounts(): { channel: string; delivered: number; failed: number }[] {
    return [...this.counts].map(([channel, c]) => ({ channel, ...c }));
  }

  private count(channel: string, ok: boolean): void {
    const c = this.counts.get(channel) ?? { delivered: 0, failed: 0 };
    if (ok) c.delivered++;
    else c.failed++;
    this.counts.set(channel, c);
  }

  /** Sends what is due at `now`; resolves when every send of this round has ended and been recorded. */
  async round(now: number): Promise<void> {
    const due = await this.d.store.dueMessages(now, this.d.options.batch);
    const groups = new Map<GroupId, OutMessage[]>();
    for (const m of due) {
      const k = `${m.recipient}\n${m.channel}\n${m.groupKey}`;
      const g = groups.get(k);
      if (g === undefined) groups.set(k, [m]);
      else g.push(m);
    }
    const alarms = new Map<string, Alarm | undefined>();
    for (const id of new Set(due.flatMap((m) => (m.alarmId !== undefined ? [m.alarmId] : [])))) alarms.set(id, await this.d.store.get(id));
    const queue = [...groups.values()];
    const worker = async (): Promise<void> => {
      for (let g = queue.shift(); g !== undefined; g = queue.shift()) await this.send(g, alarms, now);
    };
    await Promise.all(Array.from({ length: Math.min(this.d.options.concurrency, queue.length) }, worker));
  }

  private async send(group: readonly OutMessage[], alarms: ReadonlyMap<string, Alarm | undefined>, now: number): Promise<void> {
    const first = group[0]!;
    const person = this.d.policy.recipients.find((r) => r.id === first.recipient);
    const infos = group.flatMap((m) => {
      const a = m.alarmId === undefined ? undefined : alarms.get(m.alarmId);
      return a === undefined ? [] : [{ info: { ...a.info, id: a.id } as AlarmInfo, ackUrl: this.ackUrl(a.id, m.recipient, now) }];
    });
    const message = renderMessage({
      kind: first.kind, language: first.language, step: Math.max(...group.map((m) => m.step)),
      alarms: infos.map((x) => ({ info: x.info, ...(x.ackUrl !== undefined ? { ackUrl: x.ackUrl } : {}) })),
      ...(first.failing !== undefined ? { failing: first.failing } : {}),
      ...(first.kind === 'test' ? { test: { policy: policyOfTest(first.groupKey), id: first.groupKey } } : {}),
    });
    const ids = group.map((m) => m.id);
    // A test alarm's attempts are logged under the test's id (notify-test-alarm.ts).
    const alarmIds = first.kind === 'test' ? [first.groupKey] : [...new Set(group.flatMap((m) => (m.alarmId !== undefined ? [m.alarmId] : [])))];
    const channel = this.d.channels.get(first.channel);
    let error: string | undefined;
    try {
      if (channel === undefined) throw new Error(`channel '${first.channel}' is not configured`);
      await channel({
        to: first.address, recipient: first.recipient, language: first.language, message,
        alarms: infos.map((x) => ({ id: x.info.id, flagId: x.info.flagId, ...(x.info.evidenceUrl !== undefined ? { evidenceUrl: x.info.evidenceUrl } : {}), ...(x.ackUrl !== undefined ? { ackUrl: x.ackUrl } : {}) })),
      });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const attempt = { at: now, recipient: first.recipient, channel: first.channel, address: first.address, alarms: alarmIds, ok: error === undefined };
    this.count(first.channel, error === undefined);
    if (error === undefined) {
      await this.d.store.recordAttempt(ids, attempt);
      await this.d.store.setChannelHealth({ channel: first.channel, consecutiveFailures: 0 });
      return;
    }
    const attempts = Math.max(...group.map((m) => m.attempts)) + 1;
    const retryAt = now + retryDelayMs(attempts, unitOf(`${first.id}:${attempts}`), this.d.options.backoff);
    await this.d.store.recordAttempt(ids, { ...attempt, error }, retryAt);
    this.d.log.warn({ recipient: first.recipient, channel: first.channel, attempts, error, retryAt }, 'notifications: a send failed; tried again later');
    await this.channelFailed(first.channel, error, now, person?.name ?? first.recipient, first.kind === 'channel-failing');
  }

  /** Counts a failure of a channel and, once it keeps failing, tells the people it leaves unreached on its failover. */
  private async channelFailed(channel: string, error: string, now: number, who: string, isFailureAlarm: boolean): Promise<void> {
    const h = await this.d.store.channelHealth(channel);
    const failures = h.consecutiveFailures + 1;
    const health = { channel, consecutiveFailures: failures, failingSince: h.failingSince ?? now, ...(h.alarmedAt !== undefined ? { alarmedAt: h.alarmedAt } : {}) };
    const config = this.d.policy.channels.find((c) => c.name === channel);
    if (failures < this.d.options.failAfterAttempts || h.alarmedAt !== undefined || isFailureAlarm) {
      await this.d.store.setChannelHealth(health);
      return;
    }
    await this.d.store.setChannelHealth({ ...health, alarmedAt: now });
    const failover = config?.failover;
    if (failover === undefined) {
      this.d.log.error({ channel, error, failures }, 'notifications: a channel keeps failing and has no failover channel; its messages stay pending and are retried');
      return;
    }
    const pending = (await this.d.store.messages({ status: 'pending', limit: 100_000 })).filter((m) => m.channel === channel);
    const out: NewMessage[] = [];
    for (const m of pending) {
      const r = this.d.policy.recipients.find((x) => x.id === m.recipient);
      const address = r?.contacts[failover];
      if (r === undefined || address === undefined) continue;
      out.push({
        kind: 'channel-failing', ...(m.alarmId !== undefined ? { alarmId: m.alarmId } : {}), recipient: r.id, channel: failover, address, language: r.language,
        step: m.step, groupKey: `failing|${channel}`, createdAt: now, nextAt: now, failing: { channel, error, recipient: r.name },
      });
    }
    this.d.log.error({ channel, failover, error, failures, told: out.length }, 'notifications: a channel keeps failing; its failure alarm goes out on the failover channel');
    if (out.length === 0) this.d.log.error({ channel, failover, who }, 'notifications: nobody of the unreached has an address on the failover channel');
    await this.d.store.enqueue(out);
  }

  private ackUrl(alarm: string, by: string, now: number): string | undefined {
    if (this.d.publicUrl === undefined) return undefined;
    const token = signAck({ alarm, by, exp: now + this.d.options.ackLinkTtlMs }, this.d.ackKey);
    return `${this.d.publicUrl.replace(/\/+$/, '')}/api/v1/notifications/ack?token=${token}`;
  }
}
