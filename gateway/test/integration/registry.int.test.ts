/**
 * The registry API over real HTTP on a real gateway: refusals name the field and write nothing, imports are one
 * transaction and idempotent, export -> import -> export is a fixed point, CSV per kind round-trips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { getJson, request, startTestGateway, type TestGateway } from '../support/gateway.js';
import { custodyDocument, HOUR, iso } from '../support/registry-fixture.js';

const t0 = Date.UTC(2026, 10, 2, 8);


describe('registry API', () => {
  let gw: TestGateway;
  let api: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    api = `${gw.httpUrl}/api/v1`;
    const r = await request('PUT', `${api}/registry`, custodyDocument(t0));
    expect(r.status, JSON.stringify(r.json)).toBe(200);
  });
  afterAll(() => gw.destroy());

  it.each([
    ['a batch of an unknown product', 'batches/B-9', { product: 'P-NONE', quantity: 5, producedAt: '2026-01-01', expiresAt: '2027-01-01' }, 'product', "unknown product 'P-NONE'"],
    ['a placement overlapping another of the same batch', 'placements/P-X', { batch: 'B-1', zone: 'Z-B', from: iso(t0 + 2 * HOUR), to: iso(t0 + 4 * HOUR) }, 'from', "overlaps placement 'P-B1-B'"],
    ['a placement overlapping another of the same device', 'placements/P-X', { device: 'T-1', zone: 'Z-A', from: iso(t0 + 4 * HOUR) }, 'from', "of device 'T-1'"],
    ['a placement ending before it starts', 'placements/P-X', { batch: 'B-2', zone: 'Z-A', from: iso(t0 + 2 * HOUR), to: iso(t0 + HOUR) }, 'to', 'must be after from'],
    ['an order line for an unknown batch', 'orders/O-9', { customer: 'c', lines: [{ batch: 'B-9', quantity: 1 }], promisedDelivery: iso(t0) }, 'lines[0].batch', "unknown batch 'B-9'"],
    ['a polygon geofence whose edges cross', 'sites/S-9', { name: 'x', geofence: { kind: 'polygon', points: [{ lat: 0, lon: 0 }, { lat: 1, lon: 1 }, { lat: 0, lon: 1 }, { lat: 1, lon: 0 }] } }, 'geofence.points', 'cross'],
    ['a circle geofence without a radius', 'places/H-9', { name: 'x', kind: 'carrier_hub', geofence: { kind: 'circle', center: { lat: 0, lon: 0 } } }, 'geofence.radiusM', ''],
    ['a device placement on an unknown shipment', 'placements/P-X', { device: 'S-A', shipment: 'SH-9', from: iso(t0) }, 'shipment', "unknown shipment 'SH-9'"],
    ['a local time without a zone', 'batches/B-9', { product: 'P-VAX', quantity: 5, producedAt: '2026-01-01T10:00', expiresAt: '2027-01-01' }, 'producedAt', 'with a zone'],
    ['a misspelt field', 'zones/Z-9', { site: 'WH1', name: 'x', sight: 'WH1' }, 'sight', "unknown field 'sight'"],
  ])('refuses %s with a 400 naming the field, writing nothing', async (_name, path, body, field, message) => {
    const r = await request('PUT', `${api}/registry/${path}`, body);
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('E_INVALID');
    expect(r.json.problems).toContainEqual({ path: field, message: expect.stringContaining(message) });
    expect((await request('GET', `${api}/registry/${path}`)).status).toBe(404);
  });

  it('refuses a whole import when one row is wrong, listing every problem by path, and writes none of it', async () => {
    const doc = {
      batches: [{ id: 'B-NEW', product: 'P-VAX', quantity: 5, producedAt: '2026-01-01', expiresAt: '2027-01-01' }],
      orders: [
        { id: 'O-NEW', customer: 'c', lines: [{ batch: 'B-NEW', quantity: 5 }], promisedDelivery: iso(t0) },
        { id: 'O-BAD', customer: 'c', lines: [{ batch: 'B-NEW', quantity: 1 }, { batch: 'B-9', quantity: 1 }], promisedDelivery: iso(t0) },
      ],
      placements: [{ id: 'P-NEW', batch: 'B-NEW', zone: 'Z-NOPE', from: iso(t0) }],
    };
    const r = await request('PUT', `${api}/registry`, doc);
    expect(r.status).toBe(400);
    expect(r.json.problems).toEqual([
      { path: 'orders[1].lines[1].batch', message: "unknown batch 'B-9'" },
      { path: 'placements[0].zone', message: "unknown zone 'Z-NOPE'" },
    ]);
    for (const path of ['batches/B-NEW', 'orders/O-NEW', 'placements/P-NEW']) expect((await request('GET', `${api}/registry/${path}`)).status).toBe(404);
  });

  it('exports what it imported; importing the export changes nothing and exports it identically', async () => {
    const first = await getJson<Record<string, unknown[]>>(`${api}/registry`);
    expect(first.batches!.map((b) => (b as { id: string }).id)).toEqual(['B-1', 'B-2']);
    const again = await request('PUT', `${api}/registry`, first);
    expect(again.status).toBe(200);
    for (const counts of Object.values(again.json.applied as Record<string, { created: number; updated: number }>)) {
      expect(counts).toMatchObject({ created: 0, updated: 0 });
    }
    expect(await getJson(`${api}/registry`)).toEqual(first);
    // A new gateway from the export alone holds the same registry.
    const other = await startTestGateway();
    try {
      expect((await request('PUT', `${other.httpUrl}/api/v1/registry`, first)).status).toBe(200);
      expect(await getJson(`${other.httpUrl}/api/v1/registry`)).toEqual(first);
    } finally {
      await other.destroy();
    }
  });

  it('exports each kind as CSV and imports it back unchanged; a wrong cell is named by line and column', async () => {
    for (const kind of ['sites', 'zones', 'devices', 'products', 'batches', 'shipments', 'orders', 'placements']) {
      const csv = await (await fetch(`${api}/registry/csv/${kind}`)).text();
      const r = await request('PUT', `${api}/registry/csv/${kind}`, csv);
      expect(r.status, `${kind}: ${JSON.stringify(r.json)}`).toBe(200);
      expect(r.json.applied[kind]).toMatchObject({ created: 0, updated: 0 });
    }
    const bad = 'id,site,name\nZ-C,WH1,Cold room C\nZ-D,WH9,Cold room D\n';
    const r = await request('PUT', `${api}/registry/csv/zones`, bad);
    expect(r.status).toBe(400);
    expect(r.json.problems).toEqual([{ path: 'zones.csv line 3, column site', message: "unknown site 'WH9'" }]);
    expect((await request('GET', `${api}/registry/zones/Z-C`)).status).toBe(404);
  });

  it('lists the product presets and expands one named by a product', async () => {
    const { presets } = await getJson<{ presets: { preset: string }[] }>(`${api}/product-presets`);
    expect(presets.map((p) => p.preset)).toEqual(expect.arrayContaining(['pharma-2-8', 'crt', 'frozen', 'who-pqs-type-1', 'who-pqs-type-2']));
    const vax = await getJson<{ limits: { bound: string; value: number }[] }>(`${api}/registry/products/P-VAX`);
    expect(vax.limits).toEqual(expect.arrayContaining([expect.objectContaining({ bound: 'upper', value: 8 }), expect.objectContaining({ bound: 'lower', value: 2 })]));
  });

  it('documents the registry, custody and evidence routes in /openapi.json', async () => {
    const spec = await getJson<{ paths: Record<string, unknown> }>(`${gw.httpUrl}/openapi.json`);
    for (const p of ['/api/v1/registry', '/api/v1/registry/{kind}/{id}', '/api/v1/evidence/{kind}/{id}', '/api/v1/orders/{id}/timeline', '/api/v1/custody/resolve']) expect(Object.keys(spec.paths)).toContain(p);
  });

  it("imports the example document of docs/registry.md as it stands", async () => {
    const md = readFileSync(new URL('../../../docs/registry.md', import.meta.url), 'utf8');
    const example = /### The document\s+```json\n([\s\S]*?)```/.exec(md)?.[1];
    expect(example).toBeDefined();
    const r = await request('PUT', `${api}/registry`, JSON.parse(example!));
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.applied.placements).toMatchObject({ created: 2 });
  });
});
