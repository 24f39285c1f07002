/**
 * Calibration (issue #22, docs/calibration.md) in a real gateway: certificates entered through the API, readings sent
 * over MQTT and stored as measured, read back as measured and corrected by the certificate in force at each
 * reading's time, with its mark; devices past their due date, due within 30 days or never calibrated listed first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { connect, request, startTestGateway, type Body, type TestGateway } from '../support/gateway.js';
import { custodyDocument, HOUR } from '../support/registry-fixture.js';

const DAY = 24 * HOUR;
const now = Date.now();
const t0 = Math.floor(now / HOUR) * HOUR - 10 * HOUR;
const date = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

describe('calibration', { timeout: 60_000 }, () => {
  let gw: TestGateway;
  let client: MqttClient;
  const put = (device: string, certificate: string, body: Record<string, unknown>): Promise<{ status: number; json: Body }> =>
    request('PUT', `${gw.httpUrl}/api/v1/devices/${device}/calibrations/${certificate}`, body, { 'x-coldtrace-actor': 'qa.lena' });

  beforeAll(async () => {
    gw = await startTestGateway();
    expect((await request('PUT', `${gw.httpUrl}/api/v1/registry`, custodyDocument(t0))).status).toBe(200);
    client = await connect(gw.mqttUrl, 'node-cal');
  });
  afterAll(async () => {
    await client?.endAsync();
    await gw?.destroy();
  });

  it('refuses a certificate with every problem listed, and one of a device not in the registry', async () => {
    const bad = await put('S-B', 'C-X', { laboratory: 'Lab', calibratedAt: 'soon', dueAt: '2027-01-01', metrics: { temperature: { correction: 'x', uncertainty: 0.1 } } });
    expect(bad.status).toBe(400);
    expect(bad.json.problems).toEqual(["calibratedAt: not an ISO 8601 date: 'soon'", 'metrics.temperature.correction: expected a number']);
    const unknown = await put('S-NOPE', 'C-1', { laboratory: 'Lab', calibratedAt: '2026-01-01', dueAt: '2027-01-01', metrics: { temperature: { correction: 0, uncertainty: 0.1 } } });
    expect(unknown.json.problems).toEqual(["device 'S-NOPE' is not in the registry"]);
  });

  it('stores readings as measured and reads them corrected by the certificate in force, both values with the certificate and mark', async () => {
    // An old certificate (+0.5) up to 5 h before t0's readings end, a new one (-0.3) from t0 + 1 h on.
    expect((await put('S-B', 'C-OLD', { laboratory: 'Kalibrierlabor A', calibratedAt: new Date(t0 - 300 * DAY).toISOString(), dueAt: date(now + 65 * DAY), metrics: { temperature: { correction: 0.5, uncertainty: 0.2 } } })).json.result).toBe('created');
    const created = await put('S-B', 'C-NEW', { laboratory: 'Kalibrierlabor A', calibratedAt: new Date(t0 + HOUR).toISOString(), dueAt: date(now + 365 * DAY), traceability: 'PTB', metrics: { temperature: { correction: -0.3, uncertainty: 0.15 } } });
    expect(created.status).toBe(200);
    expect(created.json.calibration).toMatchObject({ certificate: 'C-NEW', device: 'S-B', traceability: 'PTB' });
    const readings = [t0 + 30 * 60_000, t0 + 2 * HOUR].map((time) => ({ metric: 'temperature', value: 9.1, unit: 'Cel', time }));
    await client.publishAsync(dataTopic('wh1', 'node-cal', 'S-B'), JSON.stringify({ v: 1, seq: 1, time: t0, readings }), { qos: 1 });
    const stored = (await request('GET', `${gw.httpUrl}/api/v1/readings?device=S-B&from=${t0}&to=${t0 + 3 * HOUR}`)).json.readings;
    expect(stored.map((r: Body) => r.value)).toEqual([9.1, 9.1]);
    const corrected = (await request('GET', `${gw.httpUrl}/api/v1/devices/S-B/corrected-readings?from=${t0}&to=${t0 + 3 * HOUR}`)).json.readings;
    expect(corrected).toEqual([
      { metric: 'temperature', unit: 'Cel', time: t0 + 30 * 60_000, measured: 9.1, corrected: 9.6, uncertainty: 0.2, certificate: 'C-OLD', mark: 'calibrated' },
      { metric: 'temperature', unit: 'Cel', time: t0 + 2 * HOUR, measured: 9.1, corrected: 8.8, uncertainty: 0.15, certificate: 'C-NEW', mark: 'calibrated' },
    ]);
  });

  it('marks readings taken after the due date, and lists overdue, uncalibrated and due-soon devices first', async () => {
    await put('S-A', 'C-A', { laboratory: 'Lab', calibratedAt: date(now - 400 * DAY), dueAt: date(now - 35 * DAY), metrics: { temperature: { correction: 0.1, uncertainty: 0.2 } } });
    await put('S-DEST', 'C-D', { laboratory: 'Lab', calibratedAt: date(now - 340 * DAY), dueAt: date(now + 20 * DAY), metrics: { temperature: { correction: 0, uncertainty: 0.2 } } });
    await client.publishAsync(dataTopic('wh1', 'node-cal', 'S-A'), JSON.stringify({ v: 1, seq: 1, time: t0, readings: [{ metric: 'temperature', value: 4, unit: 'Cel', time: t0 }] }), { qos: 1 });
    const [r] = (await request('GET', `${gw.httpUrl}/api/v1/devices/S-A/corrected-readings?from=${t0}&to=${t0 + 1}`)).json.readings;
    expect(r).toMatchObject({ measured: 4, corrected: 4.1, certificate: 'C-A', mark: 'overdue' });
    const { devices } = (await request('GET', `${gw.httpUrl}/api/v1/calibration/devices`)).json;
    expect(devices.map((d: Body) => [d.device, d.mark])).toEqual([['S-A', 'overdue'], ['S-LATE', 'uncalibrated'], ['T-1', 'uncalibrated'], ['S-DEST', 'due-soon'], ['S-B', 'calibrated']]);
    const one = (await request('GET', `${gw.httpUrl}/api/v1/devices/S-B/calibrations`)).json;
    expect(one.certificates.map((c: Body) => c.certificate)).toEqual(['C-OLD', 'C-NEW']);
    expect(one.state).toMatchObject({ device: 'S-B', mark: 'calibrated', current: { certificate: 'C-NEW' } });
  });
});
