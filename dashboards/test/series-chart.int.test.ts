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

/** The bucket (a row of the chart's table for screen readers) whose time range holds `t`, with its values. */
async function bucketAt(t: number): Promise<{ start: number; max: number; min: number } | undefined> {
  return page.locator('#chart-table tr.chart-bucket').evaluateAll((rows, at) => {
    const all = rows.map((r) => ({ start: Number(r.getAttribute('data-start')), max: Number(r.getAttribute('data-max')), min: Number(r.getAttribute('data-min')) }));
    return all.filter((b) => b.start <= at).sort((a, b) => b.start - a.start)[0];
  }, t);
}

/**
 * What uPlot drew: its series' labels and data, and for the bucket starting at `t` and the one `stepsBefore` buckets
 * earlier, the share of canvas pixels painted in a column through the bucket's middle between `lo` and `hi`.
 */
async function drawn(t: number, lo: number, hi: number, stepsBefore = 5): Promise<{ labels: string[]; max: (number | null)[]; mean: (number | null)[]; at: number; before: number }> {
  return page.locator('#chart-plot').evaluate((el, [at, lo, hi, k]) => {
    interface U { series: { label?: string }[]; data: (number | null)[][]; ctx: CanvasRenderingContext2D; valToPos(v: number, scale: string, canvasPixels?: boolean): number }
    const u = (el as HTMLElement & { uplot: U }).uplot;
    // The bucket width: the smallest step between two points of the data (window ends and gaps are farther apart).
    const x = u.data[0] as number[];
    const step = Math.min(...x.slice(1).map((t, i) => t - x[i]!).filter((dt) => dt > 1));
    const painted = (time: number): number => {
      const px = Math.round(u.valToPos(time + step / 2, 'x', true));
      const [top, bottom] = [Math.round(u.valToPos(hi, 'y', true)), Math.round(u.valToPos(lo, 'y', true))];
      // The band's and the mean's blue, not the grey of a grid line.
      const img = u.ctx.getImageData(px - 4, top, 9, bottom - top).data;
      let n = 0;
      for (let i = 0; i < img.length; i += 4) if (img[i + 3]! > 0 && img[i + 2]! > img[i]! + 60) n++;
      return n / (img.length / 4);
    };
    return { labels: u.series.map((s) => s.label ?? ''), max: u.data[2]!, mean: u.data[3]!, at: painted(at), before: painted(at - k * step) };
  }, [t, lo, hi, stepsBefore] as const);
}

describe('History chart', () => {
  it('is in the OpenAPI document', async () => {
    const doc = await (await fetch(`${gateway!.httpUrl}/openapi.json`)).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/v1/series');
  });

  it('draws a min-max band and a mean line for a device with uPlot, the spike as its bucket\'s max', async () => {
    await page.goto(gateway?.httpUrl ?? '');
    await expect.poll(() => page.locator('#charts').getAttribute('data-device'), { timeout: 10_000 }).toBe('chart-1');
    expect(await page.locator('#charts').getAttribute('data-range')).toBe('1h');
    expect(await page.locator('#chart-plot canvas').count()).toBe(1);
    const spike = await bucketAt(spikeAt);
    expect(spike).toMatchObject({ start: spikeAt - 30_000, max: 19 });
    expect(spike!.min).toBeCloseTo(4, 5);
    const d = await drawn(spikeAt - 30_000, 10, 17);
    expect(d.labels.slice(1, 4)).toEqual(['min (°C)', 'max (°C)', 'mean (°C)']);
    // The band's top reaches the spike; the mean never does (a mean-only chart would hide it).
    expect(Math.max(...d.max.filter((v): v is number => v !== null))).toBe(19);
    expect(Math.max(...d.mean.filter((v): v is number => v !== null))).toBeLessThan(19);
    // On the canvas: the spike's bucket is painted from 10 to 17 °C (its band), a bucket five minutes earlier is not.
    expect(d.at).toBeGreaterThan(0.8);
    expect(d.before).toBeLessThan(0.2);
    expect(await page.locator('#chart-status').textContent()).toMatch(/80 readings in 40 buckets of 1 min/);
  });

  it('shows the limits of the product stored where the device is as lines, named', async () => {
    await expect.poll(() => page.locator('#chart-limits li[data-role="limit"]').count(), { timeout: 10_000 }).toBe(2);
    const limits = await page.locator('#chart-limits li[data-role="limit"]').evaluateAll((ls) => ls.map((l) => [l.getAttribute('data-bound'), Number(l.getAttribute('data-value'))]));
    expect(limits).toEqual([['lower', 2], ['upper', 8]]);
    expect(await page.locator('#chart-limits .chart-limit-label').allTextContents()).toContain('max 8 °C (Vaccine vial)');
    expect((await drawn(spikeAt - 30_000, 10, 17)).labels).toContain('max 8 °C (Vaccine vial)');
  });

  it('switches to 7 days, with hourly buckets reaching back to the old reading', async () => {
    await page.locator('#charts button[data-range="7d"]').click();
    await expect.poll(() => page.locator('#charts').getAttribute('data-range'), { timeout: 10_000 }).toBe('7d');
    expect(await page.locator('#charts button[data-range="7d"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#chart-status').textContent()).toMatch(/81 readings in \d+ buckets of 1 h/);
    const old = await bucketAt(oldAt);
    expect(old).toMatchObject({ max: 6.5, min: 6.5 });
    expect((await bucketAt(spikeAt))?.max).toBe(19);
    // The old reading and the recent ones are separate runs: the gap between them is a null, not bridged.
    expect((await drawn(spikeAt - 30_000, 10, 17, 1)).max).toContain(null);
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
