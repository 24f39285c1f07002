import { describe, expect, it } from 'vitest';
import type { ShipmentItem } from '../web/src/api-shipments.js';
import { boardStatus, durationText, openFlagsText, positionText, shipmentFromHash, sortForBoard, trackText, visitText, windowText, type BoardStatus } from '../web/src/model-shipments.js';
import { viewOf } from '../web/src/views.js';

const NONE = { warning: 0, major: 0, critical: 0 };
function item(id: string, state: ShipmentItem['status']['state'], late: boolean, extra: Partial<ShipmentItem> = {}): ShipmentItem {
  return { id, carrier: 'C', lane: 'L', mode: 'road', origin: 'A', destination: 'B', hubs: [], plannedDeparture: '2026-12-01T08:00:00.000Z',
    promisedDelivery: '2026-12-01T18:00:00.000Z', status: { state, late }, trackers: [], openFlags: NONE, ...extra };
}

describe('boardStatus', () => {
  it.each<{ state: ShipmentItem['status']['state']; late: boolean; want: BoardStatus }>([
    { state: 'planned', late: false, want: 'planned' },
    { state: 'planned', late: true, want: 'overdue' },
    { state: 'in_transit', late: false, want: 'in-transit' },
    { state: 'in_transit', late: true, want: 'late' },
    { state: 'arrived', late: false, want: 'arrived' },
    { state: 'arrived', late: true, want: 'arrived-late' },
  ])('shows $state (late: $late) as $want', ({ state, late, want }) => expect(boardStatus(item('S', state, late))).toBe(want));
});

describe('sortForBoard', () => {
  it('puts what needs attention first: late in transit, in transit, overdue, planned, arrived', () => {
    const items = [item('a', 'arrived', false), item('b', 'planned', false), item('c', 'in_transit', false), item('d', 'planned', true), item('e', 'in_transit', true), item('f', 'arrived', true)];
    expect(sortForBoard(items).map((s) => s.id)).toEqual(['e', 'c', 'd', 'b', 'f', 'a']);
  });
  it('within a status: the most severe open flags first, then the earliest promised delivery, then the id', () => {
    const items = [
      item('quiet-late', 'in_transit', false, { promisedDelivery: '2026-12-02T00:00:00.000Z' }),
      item('quiet-early', 'in_transit', false, { promisedDelivery: '2026-12-01T00:00:00.000Z' }),
      item('warnings', 'in_transit', false, { openFlags: { warning: 5, major: 0, critical: 0 } }),
      item('major', 'in_transit', false, { openFlags: { warning: 0, major: 1, critical: 0 } }),
      item('quiet-early-2', 'in_transit', false, { promisedDelivery: '2026-12-01T00:00:00.000Z' }),
    ];
    expect(sortForBoard(items).map((s) => s.id)).toEqual(['major', 'warnings', 'quiet-early', 'quiet-early-2', 'quiet-late']);
  });
});

describe('words', () => {
  it('names open flags most severe first', () => {
    expect(openFlagsText({ warning: 1, major: 2, critical: 0 })).toBe('2 major, 1 warning');
    expect(openFlagsText(NONE)).toBe('none');
  });
  it('states the track as the rules see it', () => {
    expect(trackText({ fixes: 312, dropped: [{ reason: 'speed', count: 2 }, { reason: 'zero-position', count: 1 }] })).toBe('312 fixes, 3 dropped by the rules (speed 2, zero-position 1)');
    expect(trackText({ fixes: 1, dropped: [] })).toBe('1 fix, none dropped by the rules');
  });
  it('tells a visit to a known place with its stay, in the viewer’s zone', () => {
    const names = new Map([['HUB', 'Cross-dock']]);
    const v = { place: 'HUB', placeKind: 'hub' as const, device: 'trk', arrived: '2026-12-07T00:34:00.000Z' };
    expect(visitText({ ...v, departed: '2026-12-07T02:39:30.000Z' }, names, 'Asia/Kolkata', 'en-GB')).toBe('hub Cross-dock: arrived 7 Dec 2026, 06:04:00 GMT+5:30, left after 2 h 06 min');
    expect(visitText({ ...v, place: 'ORG', placeKind: 'origin' }, names, 'UTC', 'en-GB')).toBe('origin ORG: arrived 7 Dec 2026, 00:34:00 UTC, still there');
  });
  it.each([[44 * 60_000, '44 min'], [60 * 60_000, '1 h 00 min'], [(26 * 60 + 5) * 60_000, '1 d 2 h']])('writes a stay of %i ms as %s', (ms, want) => expect(durationText(ms)).toBe(want));
  it('writes a position with its hemispheres', () => {
    expect(positionText({ lat: 52.09123, lon: 5.12 })).toBe('52.0912° N, 5.1200° E');
    expect(positionText({ lat: -33.9, lon: -70.66 })).toBe('33.9000° S, 70.6600° W');
  });
});

describe('the Shipments view’s address', () => {
  it.each([
    { hash: '#/shipments', want: { kind: 'shipments', id: undefined } },
    { hash: '#/shipments/SH-RT-0042', want: { kind: 'shipments', id: 'SH-RT-0042' } },
    { hash: '#/shipments/A%2FB', want: { kind: 'shipments', id: 'A/B' } },
    { hash: '#/shipmentsX', want: { kind: 'live' } },
  ])('$hash shows $want', ({ hash, want }) => expect(viewOf(hash, '')).toEqual(want));
  it('reads no shipment from #/shipments/', () => expect(shipmentFromHash('#/shipments/')).toBeUndefined());
});

describe('the delivery window in words', () => {
  const w = (p10: string | null, p50: string | null, p90: string | null) => ({
    state: 'in_transit' as const, window: { basis: 'this shipment' as const, remainingKm: 160.4, meanKmh: 59.6, p10, p50, p90 },
  });
  it.each([
    ['the same day: the end as a time', w('2026-12-07T09:12:00.000Z', '2026-12-07T09:51:00.000Z', '2026-12-07T10:40:00.000Z'), 'UTC',
      'arrives 7 Dec 2026, 09:12:00 UTC–10:40 (80 %), most likely 09:51; 160 km to go at 60 km/h seen on this shipment'],
    ['over midnight in the viewer\'s zone: the end with its day', w('2026-12-07T17:00:00.000Z', '2026-12-07T18:00:00.000Z', '2026-12-07T19:00:00.000Z'), 'Asia/Kolkata',
      'arrives 7 Dec 2026, 22:30:00 GMT+5:30–8 Dec 2026, 00:30:00 GMT+5:30 (80 %), most likely 23:30; 160 km to go at 60 km/h seen on this shipment'],
    ['no progress seen', w(null, null, null), 'UTC', 'no estimate: no progress seen on this shipment (160 km to go)'],
    ['arrived', { state: 'arrived' as const, reason: 'arrived' }, 'UTC', 'arrived'],
    ['not gone yet', { state: 'planned' as const, reason: 'not departed yet' }, 'UTC', 'no estimate: not departed yet'],
  ])('%s', (_, answer, zone, want) => expect(windowText(answer, zone, 'en-GB')).toBe(want));
});
