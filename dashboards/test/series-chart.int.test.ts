/**
 * The History chart (#16) against the REAL gateway in-process: readings go in over MQTT, the page is read in headless
 * Chromium. A single-reading spike must be the band's max in its bucket. Verdicts depend on data, not on speed: every
 * wait is a poll for a state of the page.
 *
 * The screenshot goes to COLDTRACE_SCREENSHOT_DIR, or .data/screenshots/ (git-ignored).
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
import { dataTopic } from '@coldtrace/contract';
import { loadGatewayConfig, startGateway } from '@coldtrace/gateway';

const CHROMIUM = '/usr/bin/chromium';
const DASHBOARDS = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(DASHBOARDS, '..');
const MIN = 60_000;

let tmp: string;
let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
let context: BrowserContext | undefined;
let client: MqttClient | undefined;
let page: Page;
/** Device time of the spike (19 °C among readings near 4 °C) and of a reading three days ago. */
let spikeAt = 0;
let oldAt = 0;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install chromium (scripts/test.sh does)`);
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', DASHBOARDS], { stdio: 'pipe' });
  execFileSync(process.execPath, [join(DASHBOARDS, 'scripts/copy-assets.mjs')], { stdio: 'pipe' });
  tmp = await mkdtemp(join(tmpdir(), 'coldtrace-chart-'));
  const loaded = loadGatewayConfig({
    COLDTRACE_DATA_DIR: join(tmp, 'gateway'), COLDTRACE_HTTP_HOST: '127.0.0.1', COLDTRACE_HTTP_PORT: '0',
    COLDTRACE_MQTT_MODE: 'embedded', COLDTRACE_MQTT_AUTH: 'open', COLDTRACE_MQTT_HOST: '127.0.0.1', COLDTRACE_MQTT_PORT: '0', COLDTRACE_LOG_LEVEL: 'silent',
    COLDTRACE_HTTP_AUTH: 'off', // the live view, not signing in (sign-in.int.test.ts)
  });
  if (!loaded.ok) throw new Error(`gateway test config rejected: ${loaded.problems.join('; ')}`);
  gateway = await startGateway({ config: loaded.config });
  client = await connectAsync(gateway.mqttUrl, { clientId: `chart-test-${process.pid}`, reconnectPeriod: 0 });
  // 40 min of readings every 30 s (two per 1-min bucket), one of them a spike; and one reading three days ago.
  const now = Date.now();
  const t0 = Math.floor((now - 45 * MIN) / MIN) * MIN;
  spikeAt = t0 + 20 * MIN + 30_000;
  oldAt = now - 3 * 86_400_000;
  const send = (seq: number, time: number, value: number) => client!.publishAsync(dataTopic('wh1', 'node1', 'chart-1'),
    JSON.stringify({ v: 1, seq, time, readings: [{ metric: 'temperature', value, unit: 'Cel' }] }), { qos: 1 });
  // chart-1 is a sensor in a cold room holding a batch of a 2-8 °C product: the chart shows its limits.
  const iso = (ms: number): string => new Date(ms).toISOString();
  const registry = await fetch(`${gateway.httpUrl}/api/v1/registry`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({
    format: 'coldtrace-registry/1',
    sites: [{ id: 'WH1', name: 'Warehouse 1', geofence: { kind: 'circle', center: { lat: 52.37, lon: 4.89 }, radiusM: 400 } }],
    zones: [{ id: 'Z-C', site: 'WH1', name: 'Cold room C' }],
    devices: [{ id: 'chart-1', kind: 'zone_sensor', model: 'XY-MD02', intervalS: 30, metrics: ['temperature'] }],
    products: [{ id: 'P-VAX', name: 'Vaccine vial', preset: 'pharma-2-8' }],
    batches: [{ id: 'B-C', product: 'P-VAX', quantity: 10, producedAt: '2026-10-01', expiresAt: '2027-10-01' }],
    placements: [
      { id: 'P-S', device: 'chart-1', zone: 'Z-C', from: iso(now - 4 * 86_400_000) },
      { id: 'P-B', batch: 'B-C', zone: 'Z-C', from: iso(now - 2 * 3_600_000) },
    ],
  }) });
  if (!registry.ok) throw new Error(`registry import: HTTP ${registry.status} ${await registry.text()}`);
  await send(1, oldAt, 6.5);
  for (let i = 0; i < 80; i++) {
    const time = t0 + i * 30_000;
    await send(i + 2, time, time === spikeAt ? 19 : 4 + (i % 5) * 0.1);
  }
  context = await chromium.launchPersistentContext(join(tmp, 'chromium-profile'), {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1400, height: 1100 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  await client?.endAsync();
  await gateway?.close();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

/** The bucket rectangle whose time range holds `t`, with its data attributes. */
async function bucketAt(t: number): Promise<{ start: number; max: number; min: number; y: number } | undefined> {
  return page.locator('#chart-svg rect.chart-bucket').evaluateAll((rects, at) => {
    const all = rects.map((r) => ({ start: Number(r.getAttribute('data-start')), max: Number(r.getAttribute('data-max')), min: Number(r.getAttribute('data-min')), y: Number(r.getAttribute('y')) }));
    return all.filter((b) => b.start <= at).sort((a, b) => b.start - a.start)[0];
  }, t);
}

describe('History chart', () => {
  it('is in the OpenAPI document', async () => {
    const doc = await (await fetch(`${gateway!.httpUrl}/openapi.json`)).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/v1/series');
  });

  it('draws a min-max band and a mean line for a device, the spike as its bucket\'s max', async () => {
    await page.goto(gateway?.httpUrl ?? '');
    await expect.poll(() => page.locator('#charts').getAttribute('data-device'), { timeout: 10_000 }).toBe('chart-1');
    expect(await page.locator('#charts').getAttribute('data-range')).toBe('1h');
    expect(await page.locator('#chart-svg path[data-role="band"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#chart-svg path[data-role="mean"]').count()).toBeGreaterThan(0);
    const spike = await bucketAt(spikeAt);
    expect(spike).toMatchObject({ start: spikeAt - 30_000, max: 19 });
    expect(spike!.min).toBeCloseTo(4, 5);
    // The band reaches up to the spike: its highest point is the spike bucket's max.
    const bandTop = await page.locator('#chart-svg path[data-role="band"]').evaluateAll((ps) => Math.min(...ps.map((p) => (p as SVGPathElement).getBBox().y)));
    expect(bandTop).toBeCloseTo(spike!.y, 0);
    // The mean never reaches the spike: a mean-only chart would hide it.
    const meanTop = await page.locator('#chart-svg path[data-role="mean"]').evaluateAll((ps) => Math.min(...ps.map((p) => (p as SVGPathElement).getBBox().y)));
    expect(meanTop).toBeGreaterThan(spike!.y + 10);
    expect(await page.locator('#chart-status').textContent()).toMatch(/80 readings in 40 buckets of 1 min/);
  });

  it('shows the limits of the product stored where the device is as lines', async () => {
    await expect.poll(() => page.locator('#chart-svg line[data-role="limit"]').count(), { timeout: 10_000 }).toBe(2);
    const limits = await page.locator('#chart-svg line[data-role="limit"]').evaluateAll((ls) => ls.map((l) => [l.getAttribute('data-bound'), Number(l.getAttribute('data-value'))]));
    expect(limits).toEqual([['lower', 2], ['upper', 8]]);
    expect(await page.locator('#chart-svg .chart-limit-label').allTextContents()).toContain('max 8 °C (Vaccine vial)');
  });

  it('switches to 7 days, with hourly buckets reaching back to the old reading', async () => {
    await page.locator('#charts button[data-range="7d"]').click();
    await expect.poll(() => page.locator('#charts').getAttribute('data-range'), { timeout: 10_000 }).toBe('7d');
    expect(await page.locator('#charts button[data-range="7d"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#chart-status').textContent()).toMatch(/81 readings in \d+ buckets of 1 h/);
    const old = await bucketAt(oldAt);
    expect(old).toMatchObject({ max: 6.5, min: 6.5 });
    expect((await bucketAt(spikeAt))?.max).toBe(19);
    // The old reading and the recent ones are separate runs: the gap between them is not bridged.
    expect(await page.locator('#chart-svg path[data-role="band"]').count()).toBeGreaterThanOrEqual(2);
  });

  it('renders a readable chart (screenshot)', async () => {
    await page.locator('#charts button[data-range="1h"]').click();
    await expect.poll(() => page.locator('#charts').getAttribute('data-range'), { timeout: 10_000 }).toBe('1h');
    const dir = process.env['COLDTRACE_SCREENSHOT_DIR'] ?? join(ROOT, '.data', 'screenshots');
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'series-chart.png');
    await page.locator('#charts').screenshot({ path: file });
    expect(existsSync(file)).toBe(true);
  });
});
