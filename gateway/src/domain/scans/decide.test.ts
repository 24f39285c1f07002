import { describe, expect, it } from 'vitest';
import type { Placement } from '../registry/types.js';
import { decideCustody, type CustodyDecision, type Whereabouts } from './decide.js';
import { distanceToGeofenceM } from '../registry/geofence.js';
import type { Geofence } from '../registry/types.js';
import type { ScannerRegistration } from './registration.js';
import { doorVerdict, endOfDayMs } from './door.js';

const T = (hhmm: string): string => `2026-12-07T${hhmm}:00.000Z`;
const ms = (hhmm: string): number => Date.parse(T(hhmm));
const where: Whereabouts = {
  zoneSite: (z) => ({ 'cold-room': 'ams', dock: 'ams', 'rx-dock': 'utr', 'far-room': 'rtm' } as Record<string, string>)[z],
  shipmentEnds: (s) => ({ 'SH-1': { origin: 'ams', destination: 'utr' }, 'SH-2': { origin: 'utr', destination: 'ams' } } as Record<string, { origin: string; destination: string }>)[s],
};
const inZone = (zone: string): ScannerRegistration => ({ zone, direction: 'in' });
const onto = (shipment: string): ScannerRegistration => ({ shipment, direction: 'in' });
const p = (id: string, at: Partial<Placement>, from: string, to?: string): Placement => ({ id, batch: 'B', ...at, from: T(from), ...(to !== undefined ? { to: T(to) } : {}) });

const cases: [string, Placement[], string, ScannerRegistration, Partial<CustodyDecision> & { put?: Placement[] }][] = [
  ['opens the first placement of a batch custody never saw', [], '08:00', inZone('cold-room'),
    { kind: 'move', put: [p('new', { zone: 'cold-room' }, '08:00')] }],
  ['closes the open placement and opens one at the door', [p('a', { zone: 'dock' }, '07:00')], '08:00', inZone('cold-room'),
    { kind: 'move', put: [p('a', { zone: 'dock' }, '07:00', '08:00'), p('new', { zone: 'cold-room' }, '08:00')] }],
  ['loads a batch of the origin site on its shipment', [p('a', { zone: 'cold-room' }, '07:00')], '09:00', onto('SH-1'),
    { kind: 'move', put: [p('a', { zone: 'cold-room' }, '07:00', '09:00'), p('new', { shipment: 'SH-1' }, '09:00')] }],
  ['receives a shipment at its destination', [p('a', { shipment: 'SH-1' }, '09:00')], '12:00', inZone('rx-dock'),
    { kind: 'move', put: [p('a', { shipment: 'SH-1' }, '09:00', '12:00'), p('new', { zone: 'rx-dock' }, '12:00')] }],
  ['fits a late scan between the moves already known', [p('a', { zone: 'dock' }, '07:00', '10:00'), p('b', { shipment: 'SH-1' }, '10:00')], '08:00', inZone('cold-room'),
    { kind: 'move', put: [p('a', { zone: 'dock' }, '07:00', '08:00'), p('new', { zone: 'cold-room' }, '08:00', '10:00')] }],
  ['ends a late first scan where the next known placement starts', [p('b', { shipment: 'SH-1' }, '10:00')], '08:00', inZone('cold-room'),
    { kind: 'move', put: [p('new', { zone: 'cold-room' }, '08:00', '10:00')] }],
  ['changes nothing when custody already has the batch there', [p('a', { zone: 'cold-room' }, '07:00')], '08:00', inZone('cold-room'), { kind: 'repeat' }],
  ['refuses a move to another site without a shipment', [p('a', { zone: 'cold-room' }, '07:00')], '08:00', inZone('far-room'), { kind: 'contradiction' }],
  ['refuses a batch on a truck that does not go here', [p('a', { shipment: 'SH-1' }, '09:00')], '10:00', inZone('far-room'), { kind: 'contradiction' }],
  ['refuses loading on a shipment that leaves from another site', [p('a', { zone: 'rx-dock' }, '07:00')], '08:00', onto('SH-1'), { kind: 'contradiction' }],
  ['transfers to a shipment leaving from where the first ends', [p('a', { shipment: 'SH-1' }, '07:00')], '08:00', onto('SH-2'),
    { kind: 'move', put: [p('a', { shipment: 'SH-1' }, '07:00', '08:00'), p('new', { shipment: 'SH-2' }, '08:00')] }],
  ['ends the placement in a zone on a scan out of it', [p('a', { zone: 'cold-room' }, '07:00')], '08:00', { zone: 'cold-room', direction: 'out' },
    { kind: 'move', put: [p('a', { zone: 'cold-room' }, '07:00', '08:00')] }],
  ['refuses a scan out of a zone the batch is not in', [p('a', { zone: 'dock' }, '07:00')], '08:00', { zone: 'cold-room', direction: 'out' }, { kind: 'contradiction' }],
  ['changes nothing on a scan out with no custody', [], '08:00', { zone: 'cold-room', direction: 'out' }, { kind: 'repeat' }],
];

describe('decideCustody', () => {
  it.each(cases)('%s', (_name, placements, t, door, want) => {
    const d = decideCustody('B', placements, ms(t), door, where, 'new');
    expect(d).toMatchObject(want);
    if (d.kind === 'contradiction') expect(d.reason).toMatch(/B is in|custody has B/);
  });
});

describe('decideCustody with the truck\'s tracker', () => {
  const fences: Record<string, Geofence> = {
    utr: { kind: 'circle', center: { lat: 52.09, lon: 5.12 }, radiusM: 500 },
    ams: { kind: 'polygon', points: [{ lat: 52.30, lon: 4.76 }, { lat: 52.30, lon: 4.78 }, { lat: 52.32, lon: 4.78 }, { lat: 52.32, lon: 4.76 }] },
  };
  const withTruck = (lat: number, lon: number): Whereabouts => ({ ...where, siteGeofence: (s) => fences[s], truckFix: () => ({ lat, lon, device: 'T-1', atMs: ms('11:50') }) });
  it.each([
    ['receives a truck whose tracker is at the destination', [p('a', { shipment: 'SH-1' }, '09:00')], inZone('rx-dock'), withTruck(52.091, 5.121), 'move'],
    ['receives a truck whose tracker is 20 km out (the last fix before the yard)', [p('a', { shipment: 'SH-1' }, '09:00')], inZone('rx-dock'), withTruck(52.27, 5.12), 'move'],
    ['refuses a receipt while the truck is 300 km away', [p('a', { shipment: 'SH-1' }, '09:00')], inZone('rx-dock'), withTruck(49.5, 2.5), 'contradiction'],
    ['refuses loading on a truck that is not at the dock', [p('a', { zone: 'cold-room' }, '07:00')], onto('SH-1'), withTruck(51.0, 4.0), 'contradiction'],
    ['loads a truck at the dock', [p('a', { zone: 'cold-room' }, '07:00')], onto('SH-1'), withTruck(52.31, 4.77), 'move'],
  ] as [string, Placement[], ScannerRegistration, Whereabouts, string][])('%s', (_n, placements, door, w, kind) => {
    const d = decideCustody('B', placements, ms('12:00'), door, w, 'new');
    expect(d.kind).toBe(kind);
    if (d.kind === 'contradiction') expect(d.reason).toMatch(/tracker T-1 was \d+ km from site/);
  });

  it.each([
    ['inside a circle', fences['utr']!, { lat: 52.09, lon: 5.12 }, 0, 0],
    ['outside a circle, less its radius', fences['utr']!, { lat: 52.19, lon: 5.12 }, 10_600, 10_700],
    ['inside a polygon', fences['ams']!, { lat: 52.31, lon: 4.77 }, 0, 0],
    ['outside a polygon, to its nearest edge', fences['ams']!, { lat: 52.33, lon: 4.77 }, 1_100, 1_130],
  ] as [string, Geofence, { lat: number; lon: number }, number, number][])('measures the distance to a site %s', (_n, g, pt, lo, hi) => {
    const m = distanceToGeofenceM(g, pt);
    expect(m).toBeGreaterThanOrEqual(lo);
    expect(m).toBeLessThanOrEqual(hi);
  });
});

describe('doorVerdict', () => {
  const at = Date.parse('2026-12-07T10:00:00Z');
  it.each([
    ['receives a batch in date', { labelledExpiryMs: endOfDayMs('2027-06-30') }, true, undefined],
    ['receives a batch on its expiry day', { labelledExpiryMs: endOfDayMs('2026-12-07') }, true, undefined],
    ['refuses a batch the day after its labelled expiry', { labelledExpiryMs: endOfDayMs('2026-12-06') }, false, 'E_SCAN_EXPIRED'],
    ['refuses a batch past its dynamic expiry', { labelledExpiryMs: endOfDayMs('2027-06-30'), dynamicExpiryMs: Date.parse('2026-12-07T09:00:00Z') }, false, 'E_SCAN_DYNAMIC_EXPIRED'],
    ['refuses a batch shorter-dated than the site minimum', { labelledExpiryMs: endOfDayMs('2026-12-20'), minRemainingDays: 30 }, false, 'E_SCAN_SHORT_DATED'],
    ['measures the minimum from the earlier dynamic expiry', { labelledExpiryMs: endOfDayMs('2027-06-30'), dynamicExpiryMs: Date.parse('2026-12-27T10:00:00Z'), minRemainingDays: 30 }, false, 'E_SCAN_SHORT_DATED'],
    ['receives a batch with exactly the minimum left', { labelledExpiryMs: at + 30 * 86_400_000, minRemainingDays: 30 }, true, undefined],
  ])('%s', (_name, facts, ok, code) => {
    const v = doorVerdict(at, facts);
    expect(v.ok).toBe(ok);
    if (!v.ok) expect(v.code).toBe(code);
  });
});
