/**
 * People on duty (issue #22) against real servers: a real SMTP server (Debian python3-aiosmtpd, the messages parsed
 * back with mailparser) and a real HTTP receiver for the Slack-, Teams- and JSON-shaped webhooks. A gateway given a
 * YAML policy file tells the operator on duty, escalates to the manager (in Chinese, on Teams) and the quality lead
 * (SMS through a JSON webhook), is restarted in the middle of the escalation and neither loses nor repeats a step;
 * the signed link acknowledges, a forged one is refused; an SMTP server that refuses is retried and the channel's
 * failure alarm goes out on chat. Every wait polls for its condition; no verdict depends on the machine's speed
 * (the step times are tested with a hand clock in src/services/notify.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { connect, request, testConfig, type Body } from '../support/gateway.js';
import { custodyDocument, HOUR } from '../support/registry-fixture.js';
import { startSmtpServer, type ReceivedMail, type SmtpServer } from '../support/smtp.js';

const MIN = 60_000;
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;
const RULE = 'excursion/temperature/upper/8/consecutive/30';
const B1 = `${RULE}@batch:B-1`;
const B2 = `${RULE}@batch:B-2`;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 1800; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function policyYaml(smtpPort: number, hooks: string): string {
  return `# The notification policy of the test (docs/notifications.md)
channels:
  - { name: mail, kind: email, from: 'Coldtrace <coldtrace@wh1.test>', host: 127.0.0.1, port: ${smtpPort}, failover: chat }
  - { name: chat, kind: webhook, format: slack, url: '${hooks}/slack' }
  - { name: teams, kind: webhook, format: teams, url: '${hooks}/teams' }
  - { name: sms, kind: webhook, format: json, url: '${hooks}/sms' }
recipients:
  - { id: op, name: Olga Operator, language: en, contacts: { mail: op@wh1.test, chat: '@olga' } }
  - { id: mgr, name: 王经理, language: zh, contacts: { mail: mgr@wh1.test, teams: wang } }
  - { id: qa, name: Quinn Quality, language: en, contacts: { mail: qa@wh1.test, sms: '+31600000001' } }
schedules:
  - id: wh1-shift
    timeZone: Europe/Amsterdam
    shifts: [{ from: '00:00', to: '00:00', people: [op] }]
policies:
  - id: wh1-excursions
    match: { sites: [WH1], rules: [excursion/] }
    steps:
      - { afterMin: 0, notify: ['schedule:wh1-shift'] }
      - { afterMin: 0.25, notify: [mgr] }
      - { afterMin: 0.5, notify: [qa] }
`;
}

describe('notifications to people on duty', { timeout: 180_000 }, () => {
  let smtp: SmtpServer;
  let hooks: Server;
  const bodies: { path: string; body: Body }[] = [];
  let dir: string;
  let env: Record<string, string>;
  let gw: RunningGateway;
  let client: MqttClient;
  let publicUrl: string;

  const start = async (): Promise<void> => {
    gw = await startGateway({ config: testConfig(join(dir, 'data'), env) });
    client = await connect(gw.mqttUrl, 'node-notify');
  };
  const publish = async (from: number, to: number, value: (t: number) => number, seq: number): Promise<void> => {
    const readings = [];
    for (let t = from; t < to; t += MIN) readings.push({ metric: 'temperature', value: value(t), unit: 'Cel', time: t });
    await client.publishAsync(dataTopic('wh1', 'node-notify', 'S-B'), JSON.stringify({ v: 1, seq, time: from, readings }), { qos: 1 });
    await gw.rules.idle();
  };
  const mailsAbout = async (to: string, subject: string): Promise<ReceivedMail[]> => (await smtp.received()).filter((m) => m.envelope.to.includes(to) && m.mail.text?.includes(subject) === true);
  const alarmOf = async (flag: string): Promise<Body | undefined> => (await request('GET', `${gw.httpUrl}/api/v1/notifications/alarms?flag=${encodeURIComponent(flag)}`)).json.alarms[0];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    hooks = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-notify-int-'));
    writeFileSync(join(dir, 'policy.yaml'), policyYaml(smtp.port, `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`));
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    env = { COLDTRACE_NOTIFY_CONFIG: join(dir, 'policy.yaml'), COLDTRACE_PUBLIC_URL: publicUrl, COLDTRACE_HTTP_PORT: String(port) };
    await start();
    expect((await request('PUT', `${gw.httpUrl}/api/v1/registry`, custodyDocument(t0))).status).toBe(200);
  });
  afterAll(async () => {
    await client?.endAsync();
    await gw?.close();
    await smtp?.stop();
    await new Promise((r) => hooks.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('e-mails the operator on duty (subject, recipient and evidence link parsed back) and posts a Slack-shaped chat message', async () => {
    // S-B reads 9 °C from 1.5 h on, in zone Z-B of site WH1 where B-1 is.
    await publish(t0 + HOUR, t0 + 2.25 * HOUR, (t) => (t >= t0 + 1.5 * HOUR ? 9 : 5), 1);
    const [mail] = await until('the operator\'s e-mail', async () => ((await mailsAbout('op@wh1.test', 'batch B-1')).length > 0 ? mailsAbout('op@wh1.test', 'batch B-1') : undefined));
    expect(mail!.mail.subject).toMatch(/^\[Coldtrace\] Major alarm: /);
    expect(mail!.mail.subject).toContain('WH1');
    expect(mail!.mail.from?.value[0]).toMatchObject({ name: 'Coldtrace', address: 'coldtrace@wh1.test' });
    expect((mail!.mail.to as { text: string }).text).toBe('op@wh1.test');
    expect(mail!.mail.text).toContain(`Evidence: ${publicUrl}/api/v1/flags/${encodeURIComponent(B1)}`);
    expect(mail!.mail.text).toContain('Orders at risk: O-1');
    expect(mail!.mail.text).toContain('Goods: B-1, (Vaccine 10-dose vial)');
    expect(mail!.mail.text).toMatch(new RegExp(`Acknowledge \\(stops the escalation\\): ${publicUrl}/api/v1/notifications/ack\\?token=`));
    const slack = await until('the Slack body', () => bodies.find((b) => b.path === '/slack'));
    expect(slack.body.text).toContain('[Coldtrace] Major alarm');
    expect(slack.body.blocks[0].type).toBe('header');
  });

  it('escalates to the manager (Chinese, Teams card) and the quality lead (SMS JSON) across a gateway restart, each told once', async () => {
    // Restarted in the middle of the escalation: step 1 is done, steps 2 and 3 are due later.
    await client.endAsync();
    await gw.close();
    await start();
    const mgr = await until('the manager\'s e-mail', async () => ((await mailsAbout('mgr@wh1.test', 'batch B-1')).length > 0 ? mailsAbout('mgr@wh1.test', 'batch B-1') : undefined));
    expect(mgr[0]!.mail.subject).toContain('重要报警');
    expect(mgr[0]!.mail.subject).toContain('升级第 2 级');
    const teams = await until('the Teams body', () => bodies.find((b) => b.path === '/teams'));
    expect(teams.body.type).toBe('message');
    expect(teams.body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.body.attachments[0].content.actions.some((a: Body) => String(a.url).startsWith(`${publicUrl}/api/v1/notifications/ack?token=`))).toBe(true);
    const sms = await until('the SMS body', () => bodies.find((b) => b.path === '/sms'));
    expect(sms.body).toMatchObject({ to: '+31600000001', recipient: 'qa', language: 'en' });
    expect(sms.body.alarms.map((a: Body) => a.flagId)).toContain(B1);
    await until('the quality lead\'s e-mail', async () => ((await mailsAbout('qa@wh1.test', 'batch B-1')).length > 0 ? true : undefined));
    // Escalation over: nothing pending, nothing due; every recipient told once on each channel.
    const alarm = await until('the escalation to end', async () => {
      const a = await alarmOf(B1);
      return a?.step === 3 && a.nextStepAt === undefined ? a : undefined;
    });
    const detail = (await request('GET', `${gw.httpUrl}/api/v1/notifications/alarms/${encodeURIComponent(alarm.id)}`)).json;
    expect(detail.messages.map((m: Body) => [m.recipient, m.channel, m.step, m.status]).sort()).toEqual([
      ['mgr', 'mail', 2, 'sent'], ['mgr', 'teams', 2, 'sent'], ['op', 'chat', 1, 'sent'], ['op', 'mail', 1, 'sent'], ['qa', 'mail', 3, 'sent'], ['qa', 'sms', 3, 'sent'],
    ]);
    for (const to of ['op@wh1.test', 'mgr@wh1.test', 'qa@wh1.test']) expect([to, (await mailsAbout(to, 'batch B-1')).length]).toEqual([to, 1]);
    const log = (await request('GET', `${gw.httpUrl}/api/v1/notifications/deliveries?alarm=${encodeURIComponent(alarm.id)}`)).json.attempts;
    expect(log).toHaveLength(6);
    expect(log.every((a: Body) => a.ok === true)).toBe(true);
  });

  it('acknowledges through the signed link in the e-mail (who and when recorded) and refuses a forged one', async () => {
    // B-2 comes into Z-B at 3.5 h; S-B reads 9 °C from 3.75 h.
    await publish(t0 + 3.5 * HOUR, t0 + 4.75 * HOUR, (t) => (t >= t0 + 3.75 * HOUR ? 9 : 5), 2);
    const [mail] = await until('the operator\'s e-mail about B-2', async () => ((await mailsAbout('op@wh1.test', 'batch B-2')).length > 0 ? mailsAbout('op@wh1.test', 'batch B-2') : undefined));
    const link = /(http:\/\/\S+\/api\/v1\/notifications\/ack\?token=\S+)/.exec(mail!.mail.text ?? '')![1]!;
    const token = new URL(link).searchParams.get('token')!;
    const [payload, sig] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), b: 'mallory' })).toString('base64url')}.${sig}`;
    const refused = await request('POST', `${gw.httpUrl}/api/v1/notifications/ack`, { token: forged });
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('E_ACK_LINK_FORGED');
    expect((await alarmOf(B2))?.status).toBe('open');
    // The link opens a page that posts the token (mail scanners fetching the link acknowledge nothing).
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`name="token" value="${token}"`);
    const clicked = await fetch(`${gw.httpUrl}/api/v1/notifications/ack`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
    expect(clicked.status).toBe(200);
    expect(await clicked.text()).toContain('Acknowledged by op');
    const alarm = await alarmOf(B2);
    expect(alarm).toMatchObject({ status: 'acknowledged', ackBy: 'op', ackVia: 'link' });
    expect(alarm?.nextStepAt).toBeUndefined();
    const flag = (await request('GET', `${gw.httpUrl}/api/v1/flags/${encodeURIComponent(B2)}`)).json;
    expect(flag.state).toBe('acknowledged');
    expect(flag.events.at(-1)).toMatchObject({ kind: 'acknowledged', by: 'op' });
    const detail = (await request('GET', `${gw.httpUrl}/api/v1/notifications/alarms/${encodeURIComponent(alarm!.id)}`)).json;
    expect(detail.messages.filter((m: Body) => m.status === 'pending')).toEqual([]);
  });

  it('shows who is on duty now', async () => {
    const roster = (await request('GET', `${gw.httpUrl}/api/v1/notifications/roster`)).json;
    expect(roster.schedules).toEqual([{ id: 'wh1-shift', timeZone: 'Europe/Amsterdam', onDuty: [{ id: 'op', name: 'Olga Operator' }] }]);
    expect(roster.policies[0].steps.map((s: Body) => s.afterMin)).toEqual([0, 0.25, 0.5]);
  });

  it('keeps ad-hoc silences with their author, reason and expiry, and ends them early', async () => {
    const bad = await request('POST', `${gw.httpUrl}/api/v1/notifications/silences`, { endsAt: Date.now() + HOUR, reason: 'x' });
    expect(bad.status).toBe(400);
    const created = await request('POST', `${gw.httpUrl}/api/v1/notifications/silences`, { zones: ['Z-A'], endsAt: Date.now() + HOUR, reason: 'door repair' }, { 'x-coldtrace-actor': 'ops.ana' });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ zones: ['Z-A'], author: 'ops.ana', reason: 'door repair' });
    expect((await request('GET', `${gw.httpUrl}/api/v1/notifications/silences?active=true`)).json.silences.map((x: Body) => x.id)).toEqual([created.json.id]);
    const ended = await request('DELETE', `${gw.httpUrl}/api/v1/notifications/silences/${created.json.id}`, undefined, { 'x-coldtrace-actor': 'ops.ben' });
    expect(ended.json).toMatchObject({ expiredBy: 'ops.ben' });
    expect((await request('GET', `${gw.httpUrl}/api/v1/notifications/silences?active=true`)).json.silences).toEqual([]);
    expect((await request('DELETE', `${gw.httpUrl}/api/v1/notifications/silences/nope`)).status).toBe(404);
  });
});

describe('an SMTP server that refuses', { timeout: 120_000 }, () => {
  it('is retried, every attempt logged with its reply, and the channel\'s failure alarm goes out on chat', async () => {
    const smtp = await startSmtpServer({ refuse: true });
    const chat: Body[] = [];
    const hooks = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => { chat.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body); res.writeHead(200).end(); });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    const dir = mkdtempSync(join(tmpdir(), 'coldtrace-notify-refuse-'));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({
      channels: [
        { name: 'mail', kind: 'email', from: 'ct@wh1.test', host: '127.0.0.1', port: smtp.port, failover: 'chat' },
        { name: 'chat', kind: 'webhook', format: 'json', url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/chat` },
      ],
      recipients: [{ id: 'op', name: 'Olga', contacts: { mail: 'op@wh1.test', chat: '@olga' } }],
      policies: [{ id: 'all', match: { rules: ['excursion/'] }, channels: ['mail'], steps: [{ notify: ['op'] }] }],
    }));
    const gw = await startGateway({ config: testConfig(join(dir, 'data'), { COLDTRACE_NOTIFY_CONFIG: join(dir, 'policy.json') }) });
    const client = await connect(gw.mqttUrl, 'node-refuse');
    try {
      expect((await request('PUT', `${gw.httpUrl}/api/v1/registry`, custodyDocument(t0))).status).toBe(200);
      const readings = [];
      for (let t = t0 + HOUR; t < t0 + 2.25 * HOUR; t += MIN) readings.push({ metric: 'temperature', value: t >= t0 + 1.5 * HOUR ? 9 : 5, unit: 'Cel', time: t });
      await client.publishAsync(dataTopic('wh1', 'node-refuse', 'S-B'), JSON.stringify({ v: 1, seq: 1, time: t0 + HOUR, readings }), { qos: 1 });
      const failing = await until('the failure alarm on chat', () => chat.find((b) => String(b.subject).includes("Notification channel 'mail' is failing")));
      expect(failing).toMatchObject({ to: '@olga', recipient: 'op' });
      expect(failing.text).toContain('550 5.1.1 <op@wh1.test>: mailbox unavailable');
      expect(failing.alarms.map((a: Body) => a.flagId)).toContain(B1);
      const log = (await request('GET', `${gw.httpUrl}/api/v1/notifications/deliveries?channel=mail`)).json.attempts;
      expect(log.length).toBeGreaterThanOrEqual(3);
      expect(log.every((a: Body) => a.ok === false && String(a.error).startsWith('550 5.1.1'))).toBe(true);
      // Not dropped: the e-mail is still pending, retried with backoff.
      const alarm = (await request('GET', `${gw.httpUrl}/api/v1/notifications/alarms?flag=${encodeURIComponent(B1)}`)).json.alarms[0];
      const detail = (await request('GET', `${gw.httpUrl}/api/v1/notifications/alarms/${encodeURIComponent(alarm.id)}`)).json;
      expect(detail.messages.find((m: Body) => m.channel === 'mail')).toMatchObject({ status: 'pending', lastError: expect.stringContaining('550') });
      expect(await smtp.received()).toEqual([]);
      const metrics = await (await fetch(`${gw.httpUrl}/metrics`)).text();
      expect(metrics).toMatch(/coldtrace_notify_sends_total\{channel="mail",outcome="failed"\} [3-9]/);
      expect(metrics).toContain('coldtrace_notify_sends_total{channel="chat",outcome="delivered"} 1');
      expect(metrics).toContain('coldtrace_notify_channel_failing{channel="mail"} 1');
      expect(metrics).toMatch(/coldtrace_notify_pending_messages [1-9]/);
    } finally {
      await client.endAsync();
      await gw.close();
      await smtp.stop();
      await new Promise((r) => hooks.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('notification routes behind API keys', { timeout: 60_000 }, () => {
  it('lets the signed link in without a key, reads for any key, acknowledging for operators only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldtrace-notify-keys-'));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ channels: [{ name: 'log', kind: 'log' }], recipients: [{ id: 'op', contacts: { log: 'op' } }], policies: [{ id: 'all', steps: [{ notify: ['op'] }] }] }));
    const admin = 'bootstrap-admin-key-of-the-notification-test-0123456789';
    const gw = await startGateway({ config: testConfig(join(dir, 'data'), { COLDTRACE_NOTIFY_CONFIG: join(dir, 'policy.json'), COLDTRACE_HTTP_AUTH: 'keys', COLDTRACE_ADMIN_KEY: admin }) });
    try {
      const key = async (role: string): Promise<Record<string, string>> => {
        const made = await request('POST', `${gw.httpUrl}/api/v1/keys`, { name: role, role }, { authorization: `Bearer ${admin}` });
        return { authorization: `Bearer ${String(made.json.key)}` };
      };
      const viewer = await key('viewer');
      const operator = await key('operator');
      expect((await request('GET', `${gw.httpUrl}/api/v1/notifications/alarms`)).status).toBe(401);
      expect((await request('GET', `${gw.httpUrl}/api/v1/notifications/alarms`, undefined, viewer)).status).toBe(200);
      expect((await request('POST', `${gw.httpUrl}/api/v1/notifications/silences`, { zones: ['Z'], endsAt: Date.now() + HOUR, reason: 'x' }, viewer)).status).toBe(403);
      expect((await request('POST', `${gw.httpUrl}/api/v1/notifications/alarms/nope/acknowledge`, {}, viewer)).status).toBe(403);
      expect((await request('POST', `${gw.httpUrl}/api/v1/notifications/alarms/nope/acknowledge`, {}, operator)).status).toBe(404);
      // The link is its own credential: no key, and a forged token is the link's refusal, not the key check's.
      const forged = await request('POST', `${gw.httpUrl}/api/v1/notifications/ack`, { token: 'e30.AAAA' });
      expect(forged.status).toBe(403);
      expect(forged.json.code).toBe('E_ACK_LINK_FORGED');
      expect((await fetch(`${gw.httpUrl}/api/v1/notifications/ack?token=e30.AAAA`)).status).toBe(200);
    } finally {
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
