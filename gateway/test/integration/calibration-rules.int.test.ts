/**
 * Calibration in the rules (issue #22, docs/calibration.md) in a real gateway: the rules judge readings corrected by
 * the certificate in force (a certificate entered after the readings judges them again); a device past its due date
 * has the flag calibration/overdue, cleared when a new certificate is entered; a certificate due within 30 days gives
 * the reminder calibration/due-in/30, which a notification policy for quality sends through its outbox to a real
 * webhook receiver.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { connect, request, startTestGateway, type Body, type TestGateway } from '../support/gateway.js';
import { startJsonReceiver, type JsonReceiver } from '../support/json-receiver.js';
import { custodyDocument, HOUR } from '../support/registry-fixture.js';

const DAY = 24 * HOUR;
const now = Date.now();
const t0 = Math.floor(now / HOUR) * HOUR - 10 * HOUR;
const date = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const EXCURSION = 'excursion/temperature/upper/8/consecutive/30@batch:B-1';

/** Polls until `check` gives a value, or fails after `ms` (a bound for a stuck gateway, not a speed verdict). */
async function until<T>(check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('calibration in the rules', { timeout: 60_000 }, () => {
  let gw: TestGateway;
  let client: MqttClient;
  let hook: JsonReceiver;
  const dir = mkdtempSync(join(tmpdir(), 'ct-cal-rules-'));
  const put = (device: string, certificate: string, body: Record<string, unknown>): Promise<{ status: number; json: Body }> =>
    request('PUT', `${gw.httpUrl}/api/v1/devices/${device}/calibrations/${certificate}`, body, { 'x-coldtrace-actor': 'qa.lena' });
  const flag = async (id: string): Promise<Body> => {
    const r = await request('GET', `${gw.httpUrl}/api/v1/flags/${encodeURIComponent(id)}`);
    return r.status === 200 ? r.json : undefined;
  };

  beforeAll(async () => {
    hook = await startJsonReceiver();
    const policy = join(dir, 'notify.json');
    writeFileSync(policy, JSON.stringify({
      channels: [{ name: 'hook', kind: 'webhook', format: 'json', url: hook.url }],
      recipients: [{ id: 'quinn', name: 'Quinn', language: 'en', contacts: { hook: '+31600000001' } }],
      policies: [{ id: 'quality', match: { rules: ['calibration/'] }, steps: [{ notify: ['quinn'] }], group: { waitSec: 0, intervalSec: 0 } }],
    }));
    gw = await startTestGateway({ COLDTRACE_NOTIFY_CONFIG: policy });
    expect((await request('PUT', `${gw.httpUrl}/api/v1/registry`, custodyDocument(t0))).status).toBe(200);
    client = await connect(gw.mqttUrl, 'node-cal');
  });
  afterAll(async () => {
    await client?.endAsync();
    await gw?.destroy();
    await hook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('judges the readings corrected: 7.8 °C measured is 8.3 °C by the certificate, an excursion, also when the certificate comes later', async () => {
    // B-1 is in zone A from t0 to t0 + 1 h; S-A reads 7.8 every minute: within pharma-2-8's upper limit of 8 as measured.
    const readings = [];
    for (let t = t0 - 10 * 60_000; t < t0 + HOUR; t += 60_000) readings.push({ metric: 'temperature', value: 7.8, unit: 'Cel', time: t });
    await client.publishAsync(dataTopic('wh1', 'node-cal', 'S-A'), JSON.stringify({ v: 1, seq: 1, time: t0, readings }), { qos: 1 });
    await gw.rules.idle();
    expect(await flag(EXCURSION)).toBeUndefined();
    // The certificate says S-A reads 0.5 °C low: entered after the readings, it has B-1 judged again.
    expect((await put('S-A', 'C-A', { laboratory: 'Kalibrierlabor A', calibratedAt: date(now - 100 * DAY), dueAt: date(now + 265 * DAY), metrics: { temperature: { correction: 0.5, uncertainty: 0.15 } } })).status).toBe(200);
    const f = await until(() => flag(EXCURSION));
    expect(f).toMatchObject({ severity: 'major' });
    expect(f.episodes[0]).toMatchObject({ device: 'S-A', max: 8.3, min: 8.3 });
  });

  it('raises calibration/overdue on a device past its due date and clears it when a new certificate is entered', async () => {
    await put('S-B', 'C-B-2025', { laboratory: 'Lab', calibratedAt: date(now - 400 * DAY), dueAt: date(now - 35 * DAY), metrics: { temperature: { correction: 0, uncertainty: 0.2 } } });
    const raised = await until(async () => { const f = await flag('calibration/overdue@device:S-B'); return f?.active === true ? f : undefined; });
    expect(raised).toMatchObject({ severity: 'major', startMs: Date.parse(date(now - 35 * DAY)), figures: { certificate: 'C-B-2025', laboratory: 'Lab' }, related: { devices: ['S-B'], zones: ['Z-B'] } });
    await put('S-B', 'C-B-2026', { laboratory: 'Lab', calibratedAt: new Date(now - HOUR).toISOString(), dueAt: date(now + 365 * DAY), metrics: { temperature: { correction: 0, uncertainty: 0.2 } } });
    const cleared = await until(async () => { const f = await flag('calibration/overdue@device:S-B'); return f?.active === false ? f : undefined; });
    expect(cleared).toMatchObject({ endMs: now - HOUR, state: 'open' });
    expect(cleared.events.map((e: Body) => e.kind).at(-1)).toBe('cleared');
  });

  it('reminds quality 30 days ahead through the notification policy and its outbox, and not yet 7 days ahead', async () => {
    await put('S-DEST', 'C-D', { laboratory: 'Lab', calibratedAt: date(now - 340 * DAY), dueAt: date(now + 20 * DAY), metrics: { temperature: { correction: 0, uncertainty: 0.2 } } });
    const reminder = await until(() => flag('calibration/due-in/30@device:S-DEST'));
    expect(reminder).toMatchObject({ active: true, severity: 'warning', related: { zones: ['Z-DEST'], orders: [] } });
    expect(await flag('calibration/due-in/7@device:S-DEST')).toBeUndefined();
    const message = await until(() => Promise.resolve(hook.received.find((b) => (b.alarms ?? []).some((a: Body) => a.flagId === 'calibration/due-in/30@device:S-DEST'))));
    expect(message).toMatchObject({ to: '+31600000001', recipient: 'quinn', language: 'en' });
    expect(message.text).toContain('calibration due within 30 days');
    const log = (await request('GET', `${gw.httpUrl}/api/v1/notifications/deliveries`)).json;
    expect(JSON.stringify(log)).toContain('+31600000001');
  });
});
