/**
 * Calibration in the evidence export (issue #22, docs/evidence.md) in a real gateway: each reading of the CSV, JSON
 * and PDF with its measured and corrected value and the certificate applied (id, laboratory, dates, correction),
 * readings taken after the due date marked overdue; the exports stay signed and reproducible: the signature checks
 * over the statement of docs/evidence.md with the gateway's public key, and a certificate entered after the cut-off
 * changes neither the bytes nor the signature of that cut-off's export.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { dataTopic } from '@coldtrace/contract';
import { exportStatement } from '../../src/domain/integrity/export-signature.js';
import { request } from '../support/gateway.js';
import { HOUR, iso } from '../support/registry-fixture.js';
import { startCustodyWorld, type CustodyWorld } from '../support/custody-world.js';

const DAY = 24 * HOUR;
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;
const DUE = t0 + 30 * 60_000;

interface Download { headers: Headers; bytes: Buffer }
async function download(url: string): Promise<Download> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return { headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Every page's text of a PDF, joined. */
async function textOf(pdf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  const pages = await Promise.all(Array.from({ length: doc.numPages }, async (_, i) => (await (await doc.getPage(i + 1)).getTextContent()).items.map((x) => ('str' in x ? x.str : '')).join(' ')));
  await doc.destroy();
  return pages.join(' ').replace(/\s+/g, ' ');
}

describe('calibration in the evidence export', { timeout: 60_000 }, () => {
  let world: CustodyWorld;
  let api: string;
  let asOf: number;
  const put = (device: string, certificate: string, body: Record<string, unknown>) =>
    request('PUT', `${api}/devices/${device}/calibrations/${certificate}`, body, { 'x-coldtrace-actor': 'qa.lena' });

  beforeAll(async () => {
    world = await startCustodyWorld(t0);
    api = world.api;
    // S-A in zone A with B-1 from t0 to t0 + 1 h, every 10 min at 4 °C; its certificate (+0.2) falls due at t0 + 30 min.
    const readings = [];
    for (let t = t0; t < t0 + HOUR; t += 10 * 60_000) readings.push({ metric: 'temperature', value: 4, unit: 'Cel', time: t });
    await world.client.publishAsync(dataTopic('wh1', 'node-c', 'S-A'), JSON.stringify({ v: 1, seq: 1, time: t0, readings }), { qos: 1 });
    expect((await put('S-A', 'C-A', { laboratory: 'Kalibrierlabor A', calibratedAt: iso(t0 - 300 * DAY), dueAt: iso(DUE), metrics: { temperature: { correction: 0.2, uncertainty: 0.15 } } })).status).toBe(200);
    await world.gw.rules.idle();
    await new Promise((r) => setTimeout(r, 5));
    asOf = Date.now();
  });
  afterAll(() => world.close());

  it('writes each reading measured and corrected with the certificate applied, overdue after its due date, in CSV and JSON', async () => {
    const lines = (await download(`${api}/orders/O-1/evidence.csv?asOf=${asOf}`)).bytes.toString().split('\r\n');
    const header = lines[0]!.split(',');
    const rows = lines.slice(1, -1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    const sa = rows.filter((r) => r['device'] === 'S-A');
    expect(sa.map((r) => [r['device_time'], r['value'], r['corrected_value'], r['calibration']])).toEqual([
      [iso(t0), '4', '4.2', 'due-soon'], [iso(t0 + 10 * 60_000), '4', '4.2', 'due-soon'], [iso(t0 + 20 * 60_000), '4', '4.2', 'due-soon'],
      [iso(t0 + 30 * 60_000), '4', '4.2', 'overdue'], [iso(t0 + 40 * 60_000), '4', '4.2', 'overdue'], [iso(t0 + 50 * 60_000), '4', '4.2', 'overdue'],
    ]);
    expect(sa[0]).toMatchObject({ correction: '0.2', uncertainty: '0.15', certificate: 'C-A', laboratory: 'Kalibrierlabor A', calibrated_at: iso(t0 - 300 * DAY), calibration_due: iso(DUE) });
    const doc = JSON.parse((await download(`${api}/orders/O-1/evidence.json?asOf=${asOf}`)).bytes.toString()) as { format: string; readings: Record<string, unknown>[] };
    expect(doc.format).toBe('coldtrace-evidence/2');
    expect(doc.readings.find((r) => r['device'] === 'S-A' && r['time'] === t0 + 40 * 60_000)).toMatchObject({
      value: 4, corrected: 4.2, calibration: { mark: 'overdue', certificate: 'C-A', laboratory: 'Kalibrierlabor A', dueAt: iso(DUE), correction: 0.2, uncertainty: 0.15 },
    });
  });

  it('names the certificate and the overdue readings in the PDF report, and charts the corrected values', async () => {
    const text = await textOf((await download(`${api}/orders/O-1/evidence.pdf?asOf=${asOf}`)).bytes);
    expect(text).toContain(`Calibration: certificate C-A (Kalibrierlabor A, calibrated ${iso(t0 - 300 * DAY).slice(0, 10)}, due ${iso(DUE).slice(0, 10)}, temperature correction +0.2); 3 readings taken while the calibration was overdue`);
    expect(text).toContain('Values corrected by the calibration certificate in force');
    expect(text).toContain('temperature 4.2 to 4.2');
  });

  it.each(['csv', 'json', 'pdf'])('signs the %s export; a certificate entered after the cut-off changes neither its bytes nor its signature', async (format) => {
    const key = createPublicKey(await (await fetch(`${api}/integrity/public-key.pem`)).text());
    const before = await download(`${api}/orders/O-1/evidence.${format}?asOf=${asOf}`);
    const sig = Buffer.from((await (await fetch(`${api}/orders/O-1/evidence.${format}.sig?asOf=${asOf}`)).text()).trim(), 'base64');
    const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    expect(verify(null, exportStatement(sha(before.bytes)), key, sig)).toBe(true);
    const edited = Buffer.from(before.bytes);
    edited.writeUInt8(edited.readUInt8(edited.length - 3) ^ 1, edited.length - 3);
    expect(verify(null, exportStatement(sha(edited)), key, sig)).toBe(false);
    // A new certificate, calibrated before the readings (linear: × 1.01 + 0.5), entered now: the old cut-off's export is what it was.
    const entered = await put('S-A', `C-A2-${format}`, { laboratory: 'Lab B', calibratedAt: iso(t0 - 10 * DAY), dueAt: iso(t0 + 300 * DAY), metrics: { temperature: { correction: 0.5, uncertainty: 0.1, slope: 1.01 } } });
    expect(entered.json.calibration.metrics.temperature).toEqual({ correction: 0.5, uncertainty: 0.1, slope: 1.01 });
    const again = await download(`${api}/orders/O-1/evidence.${format}?asOf=${asOf}`);
    expect(again.bytes.equals(before.bytes)).toBe(true);
    expect(again.headers.get('x-coldtrace-signature')).toBe(sig.toString('base64'));
    await new Promise((r) => setTimeout(r, 5));
    const later = await download(`${api}/orders/O-1/evidence.${format}?asOf=${Date.now()}`);
    expect(later.bytes.equals(before.bytes)).toBe(false);
    if (format === 'csv') expect(later.bytes.toString()).toContain(`,4.54,0.5,1.01,0.1,calibrated,C-A2-csv,Lab B,`);
  });
});
