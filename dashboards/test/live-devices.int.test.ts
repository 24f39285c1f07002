/**
 * The live environment page follows committed readings (issue #16) against a REAL gateway (embedded broker, SQLite)
 * in Debian's Chromium: with the page's own timers frozen (Playwright's clock, so its 2 s poll never runs), a value
 * published over MQTT still appears, carried by the gateway's stream of committed readings (GET
 * /api/v1/live/devices) alone. Every wait polls the page with a generous deadline; nothing depends on the
 * machine's speed.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { connect, getJson, startTestGateway, type TestGateway } from '../../gateway/test/support/gateway.js';
import { buildDashboard } from './support/browser.js';
import { openBrowserSession, type BrowserSession } from './support/session.js';

const DEADLINE = { timeout: 60_000, interval: 250 };

let gw: TestGateway | undefined;
let client: MqttClient | undefined;
let browser: BrowserSession | undefined;
let seq = 0;

const url = (path: string): string => `${gw?.httpUrl ?? ''}${path}`;
const send = (value: number) => {
  const time = Date.now();
  return client!.publishAsync(dataTopic('wh', 'n1', 'dev-live'), JSON.stringify({ v: 1, seq: ++seq, time, readings: [{ metric: 'temperature', value, unit: 'Cel', time }] }), { qos: 1 });
};

beforeAll(async () => {
  buildDashboard();
  gw = await startTestGateway();
  client = await connect(gw.mqttUrl, `live-devices-test-${process.pid}`);
  await send(4.5);
  const deadline = Date.now() + DEADLINE.timeout;
  while ((await getJson<{ devices: unknown[] }>(url('/api/v1/devices'))).devices.length < 1) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the device to be seen');
    await new Promise((r) => setTimeout(r, 250));
  }
  browser = await openBrowserSession('live-devices', 'UTC');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await client?.endAsync();
  await gw?.destroy();
});

describe('live environment page', () => {
  it('documents the stream of committed readings in the OpenAPI document', async () => {
    const doc = await getJson<{ paths: Record<string, { get?: { responses?: Record<string, { content?: Record<string, unknown> }> } }> }>(url('/openapi.json'));
    expect(Object.keys(doc.paths['/api/v1/live/devices']?.get?.responses?.['200']?.content ?? {})).toEqual(['text/event-stream']);
  });

  it('shows a new reading pushed by the gateway while its own poll is frozen', async () => {
    const page = browser!.page;
    const now = Date.now();
    // From here the page's timers fire only when the test says so, and it never does: no poll runs after the first.
    await page.clock.install({ time: now });
    await page.clock.pauseAt(now + 1000);
    const seen = new Set<string>();
    page.on('request', (r) => seen.add(new URL(r.url()).pathname));
    await page.goto(url('/'));
    const cell = page.locator('#devices-body tr[data-device="wh/n1/dev-live"] td[data-metric="temperature"]');
    await expect.poll(() => cell.textContent(), DEADLINE).toBe('4.5 °C');
    expect(seen.has('/api/v1/live/devices')).toBe(true);
    await send(7.25);
    await expect.poll(() => cell.textContent(), DEADLINE).toBe('7.25 °C');
    await send(-1);
    await expect.poll(() => cell.textContent(), DEADLINE).toBe('-1 °C');
    await page.screenshot({ path: join(browser!.shots, 'live-devices.png') });
  }, 180_000);
});
