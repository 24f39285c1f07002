/**
 * Evidence export end to end (issue #16, docs/evidence.md): readings over MQTT into SQLite, an order's and a
 * shipment's CSV, JSON and PDF back through the API, their hashes checked against the bytes, the PDF parsed back.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { pdfText } from '../support/pdf.js';
import { dataTopic } from '@coldtrace/contract';
import { getJson, request as send } from '../support/gateway.js';
import { HOUR, iso } from '../support/registry-fixture.js';
import { startCustodyWorld, type CustodyWorld } from '../support/custody-world.js';

const STEP = 10 * 60_000;
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;
/**
 * S-B runs warm (9.5 °C) for an hour while B-1 is in zone B, beyond pharma-2-8's upper limit of 8, and reports every
 * minute meanwhile (sendWarmHour): 54 readings more than the 10-minute series, and an excursion the rules flag.
 */
const warm = (device: string, t: number): boolean => device === 'S-B' && t >= t0 + 1.5 * HOUR && t < t0 + 2.5 * HOUR;
const WARM_EXTRA = 54;

async function sendWarmHour(client: MqttClient): Promise<void> {
  const readings = [];
  for (let t = t0 + 1.5 * HOUR; t < t0 + 2.5 * HOUR; t += 60_000) readings.push({ metric: 'temperature', value: 9.5, unit: 'Cel', time: t });
  await client.publishAsync(dataTopic('wh1', 'node-c', 'S-B'), JSON.stringify({ v: 1, seq: 2, time: t0 + 1.5 * HOUR, readings }), { qos: 1 });
}

async function publishSeries(client: MqttClient, device: string, from: number, to: number): Promise<void> {
  const readings = [];
  for (let t = from, i = 0; t < to; t += STEP, i++) {
    readings.push({ metric: 'temperature', value: warm(device, t) ? 9.5 : 4 + (i % 5) / 10, unit: 'Cel', time: t });
    readings.push({ metric: 'humidity', value: 50 + (i % 3), unit: '%RH', time: t });
  }
  await client.publishAsync(dataTopic('wh1', 'node-c', device), JSON.stringify({ v: 1, seq: 1, time: from, readings }), { qos: 1 });
}

interface Download { status: number; headers: Headers; bytes: Buffer }
async function download(url: string): Promise<Download> {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('evidence export: the readings behind an order or a shipment as CSV, JSON and PDF with their hashes', () => {
  let world: CustodyWorld;
  let api: string;
  let asOf: number;
  beforeAll(async () => {
    world = await startCustodyWorld(t0);
    api = world.api;
    for (const d of ['S-A', 'S-B', 'S-DEST', 'T-1']) await publishSeries(world.client, d, t0 - 2 * HOUR, t0 + 7 * HOUR);
    await sendWarmHour(world.client);
    await world.gw.rules.idle();
    asOf = Date.now();
  });
  afterAll(() => world.close());

  it("writes every reading of the order's custody once, leg by leg, in device time then metric order, exactly as stored", async () => {
    const csv = await download(`${api}/orders/O-1/evidence.csv?asOf=${asOf}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = csv.bytes.toString('utf8').split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('device,metric,device_time,received_at,value,unit,flags,location_kind,location_id,batches,legs,site,node,seq,corrected_value,correction,slope,uncertainty,calibration,certificate,laboratory,calibrated_at,calibration_due');
    const { readings } = await getJson<{ readings: { device: string; metric: string; time: number; receivedAt: number; value: number; unit: string; flags: number; seq: number; location: { kind: string; id: string } }[] }>(
      `${api}/evidence/orders/O-1?limit=100000`);
    const legOf: Record<string, string> = { 'Z-A': 'P-B1-A', 'Z-B': 'P-B1-B', 'SH-1': 'P-B1-SH', 'Z-DEST': 'P-B1-D' };
    const expected = readings.map((r) => [r.device, r.metric, iso(r.time), iso(r.receivedAt), String(r.value), r.unit, r.flags === 2 ? 'late' : `bits ${r.flags}`, r.location.kind, r.location.id, 'B-1', legOf[r.location.id], 'wh1', 'node-c', String(r.seq), '', '', '', '', 'uncalibrated', '', '', '', ''].join(','));
    // 4 legs: Z-A 1 h, Z-B 2 h, SH-1 2 h, Z-DEST 2 h (t0 + 5 h to the last reading at t0 + 7 h): 7 h of 6 readings an hour, 2 metrics.
    expect(expected).toHaveLength(7 * 6 * 2 + WARM_EXTRA);
    expect(lines.slice(1, -1)).toEqual(expected);
    expect(lines.filter((l) => l.startsWith('S-B,temperature,') && l.split(',')[4] === '9.5')).toHaveLength(60);
    expect(csv.headers.get('x-coldtrace-evidence-readings')).toBe(String(expected.length));
  });

  it('serves the SHA-256 of the exact bytes in the response and at .sha256, and the same bytes for the same cut-off', async () => {
    const a = await download(`${api}/orders/O-1/evidence.csv?asOf=${asOf}`);
    const b = await download(`${api}/orders/O-1/evidence.csv?asOf=${asOf}`);
    expect(b.bytes.equals(a.bytes)).toBe(true);
    expect(a.headers.get('x-coldtrace-sha256')).toBe(sha256(a.bytes));
    expect(a.headers.get('repr-digest')).toBe(`sha-256=:${createHash('sha256').update(a.bytes).digest('base64')}:`);
    expect(a.headers.get('content-length')).toBe(String(a.bytes.length));
    expect(a.headers.get('content-disposition')).toBe('attachment; filename="evidence-order-O-1.csv"');
    const line = await download(`${api}/orders/O-1/evidence.csv.sha256?asOf=${asOf}`);
    expect(line.bytes.toString()).toBe(`${sha256(a.bytes)}  evidence-order-O-1.csv\n`);
    // A cut-off before the readings arrived leaves them out: the export is what was known then.
    const before = await download(`${api}/orders/O-1/evidence.csv?asOf=${t0}`);
    expect(before.bytes.toString()).toBe('device,metric,device_time,received_at,value,unit,flags,location_kind,location_id,batches,legs,site,node,seq,corrected_value,correction,slope,uncertainty,calibration,certificate,laboratory,calibrated_at,calibration_due\r\n');
    expect(before.headers.get('x-coldtrace-sha256')).not.toBe(a.headers.get('x-coldtrace-sha256'));
  });

  it('writes the same readings as a JSON document with its segments and count, hashed the same way', async () => {
    const csv = (await download(`${api}/orders/O-1/evidence.csv?asOf=${asOf}`)).bytes.toString().split('\r\n').slice(1, -1);
    const res = await download(`${api}/orders/O-1/evidence.json?asOf=${asOf}`);
    expect(res.headers.get('x-coldtrace-sha256')).toBe(sha256(res.bytes));
    const doc = JSON.parse(res.bytes.toString()) as { format: string; subject: unknown; segments: { device: string; to: string | null }[]; readings: { device: string; metric: string; time: number; value: number; legs: string[] }[]; count: number };
    expect(doc).toMatchObject({ format: 'coldtrace-evidence/2', subject: { kind: 'order', id: 'O-1' }, count: csv.length });
    expect(doc.segments.map((s) => `${s.device} ${s.to === null ? 'open' : 'closed'}`)).toEqual(['S-A closed', 'S-B closed', 'T-1 closed', 'S-DEST open']);
    expect(doc.readings.map((r) => `${r.device},${r.metric},${iso(r.time)},${r.value}`)).toEqual(csv.map((l) => l.split(',').slice(0, 5).filter((_, i) => i !== 3).join(',')));
    const again = await download(`${api}/orders/O-1/evidence.json?asOf=${asOf}`);
    expect(again.bytes.equals(res.bytes)).toBe(true);
  });

  it("exports a shipment's tracker readings with the batches aboard", async () => {
    const lines = (await download(`${api}/shipments/SH-1/evidence.csv?asOf=${asOf}`)).bytes.toString().split('\r\n').slice(1, -1);
    // T-1 is on SH-1 from t0 + 3 h to t0 + 5 h: 12 times, 2 metrics, B-1 aboard all the while.
    expect(lines).toHaveLength(24);
    expect(new Set(lines.map((l) => l.split(',').slice(7, 11).join(',')))).toEqual(new Set(['shipment,SH-1,B-1,P-B1-SH']));
    expect(lines[0]?.startsWith(`T-1,humidity,${iso(t0 + 3 * HOUR)},`)).toBe(true);
    const pdf = await download(`${api}/shipments/SH-1/evidence.pdf?asOf=${asOf}`);
    const { pages, text } = await pdfText(pdf.bytes);
    expect(pages).toBe(2);
    expect(text[0]).toContain('Evidence report: shipment SH-1');
    expect(text[0]).toContain('Coldline, lane AMS-RTM, road');
    expect(text[1]).toContain('Leg 1: T-1 in shipment SH-1');
  });

  it('draws a PDF report that parses back: the order, its legs, its flags, the hash of its CSV; the same bytes twice', async () => {
    const csv = await download(`${api}/orders/O-1/evidence.csv?asOf=${asOf}`);
    const pdf = await download(`${api}/orders/O-1/evidence.pdf?asOf=${asOf}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.headers.get('x-coldtrace-sha256')).toBe(sha256(pdf.bytes));
    expect((await download(`${api}/orders/O-1/evidence.pdf.sha256?asOf=${asOf}`)).bytes.toString()).toBe(`${sha256(pdf.bytes)}  evidence-order-O-1.pdf\n`);
    const again = await download(`${api}/orders/O-1/evidence.pdf?asOf=${asOf}`);
    expect(again.bytes.equals(pdf.bytes)).toBe(true);
    const keep = process.env['COLDTRACE_EVIDENCE_DIR'];
    if (keep !== undefined) {
      mkdirSync(keep, { recursive: true });
      writeFileSync(join(keep, 'evidence-order-O-1.pdf'), pdf.bytes);
      writeFileSync(join(keep, 'evidence-order-O-1.csv'), csv.bytes);
    }

    const { pages, text } = await pdfText(pdf.bytes);
    // A summary page, then one page per leg with its chart.
    expect(pages).toBe(5);
    const first = text[0] ?? '';
    expect(first).toContain('Evidence report: order O-1');
    expect(first).toContain('Pharmacy North');
    expect(first).toContain(sha256(csv.bytes));
    expect(first).toContain(`${7 * 6 * 2 + WARM_EXTRA} readings in evidence-order-O-1.csv`);
    expect(first).toContain('Temperature limits of the products: lower 2, upper 8');
    const flags = (await getJson<{ flags: { id: string; title: string; metAtMs: number }[] }>(`${api}/flags?order=O-1`)).flags;
    expect(flags.length).toBeGreaterThan(0);
    const all = text.join(' ');
    for (const f of flags) expect(all).toContain(f.id);
    expect(text[2]).toContain('Leg 2: S-B in zone Z-B');
    // The excursion with its evidence numbers on page 1, and its episode marked on the chart of the leg it happened on.
    const inReport = [...flags].sort((a, b) => a.metAtMs - b.metAtMs || (a.id < b.id ? -1 : 1));
    const excursion = inReport.findIndex((f) => f.id === 'excursion/temperature/upper/8/consecutive/30@batch:B-1');
    expect(excursion).toBeGreaterThanOrEqual(0);
    expect(first).toContain(`F${excursion + 1} [major] temperature >= 8: 30 min without a break`);
    expect(first).toContain(`episode 1 (S-B): ${iso(t0 + 1.5 * HOUR).replace('.000Z', 'Z')} to ${iso(t0 + 2.5 * HOUR).replace('.000Z', 'Z')}, 60 min; min 9.5, max 9.5`);
    expect(text[2]).toContain(`marked along the top: F${excursion + 1}.`);
    expect(text[1]).not.toContain('marked along the top');
    expect(text[2]).toContain('upper limit 8');
    for (const page of text) expect(page).toContain(`CSV SHA-256 ${sha256(csv.bytes)}`);
  });

  it('describes its routes in the OpenAPI document with their content types', async () => {
    const doc = await getJson<{ paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }> }>(`${world.gw.httpUrl}/openapi.json`);
    const expected: [string, string][] = [['/api/v1/orders/{id}/evidence.csv', 'text/csv'], ['/api/v1/orders/{id}/evidence.json', 'application/json'], ['/api/v1/shipments/{id}/evidence.pdf', 'application/pdf'], ['/api/v1/orders/{id}/evidence.pdf.sha256', 'text/plain']];
    for (const [path, type] of expected) {
      expect(Object.keys(doc.paths[path]?.get?.responses['200']?.content ?? {}), path).toEqual([type]);
    }
  });

  it('answers 404 for an order or a shipment it does not know, in every format', async () => {
    for (const path of ['orders/NOPE/evidence.csv', 'orders/NOPE/evidence.json', 'orders/NOPE/evidence.pdf', 'orders/NOPE/evidence.csv.sha256', 'shipments/NOPE/evidence.pdf.sha256']) {
      const res = await send('GET', `${api}/${path}`);
      expect(res.status, path).toBe(404);
      expect(res.json.code).toBe('E_NOT_FOUND');
    }
  });
});
