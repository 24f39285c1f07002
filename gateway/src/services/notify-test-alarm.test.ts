/**
 * Test alarms (docs/notifications.md "Testing the alarm system") with an injected clock, a real SQLite outbox and
 * channels that record what they are handed: every step's people told at once on their channels, the attempts in
 * the delivery log under the test's id, a refusing channel retried like an alarm, no alarm opened.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parsePolicy } from '../domain/notify/policy.js';
import { isTimeZone } from '../domain/notify/schedule.js';
import { openDatabase } from '../adapters/sqlite/database.js';
import { SqliteNotifyStore } from '../adapters/sqlite/notify/notify-store.js';
import type { ChannelSend } from '../ports/notify.js';
import { ManualTime } from '../../test/support/manual-time.js';
import { NotifyService } from './notify.js';
import { policyOfTest, testId } from './notify-test-alarm.js';

/** Wednesday 2026-01-14 22:00 Berlin: li's night shift. */
const T0 = Date.parse('2026-01-14T21:00:00Z');

const DOC = {
  channels: [{ name: 'mail', kind: 'email', from: 'ct@example.com', host: 'smtp.invalid' }, { name: 'sms', kind: 'webhook', format: 'json', url: 'https://sms.invalid/send' }],
  recipients: [
    { id: 'ana', name: 'Ana', contacts: { mail: 'ana@example.com' } },
    { id: 'li', name: 'Li', language: 'zh', contacts: { mail: 'li@example.com', sms: '+86138' } },
    { id: 'qa', name: 'Quality', contacts: { sms: '+31600' } },
  ],
  schedules: [{ id: 'wh1', timeZone: 'Europe/Berlin', shifts: [{ from: '06:00', to: '18:00', people: ['ana'] }, { from: '18:00', to: '06:00', people: ['li'] }] }],
  policies: [
    { id: 'wh1', match: { sites: ['WH1'] }, steps: [{ notify: ['schedule:wh1'] }, { notify: ['qa'] }] },
    { id: 'mail-only', match: { sites: ['WH2'] }, channels: ['mail'], steps: [{ notify: ['ana'] }, { notify: ['qa'] }] },
  ],
};

describe('test alarms', () => {
  let dir: string;
  let time: ManualTime;
  let sent: { at: number; channel: string; to: string; subject: string; alarms: number }[];
  let refusing: Set<string>;
  let store: SqliteNotifyStore;
  let svc: NotifyService;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ct-notify-test-'));
    time = new ManualTime(T0);
    sent = [];
    refusing = new Set();
    const parsed = parsePolicy(DOC, isTimeZone);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const channel = (name: string): ChannelSend => (o) => {
      if (refusing.has(name)) return Promise.reject(new Error('HTTP 503: busy'));
      sent.push({ at: time.t, channel: name, to: o.to, subject: o.message.subject, alarms: o.alarms.length });
      return Promise.resolve();
    };
    store = new SqliteNotifyStore(openDatabase(join(dir, 'notify.db'), { durability: 'normal' }));
    svc = new NotifyService({
      store, policy: parsed.policy, channels: new Map([['mail', channel('mail')], ['sms', channel('sms')]]), flags: {} as never, factsOf: {} as never,
      clock: time, scheduler: time, log: pino({ level: 'silent' }), ackKey: 'k',
    });
  });
  afterEach(async () => {
    await svc.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("tells every step's people now, on each of their channels, in their language, and logs each attempt under the test's id", async () => {
    const t = await svc.testAlarm('wh1', 'qa.lena');
    expect(t).toMatchObject({ id: `test:wh1:${T0}`, policy: 'wh1', at: T0, by: 'qa.lena', unreached: [] });
    expect(t?.messages).toEqual([
      { recipient: 'li', channel: 'mail', address: 'li@example.com', step: 1 }, { recipient: 'li', channel: 'sms', address: '+86138', step: 1 },
      { recipient: 'qa', channel: 'sms', address: '+31600', step: 2 },
    ]);
    await time.settle(() => svc.idle());
    expect(sent.map((s) => `${s.at - T0} ${s.channel} ${s.to}: ${s.subject}`)).toEqual([
      '0 mail li@example.com: [Coldtrace] 测试：报警策略“wh1”（第 1 级），无需处理',
      '0 sms +86138: [Coldtrace] 测试：报警策略“wh1”（第 1 级），无需处理',
      "0 sms +31600: [Coldtrace] TEST of alarm policy 'wh1' (step 2): no action needed",
    ]);
    expect(sent.every((s) => s.alarms === 0)).toBe(true);
    const log = await store.attempts({ limit: 10, alarm: `test:wh1:${T0}` });
    expect(log.map((a) => [a.recipient, a.channel, a.ok, a.alarms])).toEqual(expect.arrayContaining([
      ['li', 'mail', true, [`test:wh1:${T0}`]], ['li', 'sms', true, [`test:wh1:${T0}`]], ['qa', 'sms', true, [`test:wh1:${T0}`]],
    ]));
    expect(log).toHaveLength(3);
    expect(await store.alarms({ limit: 10 })).toEqual([]);
  });

  it('names the steps with nobody reachable on the policy\'s channels', async () => {
    const t = await svc.testAlarm('mail-only', 'qa.lena');
    expect(t?.messages.map((m) => m.recipient)).toEqual(['ana']);
    expect(t?.unreached).toEqual([2]);
  });

  it('retries a refusing channel like an alarm, each failed attempt logged with the provider\'s answer', async () => {
    refusing.add('sms');
    await svc.testAlarm('wh1', 'qa.lena');
    await time.settle(() => svc.idle());
    const failed = (await store.attempts({ limit: 10, alarm: `test:wh1:${T0}` })).filter((a) => !a.ok);
    expect(failed.map((a) => [a.recipient, a.error])).toEqual(expect.arrayContaining([['li', 'HTTP 503: busy'], ['qa', 'HTTP 503: busy']]));
    refusing.clear();
    await time.advance(10_000, () => svc.idle(), 1000);
    expect(sent.filter((s) => s.channel === 'sms').map((s) => s.to).sort()).toEqual(['+31600', '+86138']);
    expect(await store.messages({ limit: 10, status: 'pending' })).toEqual([]);
  });

  it('answers undefined for an unknown policy, and reads the policy back from the id', async () => {
    expect(await svc.testAlarm('nope', 'x')).toBeUndefined();
    expect(policyOfTest(testId('wh-1', 5))).toBe('wh-1');
  });
});
