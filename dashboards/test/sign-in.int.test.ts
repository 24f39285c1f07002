/**
 * Signing in to the dashboard (docs/security.md "HTTP access") in headless Chromium against a real gateway with API
 * keys on and one open flag: a viewer sees the flag but no acknowledge/resolve buttons, an operator acknowledges it
 * (recorded under the key's name), the key never reaches the page's scripts, and a revoked key sends the page back to
 * the sign-in form. Every wait polls for a condition with a generous deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { connect, request, startTestGateway, type TestGateway } from '../../gateway/test/support/gateway.js';
import { custodyDocument, HOUR } from '../../gateway/test/support/registry-fixture.js';
import { buildDashboard } from './support/browser.js';
import { openBrowserSession, type BrowserSession } from './support/session.js';

const ADMIN_KEY = 'bootstrap-admin-key-for-the-sign-in-test-0123456789abcdef';
const FLAG = 'excursion/temperature/upper/8/consecutive/30@batch:B-1';
const DEADLINE = { timeout: 30_000 };
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;

describe('dashboard sign-in', () => {
  let gw: TestGateway;
  let client: MqttClient;
  let browser: BrowserSession;
  const keys: Record<'viewer' | 'operator', { key: string; id: string }> = { viewer: { key: '', id: '' }, operator: { key: '', id: '' } };
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  const card = () => browser.page.locator(`article.flag[data-flag="${FLAG}"]`);

  beforeAll(async () => {
    buildDashboard();
    gw = await startTestGateway({ COLDTRACE_HTTP_AUTH: 'keys', COLDTRACE_ADMIN_KEY: ADMIN_KEY });
    expect((await request('PUT', `${gw.httpUrl}/api/v1/registry`, custodyDocument(t0), admin)).status).toBe(200);
    for (const role of ['viewer', 'operator'] as const) {
      const made = await request('POST', `${gw.httpUrl}/api/v1/keys`, { name: `${role === 'viewer' ? 'vic.viewer' : 'olga.operator'}`, role }, admin);
      keys[role] = { key: made.json.key as string, id: made.json.info.id as string };
    }
    client = await connect(gw.mqttUrl, 'node-e');
    const readings = [];
    for (let t = t0 + HOUR; t < t0 + 3 * HOUR; t += 60_000) readings.push({ metric: 'temperature', value: t >= t0 + 1.5 * HOUR && t < t0 + 2.25 * HOUR ? 9 : 5, unit: 'Cel', time: t });
    await client.publishAsync(dataTopic('wh1', 'node-e', 'S-B'), JSON.stringify({ v: 1, seq: 1, time: t0 + HOUR, readings }), { qos: 1 });
    await gw.rules.idle();
    browser = await openBrowserSession('sign-in', 'UTC');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await client?.endAsync();
    await gw?.destroy();
  });

  async function signIn(key: string): Promise<void> {
    const page = browser.page;
    await page.goto(`${gw.httpUrl}/#/flags`);
    await page.locator('#sign-in-key').waitFor(DEADLINE);
    await page.fill('#sign-in-key', key);
    await page.click('#sign-in button[type=submit]');
  }

  it('asks for a key, and refuses a wrong one', async () => {
    await signIn('ctk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await expect.poll(() => browser.page.textContent('#sign-in-message'), DEADLINE).toContain('Not signed in');
    expect(await browser.page.locator('main').isVisible()).toBe(false);
  });

  it('shows a viewer the flag without the buttons to move it', async () => {
    await signIn(keys.viewer.key);
    await card().waitFor(DEADLINE);
    await expect.poll(() => browser.page.textContent('#signed-in'), DEADLINE).toContain('vic.viewer (viewer)');
    expect(await card().locator('.flag-actions').isVisible()).toBe(false);
    expect(await card().locator('button[data-action="acknowledge"]').isVisible()).toBe(false);
    // HttpOnly: the page's scripts never see the key.
    expect(await browser.page.evaluate(() => document.cookie + JSON.stringify(sessionStorage) + JSON.stringify(localStorage))).not.toContain(keys.viewer.key);
    await browser.page.screenshot({ path: `${browser.shots}/sign-in-viewer.png` });
    await browser.page.click('#sign-out');
    await browser.page.locator('#sign-in-key').waitFor(DEADLINE);
  });

  it('lets an operator acknowledge it, recorded under the key\'s name', async () => {
    await signIn(keys.operator.key);
    await card().locator('button[data-action="acknowledge"]').waitFor(DEADLINE);
    await browser.page.screenshot({ path: `${browser.shots}/sign-in-operator.png` });
    await card().locator('textarea').fill('checking the cold room');
    await card().locator('button[data-action="acknowledge"]').click();
    await expect.poll(async () => (await request('GET', `${gw.httpUrl}/api/v1/flags/${encodeURIComponent(FLAG)}`, undefined, admin)).json.state, DEADLINE).toBe('acknowledged');
    const flag = (await request('GET', `${gw.httpUrl}/api/v1/flags/${encodeURIComponent(FLAG)}`, undefined, admin)).json;
    expect(flag.events.at(-1)).toMatchObject({ kind: 'acknowledged', by: 'olga.operator', comment: 'checking the cold room' });
  });

  it('goes back to the sign-in form when the key is revoked', async () => {
    expect((await request('DELETE', `${gw.httpUrl}/api/v1/keys/${keys.operator.id}`, undefined, admin)).status).toBe(200);
    // No reload: the page polls the gateway every 2 s, and its next call is refused.
    await browser.page.locator('#sign-in-key').waitFor(DEADLINE);
    expect(await browser.page.textContent('#sign-in-message')).toContain('the key was revoked');
    expect(await browser.page.locator('main').isVisible()).toBe(false);
  });
});
