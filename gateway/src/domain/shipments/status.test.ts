import { describe, expect, it } from 'vitest';
import { shipmentStatus, type ShipmentStatus, type SpanOnShipment } from './status.js';

const H = 3_600_000;
/** Planned departure at 10 h, promised delivery at 20 h. */
const DEP = 10 * H;
const DEL = 20 * H;
const open = (fromH: number): SpanOnShipment => ({ fromMs: fromH * H, toMs: Infinity });
const closed = (fromH: number, toH: number): SpanOnShipment => ({ fromMs: fromH * H, toMs: toH * H });

const cases: { name: string; spans: SpanOnShipment[]; nowH: number; want: ShipmentStatus }[] = [
  { name: 'is planned with nothing placed on it yet', spans: [], nowH: 5, want: { state: 'planned', late: false } },
  { name: 'is planned and late when nothing left by the planned departure', spans: [], nowH: 11, want: { state: 'planned', late: true } },
  { name: 'is planned while its placements start later', spans: [open(12)], nowH: 11, want: { state: 'planned', late: true } },
  { name: 'is in transit from the first placement’s start (inclusive)', spans: [open(9)], nowH: 9, want: { state: 'in_transit', late: false, departedMs: 9 * H } },
  { name: 'is in transit while one placement is open', spans: [closed(9, 12), open(9.5)], nowH: 15, want: { state: 'in_transit', late: false, departedMs: 9 * H } },
  { name: 'is in transit and late past the promised delivery', spans: [open(9)], nowH: 21, want: { state: 'in_transit', late: true, departedMs: 9 * H } },
  { name: 'stays in transit while a later leg’s placement is still to come', spans: [closed(9, 12), closed(14, 18)], nowH: 13, want: { state: 'in_transit', late: false, departedMs: 9 * H } },
  { name: 'has arrived when every placement ended (the end is exclusive)', spans: [closed(9, 12), closed(9, 19)], nowH: 19, want: { state: 'arrived', late: false, departedMs: 9 * H, arrivedMs: 19 * H } },
  { name: 'has arrived late when the last placement ended after the promised delivery', spans: [closed(9, 22)], nowH: 30, want: { state: 'arrived', late: true, departedMs: 9 * H, arrivedMs: 22 * H } },
];

describe('shipmentStatus', () => {
  it.each(cases)('$name', ({ spans, nowH, want }) => expect(shipmentStatus(spans, DEP, DEL, nowH * H)).toEqual(want));
  it('is never late without a plan to compare with', () => {
    expect(shipmentStatus([open(1)], NaN, NaN, 100 * H).late).toBe(false);
    expect(shipmentStatus([], NaN, NaN, 100 * H).late).toBe(false);
  });
});
