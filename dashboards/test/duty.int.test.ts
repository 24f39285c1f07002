/**
 * The Duty view (#/duty, issue #22) against a REAL gateway with a notification policy: an excursion flag raised from
 * readings opens an alarm; the operator is told through a JSON webhook (a receiver of the test) and through an SMTP
 * server that is down (nothing listens on its port), so the delivery log holds a delivered and a failed attempt.
 * Headless Chromium shows who is on duty, the open alarm with its step and the log, and acknowledges the alarm.
 * Waits poll the page with a generous deadline; nothing depends on the machine's speed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { connect, getJson, request, startTestGateway, type TestGateway } from '../../gateway/test/support/gateway.js';
import { custodyDocument, HOUR } from '../../gateway/test/support/registry-fixture.js';
import { buildDashboard } from './support/browser.js';
import { openBrowserSession, type BrowserSession } from './support/session.js';

const DEADLINE = { timeout: 60_000, interval: 250 };
const MIN = 60_000;
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;
const FLAG = 'excursion/temperature/upper/8/consecutive/30@batch:B-1';

let gw: TestGateway | undefined;
let hooks: Server | undefined;
let client: MqttClient | undefined;
let session: BrowserSession | undefined;
let page: Page;
let dir: string;
const url = (path: string): string => `${gw?.httpUrl ?? ''}${path}`;

async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  buildDashboard();
  hooks = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((r) => hooks!.listen(0, '127.0.0.1', r));
  dir = mkdtempSync(join(tmpdir(), 'coldtrace-duty-'));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({
    channels: [
      { name: 'mail', kind: 'email', from: 'ct@wh1.test', host: '127.0.0.1', port: await closedPort() },
      { name: 'pager', kind: 'webhook', format: 'json', url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/pager` },
    ],
    recipients: [{ id: 'op', name: 'Olga Operator', contacts: { mail: 'op@wh1.test', pager: '+31600000001' } }, { id: 'mgr', name: 'Manager', contacts: { pager: '+31600000002' } }],
    schedules: [{ id: 'wh1-shift', timeZone: 'Europe/Amsterdam', shifts: [{ from: '00:00', to: '00:00', people: ['op'] }] }],
    policies: [{ id: 'wh1', match: { sites: ['WH1'], rules: ['excursion/'] }, steps: [{ notify: ['schedule:wh1-shift'] }, { afterMin: 120, notify: ['mgr'] }] }],
  }));
  gw = await startTestGateway({ COLDTRACE_NOTIFY_CONFIG: join(dir, 'policy.json') });
  expect((await request('PUT', url('/api/v1/registry'), custodyDocument(t0))).status).toBe(200);
  client = await connect(gw.mqttUrl, 'node-duty');
  const readings = [];
  for (let t = t0 + HOUR; t < t0 + 2.25 * HOUR; t += MIN) readings.push({ metric: 'temperature', value: t >= t0 + 1.5 * HOUR ? 9 : 5, unit: 'Cel', time: t });
  await client.publishAsync(dataTopic('wh1', 'node-duty', 'S-B'), JSON.stringify({ v: 1, seq: 1, time: t0 + HOUR, readings }), { qos: 1 });
  await gw.rules.idle();
  session = await openBrowserSession('duty', 'Europe/Amsterdam');
  ({ page } = session);
}, 180_000);

afterAll(async () => {
  await session?.close();
  await client?.endAsync();
  await gw?.destroy();
  await new Promise((r) => hooks?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('duty view', () => {
  it('shows who is on duty, the open alarm with its step and next step, and the delivery log with the failed e-mail', async () => {
    // The webhook delivered and the SMTP server down: both attempts are in the log before the page is read.
    await expect.poll(async () => {
      const { attempts } = await getJson<{ attempts: { ok: boolean }[] }>(url('/api/v1/notifications/deliveries'));
      return attempts.some((a) => a.ok) && attempts.some((a) => !a.ok);
    }, DEADLINE).toBe(true);
    await page.goto(url('/#/duty'));
    await expect.poll(() => page.locator('#duty-roster-list li[data-schedule="wh1-shift"]').textContent(), DEADLINE).toBe('wh1-shift (Europe/Amsterdam): Olga Operator');
    const row = page.locator(`#duty-alarm-table tr[data-status="open"]`).filter({ hasText: 'batch B-1' });
    await expect.poll(() => row.count(), DEADLINE).toBe(1);
    expect(await row.locator('td.duty-step').textContent()).toBe('1');
    expect(await row.locator('td').nth(1).textContent()).toBe('Z-B, WH1');
    expect(await row.locator('td').nth(2).textContent()).toBe('O-1');
    expect(await row.locator('time').count()).toBe(2);
    expect(await page.locator('#duty-log-table tr[data-ok="true"] td').nth(2).textContent()).toBe('pager');
    const failed = page.locator('#duty-log-table tr[data-ok="false"]').first();
    expect(await failed.locator('td').nth(2).textContent()).toBe('mail');
    expect(await failed.locator('td.bad').textContent()).toMatch(/ECONNECTION|ECONNREFUSED/);
    expect(await page.locator('nav.views a[data-view="duty"]').getAttribute('aria-current')).toBe('page');
    await page.screenshot({ path: join(session!.shots, 'duty.png'), fullPage: true });
  });

  it('lists the devices whose calibration is overdue, due within 30 days or missing, overdue first', async () => {
    const day = 86_400_000;
    const d = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
    const cert = (device: string, certificate: string, calibratedAt: number, dueAt: number) => request('PUT', url(`/api/v1/devices/${device}/calibrations/${certificate}`),
      { laboratory: 'Lab K', calibratedAt: d(calibratedAt), dueAt: d(dueAt), metrics: { temperature: { correction: 0.1, uncertainty: 0.2 } } });
    expect((await cert('S-A', 'C-A', Date.now() - 400 * day, Date.now() - 10 * day)).status).toBe(200);
    expect((await cert('S-B', 'C-B', Date.now() - 340 * day, Date.now() + 20 * day)).status).toBe(200);
    expect((await cert('S-DEST', 'C-D', Date.now() - 10 * day, Date.now() + 300 * day)).status).toBe(200);
    await page.locator('#duty-refresh').click();
    const items = page.locator('#duty-calibration-list li');
    await expect.poll(() => items.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-device')}=${e.getAttribute('data-mark')}`)), DEADLINE)
      .toEqual(['S-A=overdue', 'S-LATE=uncalibrated', 'T-1=uncalibrated', 'S-B=due-soon']);
    expect(await items.first().textContent()).toContain('(certificate C-A, Lab K)');
  });

  it('acknowledges the alarm with the name given: its escalation stops and the flag records who', async () => {
    const row = page.locator('#duty-alarm-table tr').filter({ hasText: 'batch B-1' });
    await row.locator('button.duty-ack').click();
    await expect.poll(() => page.locator('#duty-status').textContent(), DEADLINE).toContain('Enter your name first');
    await page.locator('#duty-actor').fill('Olga');
    await row.locator('button.duty-ack').click();
    await expect.poll(() => page.locator('#duty-no-alarms').count(), DEADLINE).toBe(1);
    const { alarms } = await getJson<{ alarms: { status: string; ackBy: string; ackVia: string }[] }>(url(`/api/v1/notifications/alarms?flag=${encodeURIComponent(FLAG)}`));
    expect(alarms[0]).toMatchObject({ status: 'acknowledged', ackBy: 'Olga', ackVia: 'api' });
    const flag = await getJson<{ state: string; events: { kind: string; by: string }[] }>(url(`/api/v1/flags/${encodeURIComponent(FLAG)}`));
    expect(flag.state).toBe('acknowledged');
    expect(flag.events.at(-1)).toMatchObject({ kind: 'acknowledged', by: 'Olga' });
  });

  it("sends a policy's test alarm through the real channels and shows it in the delivery log as a test", async () => {
    await page.locator('#duty-test-list li[data-policy="wh1"] button.duty-test').click();
    await expect.poll(() => page.locator('#duty-status').textContent(), DEADLINE).toMatch(/^Test alarm test:wh1:\d+: 3 messages to op, mgr\./);
    // The pager webhook takes it, the SMTP server is down: both attempts logged as the test's.
    await expect.poll(async () => {
      await page.locator('#duty-refresh').click();
      return page.locator('#duty-log-table tr[data-test="true"]').evaluateAll((rows) => rows.map((r) => `${r.children[2]?.textContent ?? ''}=${r.getAttribute('data-ok') ?? ''}`).sort());
    }, DEADLINE).toEqual(expect.arrayContaining(['mail=false', 'pager=true']));
    expect(await page.locator('#duty-log-table tr[data-test="true"] td').nth(4).textContent()).toBe('test');
    expect(await page.locator('#duty-no-alarms').count()).toBe(1);
  });
});
