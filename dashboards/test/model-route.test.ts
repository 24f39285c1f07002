import { describe, expect, it } from 'vitest';
import { fitProjection, fixesBetween, nearestFix, polyline } from '../web/src/model-route.js';

describe('fitProjection', () => {
  it('fits the positions into the box, north up, keeping the aspect in metres', () => {
    // 0.01° of latitude is about 1112 m; of longitude at 60° N about half of that.
    const proj = fitProjection([{ lat: 60, lon: 10 }, { lat: 60.01, lon: 10.02 }], 200, 200, 0);
    const sw = proj.at({ lat: 60, lon: 10 });
    const ne = proj.at({ lat: 60.01, lon: 10.02 });
    expect(ne.y).toBeLessThan(sw.y);
    expect(ne.x - sw.x).toBeCloseTo(sw.y - ne.y, 0);
    expect(proj.perM * 1112).toBeCloseTo(200, -1);
  });
  it('keeps a geofence’s radius inside the box', () => {
    const proj = fitProjection([{ lat: 52, lon: 5, marginM: 300 }], 100, 100, 0);
    expect(proj.perM * 600).toBeCloseTo(100, 5);
    expect(proj.at({ lat: 52, lon: 5 })).toEqual({ x: 50, y: 50 });
  });
  it('draws a polyline through the positions', () => {
    const proj = fitProjection([{ lat: 0, lon: 0 }, { lat: 0, lon: 1 }], 100, 50, 0);
    expect(polyline([{ lat: 0, lon: 0 }, { lat: 0, lon: 1 }], proj)).toBe('M0 25 L100 25');
  });
});

describe('flag places on the track', () => {
  const fixes = [10, 20, 30, 40].map((time) => ({ device: 'g', time, lat: time, lon: 0 }));
  it('takes the fixes of a stretch, ends included', () => expect(fixesBetween(fixes, 20, 30).map((f) => f.time)).toEqual([20, 30]));
  it('marks an event at the fix closest in time', () => expect(nearestFix(fixes, 34)?.time).toBe(30));
});
