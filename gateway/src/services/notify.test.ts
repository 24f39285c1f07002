/**
 * The notification service with an injected clock (ManualTime), a real SQLite outbox and flag store in a temp dir,
 * and channels that record what they are handed (the real SMTP and webhook channels are tested against real servers
 * in test/integration/notify.int.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Finding } from '../domain/flags/types.js';
import { parsePolicy, type NotifyPolicy } from '../domain/notify/policy.js';
import { isTimeZone } from '../domain/notify/schedule.js';
import { openDatabase } from '../adapters/sqlite/database.js';
import { SqliteFlagStore } from '../adapters/sqlite/flags/flag-store.js';
import { SqliteNotifyStore } from '../adapters/sqlite/notify/notify-store.js';
import type { ChannelSend, Outgoing } from '../ports/notify.js';
import { ManualTime } from '../../test/support/manual-time.js';
import { NotifyingFlagStore } from './notifying-flag-store.js';
import { flagFacts } from './notify-facts.js';
import { AckError, NotifyService, type NotifyOptions } from './notify.js';

/** Wednesday 2026-01-14 10:00 Berlin: ana's day shift. */
const T0 = Date.parse('2026-01-14T09:00:00Z');
const MIN = 60_000;

const POLICY = {
  channels: [
    { name: 'mail', kind: 'email', from: 'ct@example.com', host: 'smtp.invalid', failover: 'chat' },
    { name: 'chat', kind: 'webhook', format: 'slack', url: 'https://chat.invalid/hook' },
  ],
  recipients: [
    { id: 'ana', name: 'Ana', language: 'en', contacts: { mail: 'ana@example.com', chat: '@ana' } },
    { id: 'li', name: 'Li', language: 'zh', contacts: { mail: 'li@example.com' } },
    { id: 'mgr', name: 'Manager', contacts: { mail: 'mgr@example.com' } },
    { id: 'qa', name: 'Quality', contacts: { mail: 'qa@example.com' } },
  ],
  schedules: [{ id: 'wh1', timeZone: 'Europe/Berlin', shifts: [{ from: '06:00', to: '18:00', people: ['ana'] }, { from: '18:00', to: '06:00', people: ['li'] }] }],
  policies: [{ id: 'wh1', match: { sites: ['WH1'] }, channels: ['mail'], steps: [{ notify: ['schedule:wh1'] }, { notify: ['mgr'] }, { notify: ['qa'] }] }],
  windows: [{ id: 'defrost', zones: ['Z-D'], start: '2026-01-14T09:00:00Z', durationMin: 30, everyHours: 6, reason: 'defrost cycle' }],
};

function policyOf(doc: unknown): NotifyPolicy {
  const r = parsePolicy(doc, isTimeZone);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.policy;
}

const finding = (batch: string, over: Partial<Finding> = {}): Finding => ({
  rule: 'excursion/temperature/upper/8/consecutive/30', params: {}, subject: { kind: 'batch', id: batch }, severity: 'major', title: 'temperature ≥ 8 for 30 min',
  startMs: T0 - 40 * MIN, endMs: T0, metAtMs: T0 - 10 * MIN, active: true, episodes: [], figures: { max: 9.4 },
  related: { devices: ['S-1'], zones: ['Z-A'], batches: [batch], shipments: [], orders: [`PO-${batch}`] }, ...over,
});

interface Sent { at: number; channel: string; to: string; recipient: string; subject: string; text: string; alarms: Outgoing['alarms'] }

describe('NotifyService', () => {
  let dir: string;
  let time: ManualTime;
  let sent: Sent[];
  let failing: Set<string>;
  let flags: NotifyingFlagStore;
  let flagDb: ReturnType<typeof openDatabase>;
  let store: SqliteNotifyStore;
  let svc: NotifyService;

  const channel = (name: string): ChannelSend => (o) => {
    if (failing.has(name)) return Promise.reject(new Error('550 5.1.1 mailbox unavailable'));
    sent.push({ at: time.t, channel: name, to: o.to, recipient: o.recipient, subject: o.message.subject, text: o.message.text, alarms: o.alarms });
    return Promise.resolve();
  };
  const start = (doc: unknown = POLICY, options: Partial<NotifyOptions> = {}): void => {
    store = new SqliteNotifyStore(openDatabase(join(dir, 'notify.db'), { durability: 'normal' }));
    svc = new NotifyService({
      store, policy: policyOf(doc), channels: new Map([['mail', channel('mail')], ['chat', channel('chat')]]), flags, clock: time, scheduler: time,
      log: pino({ level: 'silent' }), ackKey: 'test-key', publicUrl: 'https://ct.example.com', options,
      factsOf: flagFacts({ get: ((kind: string, id: string) => Promise.resolve(kind === 'zones' ? { id, site: 'WH1', name: id } : undefined)) as never }, 'https://ct.example.com'),
    });
  };
  const idle = (): Promise<void> => svc.idle();
  const advance = (ms: number): Promise<void> => time.advance(ms, idle, 1000);
  const raise = async (findings: Finding[]): Promise<void> => {
    const changes = await flags.reconcile(findings.map((f) => f.subject), findings, time.t);
    await svc.accept(changes);
    await time.settle(idle);
  };
  const tokenOf = (s: Sent): string => new URL(/https:\/\/ct\.example\.com\/api\/v1\/notifications\/ack\?token=\S+/.exec(s.text)![0]).searchParams.get('token')!;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-notify-'));
    time = new ManualTime(T0);
    sent = [];
    failing = new Set();
    flagDb = openDatabase(join(dir, 'flags.db'), { durability: 'normal' });
    flags = new NotifyingFlagStore(new SqliteFlagStore(flagDb, { chain: false }), (changes) => svc.accept(changes));
    start();
  });
  afterEach(async () => {
    await svc.close();
    await store.close();
    flagDb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells the operator on duty at once, the manager at 15 min and the quality lead at 30 min when nobody acknowledges', async () => {
    await raise([finding('B-1')]);
    await advance(45 * MIN);
    expect(sent.map((s) => [s.recipient, s.to, (s.at - T0) / 1000])).toEqual([
      ['ana', 'ana@example.com', 1], ['mgr', 'mgr@example.com', 15 * 60 + 1], ['qa', 'qa@example.com', 30 * 60 + 1],
    ]);
    expect(sent[0]!.subject).toBe('[Coldtrace] Major alarm: temperature ≥ 8 for 30 min (batch B-1 at Z-A, WH1)');
    expect(sent[1]!.subject).toContain('escalation step 2');
    expect(sent[0]!.text).toContain('Orders at risk: PO-B-1');
    expect(sent[0]!.text).toContain('Evidence: https://ct.example.com/api/v1/flags/');
    const log = await store.attempts({ limit: 10 });
    expect(log.map((a) => [a.recipient, a.channel, a.ok])).toEqual([['qa', 'mail', true], ['mgr', 'mail', true], ['ana', 'mail', true]]);
  });

  it('tells the night operator in Chinese at night (the schedule in Berlin time)', async () => {
    time.t = Date.parse('2026-01-14T22:00:00Z');
    await raise([finding('B-2')]);
    await advance(2000);
    expect(sent.map((s) => s.recipient)).toEqual(['li']);
    expect(sent[0]!.subject).toContain('重要报警');
  });

  it('stops escalating when the link in the message is clicked, and records who and when', async () => {
    await raise([finding('B-1')]);
    await advance(5 * MIN);
    const alarm = await svc.acknowledgeByLink(tokenOf(sent[0]!));
    expect(alarm).toMatchObject({ status: 'acknowledged', ackBy: 'ana', ackVia: 'link', ackAt: T0 + 5 * MIN });
    const flag = await flags.get(alarm.flagId);
    expect(flag?.state).toBe('acknowledged');
    expect(flag?.events.at(-1)).toMatchObject({ kind: 'acknowledged', by: 'ana', at: T0 + 5 * MIN });
    await advance(40 * MIN);
    expect(sent.map((s) => s.recipient)).toEqual(['ana']);
  });

  it('keeps one alarm when the condition ends and comes back while it escalates', async () => {
    await raise([finding('B-1')]);
    await advance(5 * MIN);
    await raise([finding('B-1', { active: false })]);
    await advance(MIN);
    await raise([finding('B-1', { endMs: T0 + 6 * MIN })]);
    await advance(20 * MIN);
    expect((await flags.get('excursion/temperature/upper/8/consecutive/30@batch:B-1'))?.events.map((e) => e.kind)).toContain('reactivated');
    expect(sent.map((s) => s.recipient)).toEqual(['ana', 'mgr']);
    expect(await store.alarms({ limit: 10 })).toHaveLength(1);
  });

  it('stops escalating when the flag is acknowledged in the dashboard', async () => {
    await raise([finding('B-1')]);
    await advance(16 * MIN);
    await flags.transition(sent[0]!.alarms[0]!.flagId, 'acknowledged', 'mgr-on-dashboard', undefined, time.t);
    await advance(30 * MIN);
    expect(sent.map((s) => s.recipient)).toEqual(['ana', 'mgr']);
    expect((await store.alarms({ limit: 1 }))[0]).toMatchObject({ status: 'acknowledged', ackBy: 'mgr-on-dashboard', ackVia: 'flag' });
  });

  it('refuses an expired link and a forged one, and escalation goes on', async () => {
    svc.close().catch(() => undefined);
    await store.close();
    start(POLICY, { ackLinkTtlMs: 10 * MIN });
    await raise([finding('B-1')]);
    await advance(2000);
    const token = tokenOf(sent[0]!);
    const forged = `${Buffer.from(JSON.stringify({ a: sent[0]!.alarms[0]!.id, b: 'mallory', e: T0 + 99 * MIN })).toString('base64url')}.${token.split('.')[1]}`;
    await expect(svc.acknowledgeByLink(forged)).rejects.toMatchObject({ code: 'E_ACK_LINK_FORGED' });
    await advance(11 * MIN);
    await expect(svc.acknowledgeByLink(token)).rejects.toBeInstanceOf(AckError);
    await expect(svc.acknowledgeByLink(token)).rejects.toMatchObject({ code: 'E_ACK_LINK_EXPIRED' });
    await advance(5 * MIN);
    expect(sent.map((s) => s.recipient)).toEqual(['ana', 'mgr']);
    expect((await flags.get(sent[0]!.alarms[0]!.flagId))?.state).toBe('open');
  });

  it('loses and repeats nothing across a restart in the middle of an escalation', async () => {
    await raise([finding('B-1')]);
    await advance(16 * MIN);
    await svc.close();
    await store.close();
    // Down from minute 16 to minute 40: the quality lead's step (due at 30) is taken when it comes back.
    time.t = T0 + 40 * MIN;
    time.tasks = [];
    start();
    await advance(20 * MIN);
    expect(sent.map((s) => [s.recipient, Math.round((s.at - T0) / MIN)])).toEqual([['ana', 0], ['mgr', 15], ['qa', 40]]);
    expect(await store.messages({ limit: 100, status: 'pending' })).toEqual([]);
  });

  it('groups 1,000 simultaneous alarms into a handful of messages per recipient within 10 s', async () => {
    // A site-wide power cut: the rules raise the flags in a few rounds a fraction of a second apart.
    for (let round = 0; round < 4; round++) {
      await raise(Array.from({ length: 250 }, (_, i) => finding(`P-${round * 250 + i}`)));
      await advance(300);
    }
    await advance(10_000 - 1200);
    const toAna = sent.filter((s) => s.recipient === 'ana');
    expect(toAna.length).toBeGreaterThanOrEqual(1);
    expect(toAna.length).toBeLessThanOrEqual(3);
    expect(new Set(toAna.flatMap((s) => s.alarms.map((a) => a.flagId))).size).toBe(1000);
    expect(toAna.every((s) => s.at - T0 <= 10_000)).toBe(true);
    expect(toAna[0]!.subject).toMatch(/^\[Coldtrace\] Major alarm: \d+ alarms at WH1$/);
  });

  it('sends each alarm of a group on its own after its own wait when the policy sets no group interval', async () => {
    const doc = { ...POLICY, policies: [{ ...POLICY.policies[0], group: { waitSec: 0.5, intervalSec: 0 } }] };
    await svc.close();
    await store.close();
    start(doc);
    for (let i = 0; i < 3; i++) {
      await raise([finding(`G-${i}`)]);
      await time.advance(1000, idle, 100);
    }
    expect(sent.map((s) => [s.alarms.map((a) => a.flagId.split(':')[1]), s.at - T0])).toEqual([[['G-0'], 500], [['G-1'], 1500], [['G-2'], 2500]]);
  });

  it('holds notifications inside a defrost window but keeps the flag; an excursion that outlasts the window notifies', async () => {
    const inDefrost = (batch: string, active = true): Finding => finding(batch, { active, related: { devices: ['S-D'], zones: ['Z-D'], batches: [batch], shipments: [], orders: [] } });
    await raise([inDefrost('SHORT'), inDefrost('LONG')]);
    await advance(20 * MIN);
    expect(sent).toEqual([]);
    expect((await flags.get('excursion/temperature/upper/8/consecutive/30@batch:SHORT'))?.state).toBe('open');
    // The short one ends inside the window; the long one goes on past its end (minute 30).
    await svc.accept(await flags.reconcile([{ kind: 'batch', id: 'SHORT' }], [inDefrost('SHORT', false)], time.t));
    await advance(12 * MIN);
    expect(sent.map((s) => [s.recipient, s.alarms.map((a) => a.flagId.split(':')[1])])).toEqual([['ana', ['LONG']]]);
    expect(sent[0]!.at).toBeGreaterThanOrEqual(T0 + 30 * MIN);
    const short = (await store.alarms({ limit: 10 })).find((a) => a.flagId.endsWith('SHORT'));
    expect(short).toMatchObject({ status: 'closed', closedReason: "ended inside maintenance window 'defrost'" });
  });

  it('holds alarms under an ad-hoc silence (author, reason, expiry) and releases them when it is ended early', async () => {
    const silence = await svc.silence({ sites: ['WH1'], endsAt: T0 + 60 * MIN, author: 'ana', reason: 'compressor repair' });
    await raise([finding('B-1')]);
    await advance(5 * MIN);
    expect(sent).toEqual([]);
    expect((await store.alarms({ limit: 1 }))[0]).toMatchObject({ status: 'held', heldBy: `silence:${silence.id}`, nextAt: T0 + 60 * MIN });
    expect(await store.silences({ limit: 10, activeAt: time.t })).toMatchObject([{ id: silence.id, author: 'ana', reason: 'compressor repair' }]);
    await svc.expireSilence(silence.id, 'ben');
    await time.settle(idle);
    await advance(2000);
    expect(sent.map((s) => [s.recipient, s.at - T0])).toEqual([['ana', 5 * MIN + 1000]]);
    expect(await store.silences({ limit: 10, activeAt: time.t })).toEqual([]);
    expect((await store.silences({ limit: 10 }))[0]).toMatchObject({ expiredBy: 'ben', endsAt: T0 + 5 * MIN });
  });

  it('lets a silence of another site or rule pass', async () => {
    await svc.silence({ sites: ['WH2'], endsAt: T0 + 60 * MIN, author: 'ana', reason: 'other site' });
    await svc.silence({ sites: ['WH1'], rules: ['shelf-life/'], endsAt: T0 + 60 * MIN, author: 'ana', reason: 'other rule' });
    await raise([finding('B-1')]);
    await advance(2000);
    expect(sent.map((s) => s.recipient)).toEqual(['ana']);
  });

  it('prunes acknowledged alarms, their messages and the attempts once they are older than keepMs, and keeps open ones', async () => {
    await svc.close();
    await store.close();
    start(POLICY, { keepMs: 60 * MIN });
    await raise([finding('OLD'), finding('OPEN')]);
    await advance(2000);
    await flags.transition('excursion/temperature/upper/8/consecutive/30@batch:OLD', 'acknowledged', 'ana', undefined, time.t);
    expect((await store.attempts({ limit: 10 })).length).toBe(1);
    // The hourly prune after keepMs: the acknowledged alarm and the attempt go, the open alarm stays.
    await advance(2 * 60 * MIN);
    const left = await store.alarms({ limit: 10 });
    expect(left.map((a) => a.flagId.split(':')[1])).toEqual(['OPEN']);
    expect((await store.attempts({ limit: 100 })).filter((a) => a.at < time.t - 60 * MIN)).toEqual([]);
    expect(await svc.stats()).toMatchObject({ open: 1, held: 0, pendingMessages: 0, channels: [{ channel: 'mail', failing: false }, { channel: 'chat', failing: false }] });
  });

  it('retries a refusing SMTP channel and raises its failure alarm on the failover channel, every attempt logged', async () => {
    failing.add('mail');
    await raise([finding('B-1')]);
    await advance(10_000);
    const log = await store.attempts({ limit: 100, channel: 'mail' });
    expect(log.length).toBeGreaterThanOrEqual(3);
    expect(log.every((a) => !a.ok && a.error === '550 5.1.1 mailbox unavailable')).toBe(true);
    const chat = sent.filter((s) => s.channel === 'chat');
    expect(chat.map((s) => [s.recipient, s.to])).toEqual([['ana', '@ana']]);
    expect(chat[0]!.subject).toBe("[Coldtrace] Notification channel 'mail' is failing: Ana may not be reached");
    expect(chat[0]!.text).toContain('temperature ≥ 8 for 30 min');
    // The mail is still pending and goes out once the server takes it again.
    failing.delete('mail');
    await advance(5 * MIN);
    expect(sent.filter((s) => s.channel === 'mail').map((s) => s.recipient)).toEqual(['ana']);
  });
});
