/**
 * CAP weather and disruption alerts over real HTTP on a real gateway with its real SQLite files (issue #20): the
 * standard's example alerts in, duplicates recognised, an Update replacing and a Cancel ending an alert; documents
 * with an external entity, a billion-laughs expansion or broken XML refused with their reason and kept; the alerts
 * in force listed; and a CAP URL polled on a hand-moved schedule from a real local HTTP server, serving one document
 * or an Atom feed of them.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteCapAlertStore } from '../../src/adapters/sqlite/alerts/cap-store.js';
import { WeatherAlertService } from '../../src/services/weather-alerts.js';
import { CapPoller } from '../../src/services/weather-poll.js';
import { startTestGateway, type Body, type TestGateway } from '../support/gateway.js';
import { ManualTime } from '../support/manual-time.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/cap/${name}`, import.meta.url), 'utf8');
const H = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A storm alert (or its Update/Cancel) in force from `fromMs` to `toMs`. */
function storm(id: string, fromMs: number, toMs: number, head = '<msgType>Alert</msgType>'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>${id}</identifier><sender>met@example.org</sender><sent>${iso(fromMs)}</sent>
<status>Actual</status>${head}<scope>Public</scope><info><event>Storm</event><urgency>Immediate</urgency><severity>Severe</severity>
<certainty>Observed</certainty><onset>${iso(fromMs)}</onset><expires>${iso(toMs)}</expires><headline>Storm warning &amp; road closures</headline>
<area><areaDesc>A12 corridor</areaDesc><polygon>52.0,4.9 52.1,4.9 52.1,5.1 52.0,5.1 52.0,4.9</polygon></area></info></alert>`;
}

const XXE = `<?xml version="1.0"?>\n<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>`;
const LAUGHS = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
  Array.from({ length: 9 }, (_, k) => `<!ENTITY lol${k + 1} "${`&lol${k === 0 ? '' : k};`.repeat(10)}">`).join('') + ']><alert><identifier>&lol9;</identifier></alert>';

async function postXml(url: string, xml: string, type = 'application/cap+xml'): Promise<{ status: number; json: Body }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body: xml });
  return { status: res.status, json: await res.json() };
}

describe('CAP alerts through the gateway', () => {
  let gw: TestGateway;
  let api: string;
  beforeAll(async () => {
    gw = await startTestGateway({ COLDTRACE_RULES: 'off' });
    api = `${gw.httpUrl}/api/v1`;
  });
  afterAll(() => gw.destroy());

  it('stores the four example alerts of the CAP 1.2 standard once each', async () => {
    for (const name of ['a1-homeland-security.xml', 'a2-severe-thunderstorm.xml', 'a3-earthquake-update.xml', 'a4-amber-alert.xml']) {
      const r = await postXml(`${api}/alerts`, fixture(name), 'application/xml');
      expect([name, r.status, r.json.outcome]).toEqual([name, 200, 'stored']);
    }
    const again = await postXml(`${api}/alerts`, fixture('a2-severe-thunderstorm.xml'), 'text/xml');
    expect([again.status, again.json.outcome, again.json.key]).toEqual([200, 'duplicate', 'KSTO@NWS.NOAA.GOV,KSTO1055887203,2003-06-17T14:57:00-07:00']);
  });

  it('lists the alerts in force now; an Update replaces one, a Cancel ends one', async () => {
    const now = Date.now();
    const first = storm('STORM-1', now - H, now + 6 * H);
    expect((await postXml(`${api}/alerts`, first)).json.outcome).toBe('stored');
    const active = async (): Promise<string[]> => ((await (await fetch(`${api}/alerts`)).json()) as Body).alerts.map((a: Body) => a.identifier);
    expect(await active()).toEqual(['STORM-1']);
    const listed = ((await (await fetch(`${api}/alerts`)).json()) as Body).alerts[0];
    expect([listed.infos[0].headline, listed.infos[0].areas[0].polygons[0].length, listed.source]).toEqual(['Storm warning & road closures', 5, 'http']);
    const ref = `met@example.org,STORM-1,${iso(now - H)}`;
    const update = await postXml(`${api}/alerts`, storm('STORM-2', now - H / 2, now + 8 * H, `<msgType>Update</msgType><references>${ref}</references>`));
    expect(update.json.ended).toEqual([ref]);
    expect(await active()).toEqual(['STORM-2']);
    const cancel = await postXml(`${api}/alerts`, storm('STORM-3', now - H / 4, now + 8 * H, `<msgType>Cancel</msgType><references>met@example.org,STORM-2,${iso(now - H / 2)}</references>`));
    expect(cancel.status).toBe(200);
    expect(await active()).toEqual([]);
  });

  it('refuses an external entity, a billion-laughs expansion and broken XML with their reasons, and keeps each', async () => {
    const cases = [[XXE, 'E_CAP_DTD'], [LAUGHS, 'E_CAP_DTD'], ['<alert><identifier>x</alert>', 'E_CAP_MALFORMED'], ['', 'E_CAP_MALFORMED']] as const;
    const ids: number[] = [];
    for (const [xml, code] of cases) {
      const r = await postXml(`${api}/alerts`, xml);
      expect([r.status, r.json.accepted, r.json.code]).toEqual([422, false, code]);
      ids.push(r.json.id as number);
    }
    const kept = ((await (await fetch(`${api}/alerts/refused?limit=10`)).json()) as Body).refused;
    expect(kept.slice(0, 4).map((r: Body) => [r.id, r.code, r.document, r.source])).toEqual(cases.map(([xml, code], i) => [ids[i], code, xml, 'http']).reverse());
    // Still serving, and the refused documents changed no alert.
    expect((await fetch(`${gw.httpUrl}/health/live`)).status).toBe(200);
  });

  it('describes the route in OpenAPI with the CAP media types and both answers', async () => {
    const doc = (await (await fetch(`${gw.httpUrl}/openapi.json`)).json()) as Body;
    const post = doc.paths['/api/v1/alerts'].post;
    expect(Object.keys(post.requestBody.content).sort()).toEqual(['application/cap+xml', 'application/xml', 'text/xml']);
    expect(Object.keys(post.responses).sort()).toEqual(['200', '422']);
  });

  it('refuses a body over the size limit before reading it', async () => {
    const r = await postXml(`${api}/alerts`, `<alert>${'x'.repeat(8 * 1024 * 1024 + 10)}</alert>`);
    expect(r.status).toBe(413);
  });
});

describe('a CAP URL polled on a schedule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-cap-poll-'));
  let server: Server;
  let url: string;
  let body = '';
  let status = 200;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/cap+xml' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cap.xml`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches at each poll, reads a new document once, keeps a refused one once, and goes on after a failure', async () => {
    const time = new ManualTime(Date.UTC(2026, 11, 7, 6));
    const store = new SqliteCapAlertStore(openDatabase(join(dir, 'alerts.db')));
    const alerts = new WeatherAlertService(store, time, pino({ level: 'silent' }));
    const poller = new CapPoller(alerts, time, pino({ level: 'silent' }), { url, everyMs: 300_000 });
    const t = time.now();
    body = storm('POLL-1', t, t + 6 * H);
    await poller.poll();
    expect((await alerts.active(t)).map((a) => [a.alert.identifier, a.source])).toEqual([['POLL-1', `poll:${url}`]]);
    // The next poll is scheduled by the scheduler, not a real timer: due after 5 minutes, not before.
    expect(time.tasks.map((x) => x.at - t)).toEqual([300_000]);
    await poller.poll();
    expect(poller.counts).toEqual({ polls: 2, failed: 0, unchanged: 1, entries: 0, entriesFailed: 0 });
    body = XXE;
    await poller.poll();
    await poller.poll();
    expect((await alerts.refused(10)).map((r) => [r.code, r.source])).toEqual([['E_CAP_DTD', `poll:${url}`]]);
    status = 503;
    await poller.poll();
    status = 200;
    body = storm('POLL-2', t, t + 6 * H, `<msgType>Cancel</msgType><references>met@example.org,POLL-1,${iso(t)}</references>`);
    time.t += 300_000;
    time.runDue();
    await poller.poll();
    expect(poller.counts.failed).toBe(1);
    expect(await alerts.active(time.now())).toEqual([]);
    await poller.close();
    await store.close();
  });
});

describe('an Atom feed of CAP messages polled on a schedule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-cap-feed-'));
  let server: Server;
  let base: string;
  const docs = new Map<string, string>();
  let feed = '';
  const asked: string[] = [];
  const T = Date.UTC(2026, 11, 7, 6);
  const entry = (id: string, updated: string, href: string) => `<entry><id>${id}</id><updated>${updated}</updated><link rel="alternate" type="application/cap+xml" href="${href}"/></entry>`;
  const atom = (...entries: string[]) => `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>f</id>${entries.join('')}</feed>`;
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      const body = req.url === '/feed.xml' ? feed : docs.get(req.url ?? '');
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': req.url === '/feed.xml' ? 'application/atom+xml' : 'application/cap+xml' });
      res.end(body ?? 'not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches each new or updated entry once, retries one that failed, and keeps a refused one with its reason', async () => {
    const time = new ManualTime(T);
    const store = new SqliteCapAlertStore(openDatabase(join(dir, 'alerts.db')));
    const alerts = new WeatherAlertService(store, time, pino({ level: 'silent' }));
    const poller = new CapPoller(alerts, time, pino({ level: 'silent' }), { url: `${base}/feed.xml`, everyMs: 300_000 });
    const active = async () => (await alerts.active(time.now())).map((a) => [a.alert.identifier, a.source]).sort();
    docs.set('/cap/1.xml', storm('FEED-1', T, T + 6 * H));
    docs.set('/cap/x.xml', XXE);
    // Entry 2's document is not there yet (404); entry 3 is relative to the feed's URL.
    feed = atom(entry('e1', '1', '/cap/1.xml'), entry('e2', '1', `${base}/cap/2.xml`), entry('e3', '1', 'cap/x.xml'));
    await poller.poll();
    expect(await active()).toEqual([['FEED-1', `poll:${base}/cap/1.xml`]]);
    expect((await alerts.refused(10)).map((r) => [r.code, r.source])).toEqual([['E_CAP_DTD', `poll:${base}/cap/x.xml`]]);
    expect(poller.counts).toMatchObject({ polls: 1, entries: 2, entriesFailed: 1 });
    // The feed has not changed, but entry 2 failed: read again, and only entry 2 fetched.
    docs.set('/cap/2.xml', storm('FEED-2', T, T + 6 * H));
    asked.length = 0;
    await poller.poll();
    expect(asked).toEqual(['/feed.xml', '/cap/2.xml']);
    expect(await active()).toEqual([['FEED-1', `poll:${base}/cap/1.xml`], ['FEED-2', `poll:${base}/cap/2.xml`]]);
    // Unchanged and complete: the feed alone is fetched.
    asked.length = 0;
    await poller.poll();
    expect([asked, poller.counts.unchanged]).toEqual([['/feed.xml'], 1]);
    // Entry 1 updated to a Cancel of its alert: fetched again; the others are not.
    docs.set('/cap/1.xml', storm('FEED-1C', T + H, T + 6 * H, `<msgType>Cancel</msgType><references>met@example.org,FEED-1,${iso(T)}</references>`));
    feed = atom(entry('e1', '2', '/cap/1.xml'), entry('e2', '1', `${base}/cap/2.xml`), entry('e3', '1', 'cap/x.xml'));
    asked.length = 0;
    time.t = T + 2 * H;
    await poller.poll();
    expect(asked).toEqual(['/feed.xml', '/cap/1.xml']);
    expect(await active()).toEqual([['FEED-2', `poll:${base}/cap/2.xml`]]);
    expect((await alerts.refused(10))).toHaveLength(1);
    await poller.close();
    await store.close();
  });
});

