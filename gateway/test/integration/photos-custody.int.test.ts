/**
 * Photos linked through custody (issue #21, docs/photos.md "Custody"): a camera placed at the packing station like
 * any device; a photo it took while batch B-1 was there appears on B-1's order's timeline (ids, times and links
 * only) and in that order's evidence PDF (its thumbnail with its hash and time, parsed back), not on the order of a
 * batch that was not there; a placement recorded late links the photo it covers. With node credentials, the upload
 * needs the node's MQTT secret and files the photo under that node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoUploadQuery } from '@coldtrace/contract';
import { getJson, request, startTestGateway, type TestGateway } from '../support/gateway.js';
import { HOUR, iso } from '../support/registry-fixture.js';
import { pdfText } from '../support/pdf.js';
import { basic, makeJpeg, sha256, upload } from '../support/photos.js';

const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;
const MIN = 60_000;

function packingDocument(): Record<string, unknown> {
  return {
    format: 'coldtrace-registry/1',
    sites: [{ id: 'AMS', name: 'Amsterdam DC', geofence: { kind: 'circle', center: { lat: 52.31, lon: 4.77 }, radiusM: 400 } }],
    zones: [{ id: 'Z-PACK', site: 'AMS', name: 'Packing station' }],
    devices: [{ id: 'CAM-PACK', kind: 'other', model: 'IP camera', intervalS: 3600, metrics: [] }, { id: 'CAM-DOCK', kind: 'other', model: 'IP camera', intervalS: 3600, metrics: [] }],
    shipments: [{ id: 'SH-1', carrier: 'Coldline', lane: 'AMS-UTR', mode: 'road', origin: 'AMS', destination: 'AMS', plannedDeparture: iso(t0 + 7 * HOUR), promisedDelivery: iso(t0 + 9 * HOUR) }],
    products: [{ id: 'P-VAX', name: 'Vaccine', storageTempC: 5 }],
    batches: [
      { id: 'B-1', product: 'P-VAX', quantity: 48, producedAt: '2026-10-01', expiresAt: '2028-10-01' },
      { id: 'B-2', product: 'P-VAX', quantity: 48, producedAt: '2026-10-01', expiresAt: '2028-10-01' },
      { id: 'B-3', product: 'P-VAX', quantity: 48, producedAt: '2026-10-01', expiresAt: '2028-10-01' },
    ],
    orders: [
      { id: 'O-1', customer: 'Pharmacy North', lines: [{ batch: 'B-1', quantity: 48 }], promisedDelivery: iso(t0 + 9 * HOUR) },
      { id: 'O-2', customer: 'Clinic South', lines: [{ batch: 'B-2', quantity: 48 }], promisedDelivery: iso(t0 + 9 * HOUR) },
      { id: 'O-3', customer: 'Hospital East', lines: [{ batch: 'B-3', quantity: 48 }], shipments: ['SH-1'], promisedDelivery: iso(t0 + 9 * HOUR) },
    ],
    placements: [
      { id: 'P-CAM', device: 'CAM-PACK', zone: 'Z-PACK', from: iso(t0 - 2 * HOUR) },
      { id: 'P-B1', batch: 'B-1', zone: 'Z-PACK', from: iso(t0), to: iso(t0 + HOUR) },
      { id: 'P-B2', batch: 'B-2', zone: 'Z-PACK', from: iso(t0 + 2 * HOUR), to: iso(t0 + 3 * HOUR) },
      // The dock camera looks at the truck while it is loaded: placed on the shipment for that hour.
      { id: 'P-DOCK', device: 'CAM-DOCK', shipment: 'SH-1', from: iso(t0 + 6 * HOUR), to: iso(t0 + 7 * HOUR) },
    ],
  };
}

const query = (takenAtMs: number, seq: number): PhotoUploadQuery => ({ site: 'AMS', node: 'edge-1', device: 'CAM-PACK', takenAt: iso(takenAtMs), seq, trigger: 'scan', station: 'packing 1' });

interface TimelineEvent { kind: string; at: string; sha256?: string; batches?: string[]; thumbnail?: string; original?: string; location?: { kind: string; id: string } }

describe('photos as evidence on orders', () => {
  let gw: TestGateway;
  let api: string;
  let during: Buffer;
  let later: Buffer;

  beforeAll(async () => {
    gw = await startTestGateway();
    api = `${gw.httpUrl}/api/v1`;
    const imported = await request('PUT', `${api}/registry`, packingDocument());
    expect(imported.status, JSON.stringify(imported.json)).toBe(200);
    during = await makeJpeg({ width: 800, height: 600, seed: 11 });
    later = await makeJpeg({ width: 800, height: 600, seed: 12 });
    expect((await upload(gw.httpUrl, during, query(t0 + 30 * MIN, 1))).status).toBe(201);
    expect((await upload(gw.httpUrl, later, query(t0 + 5 * HOUR, 2))).status).toBe(201);
  });
  afterAll(async () => {
    await gw?.destroy();
  });

  const photosOn = async (order: string): Promise<TimelineEvent[]> =>
    (await getJson<{ events: TimelineEvent[] }>(`${api}/orders/${order}/timeline`)).events.filter((e) => e.kind === 'photo');

  it("puts a photo taken while B-1 was at the packing station on B-1's order's timeline, not on another's", async () => {
    expect(await photosOn('O-1')).toEqual([{
      at: iso(t0 + 30 * MIN), kind: 'photo', sha256: sha256(during), device: 'CAM-PACK', trigger: 'scan', station: 'packing 1',
      location: { kind: 'zone', id: 'Z-PACK' }, batches: ['B-1'], warnings: 0, original: `/api/v1/photos/${sha256(during)}`, thumbnail: `/api/v1/photos/${sha256(during)}/thumbnail`,
    }]);
    expect(await photosOn('O-2')).toEqual([]);
  });

  it("draws the photo's thumbnail with its hash and time in the order's evidence PDF", async () => {
    const res = await fetch(`${api}/orders/O-1/evidence.pdf?asOf=${Date.now()}`);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const { text } = await pdfText(bytes);
    const page = text.find((t) => t.includes('Photos (1)'));
    expect(page).toBeDefined();
    expect(page).toContain(`SHA-256 ${sha256(during)}`);
    expect(page).toContain(iso(t0 + 30 * MIN).replace('.000Z', 'Z'));
    expect(page).toContain('Batches there: B-1');
    expect(bytes.includes('/Subtype /Image')).toBe(true);
    // The other order's report has no photo page.
    const other = await pdfText(Buffer.from(await (await fetch(`${api}/orders/O-2/evidence.pdf?asOf=${Date.now()}`)).arrayBuffer()));
    expect(other.text.some((t) => t.includes('Photos ('))).toBe(false);
  });

  it("puts the dock camera's photo of the truck being loaded on the order of that shipment", async () => {
    const dock = await makeJpeg({ seed: 13 });
    expect((await upload(gw.httpUrl, dock, { ...query(t0 + 6.5 * HOUR, 3), device: 'CAM-DOCK', trigger: 'door', station: 'dock 4' })).status).toBe(201);
    expect((await photosOn('O-3')).map((e) => [e.sha256, e.location, e.batches])).toEqual([[sha256(dock), { kind: 'shipment', id: 'SH-1' }, []]]);
    expect((await photosOn('O-1')).map((e) => e.sha256)).toEqual([sha256(during)]);
  });

  it('links a photo when the placement covering it is recorded late', async () => {
    expect((await photosOn('O-2')).map((e) => e.sha256)).toEqual([]);
    const put = await request('PUT', `${api}/registry/placements/P-B2-LATE`, { id: 'P-B2-LATE', batch: 'B-2', zone: 'Z-PACK', from: iso(t0 + 4 * HOUR), to: iso(t0 + 6 * HOUR) });
    expect(put.status).toBeLessThan(300);
    expect((await photosOn('O-2')).map((e) => [e.sha256, e.batches])).toEqual([[sha256(later), ['B-2']]]);
  });
});

describe('photo uploads with node credentials', () => {
  let gw: TestGateway;
  let secret: string;

  beforeAll(async () => {
    gw = await startTestGateway({ COLDTRACE_MQTT_AUTH: 'credentials' });
    secret = (await gw.credentials.issue({ kind: 'node', site: 'AMS', node: 'edge-1' })).password;
  });
  afterAll(async () => {
    await gw?.destroy();
  });

  it("files a photo under the node whose credential uploaded it; refuses a wrong secret (401) and another node's name (400, kept)", async () => {
    const jpeg = await makeJpeg({ seed: 21 });
    expect((await upload(gw.httpUrl, jpeg, query(t0, 1))).status).toBe(401);
    const wrong = await upload(gw.httpUrl, jpeg, query(t0, 1), { auth: basic('AMS/edge-1', `${secret}x`) });
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe('E_UNAUTHENTICATED');
    const other = await upload(gw.httpUrl, jpeg, { ...query(t0, 1), node: 'edge-2' }, { auth: basic('AMS/edge-1', secret) });
    expect(other.status).toBe(400);
    expect(other.json).toMatchObject({ code: 'E_PHOTO_QUERY' });
    expect(other.json.reason).toMatch(/credential is AMS\/edge-1's/);
    const ok = await upload(gw.httpUrl, jpeg, query(t0, 1), { auth: basic('AMS/edge-1', secret) });
    expect(ok.status).toBe(201);
    // Verified once by scrypt, then by the remembered hash: a second photo costs no key derivation (not timed here).
    expect((await upload(gw.httpUrl, await makeJpeg({ seed: 22 }), query(t0, 2), { auth: basic('AMS/edge-1', secret) })).status).toBe(201);
    expect(await getJson<{ node: string; site: string }>(`${gw.httpUrl}/api/v1/photos/${sha256(jpeg)}/info`)).toMatchObject({ site: 'AMS', node: 'edge-1' });
  });
});
