/**
 * The Lanes view against a REAL gateway: a registry of four shipments of two carriers, their flags around the turn
 * of 2026 (ISO week 53) written to the gateway's own flag store and tier 3 judged from them as the rules judge it;
 * headless Chromium in Amsterdam's zone reads the heatmap. Waits poll the page with a generous deadline; nothing
 * depends on the machine's speed. Screenshots as in shipments.int.test.ts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { getJson, request as send, type TestGateway } from '../../gateway/test/support/gateway.js';
import { openDatabase } from '../../gateway/src/adapters/sqlite/database.js';
import { SqliteFlagStore } from '../../gateway/src/adapters/sqlite/flags/flag-store.js';
import { SqliteRegistryStore } from '../../gateway/src/adapters/sqlite/registry/registry-store.js';
import type { Finding, Subject } from '../../gateway/src/domain/flags/types.js';
import { evaluateTier3 } from '../../gateway/src/services/escalation.js';
import { gatewayWithRegistry } from './support/gateway-with-registry.js';
import { openBrowserSession, type BrowserSession } from './support/session.js';

const DEADLINE = { timeout: 60_000, interval: 250 };
const at = (iso: string): number => Date.parse(iso);

const circle = { kind: 'circle', center: { lat: 50, lon: 5 }, radiusM: 500 };
const plan = (id: string, carrier: string, lane: string, hubs: string[]) => ({
  id, carrier, lane, mode: 'road', origin: 'AMS', destination: 'MUC', hubs, route: [{ lat: 50, lon: 5 }, { lat: 51, lon: 5 }], corridorM: 5000,
  plannedDeparture: '2026-12-20T06:00:00Z', promisedDelivery: '2027-01-10T06:00:00Z', gapThresholdMin: 30,
});
const REGISTRY = {
  format: 'coldtrace-registry/1',
  sites: ['AMS', 'MUC'].map((id) => ({ id, name: id, geofence: circle })),
  places: ['HUB-A', 'HUB-B'].map((id) => ({ id, name: id, kind: 'carrier_hub', geofence: circle })),
  shipments: [plan('S1', 'Coldline', 'AMS-MUC', ['HUB-A']), plan('S2', 'Coldline', 'AMS-MUC', ['HUB-A']), plan('S3', 'Coldline', 'AMS-MUC', ['HUB-B']),
    plan('S4', 'Polar', 'AMS-PAR', ['HUB-A', 'HUB-B']),
    // Leaves Monday 8 Jun 2026 (week 24), far from the weeks above; its carrier will claim a delivery nothing confirms.
    { ...plan('S5', 'Frost', 'AMS-OSL', []), plannedDeparture: '2026-06-08T06:00:00Z', promisedDelivery: '2026-06-09T06:00:00Z' }],
};

function finding(rule: string, subject: Subject, iso: string, shipments: string[]): Finding {
  const t = at(iso);
  return {
    rule, params: {}, subject, severity: 'major', title: rule, startMs: t, endMs: t + 60_000, metAtMs: t, active: false, episodes: [], figures: {},
    related: { devices: [], zones: [], shipments, orders: [], batches: subject.kind === 'batch' ? [subject.id] : [] },
  };
}
const FINDINGS = [
  // One shock seen by two rules, then a stop: two incidents of S1.
  finding('shock/shock.peak/25/instant', { kind: 'shipment', id: 'S1' }, '2026-12-29T10:00:00Z', ['S1']),
  finding('shock/shock.peak/50/instant', { kind: 'shipment', id: 'S1' }, '2026-12-29T10:00:00Z', ['S1']),
  finding('unplanned-stop/20', { kind: 'shipment', id: 'S1' }, '2026-12-31T10:00:00Z', ['S1']),
  finding('route-deviation/1000/10', { kind: 'shipment', id: 'S2' }, '2027-01-01T09:00:00Z', ['S2']),
  // Sunday 23:30 UTC is Monday 00:30 in Amsterdam: week 1 there.
  finding('shock/shock.peak/25/instant', { kind: 'shipment', id: 'S3' }, '2027-01-03T23:30:00Z', ['S3']),
  // One warm spell on two batches of S4: one incident.
  finding('excursion/temperature/upper/8/instant', { kind: 'batch', id: 'B1' }, '2027-01-05T08:00:00Z', ['S4']),
  finding('excursion/temperature/upper/8/instant', { kind: 'batch', id: 'B2' }, '2027-01-05T08:00:00Z', ['S4']),
];

let gw: TestGateway | undefined;
let session: BrowserSession | undefined;
let page: Page;
let shots: string;
const url = (path: string): string => `${gw?.httpUrl ?? ''}${path}`;

beforeAll(async () => {
  gw = await gatewayWithRegistry(REGISTRY);
  // The rules judge the shipments the import changed (and find nothing): only then do the flags go into the gateway's
  // own store, where no rule touches them again (no tracker is placed on these shipments).
  await gw.rules.idle();
  const db = openDatabase(join(gw.dataDir, 'registry.db'));
  try {
    const flags = new SqliteFlagStore(db);
    await flags.reconcile([...new Map(FINDINGS.map((f) => [`${f.subject.kind}:${f.subject.id}`, f.subject])).values()], FINDINGS, at('2027-01-08T00:00:00Z'));
    await evaluateTier3(flags, new SqliteRegistryStore(db), at('2027-01-08T00:00:00Z'));
  } finally {
    db.close();
  }
  await gw.rules.idle();
  const { flags } = await getJson<{ flags: unknown[] }>(url('/api/v1/flags?limit=100'));
  if (flags.length !== FINDINGS.length + 3) throw new Error(`seeded flags: expected ${FINDINGS.length + 3}, have ${flags.length}`);
  session = await openBrowserSession('lanes', 'Europe/Amsterdam');
  ({ page, shots } = session);
}, 180_000);

afterAll(async () => {
  await session?.close();
  await gw?.destroy();
});

describe('lanes view', () => {
  const map = () => page.locator('#lanes-heatmap svg.lane-heatmap');
  /** `key: n n n` per row, from the numbers written in the cells. */
  const grid = () => map().locator('g.heat-row').evaluateAll((rows) => rows.map((r) =>
    `${r.getAttribute('data-key')}: ${[...r.querySelectorAll('g.heat-cell text')].map((t) => t.textContent).join(' ')}`));

  it('draws incidents per carrier and ISO week in the viewer\'s zone, the number in each cell', async () => {
    await page.goto(url('/#/lanes?by=carrier&from=2026-12-21&to=2027-01-11'));
    await expect.poll(() => map().getAttribute('data-by'), DEADLINE).toBe('carrier');
    expect(await map().locator('text.heat-week').evaluateAll((els) => els.map((e) => e.getAttribute('data-week')))).toEqual(['2026-W52', '2026-W53', '2027-W01']);
    expect(await grid()).toEqual(['Coldline: 0 3 1', 'Polar: 0 0 1']);
    // The cells' data agree with the numbers written, and the colour deepens with the count.
    const cells = map().locator('g.heat-row[data-key="Coldline"] g.heat-cell');
    expect(await cells.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-week')}=${e.getAttribute('data-count')}/${e.getAttribute('data-level')}`)))
      .toEqual(['2026-W52=0/0', '2026-W53=3/4', '2027-W01=1/2']);
    const fills = await cells.locator('rect').evaluateAll((els) => els.map((e) => getComputedStyle(e).fill));
    expect(new Set(fills).size).toBe(3);
    expect(await cells.nth(1).locator('title').textContent()).toBe('Coldline, 2026-W53: 3 incidents (S1, S2)');
    expect(await page.locator('#lanes-status').textContent()).toBe('2 carriers with incidents over 3 weeks, 1 tier 3 review.');
    expect(await page.locator('#lanes-zone').textContent()).toContain('Europe/Amsterdam');
    expect(await page.locator('nav.views a[data-view="lanes"]').getAttribute('aria-current')).toBe('page');
    await page.screenshot({ path: join(shots, 'lanes-carrier.png'), fullPage: true });
  });

  it('lists the tier 3 review beside it with a link to the flag and its shipments', async () => {
    const review = page.locator('#lanes-reviews li[data-flag="tier3/carrier@carrier:Coldline"]');
    expect(await review.getAttribute('data-state')).toBe('open');
    expect(await review.locator('a.review-flag').getAttribute('href')).toBe(`/api/v1/flags/${encodeURIComponent('tier3/carrier@carrier:Coldline')}`);
    expect(await review.locator('a.review-flag').textContent()).toBe('carrier Coldline: 4 incidents within 7 days');
    expect(await review.locator('a[href^="#/shipments/"]').evaluateAll((els) => els.map((e) => e.textContent))).toEqual(['S1', 'S2', 'S3']);
  });

  it('switches to hubs, a shipment through two hubs counted in each', async () => {
    await page.locator('#lanes-by').selectOption('hub');
    await expect.poll(() => map().getAttribute('data-by'), DEADLINE).toBe('hub');
    expect(page.url()).toContain('#/lanes?by=hub&from=2026-12-21&to=2027-01-11');
    expect(await grid()).toEqual(['HUB-A: 0 3 1', 'HUB-B: 0 0 2']);
    expect(await page.locator('#lanes-reviews li').evaluateAll((els) => els.map((e) => e.getAttribute('data-flag')))).toEqual(['tier3/hub@hub:HUB-A']);
    await page.locator('#lanes-by').selectOption('lane');
    await expect.poll(() => map().getAttribute('data-by'), DEADLINE).toBe('lane');
    expect(await grid()).toEqual(['AMS-MUC: 0 3 1', 'AMS-PAR: 0 0 1']);
    await page.screenshot({ path: join(shots, 'lanes-lane.png'), fullPage: true });
  });

  it('says so when the weeks hold no incidents', async () => {
    await page.goto(url('/#/lanes?by=carrier&from=2027-02-01&to=2027-03-01'));
    await expect.poll(() => page.locator('#lanes-heatmap .empty').textContent(), DEADLINE).toBe('No incidents in these weeks.');
    expect(await page.locator('#lanes-reviews li').count()).toBe(1); // the open review stays listed
  });

  it("shows claims against evidence by the same weeks: a carrier's delivery that neither a tracker nor custody confirms", async () => {
    const posted = await send('POST', url('/api/v1/carrier-events'), { shipment: 'S5', carrier: 'Frost', events: [{ time: '2026-06-08T18:00:00Z', code: 'delivered', text: 'Delivered, signed' }] });
    expect(posted.status).toBe(200);
    await gw!.rules.idle();
    await page.goto(url('/#/lanes?by=carrier&from=2026-06-01&to=2026-06-29'));
    const row = page.locator('#lanes-claims-table tbody tr[data-key="2026-W24 Frost AMS-OSL"]');
    await expect.poll(() => row.count(), DEADLINE).toBe(1);
    expect(await row.locator('th, td').allTextContents()).toEqual(['2026-W24', 'Frost', 'AMS-OSL', '1', '–', '1 of 1 (100 %)', '–', '–']);
    expect(await row.getAttribute('class')).toBe('disagreed');
    expect(await page.locator('#lanes-consistency h3').textContent()).toBe('Claims against evidence');
    await page.screenshot({ path: join(shots, 'lanes-claims.png'), fullPage: true });
    // The weeks of the other shipments: none left then (S1-S4 left on 20 Dec, before the range).
    await page.goto(url('/#/lanes?by=carrier&from=2026-12-21&to=2027-01-11'));
    await expect.poll(() => page.locator('#lanes-no-claims').textContent(), DEADLINE).toBe('No shipments left in these weeks.');
  });
});
