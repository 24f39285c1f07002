/**
 * People on duty (issue #22, docs/notifications.md): flag changes open alarms per matching policy; each alarm's
 * escalation steps are taken at their times (step 1 at once, then the next people while nobody acknowledges), each
 * step's messages written to the durable outbox in the same transaction that moves the alarm on, and sent grouped by
 * NotifyDispatch. Acknowledging (the flag in the dashboard or API, or the signed link in a message) stops the
 * escalation and cancels what was not sent yet. Resolving or withdrawing the flag closes its alarms. An alarm raised
 * inside a maintenance window is held until the window ends and then notifies only if its flag still fires. Time
 * comes from the injected clock and scheduler; a restarted gateway picks up what is due from the store.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isFiring } from '../domain/alerts/alertmanager.js';
import type { Flag } from '../domain/flags/types.js';
import { DEFAULT_RETRY_BACKOFF } from '../domain/events/delivery.js';
import { verifyAck, type AckVerdict } from '../domain/notify/ack-link.js';
import { routesOf, silenceEndAt, stepDueAt, stepRecipients, windowEndAt } from '../domain/notify/escalation.js';
import { matches, type NotifyPolicy } from '../domain/notify/policy.js';
import type { Clock, Scheduler } from '../ports/clock.js';
import { FlagTransitionError, type FlagChange, type FlagStore } from '../ports/flags.js';
import type { Alarm, ChannelSend, NewMessage, NotifyStore, SilenceRecord } from '../ports/notify.js';
import { NotifyDispatch, type DispatchOptions } from './notify-dispatch.js';
import type { FactsOf } from './notify-facts.js';
import { testAlarm, type TestAlarm } from './notify-test-alarm.js';
import { WakeTimer } from './wake-timer.js';

export interface NotifyOptions extends DispatchOptions {
  /** A group's first message waits this long for others to join it, ms. Default 1000. */
  readonly groupWaitMs: number;
  /** A group that has sent waits this long before it sends again, ms (Alertmanager's group_interval). Default 5000. */
  readonly groupIntervalMs: number;
  /** Longest wait between rounds, ms (a bound, not a poll: rounds run when something is due). Default 60 000. */
  readonly maxSleepMs: number;
  /** Acknowledged and closed alarms, their messages and the delivery attempts are kept this long, ms. Default 400 days. */
  readonly keepMs: number;
}

export interface NotifyStats {
  readonly pendingMessages: number;
  readonly open: number;
  readonly held: number;
  readonly attempts: readonly { readonly channel: string; readonly delivered: number; readonly failed: number }[];
  /** Every configured channel: failing while its last send failed. */
  readonly channels: readonly { readonly channel: string; readonly failing: boolean }[];
}

const PRUNE_EVERY_MS = 3_600_000;

export const DEFAULT_NOTIFY_OPTIONS: NotifyOptions = {
  groupWaitMs: 1000, groupIntervalMs: 5000, maxSleepMs: 60_000, keepMs: 400 * 86_400_000, batch: 5000, concurrency: 4,
  ackLinkTtlMs: 24 * 3_600_000, failAfterAttempts: 3, backoff: DEFAULT_RETRY_BACKOFF,
};

export interface NotifyDeps {
  readonly store: NotifyStore;
  readonly policy: NotifyPolicy;
  readonly channels: ReadonlyMap<string, ChannelSend>;
  readonly flags: Pick<FlagStore, 'get' | 'transition'>;
  readonly factsOf: FactsOf;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  readonly ackKey: string;
  readonly publicUrl?: string;
  readonly options?: Partial<NotifyOptions>;
}

/** An acknowledgement that cannot be taken: a forged or expired link (403), an unknown alarm (404). */
export class AckError extends Error {
  constructor(readonly code: Extract<AckVerdict, { ok: false }>['code'] | 'E_NOT_FOUND', message: string) {
    super(message);
  }
}

export class NotifyService {
  private readonly o: NotifyOptions;
  private readonly dispatch: NotifyDispatch;
  private accepting: Promise<void> = Promise.resolve();
  private ticking: Promise<void> | undefined;
  private again = false;
  private readonly timer: WakeTimer;
  private closed = false;
  private lastPrune = -Infinity;

  constructor(private readonly d: NotifyDeps) {
    this.o = { ...DEFAULT_NOTIFY_OPTIONS, ...d.options };
    this.timer = new WakeTimer(d.clock, d.scheduler, () => void this.tick());
    this.dispatch = new NotifyDispatch({ ...d, ...(d.publicUrl !== undefined ? { publicUrl: d.publicUrl } : {}), options: this.o });
    // What was due before a restart is due now.
    this.wake(0);
  }

  /** The flag store's listener. Never rejects (failures are logged). */
  readonly accept = (changes: readonly FlagChange[]): Promise<void> => {
    if (this.closed) return Promise.resolve();
    this.accepting = this.accepting.then(() => this.take(changes)).catch((err: unknown) => this.d.log.error({ err }, 'notifications: flag changes could not be taken'));
    return this.accepting;
  };

  /** One click on a signed link: the alarm's flag acknowledged by the recipient the link was sent to. */
  async acknowledgeByLink(token: string): Promise<Alarm> {
    const v = verifyAck(token, this.d.ackKey, this.d.clock.now());
    if (!v.ok) throw new AckError(v.code, v.reason);
    return this.acknowledge(v.claim.alarm, v.claim.by, 'link');
  }

  /** Acknowledges an alarm (and its flag) as `by`; an alarm already acknowledged or closed is returned as it is. */
  async acknowledge(alarmId: string, by: string, via: 'link' | 'api'): Promise<Alarm> {
    const a = await this.d.store.get(alarmId);
    if (a === undefined) throw new AckError('E_NOT_FOUND', `no alarm '${alarmId}'`);
    if (a.status === 'acknowledged' || a.status === 'closed') return a;
    const now = this.d.clock.now();
    await this.d.store.acknowledge(a.flagId, by, via, now);
    try {
      await this.d.flags.transition(a.flagId, 'acknowledged', by, `acknowledged through ${via === 'link' ? 'the link in a notification' : 'the notifications API'} (alarm ${alarmId})`, now);
    } catch (e) {
      // Already acknowledged or resolved on the flag: the alarm's acknowledgement stands.
      if (!(e instanceof FlagTransitionError)) throw e;
    }
    return (await this.d.store.get(alarmId)) ?? a;
  }

  /** Sends a policy's test alarm now (notify-test-alarm.ts); undefined when there is no such policy. */
  async testAlarm(policyId: string, by: string): Promise<(TestAlarm & { readonly by: string }) | undefined> {
    const t = testAlarm(this.d.policy, policyId, this.d.clock.now());
    if (t === undefined) return undefined;
    await this.d.store.enqueue(t.messages);
    this.d.log.warn({ test: t.test.id, by, messages: t.messages.length, unreached: t.test.unreached }, 'notifications: a test alarm goes out');
    this.wake(0);
    return { ...t.test, by };
  }

  /** An ad-hoc silence (who, why, until when): alarms it matches that open while it is in force are held until it ends. */
  async silence(s: Omit<SilenceRecord, 'id' | 'createdAt' | 'startsAt'> & { startsAt?: number }): Promise<SilenceRecord> {
    const now = this.d.clock.now();
    const record: SilenceRecord = { ...s, id: randomUUID(), startsAt: s.startsAt ?? now, createdAt: now };
    await this.d.store.addSilence(record);
    return record;
  }

  /** Ends a silence now: the alarms it held are released (those whose flag still fires escalate). */
  async expireSilence(id: string, by: string): Promise<SilenceRecord | undefined> {
    const s = await this.d.store.expireSilence(id, by, this.d.clock.now());
    if (s !== undefined) this.wake(0);
    return s;
  }

  /** For /metrics: attempts since start by channel and outcome, what waits in the store, failing channels. */
  async stats(): Promise<NotifyStats> {
    const c = await this.d.store.counts();
    const channels: { channel: string; failing: boolean }[] = [];
    for (const ch of this.d.policy.channels) channels.push({ channel: ch.name, failing: (await this.d.store.channelHealth(ch.name)).consecutiveFailures > 0 });
    return { ...c, attempts: this.dispatch.attemptCounts(), channels };
  }

  /** Resolves once nothing is being taken or sent (tests, shutdown). */
  async idle(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const before = this.accepting;
      await before;
      await this.ticking;
      if (before === this.accepting && this.ticking === undefined) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer.stop();
    await this.idle();
  }

  private async take(changes: readonly FlagChange[]): Promise<void> {
    const now = this.d.clock.now();
    const raised: Flag[] = [];
    for (const { flag, events } of changes) {
      const last = flag.events.at(-1);
      if (events.includes('acknowledged') && last !== undefined) await this.d.store.acknowledge(flag.id, last.by, 'flag', last.at);
      if (events.includes('resolved')) await this.d.store.closeAlarms(flag.id, `resolved by ${last?.by ?? 'someone'}`, now);
      if (events.includes('withdrawn')) await this.d.store.closeAlarms(flag.id, 'withdrawn: the data no longer shows it', now);
      const opens = events.some((e) => e === 'raised' || e === 'reactivated' || e === 'reopened');
      if (opens && flag.state === 'open' && !flag.withdrawn) raised.push(flag);
    }
    if (raised.length === 0) return;
    const facts = await this.d.factsOf(raised);
    const silences = await this.d.store.silences({ limit: 10_000, activeAt: now });
    const alarms: Alarm[] = [];
    // A flag whose condition comes back while its alarm still escalates (cleared, then reactivated) keeps that alarm.
    const escalating = await Promise.all(raised.map(async (flag) => new Set((await this.d.store.alarms({ limit: 1000, flag: flag.id }))
      .filter((a) => a.status === 'open' || a.status === 'held').map((a) => a.policy))));
    raised.forEach((flag, i) => {
      const f = facts[i]!;
      const at = flag.events.findLast((e) => e.kind === 'raised' || e.kind === 'reactivated' || e.kind === 'reopened')?.at ?? now;
      const held = quietUntil(windowEndAt(this.d.policy.windows, f.facts, now), silenceEndAt(silences, f.facts, now));
      for (const p of this.d.policy.policies.filter((x) => matches(x.match, f.facts) && !escalating[i]!.has(x.id))) {
        const id = `${p.id}|${flag.id}|${at}`;
        alarms.push({
          id, flagId: flag.id, policy: p.id, info: { ...f.info, id }, createdAt: now, nextStep: 0,
          ...(held !== undefined ? { status: 'held', startedAt: held.end, nextAt: held.end, heldBy: held.window } : { status: 'open', startedAt: now, nextAt: now }),
        });
      }
    });
    const added = await this.d.store.openAlarms(alarms);
    if (added.length > 0) {
      this.d.log.info({ alarms: added.length }, 'notifications: alarms opened');
      this.wake(0);
    }
  }

  private wake(ms: number): void {
    if (!this.closed) this.timer.at(ms);
  }

  private tick(): Promise<void> {
    if (this.ticking !== undefined) {
      this.again = true;
      return this.ticking;
    }
    this.ticking = (async () => {
      do {
        this.again = false;
        const now = this.d.clock.now();
        if (now - this.lastPrune >= PRUNE_EVERY_MS) {
          this.lastPrune = now;
          const pruned = await this.d.store.prune(now - this.o.keepMs);
          if (pruned > 0) this.d.log.info({ pruned, keepDays: this.o.keepMs / 86_400_000 }, 'notifications: old alarms, messages and attempts pruned');
        }
        await this.escalate(now);
        await this.dispatch.round(now);
      } while (this.again && !this.closed);
    })().catch((err: unknown) => this.d.log.error({ err }, 'notifications: a round failed; tried again later'))
      .finally(() => {
        this.ticking = undefined;
        void this.planNext();
      });
    return this.ticking;
  }

  private async planNext(): Promise<void> {
    const next = await this.d.store.nextDueAt();
    const now = this.d.clock.now();
    this.wake(Math.min(this.o.maxSleepMs, Math.max(0, (next ?? Infinity) - now)));
  }

  /** Takes every step due at `now` (several for an alarm when the gateway was down past them). */
  private async escalate(now: number): Promise<void> {
    for (let round = 0; round < 100; round++) {
      const due = await this.d.store.dueAlarms(now, this.o.batch);
      if (due.length === 0) return;
      for (const a of due) await this.step(a, now);
    }
  }

  private async step(a: Alarm, now: number): Promise<void> {
    const policy = this.d.policy.policies.find((p) => p.id === a.policy);
    if (policy === undefined) {
      await this.d.store.closeAlarms(a.flagId, `policy '${a.policy}' is no longer configured`, now, a.id);
      this.d.log.warn({ alarm: a.id }, 'notifications: an alarm of a policy no longer configured is closed');
      return;
    }
    if (a.status === 'held') {
      const flag = await this.d.flags.get(a.flagId);
      const inside = a.heldBy?.startsWith('silence:') === true ? `silence '${a.heldBy.slice(8)}'` : `maintenance window '${a.heldBy ?? '?'}'`;
      if (flag === undefined || !isFiring(flag)) await this.d.store.closeAlarms(a.flagId, `ended inside ${inside}`, now, a.id);
      else await this.d.store.release(a.id, now);
      return;
    }
    const i = a.nextStep;
    const at = stepDueAt(policy, i, a.startedAt) ?? now;
    const people = stepRecipients(this.d.policy, policy, i, at);
    const messages: NewMessage[] = [];
    for (const id of people) {
      const r = this.d.policy.recipients.find((x) => x.id === id);
      if (r === undefined) continue;
      for (const route of routesOf(policy, r)) {
        const groupKey = `${i + 1}|${a.info.sites.join(',') || a.info.zones.join(',')}|${a.info.rule}`;
        const last = await this.d.store.lastSentAt(r.id, route.channel, groupKey);
        const wait = policy.group?.waitSec !== undefined ? policy.group.waitSec * 1000 : this.o.groupWaitMs;
        const interval = policy.group?.intervalSec !== undefined ? policy.group.intervalSec * 1000 : this.o.groupIntervalMs;
        const nextAt = Math.max(now + wait, last === undefined ? 0 : last + interval);
        messages.push({ kind: 'alarm', alarmId: a.id, recipient: r.id, channel: route.channel, address: route.address, language: r.language, step: i + 1, groupKey, createdAt: now, nextAt });
      }
    }
    const nextAt = stepDueAt(policy, i + 1, a.startedAt);
    const taken = await this.d.store.takeStep(a.id, i, messages, { nextStep: i + 1, ...(nextAt !== undefined ? { nextAt } : {}) });
    if (taken && messages.length === 0) {
      // Nobody to tell at this step (an empty shift, nobody with an address on the policy's channels): logged and in the delivery log.
      await this.d.store.recordAttempt([], { at: now, recipient: '(nobody)', channel: '-', address: '-', alarms: [a.id], ok: false, error: `step ${i + 1}: nobody on duty or reachable on the policy's channels` });
      this.d.log.error({ alarm: a.id, step: i + 1 }, 'notifications: an escalation step found nobody to tell');
    }
  }
}

/** The later of a maintenance window's end and a silence's end, as the hold of an alarm. */
function quietUntil(w: { end: number; window: string } | undefined, s: { end: number; silence: string } | undefined): { end: number; window: string } | undefined {
  if (s !== undefined && (w === undefined || s.end > w.end)) return { end: s.end, window: `silence:${s.silence}` };
  return w;
}
