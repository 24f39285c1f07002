/**
 * Live updates of the Shipments view and the Order view (issue #16) against a REAL gateway (embedded broker, SQLite
 * stores, the rules running) in Debian's Chromium: with a view open, a GPS fix published over MQTT moves the
 * shipment's last position and track, a shock raises a flag that appears in the order's story, and a new status from
 * the order hub (a registry write) appears too, all without a reload (a marker set on the page's window survives).
 * Then both views at a tablet's 768 px: no sideways scroll of the page, the shipment reached and opened by Tab and
 * Enter, the order opened from its form by the keyboard, every time written with its zone and the zone named.
 * Every wait polls the page with a generous deadline; nothing depends on the machine's speed. The tests run in order.
 *
 * Screenshots go to COLDTRACE_SCREENSHOT_DIR, or to a `coldtrace-dashboard-screenshots-*` folder under the system
 * temp dir (kept, its path printed).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { connect, getJson, request, type TestGateway } from '../../gateway/test/support/gateway.js';
import { openBrowserSession, type BrowserSession } from './support/session.js';
import { gatewayWithRegistry } from './support/gateway-with-registry.js';

const MIN = 60_000;
const H = 60 * MIN;
const DEADLINE = { timeout: 60_000, interval: 250 };
const iso = (ms: number): string => new Date(ms).toISOString();
const NOW = Date.now();
const FIRST = NOW - 30 * MIN;
/** East along 52° N at about 25 km/h, a fix a minute: minutes 0-9 before the page opens. */
const fix = (i: number) => ({ t: FIRST + i * MIN, lat: 52, lon: 5 + i * 0.006 });

const circle = (lat: number, lon: number, radiusM: number) => ({ kind: 'circle', center: { lat, lon }, radiusM });
const ORDER = {
  id: 'O-LIVE', customer: 'Pharmacy', lines: [{ batch: 'B-LIVE', quantity: 100 }], shipments: ['S-LIVE'], promisedDelivery: iso(NOW + 4 * H),
  minRemainingShelfLifeDays: 30, statuses: [{ status: 'paid', at: iso(NOW - 3 * H), operator: 'hub', source: 'order-hub' }],
};
const REGISTRY = {
  format: 'coldtrace-registry/1',
  sites: [{ id: 'ORG', name: 'Origin DC', geofence: circle(52, 5, 500) }, { id: 'DST', name: 'Pharmacy', geofence: circle(52, 5.6, 500) }],
  devices: [{ id: 'trk-1', kind: 'tracker', model: 'GPS', intervalS: 60, metrics: ['gps.lat', 'gps.lon', 'shock.peak'] }],
  products: [{ id: 'P-VAX', name: 'Vaccine 10-dose vial', preset: 'pharma-2-8' }],
  batches: [{ id: 'B-LIVE', product: 'P-VAX', quantity: 100, producedAt: '2026-10-01', expiresAt: '2028-10-01' }],
  shipments: [{
    id: 'S-LIVE', carrier: 'Polar Freight', lane: 'ORG-DST', mode: 'road', origin: 'ORG', destination: 'DST', hubs: [],
    route: [{ lat: 52, lon: 5 }, { lat: 52, lon: 5.6 }], corridorM: 1000, plannedDeparture: iso(NOW - 2 * H), promisedDelivery: iso(NOW + 4 * H), gapThresholdMin: 600,
  }],
  orders: [ORDER],
  placements: [
    { id: 'P-TRK', device: 'trk-1', shipment: 'S-LIVE', from: iso(NOW - 2 * H) },
    { id: 'P-B', batch: 'B-LIVE', shipment: 'S-LIVE', from: iso(NOW - 2 * H) },
  ],
};

let gw: TestGateway | undefined;
let client: MqttClient | undefined;
let browser: BrowserSession | undefined;
let page: Page;
let shots: string;
let seq = 0;

const url = (path: string): string => `${gw?.httpUrl ?? ''}${path}`;
const send = (time: number, readings: { metric: string; value: number; unit: string }[]) =>
  client!.publishAsync(dataTopic('truck', 'edge-1', 'trk-1'), JSON.stringify({ v: 1, seq: ++seq, time, readings }), { qos: 1 });
const sendFix = (f: { t: number; lat: number; lon: number }) => send(f.t, [{ metric: 'gps.lat', value: f.lat, unit: 'deg' }, { metric: 'gps.lon', value: f.lon, unit: 'deg' }]);
/** A marker on the page's window: gone after a reload. */
const mark = () => page.evaluate(() => { (window as unknown as { liveMarker: number }).liveMarker = 42; });
const marked = () => page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker);

beforeAll(async () => {
  gw = await gatewayWithRegistry(REGISTRY);
  client = await connect(gw.mqttUrl, `live-views-test-${process.pid}`);
  for (let i = 0; i < 10; i++) await sendFix(fix(i));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { shipments } = await getJson<{ shipments: { id: string; lastPosition?: { at: string } }[] }>(url('/api/v1/shipments'));
    if (shipments.find((s) => s.id === 'S-LIVE')?.lastPosition?.at === iso(fix(9).t)) break;
    if (Date.now() > deadline) throw new Error('timed out waiting for the last position of S-LIVE');
    await new Promise((r) => setTimeout(r, 250));
  }
  browser = await openBrowserSession('live-views', 'Europe/Amsterdam');
  ({ page, shots } = browser);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await client?.endAsync();
  await gw?.destroy();
});

describe('live views', () => {
  it('documents its two streams in the OpenAPI document', async () => {
    const doc = await getJson<{ paths: Record<string, { get?: { responses?: Record<string, { content?: Record<string, unknown> }> } }> }>(url('/openapi.json'));
    for (const path of ['/api/v1/live/shipments', '/api/v1/live/orders/{id}']) {
      expect(Object.keys(doc.paths[path]?.get?.responses?.['200']?.content ?? {}), path).toEqual(['text/event-stream']);
    }
  });

  it('moves a shipment\'s last position and track when its tracker publishes a fix, without a reload', async () => {
    await page.goto(url('/#/shipments/S-LIVE'));
    const row = page.locator('#shipments-table tr[data-shipment="S-LIVE"]');
    const track = page.locator('#shipment-detail svg.route-plot path.route-track');
    await expect.poll(() => track.getAttribute('data-points'), DEADLINE).toBe('10');
    await expect.poll(() => page.locator('#shipments-live').getAttribute('data-live'), DEADLINE).toBe('live');
    expect(await row.locator('[data-col="position"]').textContent()).toContain(`${fix(9).lon.toFixed(4)}° E`);
    // The keyboard user's place in the table survives the update.
    await row.getByRole('link', { name: 'S-LIVE' }).focus();
    await mark();
    await sendFix(fix(10));
    await expect.poll(() => row.locator('[data-col="position"]').textContent(), DEADLINE).toContain(`${fix(10).lon.toFixed(4)}° E`);
    await expect.poll(() => track.getAttribute('data-points'), DEADLINE).toBe('11');
    expect(await marked()).toBe(42);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('S-LIVE');
    await page.screenshot({ path: join(shots, 'live-shipments-S-LIVE.png'), fullPage: true });
  }, 180_000);

  it('shows a flag raised and a new status in the open order\'s story, without a reload', async () => {
    await page.goto(url('/#/orders/O-LIVE'));
    await expect.poll(() => page.locator('#order-live').getAttribute('data-live'), DEADLINE).toBe('live');
    const story = page.locator('#order-timeline li');
    await expect.poll(() => story.count(), DEADLINE).toBeGreaterThan(0);
    expect(await page.locator('#order-timeline li[data-kind="flag"]').count()).toBe(0);
    expect(await page.locator('#order-timeline li[data-kind="status"]').count()).toBe(1);
    await mark();
    // A 62 g shock on the shipment: the rules flag it, and the flag touches the order of the batch on board.
    await send(fix(10).t + 20_000, [{ metric: 'shock.peak', value: 62, unit: '[g]' }]);
    await expect.poll(() => page.locator('#order-timeline li[data-kind="flag"][data-flag^="shock/"]').count(), DEADLINE).toBeGreaterThan(0);
    // The order hub reports it shipped (a registry write).
    const put = await request('PUT', url('/api/v1/registry'), {
      format: 'coldtrace-registry/1',
      orders: [{ ...ORDER, statuses: [...ORDER.statuses, { status: 'shipped', at: iso(NOW - 2 * H), operator: 'dock-3', source: 'order-hub' }] }],
    });
    expect(put.status).toBe(200);
    await expect.poll(() => page.locator('#order-timeline li[data-kind="status"]').count(), DEADLINE).toBe(2);
    expect(await marked()).toBe(42);
    await page.screenshot({ path: join(shots, 'live-order-O-LIVE.png'), fullPage: true });
  }, 240_000);

  it('fits a tablet\'s 768 px, works from the keyboard, names the zone of every time', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    // Times are written `6 Dec 2026, 23:15:00 CET`: each ends with the zone's name (Amsterdam: CET in December).
    const unzoned = (root: string) => page.locator(`${root} time`).evaluateAll((els) => els.map((e) => e.textContent ?? '').filter((t) => !/(CET|CEST)$/.test(t)));

    await page.goto(url('/#/shipments'));
    const link = page.locator('#shipments-table tr[data-shipment="S-LIVE"] a');
    await expect.poll(() => link.count(), DEADLINE).toBe(1);
    // From the top of the page, Tab alone reaches the shipment's link; Enter opens it.
    await page.locator('body').focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await link.evaluate((a) => a === document.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url(), DEADLINE).toMatch(/#\/shipments\/S-LIVE$/);
    await expect.poll(() => page.locator('#shipment-detail svg.route-plot path.route-track').count(), DEADLINE).toBe(1);
    await expect.poll(() => page.locator('#shipment-window').textContent(), DEADLINE).not.toBe('Loading…');
    expect(await sideways()).toBeLessThanOrEqual(0);
    expect(await page.locator('#shipments-zone').textContent()).toContain('Europe/Amsterdam');
    expect(await unzoned('#shipments-view')).toEqual([]);
    await page.screenshot({ path: join(shots, 'live-shipments-tablet-768.png'), fullPage: true });

    // The order form from the keyboard: type the id, Enter. Its story has the shock's flags of the test above.
    await page.goto(url('/#/orders'));
    await page.locator('#order-id').focus();
    await page.keyboard.type('O-LIVE');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#order-timeline li[data-kind="flag"]').count(), DEADLINE).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#order-view .evidence-slot svg, #order-view .evidence-slot canvas').count(), DEADLINE).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#order-view svg.route-plot').count(), DEADLINE).toBe(1);
    expect(await sideways()).toBeLessThanOrEqual(0);
    expect(await page.locator('#order-zone').textContent()).toContain('Europe/Amsterdam');
    expect(await unzoned('#order-view')).toEqual([]);
    await page.screenshot({ path: join(shots, 'live-order-tablet-768.png'), fullPage: true });
  }, 240_000);
});
