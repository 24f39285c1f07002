import { describe, expect, it } from 'vitest';
import { fitProjection, fixesBetween, nearestFix, pairFixes, polyline } from '../web/src/model-route.js';
import { trackerSpans } from '../web/src/route-plot.js';

describe('pairFixes', () => {
  it('pairs latitude and longitude of the same device time, in time order, and drops a half fix', () => {
    const lats = [{ time: 2, value: 51.2 }, { time: 1, value: 51.1 }, { time: 3, value: 51.3 }];
    const lons = [{ time: 1, value: 5.1 }, { time: 2, value: 5.2 }];
    expect(pairFixes('gps', lats, lons)).toEqual([
      { device: 'gps', time: 1, lat: 51.1, lon: 5.1 },
      { device: 'gps', time: 2, lat: 51.2, lon: 5.2 },
    ]);
  });
});

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

describe('trackerSpans', () => {
  it('gives each tracker of the shipment its time on it, open ones up to now', () => {
    const spans = trackerSpans([
      { at: '1970-01-01T00:00:01.000Z', kind: 'tracker', change: 'attached', device: 'gps', shipment: 'S' },
      { at: '1970-01-01T00:00:05.000Z', kind: 'tracker', change: 'detached', device: 'gps', shipment: 'S' },
      { at: '1970-01-01T00:00:02.000Z', kind: 'tracker', change: 'attached', device: 'probe', shipment: 'S' },
      { at: '1970-01-01T00:00:02.000Z', kind: 'tracker', change: 'attached', device: 'other', shipment: 'T' },
    ], 'S', 9000);
    expect(Object.fromEntries(spans)).toEqual({ gps: { from: 1000, to: 5000 }, probe: { from: 2000, to: 9000 } });
  });
});
