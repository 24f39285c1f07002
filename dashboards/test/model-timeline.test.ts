import { describe, expect, it } from 'vitest';
import type { OrderTimeline } from '../web/src/api-orders.js';
import { movesFor, refusalText, sortNewestFirst } from '../web/src/model-flags.js';
import { orderFromLocation, orderShipments, storyLines } from '../web/src/model-timeline.js';
import { formatZoned, zoneNote } from '../web/src/model-zone.js';
import { viewOf } from '../web/src/views.js';

describe('storyLines', () => {
  const t: Pick<OrderTimeline, 'events'> = {
    events: [
      { at: '2026-12-06T20:18:00.000Z', kind: 'place', change: 'departed', place: 'dc', placeKind: 'origin', shipment: 'S' },
      { at: '2026-12-06T20:07:00.000Z', kind: 'custody', change: 'arrived', batch: 'B', location: { kind: 'shipment', id: 'S' } },
      { at: '2026-12-06T20:07:00.000Z', kind: 'tracker', change: 'attached', device: 'gps', shipment: 'S' },
      { at: '2026-12-06T21:04:00.000Z', kind: 'flag', flag: 'f@shipment:S', rule: 'f', severity: 'warning', title: 'stopped' },
      { at: '2026-12-05T18:07:00.000Z', kind: 'status', status: 'paid', operator: 'payments', source: 'order-hub' },
    ],
  };
  it('tells the events in time order, same-moment ones in the gateway’s order', () => {
    expect(storyLines(t).map((l) => [l.label, l.text])).toEqual([
      ['Status', 'paid (by payments, order-hub)'],
      ['Custody', 'batch B arrived at shipment S'],
      ['Tracker', 'tracker gps attached to shipment S'],
      ['Place', 'shipment S departed from origin dc'],
      ['Flag', 'stopped'],
    ]);
    expect(storyLines(t)[4]).toMatchObject({ flag: 'f@shipment:S', severity: 'warning' });
  });
  it('tells a photo as what the camera took, where, of which batches, with its thumbnail and original', () => {
    const sha = 'ab'.repeat(32);
    const p = { events: [
      { at: '2026-12-06T22:00:00.000Z', kind: 'photo', sha256: sha, device: 'CAM-PACK', trigger: 'scan', station: 'packing 1', location: { kind: 'zone', id: 'Z-PACK' },
        batches: ['B-1', 'B-2'], warnings: 1, original: `/api/v1/photos/${sha}`, thumbnail: `/api/v1/photos/${sha}/thumbnail` },
    ] } as Pick<OrderTimeline, 'events'>;
    expect(storyLines(p).map((l) => [l.label, l.text, l.photo])).toEqual([[
      'Photo', 'camera CAM-PACK at packing 1 took a photo of batches B-1, B-2 in zone Z-PACK, on scan (1 warning: see its record)',
      { thumbnail: `/api/v1/photos/${sha}/thumbnail`, original: `/api/v1/photos/${sha}`, sha256: sha },
    ]]);
  });
  it("tells a carrier's event as the carrier's claim, with its own words and place", () => {
    const c = { events: [
      { at: '2026-12-06T22:00:00.000Z', kind: 'carrier', shipment: 'S', carrier: 'dhl', trackingNumber: 'JJD1', milestone: 'out_for_delivery', code: 'OutForDelivery', text: '' },
      { at: '2026-12-06T23:00:00.000Z', kind: 'carrier', shipment: 'S', carrier: 'dhl', trackingNumber: 'JJD1', milestone: 'delivered', code: 'Delivered_003', text: 'Signed for by K. Jansen', placeName: 'Rotterdam' },
    ] } as Pick<OrderTimeline, 'events'>;
    expect(storyLines(c).map((l) => [l.label, l.text])).toEqual([
      ['Carrier', 'dhl JJD1 (shipment S) reports out for delivery'],
      ['Carrier', 'dhl JJD1 (shipment S) reports delivered: “Signed for by K. Jansen” at Rotterdam'],
    ]);
  });
  it('tells a scan as what the reader read and what it did, with the reason when it did not move custody', () => {
    const s = { events: [
      { at: '2026-12-06T08:00:00.000Z', kind: 'scan', device: 'cold-door-1', batch: 'B', outcome: 'moved', via: 'barcode', placement: 'scan-cold-door-1-1-0' },
      { at: '2026-12-06T09:00:00.000Z', kind: 'scan', device: 'rx-door', batch: 'B', outcome: 'refused', via: 'rfid', reasonCode: 'E_SCAN_EXPIRED', reason: 'expired: labelled expiry 2026-12-01 has passed' },
    ] } as Pick<OrderTimeline, 'events'>;
    expect(storyLines(s).map((l) => [l.label, l.text])).toEqual([
      ['Scan', 'scanner cold-door-1 read batch B: moved it'],
      ['Scan', 'RFID reader rx-door read batch B: refused it at the door (expired: labelled expiry 2026-12-01 has passed)'],
    ]);
  });
  it('shows an event kind it does not know as what it says', () => {
    const other = { events: [{ at: '2026-12-06T00:00:00.000Z', kind: 'note', text: 'hi' }] } as unknown as OrderTimeline;
    expect(storyLines(other)[0]).toMatchObject({ label: 'note', text: 'text: "hi"' });
  });
  it('lists the order’s shipments and those its flags name', () => {
    const related = { devices: [], batches: [], shipments: ['T'], orders: [] };
    expect(orderShipments({ order: { id: 'O', shipments: ['S'] }, flags: [{ related } as unknown as OrderTimeline['flags'][number]] })).toEqual(['S', 'T']);
  });
});

describe('locations and views', () => {
  it.each([
    { hash: '#/orders/ORD-RT-201', search: '', want: { kind: 'order', id: 'ORD-RT-201' } },
    { hash: '#/orders/A%2FB', search: '', want: { kind: 'order', id: 'A/B' } },
    { hash: '#/orders', search: '', want: { kind: 'order', id: undefined } },
    { hash: '', search: '?order=ORD-1', want: { kind: 'order', id: 'ORD-1' } },
    { hash: '#/flags', search: '?order=ORD-1', want: { kind: 'flags' } },
    { hash: '', search: '', want: { kind: 'live' } },
    { hash: '#devices', search: '', want: { kind: 'live' } },
  ])('location $hash $search shows the $want.kind view', ({ hash, search, want }) => expect(viewOf(hash, search)).toEqual(want));
  it('reads no order from an empty ?order=', () => expect(orderFromLocation('', '?order=')).toBeUndefined());
});

describe('flags', () => {
  it('sorts newest met first, ties by id', () => {
    expect(sortNewestFirst([{ id: 'b', metAtMs: 1 }, { id: 'c', metAtMs: 2 }, { id: 'a', metAtMs: 1 }]).map((f) => f.id)).toEqual(['c', 'a', 'b']);
  });
  it.each([
    { state: 'open', want: ['acknowledge', 'resolve'] },
    { state: 'acknowledged', want: ['resolve'] },
    { state: 'resolved', want: [] },
  ] as const)('offers $want in $state', ({ state, want }) => expect(movesFor(state)).toEqual(want));
  it('says what a 409 means', () => expect(refusalText(409, 'resolved -> acknowledged')).toMatch(/^Not done: the flag's state does not allow this move \(resolved -> acknowledged\)/));
});

describe('times in the viewer’s zone', () => {
  const t = Date.UTC(2026, 11, 6, 21, 52, 17);
  it.each([
    { zone: 'UTC', want: '6 Dec 2026, 21:52:17 UTC' },
    { zone: 'Asia/Kolkata', want: '7 Dec 2026, 03:22:17 GMT+5:30' },
    { zone: 'America/New_York', want: '6 Dec 2026, 16:52:17 GMT-5' },
  ])('$zone', ({ zone, want }) => expect(formatZoned(t, zone, 'en-GB')).toBe(want));
  it('names the zone once', () => expect(zoneNote(t, 'Europe/Amsterdam', 'en-GB')).toBe('Times in Europe/Amsterdam (CET)'));
});
