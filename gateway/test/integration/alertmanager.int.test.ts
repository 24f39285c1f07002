/**
 * Flags as Alertmanager alerts (issue #22) against a real Alertmanager (Debian `prometheus-alertmanager`): a gateway
 * configured with COLDTRACE_ALERTMANAGER_URLS pushes the flag its rules raise, with the labels a route matches (the
 * Alertmanager's own route sends it to a webhook receiver of the test), tells a restarted Alertmanager again, asserts
 * what is open when it restarts itself, and resolves the alert when the flag clears. Every wait polls for the
 * condition; no verdict depends on how fast the machine is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { startAlertmanager } from '../support/alertmanager.js';
import { connect, request, startTestGateway, testConfig, type Body } from '../support/gateway.js';
import type { TestServer } from '../support/influx-servers.js';
import { custodyDocument, HOUR, iso } from '../support/registry-fixture.js';

const MIN = 60_000;
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;
const RULE = 'excursion/temperature/upper/8/consecutive/30';
const FLAG_ID = `${RULE}@batch:B-1`;

/** Polls `probe` until it gives a value (not undefined), for up to 90 s (a generous bound, not a verdict on speed). */
async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 1800; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('flags as Alertmanager alerts', { timeout: 120_000 }, () => {
  let receiver: Server;
  /** Every alert of every notification the Alertmanager sent the receiver, with the notification's receiver name. */
  const notified: { receiver: string; status: string; labels: Record<string, string>; endsAt: string }[] = [];
  let am: TestServer;
  let gw: RunningGateway;
  let dataDir: string;
  let env: Record<string, string>;
  let client: MqttClient;

  const alertsOfB1 = async (): Promise<Body[]> => {
    const q = new URLSearchParams([['filter', 'alertname="ColdtraceExcursion"'], ['filter', 'subject_id="B-1"']]);
    const res = await fetch(`${am.url}/api/v2/alerts?${q.toString()}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Body[];
  };
  const publish = async (from: number, to: number, value: (t: number) => number, seq: number): Promise<void> => {
    const readings = [];
    for (let t = from; t < to; t += MIN) readings.push({ metric: 'temperature', value: value(t), unit: 'Cel', time: t });
    await client.publishAsync(dataTopic('wh1', 'node-am', 'S-B'), JSON.stringify({ v: 1, seq, time: from, readings }), { qos: 1 });
    await gw.rules.idle();
  };
  const metric = async (name: string, labels = ''): Promise<number> => {
    const text = await (await fetch(`${gw.httpUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { receiver: string; alerts: { status: string; labels: Record<string, string>; endsAt: string }[] };
        for (const a of body.alerts) notified.push({ receiver: body.receiver, status: a.status, labels: a.labels, endsAt: a.endsAt });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    am = await startAlertmanager(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
    env = { COLDTRACE_ALERTMANAGER_URLS: am.url, COLDTRACE_ALERTMANAGER_RESEND_MS: '1000', COLDTRACE_PUBLIC_URL: 'https://coldtrace.example.com' };
    // The first gateway re-sends once an hour: what reaches the Alertmanager meanwhile came through the flag changes.
    const first = await startTestGateway({ ...env, COLDTRACE_ALERTMANAGER_RESEND_MS: '3600000' });
    gw = first;
    dataDir = first.dataDir;
    client = await connect(gw.mqttUrl, 'node-am');
    expect((await request('PUT', `${gw.httpUrl}/api/v1/registry`, custodyDocument(t0))).status).toBe(200);
  });
  afterAll(async () => {
    await client?.endAsync();
    await gw?.close();
    rmSync(dataDir, { recursive: true, force: true });
    await am?.stop();
    await new Promise((r) => receiver.close(r));
  });

  it('pushes an open flag as an alert with the labels a route matches and the evidence in its annotations', async () => {
    // S-B reads 9 °C from 1.5 h on, in zone Z-B of site WH1 where B-1 is: met at 2 h, still holding at the last reading.
    await publish(t0 + HOUR, t0 + 2.25 * HOUR, (t) => (t >= t0 + 1.5 * HOUR ? 9 : 5), 1);
    const [alert] = await until('the excursion alert of B-1', async () => ((await alertsOfB1()).length > 0 ? alertsOfB1() : undefined));
    expect(alert.labels).toEqual({
      alertname: 'ColdtraceExcursion', source: 'coldtrace', rule: RULE, severity: 'major', tier: '2', subject_kind: 'batch', subject_id: 'B-1', zone: 'Z-B', site: 'WH1',
    });
    expect(alert.startsAt).toBe(iso(t0 + 2 * HOUR));
    expect(alert.status.state).toBe('active');
    expect(alert.receivers.map((r: Body) => r.name)).toEqual(['cold-chain-team']);
    const flag = (await request('GET', `${gw.httpUrl}/api/v1/flags/${encodeURIComponent(FLAG_ID)}`)).json;
    expect(alert.annotations).toMatchObject({
      summary: `${flag.title} (batch B-1)`, flag_id: FLAG_ID, state: 'open', active: 'true', orders: 'O-1',
      evidence_url: `https://coldtrace.example.com/api/v1/flags/${encodeURIComponent(FLAG_ID)}`, dashboard_url: 'https://coldtrace.example.com/#/orders/O-1',
    });
    expect(alert.annotations.description).toContain('Figures: ');
    expect(alert.annotations.description).toContain('Orders at risk: O-1.');
    expect(alert.generatorURL).toBe(alert.annotations.evidence_url);
    // The Alertmanager's route took it to the team's receiver, as it would any alert of theirs.
    await until('the firing notification', () => notified.find((n) => n.status === 'firing' && n.labels['subject_id'] === 'B-1' && n.labels['rule'] === RULE));
    expect(notified.find((n) => n.labels['rule'] === RULE)?.receiver).toBe('cold-chain-team');
  });

  it("shows a person's acknowledgement at once", async () => {
    const id = encodeURIComponent(FLAG_ID);
    expect((await request('POST', `${gw.httpUrl}/api/v1/flags/${id}/acknowledge`, { comment: 'on it' }, { 'x-coldtrace-actor': 'qa.ben' })).status).toBe(200);
    const [alert] = await until('the acknowledged state', async () => {
      const alerts = await alertsOfB1();
      return alerts[0]?.annotations.state === 'acknowledged' ? alerts : undefined;
    });
    // Still firing: the condition holds (silence it in Alertmanager if acknowledged alarms should not page).
    expect(alert.status.state).toBe('active');
  });

  it('asserts what is open when the gateway restarts, from its flag store (re-sending every second from now on)', async () => {
    await client.endAsync();
    await gw.close();
    // A fresh Alertmanager knows nothing: only the restarted gateway can tell it.
    await am.kill();
    await am.restart();
    expect(await alertsOfB1()).toEqual([]);
    gw = await startGateway({ config: testConfig(dataDir, env) });
    client = await connect(gw.mqttUrl, 'node-am');
    const [alert] = await until('the alert asserted after the restart', async () => ((await alertsOfB1()).length > 0 ? alertsOfB1() : undefined));
    expect(alert.annotations.flag_id).toBe(FLAG_ID);
  });

  it('tells a restarted Alertmanager (it keeps no alerts) again, counting the pushes that failed meanwhile', async () => {
    await am.kill();
    const failedBefore = await metric('coldtrace_alertmanager_push_failures_total');
    await until('a failed push counted', async () => ((await metric('coldtrace_alertmanager_push_failures_total')) > failedBefore ? true : undefined));
    await am.restart();
    const [alert] = await until('the alert back', async () => ((await alertsOfB1()).length > 0 ? alertsOfB1() : undefined));
    expect(alert.labels.rule).toBe(RULE);
    expect(alert.startsAt).toBe(iso(t0 + 2 * HOUR));
    expect(await metric('coldtrace_alertmanager_alerts_total', 'outcome="sent"')).toBeGreaterThan(0);
  });

  it('resolves the alert when the flag clears', async () => {
    const sentBefore = notified.length;
    await publish(t0 + 2.25 * HOUR, t0 + 3 * HOUR, () => 5, 2);
    const flag = (await request('GET', `${gw.httpUrl}/api/v1/flags/${encodeURIComponent(FLAG_ID)}`)).json;
    expect(flag.active).toBe(false);
    // Alertmanager lists only alerts that have not ended; the receiver is told it is resolved.
    await until('the alert gone from the active ones', async () => ((await alertsOfB1()).length === 0 ? true : undefined));
    const resolved = await until('the resolved notification', () => notified.slice(sentBefore).find((n) => n.status === 'resolved' && n.labels['rule'] === RULE && n.labels['subject_id'] === 'B-1'));
    expect(resolved.labels).toMatchObject({ alertname: 'ColdtraceExcursion', severity: 'major', zone: 'Z-B', site: 'WH1' });
    // Ended by the gateway at the end of the excursion, not left to run out at the endsAt of its last re-send.
    expect(Date.parse(resolved.endsAt)).toBe(flag.endMs);
  });
});
