/**
 * Carrier tracking events over real HTTP on a real gateway with its real SQLite files (issue #20): stored once per
 * (carrier, tracking number, time, code) whatever the order or repetition; unknown shipments and codes kept and
 * listed, attached when the shipment is registered; on the timelines of the orders the shipment serves; kept across
 * a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { startGateway } from '../../src/gateway.js';
import { request, startTestGateway, testConfig, type Body, type TestGateway } from '../support/gateway.js';
import { custodyDocument, HOUR, iso } from '../support/registry-fixture.js';

const t0 = Date.UTC(2026, 11, 1, 8);

/** DHL's story of parcel JJD 0001 (AfterShip vocabulary), with one code AfterShip never published. */
const DHL_EVENTS = [
  { time: iso(t0 + 2 * HOUR), code: 'InfoReceived', text: 'Shipment information received' },
  { time: iso(t0 + 3 * HOUR), code: 'InTransit_007', text: 'Departed facility', place: 'Amsterdam hub', position: { lat: 52.37, lon: 4.89 } },
  { time: iso(t0 + 4 * HOUR), code: 'Teleported_001', text: 'Shipment beamed', place: 'Utrecht' },
  { time: iso(t0 + 5 * HOUR), code: 'Delivered_003', text: 'Signed for by: K. Jansen', place: 'Rotterdam' },
];

describe('carrier events', () => {
  let gw: TestGateway;
  let api: string;
  const post = (body: unknown): Promise<{ status: number; json: Body }> => request('POST', `${api}/carrier-events`, body);
  const get = async (path: string): Promise<Body> => {
    const r = await request('GET', `${api}${path}`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return r.json;
  };

  beforeAll(async () => {
    gw = await startTestGateway({ COLDTRACE_RULES: 'off' });
    api = `${gw.httpUrl}/api/v1`;
    const r = await request('PUT', `${api}/registry`, custodyDocument(t0));
    expect(r.status, JSON.stringify(r.json)).toBe(200);
  });
  afterAll(() => gw.destroy());

  it('stores a batch for an unknown tracking number, keeps it unmatched, and lists the code nobody knows', async () => {
    const r = await post({ carrier: 'DHL', trackingNumber: 'jjd 0001', vocabulary: 'aftership', events: DHL_EVENTS });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ new: 4, duplicates: 0 });
    expect(r.json.events.map((e: Body) => [e.status, e.milestone, e.shipments])).toEqual([
      ['new', 'info_received', []], ['new', 'in_transit', []], ['new', 'unknown', []], ['new', 'delivered', []],
    ]);
    const unmatched = await get('/carrier-events/unmatched');
    expect(unmatched.groups).toEqual([{ carrier: 'dhl', trackingNumber: 'JJD0001', events: 4, firstMs: t0 + 2 * HOUR, lastMs: t0 + 5 * HOUR, unknownShipments: [] }]);
    const codes = await get('/carrier-events/unknown-codes');
    expect(codes.codes).toHaveLength(1);
    expect(codes.codes[0]).toMatchObject({ vocabulary: 'aftership', code: 'Teleported_001', events: 1 });
    expect(codes.codes[0].examples[0]).toMatchObject({ trackingNumber: 'JJD0001', text: 'Shipment beamed', place: 'Utrecht' });
  });

  it('stores the same events once, sent again out of order, one of them twice in one batch, and says which were duplicates', async () => {
    const again = [DHL_EVENTS[3], DHL_EVENTS[0], DHL_EVENTS[3], { ...DHL_EVENTS[1], text: 'other words, same event' }, { time: iso(t0 + 4.5 * HOUR), code: 'OutForDelivery' }];
    const r = await post({ carrier: 'dhl', trackingNumber: 'JJD0001', vocabulary: 'aftership', events: again });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ new: 1, duplicates: 4 });
    expect(r.json.events.map((e: Body) => e.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'new']);
    const { events } = await get('/carrier-events?carrier=DHL&trackingNumber=jjd0001');
    expect(events.map((e: Body) => e.code)).toEqual(['InfoReceived', 'InTransit_007', 'Teleported_001', 'OutForDelivery', 'Delivered_003']);
    expect(events[1].text).toBe('Departed facility');
  });

  it('refuses a batch with a malformed event, naming it, and writes none of it', async () => {
    const r = await post({ carrier: 'dhl', trackingNumber: 'JJD0002', events: [{ time: iso(t0), code: 'delivered' }, { time: '2026-12-01T10:00', code: 'delivered' }] });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('E_INVALID');
    expect(r.json.problems).toEqual([{ path: 'events[1].time', message: expect.stringContaining('with a zone') }]);
    expect((await get('/carrier-events?carrier=dhl&trackingNumber=JJD0002')).events).toEqual([]);
  });

  it('attaches the earlier events once a shipment lists the tracking number, and puts them on the timelines of its orders', async () => {
    const shipment = (await request('GET', `${api}/registry/shipments/SH-1`)).json;
    const put = await request('PUT', `${api}/registry/shipments/SH-1`, { ...shipment, tracking: [{ carrier: 'DHL', number: 'JJD 0001' }] });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect((await request('GET', `${api}/registry/shipments/SH-1`)).json.tracking).toEqual([{ carrier: 'dhl', number: 'JJD0001' }]);

    expect((await get('/carrier-events/unmatched')).groups).toEqual([]);
    const { events } = await get('/carrier-events?shipment=SH-1');
    expect(events.map((e: Body) => [e.milestone, e.shipments])).toEqual([
      ['info_received', ['SH-1']], ['in_transit', ['SH-1']], ['unknown', ['SH-1']], ['out_for_delivery', ['SH-1']], ['delivered', ['SH-1']],
    ]);
    // O-1 lists SH-1; O-2's batch never rode on it.
    const timeline = await get('/orders/O-1/timeline');
    const carrier = timeline.events.filter((e: Body) => e.kind === 'carrier');
    expect(carrier.map((e: Body) => [e.at, e.milestone, e.code])).toEqual([
      [iso(t0 + 2 * HOUR), 'info_received', 'InfoReceived'], [iso(t0 + 3 * HOUR), 'in_transit', 'InTransit_007'],
      [iso(t0 + 4 * HOUR), 'unknown', 'Teleported_001'], [iso(t0 + 4.5 * HOUR), 'out_for_delivery', 'OutForDelivery'], [iso(t0 + 5 * HOUR), 'delivered', 'Delivered_003'],
    ]);
    expect(carrier[1]).toEqual({
      at: iso(t0 + 3 * HOUR), kind: 'carrier', shipment: 'SH-1', carrier: 'dhl', trackingNumber: 'JJD0001', milestone: 'in_transit', code: 'InTransit_007',
      vocabulary: 'aftership', text: 'Departed facility', placeName: 'Amsterdam hub', position: { lat: 52.37, lon: 4.89 },
    });
    // In time order among the order's other events (status changes, custody moves, trackers).
    const times = timeline.events.map((e: Body) => e.at);
    expect(times).toEqual([...times].sort());
    expect((await get('/orders/O-2/timeline')).events.filter((e: Body) => e.kind === 'carrier')).toEqual([]);
  });

  it('keeps events naming a shipment not registered yet, and attaches them when it is', async () => {
    const r = await post({ events: [{ carrier: 'ups', trackingNumber: '1Z999', shipment: 'SH-LATER', time: iso(t0 + 6 * HOUR), code: 'pre_transit', vocabulary: 'easypost' }] });
    expect(r.json.events[0]).toMatchObject({ status: 'new', milestone: 'info_received', shipments: [] });
    expect((await get('/carrier-events/unmatched')).groups).toEqual([
      { carrier: 'ups', trackingNumber: '1Z999', events: 1, firstMs: t0 + 6 * HOUR, lastMs: t0 + 6 * HOUR, unknownShipments: ['SH-LATER'] },
    ]);
    const shipment = (await request('GET', `${api}/registry/shipments/SH-1`)).json;
    const put = await request('PUT', `${api}/registry/shipments/SH-LATER`, { ...shipment, id: 'SH-LATER', tracking: undefined });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect((await get('/carrier-events/unmatched')).groups).toEqual([]);
    expect((await get('/carrier-events?shipment=SH-LATER')).events.map((e: Body) => [e.code, e.shipments])).toEqual([['pre_transit', ['SH-LATER']]]);
  });

  it('documents its routes and the batch shape in the OpenAPI document', async () => {
    const doc = await request('GET', `${gw.httpUrl}/openapi.json`);
    for (const path of ['/api/v1/carrier-events', '/api/v1/carrier-events/unmatched', '/api/v1/carrier-events/unknown-codes']) expect(doc.json.paths).toHaveProperty([path]);
    const body = doc.json.paths['/api/v1/carrier-events'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties.events.items.properties)).toEqual(expect.arrayContaining(['time', 'code', 'text', 'place', 'position']));
  });

  it('keeps what it stored across a restart: the same events are duplicates to the next gateway on the same files', async () => {
    await gw.close();
    const next = await startGateway({ config: testConfig(gw.dataDir, { COLDTRACE_RULES: 'off' }) });
    try {
      const r = await request('POST', `${next.httpUrl}/api/v1/carrier-events`, { carrier: 'dhl', trackingNumber: 'JJD0001', vocabulary: 'aftership', events: DHL_EVENTS });
      expect(r.json).toMatchObject({ new: 0, duplicates: 4 });
      expect(r.json.events.every((e: Body) => e.shipments.join() === 'SH-1')).toBe(true);
    } finally {
      await next.close();
      rmSync(gw.dataDir, { recursive: true, force: true });
    }
  });
});
