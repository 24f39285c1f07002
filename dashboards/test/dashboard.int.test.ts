/**
 * The live page against the REAL gateway in-process: messages go in over MQTT, the page is read in headless
 * Chromium. Fails loudly when chromium or the gateway build is missing (it never skips).
 *
 * Set COLDTRACE_SCREENSHOT_DIR to keep the screenshot for a human look; otherwise it goes to the test's temp dir.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { connectAsync, type MqttClient } from 'mqtt';
import { dataTopic, deviceStatusTopic, nodeStatusTopic } from '@coldtrace/contract';
import { loadGatewayConfig, startGateway } from '@coldtrace/gateway';

const CHROMIUM = '/usr/bin/chromium';
const DASHBOARDS = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(DASHBOARDS, '..');

type Gateway = Awaited<ReturnType<typeof startGateway>>;

let tmp: string;
let gateway: Gateway | undefined;
let context: BrowserContext | undefined;
let client: MqttClient | undefined;
let page: Page;

/** The page under test is the current source: compile it and copy the static files, as `npm run build` does. */
function buildDashboard(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', DASHBOARDS], { stdio: 'pipe' });
  execFileSync(process.execPath, [join(DASHBOARDS, 'scripts/copy-assets.mjs')], { stdio: 'pipe' });
}

async function publish(topic: string, payload: string | object): Promise<void> {
  if (client === undefined) throw new Error('MQTT client not connected');
  await client.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install chromium (scripts/test.sh does)`);
  buildDashboard();
  tmp = await mkdtemp(join(tmpdir(), 'coldtrace-dashboard-'));
  const loaded = loadGatewayConfig({
    COLDTRACE_DATA_DIR: join(tmp, 'gateway'),
    COLDTRACE_HTTP_HOST: '127.0.0.1',
    COLDTRACE_HTTP_PORT: '0',
    COLDTRACE_MQTT_MODE: 'embedded', COLDTRACE_MQTT_AUTH: 'open',
    COLDTRACE_MQTT_HOST: '127.0.0.1',
    COLDTRACE_MQTT_PORT: '0',
    COLDTRACE_LOG_LEVEL: 'silent',
    COLDTRACE_HTTP_AUTH: 'off', // the live view, not signing in (sign-in.int.test.ts)
  });
  if (!loaded.ok) throw new Error(`gateway test config rejected: ${loaded.problems.join('; ')}`);
  gateway = await startGateway({ config: loaded.config });
  client = await connectAsync(gateway.mqttUrl, { clientId: `dashboard-test-${process.pid}`, reconnectPeriod: 0 });
  context = await chromium.launchPersistentContext(join(tmp, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  await client?.endAsync();
  await gateway?.close();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

describe('live environment page', () => {
  const row = (key: string) => page.locator(`#devices-body tr[data-device="${key}"]`);

  it('shows the latest temperature of a device within a few seconds of the MQTT message', async () => {
    const now = Date.now();
    await publish(dataTopic('wh1', 'node1', 'th-1'), {
      v: 1,
      seq: 1,
      time: now,
      readings: [{ metric: 'temperature', value: 4.2, unit: 'Cel' }],
    });
    await page.goto(gateway?.httpUrl ?? '');
    await expect.poll(() => row('wh1/node1/th-1').locator('td[data-metric="temperature"]').textContent(), { timeout: 8000 }).toBe('4.2 °C');
    expect(await row('wh1/node1/th-1').getAttribute('data-state')).toBe('ok');
    expect(await page.locator('#connection').getAttribute('data-status')).toBe('ok');
    expect(await row('wh1/node1/th-1').locator('td[data-col="age"]').textContent()).toMatch(/^(now|\d+ s)$/);
  });

  it('shows humidity and other metrics, and updates in place on the next message', async () => {
    const now = Date.now();
    await publish(dataTopic('wh1', 'node1', 'th-1'), {
      v: 1,
      seq: 2,
      time: now,
      readings: [
        { metric: 'temperature', value: 5.5, unit: 'Cel' },
        { metric: 'humidity', value: 61.3, unit: '%RH' },
        { metric: 'battery.voltage', value: 3.61, unit: 'V' },
      ],
    });
    const r = row('wh1/node1/th-1');
    await expect.poll(() => r.locator('td[data-metric="temperature"]').textContent(), { timeout: 8000 }).toBe('5.5 °C');
    expect(await r.locator('td[data-metric="humidity"]').textContent()).toBe('61.3 %RH');
    expect(await r.locator('li[data-metric="battery.voltage"]').textContent()).toBe('battery.voltage 3.61 V');
    expect(await page.locator('#devices-body tr[data-device]').count()).toBe(1);
  });

  it('shows a device the agent reports in error, with the error text', async () => {
    const now = Date.now();
    await publish(dataTopic('wh1', 'node1', 'th-2'), { v: 1, seq: 1, time: now, readings: [{ metric: 'temperature', value: 3.9, unit: 'Cel' }] });
    await publish(deviceStatusTopic('wh1', 'node1', 'th-2'), { v: 1, time: now + 1, state: 'error', error: 'Modbus timeout after 1000 ms' });
    const r = row('wh1/node1/th-2');
    await expect.poll(() => r.getAttribute('data-state'), { timeout: 8000 }).toBe('error');
    expect(await r.locator('td[data-col="state"]').textContent()).toContain('Modbus timeout after 1000 ms');
  });

  it('marks a device stale after 3 × its measured interval of silence, and draws its trend', async () => {
    // Four readings 1 s apart (device time): the page measures a 1 s interval, so 3 s of silence is stale.
    const t0 = Date.now() - 4000;
    for (let seq = 1; seq <= 4; seq++) {
      await publish(dataTopic('wh1', 'node1', 'th-3'), {
        v: 1,
        seq,
        time: t0 + seq * 1000,
        readings: [{ metric: 'temperature', value: 2 + seq, unit: 'Cel' }],
      });
    }
    const r = row('wh1/node1/th-3');
    await expect.poll(() => r.locator('svg.spark path').count(), { timeout: 8000 }).toBe(1);
    expect(await r.locator('svg.spark').getAttribute('aria-label')).toBe('temperature, last hour: min 3 °C, max 6 °C');
    await expect.poll(() => r.getAttribute('data-state'), { timeout: 10_000 }).toBe('stale');
    expect(await r.locator('td[data-col="state"]').textContent()).toContain('silent > 3 s');
    // An error reported by the agent is not downgraded to stale by silence.
    expect(await row('wh1/node1/th-2').getAttribute('data-state')).toBe('error');
  });

  it('lists a malformed message in the quarantine panel with its code and counts, rendering the payload as text', async () => {
    const topic = dataTopic('wh1', 'node1', 'th-bad');
    await publish(topic, '{"v":1,"seq":1, <img src=x onerror="window.__xss=1">');
    const entry = page.locator(`#quarantine-body tr[data-code="E_JSON"]`).filter({ hasText: topic });
    await expect.poll(() => entry.count(), { timeout: 8000 }).toBe(1);
    expect(await page.locator('#quarantine-counts li[data-code="E_JSON"] .count').textContent()).toBe('1');
    await entry.locator('summary').click();
    expect(await entry.locator('pre.payload').textContent()).toContain('<img src=x onerror="window.__xss=1">');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    // The opened payload survives the next refresh.
    await page.waitForTimeout(2500);
    expect(await entry.locator('details').getAttribute('open')).not.toBeNull();
  });

  it('shows transit metrics readably: GPS position and speed, shock, free fall and vibration in their units', async () => {
    const now = Date.now();
    await publish(dataTopic('demo-fleet', 'truck-7', 'truck-7-gps'), {
      v: 1,
      seq: 1,
      time: now,
      readings: [
        { metric: 'gps.lat', value: 52.3740301, unit: 'deg' },
        { metric: 'gps.lon', value: 4.8896912, unit: 'deg' },
        { metric: 'gps.speed', value: 72.04, unit: 'km/h' },
        { metric: 'gps.sats', value: 9, unit: '1' },
        { metric: 'clock.offset', value: 120.4, unit: 'ms' },
      ],
    });
    await publish(dataTopic('demo-fleet', 'truck-7', 'truck-7-acc'), {
      v: 1,
      seq: 1,
      time: now,
      readings: [
        { metric: 'shock.peak', value: 6.254, unit: '[g]' },
        { metric: 'shock.duration', value: 11.6, unit: 'ms' },
        { metric: 'freefall.height', value: 0.784, unit: 'm' },
        { metric: 'vibration.grms', value: 0.4237, unit: '[g]' },
      ],
    });
    const gps = row('demo-fleet/truck-7/truck-7-gps');
    await expect.poll(() => gps.locator('li[data-metric="gps.position"]').textContent(), { timeout: 8000 }).toBe('position 52.37403, 4.88969');
    expect(await gps.locator('li[data-metric="gps.speed"]').textContent()).toBe('speed 72.0 km/h');
    expect(await gps.locator('li[data-metric="clock.offset"]').textContent()).toBe('clock offset +120 ms');
    expect(await gps.locator('td[data-metric="temperature"]').textContent()).toBe('—');
    expect(await gps.locator('td[data-metric="humidity"]').textContent()).toBe('—');
    const acc = row('demo-fleet/truck-7/truck-7-acc');
    await expect.poll(() => acc.locator('li[data-metric="shock.peak"]').textContent(), { timeout: 8000 }).toMatch(/^shock peak 6\.25 g at \d\d:\d\d:\d\d$/);
    expect(await acc.locator('li[data-metric="freefall.height"]').textContent()).toMatch(/^free-fall height 0\.78 m at /);
    expect(await acc.locator('li[data-metric="vibration.grms"]').textContent()).toBe('vibration 0.424 g rms');
    expect(await acc.locator('td[data-metric="temperature"]').textContent()).toBe('—');
  });

  it('shows the messages a node dropped from its outbox, and a node that vanished as lost, not offline', async () => {
    const node = (key: string) => page.locator(`#nodes-body tr[data-node="${key}"]`);
    const now = Date.now();
    await publish(nodeStatusTopic('demo-fleet', 'truck-7'), {
      v: 1, state: 'online', time: now, boot: 'b-truck-1', outbox: { depth: 12, bytes: 6144, droppedFull: 0, droppedExpired: 0 },
    });
    await publish(nodeStatusTopic('wh1', 'node1'), {
      v: 1, state: 'online', time: now, boot: 'b-node1-1', outbox: { depth: 3, bytes: 1536, droppedFull: 5, droppedExpired: 0 },
    });
    await publish(nodeStatusTopic('wh2', 'node9'), { v: 1, state: 'offline', time: now, boot: 'b-node9-1' });

    const wh1 = node('wh1/node1');
    await expect.poll(() => wh1.locator('td[data-col="drops"]').textContent(), { timeout: 8000 }).toBe('5 messages dropped: outbox full');
    expect(await wh1.getAttribute('data-loss')).not.toBeNull();
    expect(await wh1.locator('td[data-col="outbox"]').textContent()).toBe('3 messages waiting (1.5 KiB)');
    expect(await wh1.getAttribute('data-state')).toBe('online');
    expect(await page.locator('#nodes-summary').textContent()).toContain('Data loss on 1 node: 5 messages dropped.');
    const truck = node('demo-fleet/truck-7');
    await expect.poll(() => truck.locator('td[data-col="outbox"]').textContent(), { timeout: 8000 }).toBe('12 messages waiting (6 KiB)');
    expect(await truck.locator('td[data-col="drops"]').textContent()).toBe('none');
    expect(await truck.getAttribute('data-loss')).toBeNull();
    expect(await node('wh2/node9').getAttribute('data-state')).toBe('offline');
    expect(await node('wh2/node9').locator('td[data-col="state"]').textContent()).toBe('Offlinestopped cleanly');

    // The broker publishes the will when the agent dies without a clean disconnect; it carries no outbox figures.
    await publish(nodeStatusTopic('wh1', 'node1'), { v: 1, state: 'offline', time: Date.now(), boot: 'b-node1-1', will: true });
    await expect.poll(() => wh1.getAttribute('data-state'), { timeout: 8000 }).toBe('lost');
    expect(await wh1.locator('td[data-col="state"]').textContent()).toContain('without a clean stop');
    expect(await wh1.locator('td[data-col="drops"]').textContent()).toBe('5 messages dropped: outbox full');
    expect(await page.locator('#nodes-summary').textContent()).toMatch(/^3 nodes: 1 online, 1 offline, 1 lost\. Data loss/);
  });

  it('shows the outbox figures of the last status: empty after a clean stop, the last reported ones after a will', async () => {
    const node = page.locator('#nodes-body tr[data-node="wh3/node-clean"]');
    const outbox = { depth: 5, bytes: 722, droppedFull: 0, droppedExpired: 0 };
    await publish(nodeStatusTopic('wh3', 'node-clean'), { v: 1, state: 'online', time: Date.now(), boot: 'b-c', outbox });
    await expect.poll(() => node.locator('td[data-col="outbox"]').textContent(), { timeout: 8000 }).toBe('5 messages waiting (722 B)');
    await publish(nodeStatusTopic('wh3', 'node-clean'), { v: 1, state: 'offline', time: Date.now(), boot: 'b-c', outbox: { ...outbox, depth: 0, bytes: 0 } });
    await expect.poll(() => node.locator('td[data-col="outbox"]').textContent(), { timeout: 8000 }).toBe('empty');
    // The will of the earlier test carried no figures: node1 shows its last ones, saying when they were reported.
    expect(await page.locator('#nodes-body tr[data-node="wh1/node1"] td[data-col="outbox"] .as-of').textContent()).toMatch(/^as last reported at \d\d:\d\d:\d\d$/);
  });

  it('shows a device whose messages the gateway refuses as refused, with the reason, until one is accepted', async () => {
    const topic = dataTopic('wh1', 'node1', 'th-ref');
    const r = row('wh1/node1/th-ref');
    const reading = (seq: number, value: number) => ({ v: 1, seq, time: Date.now(), readings: [{ metric: 'humidity', value: 50, unit: '%RH' }, { metric: 'temperature', value, unit: 'Cel' }] });
    await publish(topic, reading(1, 4.1));
    await expect.poll(() => r.getAttribute('data-state'), { timeout: 8000 }).toBe('ok');
    await publish(topic, reading(2, 123456));
    await publish(topic, reading(3, 123456));
    await expect.poll(() => r.getAttribute('data-state'), { timeout: 8000 }).toBe('refused');
    expect(await r.locator('td[data-col="state"]').textContent()).toMatch(/^RefusedE_VALUE_RANGE: \/readings\/1\/value: 123456 is outside .* \(2 messages refused\)$/);
    // th-bad, whose only message (malformed JSON, earlier) was refused too, and this one.
    expect(await page.locator('#devices-summary').textContent()).toMatch(/, 2 refused$/);
    await publish(topic, reading(4, 4.3));
    await expect.poll(() => r.getAttribute('data-state'), { timeout: 8000 }).toBe('ok');
  });

  it('says never for the device time of a device that has not answered', async () => {
    await publish(deviceStatusTopic('wh1', 'node1', 'th-silent'), { v: 1, time: Date.now(), state: 'error', error: 'Timed out after 1000 ms' });
    const r = row('wh1/node1/th-silent');
    await expect.poll(() => r.locator('td[data-col="device-time"]').textContent(), { timeout: 8000 }).toBe('never');
    expect(await r.getAttribute('data-state')).toBe('error');
  });

  it('renders a readable page (screenshot)', async () => {
    const dir = process.env['COLDTRACE_SCREENSHOT_DIR'] ?? join(tmp, 'screenshots');
    await mkdir(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'live-environment.png'), fullPage: true });
    // Landmarks and headings a screen reader user navigates by.
    expect(await page.locator('main h2').allTextContents()).toEqual(['Devices', 'History', 'Edge nodes', 'Quarantine']);
    expect(await page.locator('#connection').getAttribute('role')).toBe('status');
  });
});
