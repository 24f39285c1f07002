/**
 * The Shipments view against a REAL gateway (embedded broker, SQLite stores, the rules running): a registry with a
 * shipment on the road (a tracker on it), one planned and one that arrived late; the tracker's GPS fixes and a
 * shock go in over MQTT, the rules flag the detour and the shock, and headless Chromium reads the view. Every wait
 * polls for a state of the API or the page with a generous deadline; nothing depends on the machine's speed.
 *
 * Screenshots go to COLDTRACE_SCREENSHOT_DIR, or to a `coldtrace-dashboard-screenshots-*` folder under the system
 * temp dir (kept, its path printed), never into the source tree.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { connect, getJson, type TestGateway } from '../../gateway/test/support/gateway.js';
import { launchChromium } from './support/browser.js';
import { gatewayWithRegistry } from './support/gateway-with-registry.js';

const MIN = 60_000;
const H = 60 * MIN;
const DEADLINE = { timeout: 60_000, interval: 250 };
const iso = (ms: number): string => new Date(ms).toISOString();

/** Evaluation moments come from the clock, so the fixes are placed relative to the start of the test. */
const NOW = Date.now();
const FIRST = NOW - 90 * MIN;
/** Minutes 0-88 on the road east along 52° N (about 25 km/h), minutes 31-48 more than 1 km north of the route. */
const north = (i: number): number => Math.max(0, Math.min(0.03, (i - 29) * 0.006, (50 - i) * 0.006));
const FIXES = Array.from({ length: 89 }, (_, i) => ({ t: FIRST + i * MIN, lat: 52 + north(i), lon: 5 + i * 0.006 }));
/** The last fix sent: a jump of 110 km in a minute, which the rules drop; the last kept is minute 88's. */
const JUMP = { t: FIRST + 89 * MIN, lat: 53, lon: 5.53 };
const SHOCK_AT = FIRST + 60 * MIN;

const circle = (lat: number, lon: number, radiusM: number) => ({ kind: 'circle', center: { lat, lon }, radiusM });
const plan = (id: string, depMs: number, delMs: number) => ({
  id, carrier: 'Polar Freight', lane: 'ORG-DST', mode: 'road', origin: 'ORG', destination: 'DST', hubs: ['HUB'],
  route: [{ lat: 52, lon: 5 }, { lat: 52, lon: 5.3 }, { lat: 52, lon: 5.6 }], corridorM: 1000,
  plannedDeparture: iso(depMs), promisedDelivery: iso(delMs), gapThresholdMin: 600,
});
const REGISTRY = {
  format: 'coldtrace-registry/1',
  sites: [{ id: 'ORG', name: 'Origin DC', geofence: circle(52, 5, 500) }, { id: 'DST', name: 'Pharmacy', geofence: circle(52, 5.6, 500) }],
  places: [{ id: 'HUB', name: 'Cross-dock', kind: 'carrier_hub', geofence: circle(52, 5.3, 300) }],
  devices: [{ id: 'trk-1', kind: 'tracker', model: 'GPS', intervalS: 60, metrics: ['gps.lat', 'gps.lon', 'shock.peak'] },
    { id: 'trk-0', kind: 'tracker', model: 'GPS', intervalS: 60, metrics: ['gps.lat', 'gps.lon'] }],
  shipments: [plan('S-LIVE', NOW - 2 * H, NOW + 4 * H), plan('S-NEXT', NOW + 5 * H, NOW + 9 * H), plan('S-DONE', NOW - 50 * H, NOW - 30 * H)],
  placements: [
    { id: 'P-LIVE', device: 'trk-1', shipment: 'S-LIVE', from: iso(NOW - 2 * H) },
    { id: 'P-DONE', device: 'trk-0', shipment: 'S-DONE', from: iso(NOW - 50 * H), to: iso(NOW - 26 * H) },
  ],
};
const FLAGS = ['route-deviation/1000/10', 'shock/shock.peak/25/instant', 'shock/shock.peak/50/instant'].map((r) => `${r}@shipment:S-LIVE`);

let gw: TestGateway | undefined;
let client: MqttClient | undefined;
let context: BrowserContext | undefined;
let page: Page;
let profile: string;
let shots: string;

const url = (path: string): string => `${gw?.httpUrl ?? ''}${path}`;

beforeAll(async () => {
  gw = await gatewayWithRegistry(REGISTRY);
  client = await connect(gw.mqttUrl, `shipments-test-${process.pid}`);
  let seq = 0;
  const send = (time: number, readings: { metric: string; value: number; unit: string }[]) =>
    client!.publishAsync(dataTopic('truck', 'edge-1', 'trk-1'), JSON.stringify({ v: 1, seq: ++seq, time, readings }), { qos: 1 });
  for (const f of [...FIXES, JUMP]) await send(f.t, [{ metric: 'gps.lat', value: f.lat, unit: 'deg' }, { metric: 'gps.lon', value: f.lon, unit: 'deg' }]);
  await send(SHOCK_AT + 20_000, [{ metric: 'shock.peak', value: 62, unit: '[g]' }]);
  // The rules judge the shipment after the commits: wait for its three flags.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { flags } = await getJson<{ flags: { id: string }[] }>(url('/api/v1/flags?subject=shipment:S-LIVE'));
    if (FLAGS.every((id) => flags.some((f) => f.id === id))) break;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the flags of S-LIVE; have ${flags.map((f) => f.id).join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  profile = await mkdtemp(join(tmpdir(), 'coldtrace-shipments-'));
  shots = process.env['COLDTRACE_SCREENSHOT_DIR'] ?? (await mkdtemp(join(tmpdir(), 'coldtrace-dashboard-screenshots-')));
  await mkdir(shots, { recursive: true });
  context = await launchChromium(join(profile, 'chromium-profile'), { timezoneId: 'Asia/Kolkata' });
  page = context.pages()[0] ?? (await context.newPage());
}, 180_000);

afterAll(async () => {
  await context?.close();
  await client?.endAsync();
  await gw?.destroy();
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  if (shots !== undefined) console.log(`shipments screenshots in ${shots}`);
});

describe('shipments view', () => {
  const row = (id: string) => page.locator(`#shipments-table tr[data-shipment="${id}"]`);

  it('lists the shipments in transit with their status, last kept position and open flags', async () => {
    await page.goto(url('/#/shipments'));
    await expect.poll(() => page.locator('#shipments-table tbody tr').count(), DEADLINE).toBe(1);
    expect(await row('S-LIVE').getAttribute('data-status')).toBe('in-transit');
    expect(await row('S-LIVE').locator('[data-col="status"]').textContent()).toBe('In transit');
    // Minute 88's fix, not the jump after it; its device time in India's zone (UTC+5:30).
    const last = FIXES.at(-1)!;
    const position = await row('S-LIVE').locator('[data-col="position"]').textContent();
    expect(position).toContain(`52.0000° N, ${last.lon.toFixed(4)}° E`);
    expect(position).toContain(`${new Date(last.t + 5.5 * H).toISOString().slice(11, 19)} GMT+5:30`);
    expect(await row('S-LIVE').locator('[data-col="flags"] .badge').evaluateAll((els) => els.map((e) => e.textContent))).toEqual(['2 major', '1 warning']);
    expect(await page.locator('#shipments-status').textContent()).toBe('1 shipment (in transit), 0 late.');
  });

  it('shows every shipment with its status in colour and words, what needs attention first', async () => {
    await page.locator('#shipments-state').selectOption('all');
    await expect.poll(() => page.locator('#shipments-table tbody tr').count(), DEADLINE).toBe(3);
    expect(await page.locator('#shipments-table tbody tr').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-shipment')}:${e.getAttribute('data-status')}`)))
      .toEqual(['S-LIVE:in-transit', 'S-NEXT:planned', 'S-DONE:arrived-late']);
    expect(await row('S-DONE').locator('[data-col="status"]').textContent()).toBe('Arrived late');
    const colours = await page.locator('#shipments-table [data-col="status"] .badge').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    expect(new Set(colours).size).toBe(3);
    expect(await row('S-NEXT').locator('[data-col="position"]').textContent()).toBe('no fix yet');
  });

  it('plots the selected shipment: route, corridor, geofences, the track with the detour, the shocks and the last position', async () => {
    await row('S-LIVE').getByRole('link', { name: 'S-LIVE' }).click();
    await expect.poll(() => page.url(), DEADLINE).toMatch(/#\/shipments\/S-LIVE$/);
    const plot = page.locator('#shipment-detail svg.route-plot[data-shipment="S-LIVE"]');
    await expect.poll(() => plot.locator('path.route-track').count(), DEADLINE).toBe(1);
    expect(await plot.locator('path.route-planned').getAttribute('data-points')).toBe('3');
    expect(Number(await plot.locator('path.route-corridor').getAttribute('stroke-width'))).toBeGreaterThan(2);
    expect(await plot.locator('circle.geofence').evaluateAll((els) => els.map((e) => e.getAttribute('data-place')).sort())).toEqual(['DST', 'HUB', 'ORG']);
    // The track as the rules see it: every fix but the jump; the detour's 18 fixes in red.
    expect(Number(await plot.locator('path.route-track').getAttribute('data-points'))).toBe(FIXES.length);
    expect(await page.locator('#shipment-detail figcaption').textContent()).toContain(`${FIXES.length} GPS fixes the rules keep (line; 1 dropped, not drawn)`);
    expect(Number(await plot.locator('path.track-deviation').getAttribute('data-points'))).toBe(18);
    expect(await plot.locator('path.marker-shock').count()).toBe(2);
    expect(Number(await plot.locator('circle.marker-last').getAttribute('data-time'))).toBe(FIXES.at(-1)!.t);
    await expect.poll(() => page.locator('#shipment-track').textContent(), DEADLINE).toBe(`${FIXES.length + 1} fixes, 1 dropped by the rules (speed 1)`);
    expect(await page.locator('#shipment-status').textContent()).toBe('In transit');
    // 89 minutes of track and one past trip on the lane: nothing yet to predict its arrival from, and it says so.
    await expect.poll(() => page.locator('#shipment-window').textContent(), DEADLINE).toBe('no estimate: less than 3 hours of track and 3 past trips on the lane');
    // Stays at known places (planned stops, never flagged): the origin for its first two minutes, the hub at minute 50.
    const visits = page.locator('#shipment-visits li');
    await expect.poll(() => visits.evaluateAll((els) => els.map((e) => e.getAttribute('data-place'))), DEADLINE).toEqual(['ORG', 'HUB']);
    expect(await visits.first().textContent()).toMatch(/^origin Origin DC: arrived .* GMT\+5:30, left after 2 min$/);
    expect(await visits.nth(1).textContent()).toMatch(/^hub Cross-dock: arrived .* GMT\+5:30, left after 1 min$/);
    await page.screenshot({ path: join(shots, 'shipments-S-LIVE.png'), fullPage: true });
    await plot.screenshot({ path: join(shots, 'route-S-LIVE.png') });
  });

  it('fits a tablet’s width: the page does not scroll sideways (the table scrolls in its box), the plot shrinks to fit', async () => {
    await page.setViewportSize({ width: 800, height: 1100 });
    try {
      const plot = page.locator('#shipment-detail svg.route-plot');
      await expect.poll(() => plot.count(), DEADLINE).toBe(1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
      expect((await plot.boundingBox())?.width ?? Infinity).toBeLessThanOrEqual(800);
      await page.screenshot({ path: join(shots, 'shipments-tablet.png'), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1300, height: 900 });
    }
  });

  it('opens a shipment outside the filter from its address, and says when there is no such shipment', async () => {
    await page.locator('#shipments-state').selectOption('in_transit');
    await expect.poll(() => page.locator('#shipments-table tbody tr').count(), DEADLINE).toBe(1);
    await page.goto(url('/#/shipments/S-DONE'));
    await expect.poll(() => page.locator('#shipment-title').textContent(), DEADLINE).toBe('Shipment S-DONE');
    expect(await page.locator('#shipment-status').textContent()).toBe('Arrived late');
    expect(await page.locator('#shipment-evidence a[data-format="csv"]').getAttribute('href')).toBe('/api/v1/shipments/S-DONE/evidence.csv');
    await page.goto(url('/#/shipments/S-NOPE'));
    await expect.poll(() => page.locator('#shipment-missing').textContent(), DEADLINE).toBe('No shipment S-NOPE.');
  });
});
