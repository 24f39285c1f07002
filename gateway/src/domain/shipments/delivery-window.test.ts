import { describe, expect, it } from 'vitest';
import { routeLengthM } from '../registry/geofence.js';
import { deliveryWindow } from './delivery-window.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 6);
/** A route due north from 50° N along 5° E; km along it as a latitude (a degree of latitude is 111.195 km on this sphere). */
const KM_PER_DEG = 6_371 * Math.PI / 180;
const route = [{ lat: 50, lon: 5 }, { lat: 50 + 400 / KM_PER_DEG, lon: 5 }];
const at = (hour: number, km: number) => ({ t: T0 + hour * H, lat: 50 + km / KM_PER_DEG, lon: 5 });
/** A track from cumulative km at each whole hour. */
const track = (kms: number[]) => kms.map((km, h) => at(h, km));
const hoursAfter = (w: ReturnType<typeof deliveryWindow>, lastHour: number) =>
  w === undefined ? undefined : [w.p10Ms, w.p50Ms, w.p90Ms].map((t) => Math.round(((t - T0) / H - lastHour) * 100) / 100);

describe('predicted delivery window', () => {
  it('the route is 400 km', () => {
    expect(routeLengthM(route) / 1000).toBeCloseTo(400, 6);
  });

  it('a steady 60 km/h for 4 hours: 160 km to go in 2.67 h, no spread', () => {
    const w = deliveryWindow({ route, track: track([0, 60, 120, 180, 240]), laneKmh: [] });
    expect(w).toMatchObject({ basis: 'this shipment', samples: 4 });
    expect(w!.meanKmh).toBeCloseTo(60, 6);
    expect(w!.sdKmh).toBeCloseTo(0, 6);
    expect(w!.remainingKm).toBeCloseTo(160, 6);
    expect(hoursAfter(w, 4)).toEqual([2.67, 2.67, 2.67]);
  });

  it('hours of 80 and 40 km/h: the mean of the 4 hours to go spreads less than one hour does', () => {
    const w = deliveryWindow({ route, track: track([0, 80, 120, 200, 240]), laneKmh: [] })!;
    // Mean 60, sd 23.09 per hour; 160 km is 2.67 hours: spread 1.2816 x 23.09 / √2.67 = 18.12 km/h; 160 / 78.12, / 60, / 41.88.
    expect(w.sdKmh).toBeCloseTo(23.09, 2);
    expect(hoursAfter(w, 4)).toEqual([2.05, 2.67, 3.82]);
  });

  it('an hour stopped counts as the zero it was', () => {
    const w = deliveryWindow({ route, track: track([0, 60, 60, 120]), laneKmh: [] })!;
    expect(w.meanKmh).toBeCloseTo(40, 6);
    expect(w.remainingKm).toBeCloseTo(280, 6);
  });

  it('with less than 3 hours of its own track, the lane\'s past trips (each a whole trip\'s mean, its spread as it is)', () => {
    const w = deliveryWindow({ route, track: track([0, 60]), laneKmh: [50, 60, 70] })!;
    expect(w).toMatchObject({ basis: 'this lane', samples: 3, meanKmh: 60, sdKmh: 10 });
    // 340 km: 340 / 72.82, 340 / 60, 340 / 47.18 hours.
    expect(hoursAfter(w, 1)).toEqual([4.67, 5.67, 7.21]);
  });

  it('no window without a basis, a route or a fix; at the destination, the last fix is the arrival', () => {
    expect(deliveryWindow({ route, track: track([0, 60]), laneKmh: [55] })).toBeUndefined();
    expect(deliveryWindow({ route: [route[0]!], track: track([0, 60, 120, 180]), laneKmh: [] })).toBeUndefined();
    expect(deliveryWindow({ route, track: [], laneKmh: [50, 60, 70] })).toBeUndefined();
    const arrived = deliveryWindow({ route, track: track([0, 100, 200, 300, 400]), laneKmh: [] })!;
    expect(arrived.remainingKm).toBeCloseTo(0, 3);
    expect(hoursAfter(arrived, 4)).toEqual([0, 0, 0]);
  });

  it('the same fixes in any order give the same window', () => {
    const fixes = track([0, 80, 120, 200, 240]);
    expect(deliveryWindow({ route, track: [...fixes].reverse(), laneKmh: [] })).toEqual(deliveryWindow({ route, track: fixes, laneKmh: [] }));
  });
});
