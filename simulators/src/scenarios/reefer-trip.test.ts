import { describe, expect, it } from 'vitest';
import { distanceToRouteM, haversineM } from './geo.js';
import { CORRIDOR_M, HUB, RADIUS_M, ROUTE } from './reefer-route.js';
import { reeferTrip } from './reefer-trip.js';

const s = reeferTrip({ nowMs: Date.parse('2026-12-01T12:00:00Z') });
const series = (metric: string) => s.readings.filter((r) => r.metric === metric).map((r) => ({ time: r.time, value: r.value as number }));
const fixes = series('gps.lat').map((lat, i) => ({ time: lat.time, lat: lat.value, lon: series('gps.lon')[i]!.value }));

describe('reefer-trip script', () => {
  it('is the same for the same now and seed, and ends its trip at now', () => {
    expect(reeferTrip({ nowMs: s.nowMs + 59_000 }).readings).toEqual(s.readings);
    expect(reeferTrip({ nowMs: s.nowMs, seed: 2 }).readings).not.toEqual(s.readings);
    expect(Math.max(...s.readings.map((r) => r.time))).toBe(s.nowMs - 60_000);
  });

  it('drives at road speeds: no fix implies more than 100 km/h from the one before', () => {
    for (let i = 1; i < fixes.length; i++) {
      const kmh = haversineM(fixes[i - 1]!, fixes[i]!) / 1000 / ((fixes[i]!.time - fixes[i - 1]!.time) / 3_600_000);
      expect(kmh).toBeLessThan(100);
    }
    expect(Math.max(...series('gps.speed').map((r) => r.value))).toBeGreaterThan(60);
  });

  it('keeps every fix at least 300 m from the corridor edge, so which fixes are beyond it is beyond doubt', () => {
    for (const f of fixes) expect(Math.abs(distanceToRouteM(f, ROUTE) - CORRIDOR_M)).toBeGreaterThan(300);
  });

  it('stops 40 min inside the hub geofence and 45 min at the lay-by, on the route', () => {
    const atHub = fixes.filter((f) => haversineM(f, HUB) < RADIUS_M.hub);
    expect(atHub.length).toBeGreaterThanOrEqual(40);
    const stop = s.expected.find((e) => e.rule === 'unplanned-stop/200/30')!;
    const first = fixes.find((f) => f.time === stop.metAtMs - 30 * 60_000)!;
    const stayed = fixes.filter((f) => f.time >= first.time && haversineM(first, f) <= 200);
    expect(stayed.length).toBe(46);
    expect(distanceToRouteM(first, ROUTE)).toBeLessThan(50);
  });

  it('keeps the reefer in range but for its failure, back in range on arrival', () => {
    const temps = series('temperature');
    expect(Math.min(...temps.map((r) => r.value))).toBeGreaterThan(2);
    expect(temps.at(-1)!.value).toBeLessThan(8);
    const warm = temps.filter((r) => r.value >= 8);
    expect(warm.length).toBeGreaterThan(30);
    const exc = s.expected.find((e) => e.subject.id === 'RT-VAX-7731')!;
    expect(exc.metAtMs).toBe(warm[0]!.time + 30 * 60_000);
  });

  it('expects each anomaly once per rule, on both orders for the shipment and each batch its own order', () => {
    expect(s.expected.map((e) => `${e.rule}@${e.subject.kind}:${e.subject.id} ${e.orders.join(',')}`)).toEqual([
      'shock/shock.peak/25/instant@shipment:SH-RT-0042 ORD-RT-201,ORD-RT-202',
      'shock/shock.peak/50/instant@shipment:SH-RT-0042 ORD-RT-201,ORD-RT-202',
      'unplanned-stop/200/30@shipment:SH-RT-0042 ORD-RT-201,ORD-RT-202',
      'route-deviation/2000/10@shipment:SH-RT-0042 ORD-RT-201,ORD-RT-202',
      'excursion/temperature/upper/8/consecutive/30@batch:RT-VAX-7731 ORD-RT-201',
      'excursion/temperature/upper/8/consecutive/30@batch:RT-INS-0452 ORD-RT-202',
      'tier3/carrier@carrier:Polar Freight ORD-RT-201,ORD-RT-202',
      'tier3/lane@lane:VNL-UTR ORD-RT-201,ORD-RT-202',
      'tier3/hub@hub:rt-hub-eindhoven ORD-RT-201,ORD-RT-202',
    ]);
    const peaks = series('shock.peak').map((r) => r.value);
    expect(peaks).toEqual([14, 62]);
  });
});
