/**
 * The Flags and Order views against a REAL gateway holding the reefer-trip scenario (docs/scenarios.md), replayed
 * through MQTT by the scenario runner's library, read in headless Chromium in the Asia/Kolkata zone (UTC+5:30 all year: no daylight saving to make the expected
 * clock times depend on the date, and a half-hour offset that a page mixing up zones cannot get right by accident).
 * Every wait polls for a condition with a generous deadline; nothing depends on the machine's speed.
 *
 * Screenshots go to COLDTRACE_SCREENSHOT_DIR when set, otherwise to a folder of their own under the system temp dir
 * (kept after the run, its path printed), never into the source tree.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { allFlags, buildScenario, checkFlags, expectedId, replay } from '../../simulators/src/scenarios/index.js';
import { getJson, request, startTestGateway, type TestGateway } from '../../gateway/test/support/gateway.js';

const CHROMIUM = '/usr/bin/chromium';
const DASHBOARDS = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(DASHBOARDS, '..');
const ORDER = 'ORD-RT-201';
const DEADLINE = { timeout: 30_000 };
/** ICU may name the zone by its older alias. */
const ZONE_NOTE = /^Times in Asia\/(Kolkata|Calcutta) \(GMT\+5:30\)\.$/;

const s = buildScenario('reefer-trip');
let gw: TestGateway | undefined;
let context: BrowserContext | undefined;
let page: Page;
let profile: string;
let shots: string;

function buildDashboard(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', DASHBOARDS], { stdio: 'pipe' });
  execFileSync(process.execPath, [join(DASHBOARDS, 'scripts/copy-assets.mjs')], { stdio: 'pipe' });
}

function url(path: string): string {
  if (gw === undefined) throw new Error('gateway not started');
  return gw.httpUrl + path;
}

interface ApiFlag { id: string; state: string; metAtMs: number; events: { kind: string; by: string; comment?: string }[] }

const flagUrl = (id: string) => url(`/api/v1/flags/${encodeURIComponent(id)}`);
const card = (id: string) => page.locator(`article.flag[data-flag="${id}"]`);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install chromium (scripts/test.sh does)`);
  buildDashboard();
  gw = await startTestGateway();
  await replay(s, { httpUrl: gw.httpUrl, mqttUrl: gw.mqttUrl });
  const end = Date.now() + 90_000;
  while (checkFlags(s.expected, await allFlags(gw.httpUrl)).missing.length > 0) {
    if (Date.now() > end) throw new Error('timed out waiting for the reefer-trip flags');
    await new Promise((r) => setTimeout(r, 250));
  }
  await gw.rules.idle();
  profile = await mkdtemp(join(tmpdir(), 'coldtrace-flags-order-'));
  shots = process.env['COLDTRACE_SCREENSHOT_DIR'] ?? (await mkdtemp(join(tmpdir(), 'coldtrace-dashboard-screenshots-')));
  await mkdir(shots, { recursive: true });
  context = await chromium.launchPersistentContext(join(profile, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1300, height: 900 },
    timezoneId: 'Asia/Kolkata',
    locale: 'en-GB',
  });
  page = context.pages()[0] ?? (await context.newPage());
}, 180_000);

afterAll(async () => {
  await context?.close();
  await gw?.destroy();
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  if (shots !== undefined) console.log(`flags/order screenshots in ${shots}`);
});

/**
 * What uPlot drew in an evidence chart: its series' labels and data, and the share of the canvas pixels painted in the
 * shading's red in a 9 x 12 px box at the top of the plot in the middle of the first shaded stretch, and at the
 * window's first minute.
 */
async function evidenceDrawn(chart: Locator): Promise<{ labels: string[]; data: (number | null)[][]; shadedInSpan: number; shadedBefore: number }> {
  return chart.evaluate((el) => {
    interface U { series: { label?: string }[]; data: (number | null)[][]; ctx: CanvasRenderingContext2D; bbox: { top: number }; valToPos(v: number, scale: string, canvasPixels?: boolean): number }
    const u = (el as HTMLElement & { uplot: U }).uplot;
    const span = el.querySelector('li.excursion');
    const x = u.data[0] as number[];
    const painted = (t: number): number => {
      const img = u.ctx.getImageData(Math.round(u.valToPos(t, 'x', true)) - 4, Math.round(u.bbox.top) + 2, 9, 12).data;
      // The shading's red, not the grey of a grid line or the blue of a trace.
      let n = 0;
      for (let i = 0; i < img.length; i += 4) if (img[i + 3]! > 0 && img[i]! > img[i + 2]! + 60) n++;
      return n / (img.length / 4);
    };
    const from = Number(span?.getAttribute('data-from'));
    const to = Number(span?.getAttribute('data-to'));
    return { labels: u.series.map((s) => s.label ?? ''), data: u.data, shadedInSpan: painted((from + to) / 2), shadedBefore: painted(x[0]! + 60_000) };
  });
}

describe('flags view', () => {
  it('lists the open flags newest first, with severity, subject, orders and the moment met in the viewer’s zone', async () => {
    await page.goto(url('/#/flags'));
    await expect.poll(() => page.locator('article.flag').count(), DEADLINE).toBe(s.expected.length);
    const api = await getJson<{ flags: ApiFlag[] }>(url('/api/v1/flags?state=open'));
    const newestFirst = [...api.flags].sort((a, b) => b.metAtMs - a.metAtMs || a.id.localeCompare(b.id)).map((f) => f.id);
    expect(await page.locator('article.flag').evaluateAll((els) => els.map((e) => e.getAttribute('data-flag')))).toEqual(newestFirst);
    expect(await page.locator('#flags-zone').textContent()).toMatch(ZONE_NOTE);

    const shock = card('shock/shock.peak/50/instant@shipment:SH-RT-0042');
    expect(await shock.getAttribute('data-severity')).toBe('major');
    expect(await shock.locator('header .badge').first().textContent()).toBe('Major');
    expect(await shock.locator('[data-col="subject"]').textContent()).toBe('shipment SH-RT-0042');
    expect(await shock.locator('[data-col="orders"]').textContent()).toBe('ORD-RT-201, ORD-RT-202');
    // The shock's device time, shown 5 h 30 min later than UTC.
    const shockAt = s.expected.find((e) => e.rule === 'shock/shock.peak/50/instant')?.metAtMs ?? 0;
    const kolkata = new Date(shockAt + 5.5 * 3_600_000).toISOString().slice(11, 19);
    expect(await shock.locator('[data-col="met-at"]').textContent()).toMatch(new RegExp(`, ${kolkata} GMT\\+5:30$`));
    expect(await card('unplanned-stop/200/30@shipment:SH-RT-0042').getAttribute('data-severity')).toBe('warning');
  });

  it('acknowledges a flag from the keyboard with a comment and the name, and it stays acknowledged after a reload', async () => {
    const id = 'unplanned-stop/200/30@shipment:SH-RT-0042';
    await page.getByLabel('Your name (recorded with each move)').fill('Dana Planner');
    await card(id).getByLabel('Comment').fill('Driver rest, agreed with the carrier');
    await card(id).getByRole('button', { name: 'Acknowledge' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => card(id).getAttribute('data-state'), DEADLINE).toBe('acknowledged');
    expect(await page.locator('#flags-status').textContent()).toMatch(/^Acknowledged “stopped/);

    const stored = await getJson<ApiFlag>(flagUrl(id));
    expect(stored.state).toBe('acknowledged');
    expect(stored.events.at(-1)).toMatchObject({ kind: 'acknowledged', by: 'Dana Planner', comment: 'Driver rest, agreed with the carrier' });

    await page.reload();
    await expect.poll(() => card(id).getAttribute('data-state'), DEADLINE).toBe('acknowledged');
    expect(await page.getByLabel('Your name (recorded with each move)').inputValue()).toBe('Dana Planner');
    expect(await card(id).locator('[data-col="last-move"]').textContent()).toMatch(/^acknowledged by Dana Planner, .*GMT\+5:30: “Driver rest, agreed with the carrier”$/);
    expect(await card(id).getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await card(id).getByRole('button', { name: 'Resolve' }).count()).toBe(1);
    await page.screenshot({ path: join(shots, 'flags.png'), fullPage: true });
  });

  it('says clearly when the gateway refuses a move (409: someone resolved the flag meanwhile)', async () => {
    const id = 'route-deviation/2000/10@shipment:SH-RT-0042';
    await expect.poll(() => card(id).getAttribute('data-state'), DEADLINE).toBe('open');
    const behind = await request('POST', `${flagUrl(id)}/resolve`, { comment: 'closed elsewhere' }, { 'x-coldtrace-actor': 'someone-else' });
    expect(behind.status).toBe(200);
    await card(id).getByRole('button', { name: 'Acknowledge' }).click();
    const message = card(id).locator('.flag-message');
    await expect.poll(() => message.getAttribute('data-status'), DEADLINE).toBe('409');
    expect(await message.textContent()).toMatch(/^Not done: the flag's state does not allow this move .*refresh to see its state\.$/);
    expect(await message.getAttribute('role')).toBe('alert');
    await page.locator('#flags-refresh').click();
    await expect.poll(() => card(id).count(), DEADLINE).toBe(0);
  });
});

describe('order view', () => {
  const expectedFlags = s.expected.filter((e) => e.orders.includes(ORDER)).map(expectedId).sort();

  it(`tells the story of ${ORDER} in time order, with the reefer-trip's expected flags and their severities`, async () => {
    await page.goto(url(`/#/orders/${ORDER}`));
    const timeline = page.locator('#order-timeline');
    await expect.poll(() => timeline.locator('li[data-kind="flag"]').count(), DEADLINE).toBe(expectedFlags.length);
    const flags = await timeline.locator('li[data-kind="flag"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-flag')));
    expect([...flags].sort()).toEqual(expectedFlags);
    // The timeline's own entries (an entry may hold lists of its own, such as an evidence chart's shaded stretches).
    const entries = timeline.locator(':scope > li');
    const times = (await entries.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-at')))));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const kinds = new Set(await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))));
    expect([...kinds].sort()).toEqual(['custody', 'flag', 'place', 'status', 'tracker']);
    const excursion = timeline.locator('li[data-flag="excursion/temperature/upper/8/consecutive/30@batch:RT-VAX-7731"]');
    expect(await excursion.locator('.badge').textContent()).toBe('Major');
    expect(await excursion.locator('.what').textContent()).toMatch(/^temperature ≥ 8/);
    expect(await timeline.locator('li[data-kind="place"]').first().textContent()).toMatch(/ GMT\+5:30 Place shipment SH-RT-0042 arrived at origin rt-venlo-dc$/);
    expect(await page.locator('#order-zone').textContent()).toMatch(ZONE_NOTE);
  });

  it('draws the evidence of the reefer failure with uPlot: the temperature trace, the 8 °C limit and the shaded excursion', async () => {
    const chart = page.locator('li[data-flag="excursion/temperature/upper/8/consecutive/30@batch:RT-VAX-7731"] div.evidence-chart');
    await expect.poll(() => chart.locator('canvas').count(), DEADLINE).toBe(1);
    const drawn = await evidenceDrawn(chart);
    expect(drawn.labels).toEqual(['time', 'rt-reefer-12', 'limit 8 °C']);
    // A reading a minute over the excursion (44 min) and the 30 min before it (the trip ends soon after).
    const trace = drawn.data[1]!.filter((v): v is number => typeof v === 'number');
    expect(trace.length).toBeGreaterThan(70);
    // The limit lies below the trace's peak (12.1 °C) and above its start (5 °C), across the whole window.
    expect(new Set(drawn.data[2]!.filter((v) => v !== null && v !== undefined))).toEqual(new Set([8]));
    expect(Math.max(...trace)).toBeGreaterThan(8);
    expect(Math.min(...trace)).toBeLessThan(8);
    // One stretch beyond the limit, named for screen readers and shaded on the canvas: its middle is painted at the
    // top of the plot, where no trace runs, the window's first minutes are not.
    expect(await chart.locator('li.excursion').count()).toBe(1);
    expect(drawn.shadedInSpan).toBeGreaterThan(0.8);
    expect(drawn.shadedBefore).toBeLessThan(0.2);
    // The shock's chart: the 62 g reading against the 50 g limit.
    const shock = page.locator('li[data-flag="shock/shock.peak/50/instant@shipment:SH-RT-0042"] div.evidence-chart');
    await expect.poll(() => shock.locator('canvas').count(), DEADLINE).toBe(1);
    expect((await evidenceDrawn(shock)).labels).toEqual(['time', 'rt-acc-12', 'limit 50 g']);
    expect(await page.locator('li[data-flag="tier3/lane@lane:VNL-UTR"] .no-chart').textContent()).toMatch(/no readings of its own/);
  });

  it('plots the route: planned route and corridor, the GPS track, the geofences, the stop, the shock and the detour', async () => {
    const plot = page.locator('svg.route-plot[data-shipment="SH-RT-0042"]');
    await expect.poll(() => plot.locator('path.route-track').count(), DEADLINE).toBe(1);
    expect(await plot.locator('path.route-planned').getAttribute('data-points')).toBe('4');
    expect(Number(await plot.locator('path.route-corridor').getAttribute('stroke-width'))).toBeGreaterThan(2);
    const track = plot.locator('path.route-track');
    expect(Number(await track.getAttribute('data-points'))).toBeGreaterThan(150);
    expect(((await track.getAttribute('d')) ?? '').split('L').length).toBeGreaterThan(150);
    expect(await plot.locator('circle.geofence').evaluateAll((els) => els.map((e) => e.getAttribute('data-place')).sort()))
      .toEqual(['rt-hub-eindhoven', 'rt-utrecht-pharmacy', 'rt-venlo-dc']);
    expect(await plot.locator('rect.marker-stop[data-flag="unplanned-stop/200/30@shipment:SH-RT-0042"]').count()).toBe(1);
    expect(await plot.locator('path.marker-shock').count()).toBe(2);
    expect(Number(await plot.locator('path.track-deviation').getAttribute('data-points'))).toBeGreaterThanOrEqual(10);
    // The trip is over: its delivery window says so (a shipment on its way shows P10-P90 and P50: shipments.int.test.ts).
    await expect.poll(() => page.locator('.delivery-window[data-shipment="SH-RT-0042"] .window-text').textContent(), DEADLINE).toBe('arrived');
    await page.screenshot({ path: join(shots, 'order-ORD-RT-201.png'), fullPage: true });
    await plot.screenshot({ path: join(shots, 'route-SH-RT-0042.png') });
  });

  it('offers the evidence downloads: a PDF report whose SHA-256 line matches its bytes, and the CSV and JSON of its readings', async () => {
    const links = page.locator('#order-evidence a');
    expect(await links.evaluateAll((els) => els.map((e) => e.getAttribute('data-format')))).toEqual(['pdf', 'pdf.sha256', 'csv', 'csv.sha256', 'json', 'json.sha256']);
    const pdf = await fetch(url((await links.first().getAttribute('href')) ?? ''));
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const sha = await fetch(url(`${(await page.locator('#order-evidence a[data-format="pdf.sha256"]').getAttribute('href')) ?? ''}?asOf=${pdf.headers.get('x-coldtrace-evidence-as-of') ?? ''}`));
    expect(await sha.text()).toBe(`${createHash('sha256').update(bytes).digest('hex')}  evidence-order-${ORDER}.pdf\n`);
  });

  it('tells the customer summary in plain English, switches to 中文 from the keyboard and remembers it', async () => {
    await page.goto(url(`/#/orders/${ORDER}`));
    const text = page.locator('#customer-summary-text');
    const sentences = () => text.locator('li').allTextContents();
    await expect.poll(async () => (await sentences()).at(-1), DEADLINE).toMatch(/^Times are in Asia\/(Kolkata|Calcutta) time\.$/);
    expect(await text.getAttribute('lang')).toBe('en');
    const en = await sentences();
    expect(en[0]).toMatch(/^Temperatures ranged from \d+\.\d to \d+\.\d °C\.$/);
    expect(en.some((x) => /above the goods' 8\.0 °C limit/.test(x))).toBe(true);
    expect(await page.locator('#customer-summary button[data-lang="en"]').getAttribute('aria-pressed')).toBe('true');

    await page.locator('#customer-summary button[data-lang="zh"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => text.getAttribute('lang'), DEADLINE).toBe('zh-Hans');
    const zh = await sentences();
    expect(zh).toHaveLength(en.length);
    expect(zh[0]).toMatch(/^途中温度介于 \d+\.\d 至 \d+\.\d °C 之间。$/);
    expect(zh.some((x) => /温度高于货物 8\.0 °C 的上限/.test(x))).toBe(true);
    expect(zh.at(-1)).toMatch(/^以上时间均为 Asia\/(Kolkata|Calcutta) 时区时间。$/);
    expect(await page.locator('#customer-summary button[data-lang="zh"]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('#customer-summary').screenshot({ path: join(shots, `summary-zh-${ORDER}.png`) });

    await page.reload();
    await expect.poll(() => text.getAttribute('lang'), DEADLINE).toBe('zh-Hans');
    await page.locator('#customer-summary button[data-lang="en"]').click();
    await expect.poll(() => text.getAttribute('lang'), DEADLINE).toBe('en');
    expect(await sentences()).toEqual(en);
  });

  it('opens an order from ?order= and says when an order does not exist', async () => {
    await page.goto(url('/?order=ORD-RT-202'));
    await expect.poll(() => page.locator('#order-title').textContent(), DEADLINE).toBe('Order ORD-RT-202');
    await expect.poll(() => page.locator('#order-timeline li[data-flag^="excursion/"]').getAttribute('data-flag'), DEADLINE)
      .toBe('excursion/temperature/upper/8/consecutive/30@batch:RT-INS-0452');
    await page.getByLabel('Order id').fill('ORD-NOPE');
    await page.getByLabel('Order id').press('Enter');
    await expect.poll(() => page.locator('#order-status').textContent(), DEADLINE).toBe('No order ORD-NOPE.');
    expect(page.url()).toMatch(/#\/orders\/ORD-NOPE$/);
  });
});
