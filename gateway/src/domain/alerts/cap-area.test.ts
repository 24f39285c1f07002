import { describe, expect, it } from 'vitest';
import type { CapArea, CapInfo } from './cap.js';
import { activeAt, areaContains, circleBox, counts, DEFAULT_NO_EXPIRY_HOURS, inBox, infoSpan, routeEntersArea, segmentsCross } from './cap-area.js';

/** The polygon of the CAP 1.2 standard's thunderstorm warning (Appendix A.2). */
const storm: CapArea = {
  areaDesc: 'Tuolumne, Calaveras, Alpine',
  polygons: [[{ lat: 38.47, lon: -120.14 }, { lat: 38.34, lon: -119.95 }, { lat: 38.52, lon: -119.74 }, { lat: 38.62, lon: -119.89 }, { lat: 38.47, lon: -120.14 }]],
  circles: [],
};
const circle: CapArea = { areaDesc: 'around a spill', polygons: [], circles: [{ center: { lat: 52, lon: 13 }, radiusKm: 10 }] };
const geocodesOnly: CapArea = { areaDesc: 'Los Angeles County', polygons: [], circles: [] };

describe('areaContains', () => {
  it.each([
    ['the storm polygon, a truck in its middle', storm, { lat: 38.48, lon: -119.93 }, true],
    ['the storm polygon, a truck 20 km west of it', storm, { lat: 38.48, lon: -120.4 }, false],
    ['the storm polygon, a truck on its first vertex', storm, { lat: 38.47, lon: -120.14 }, true],
    ['the storm polygon, inside its box but outside it', storm, { lat: 38.36, lon: -119.78 }, false],
    ['a 10 km circle, a truck 9 km north', circle, { lat: 52 + 9 / 111.195, lon: 13 }, true],
    ['a 10 km circle, a truck 11 km north', circle, { lat: 52 + 11 / 111.195, lon: 13 }, false],
    ['an area of geocodes only', geocodesOnly, { lat: 34, lon: -118 }, false],
  ])('%s: %s', (_name, area, p, want) => {
    expect(areaContains(area, p)).toBe(want);
  });
});

describe('routeEntersArea', () => {
  it.each([
    ['a route through the storm polygon, no vertex inside', storm, [{ lat: 38.48, lon: -120.5 }, { lat: 38.48, lon: -119.5 }], true],
    ['a route ending inside', storm, [{ lat: 38.0, lon: -120.0 }, { lat: 38.48, lon: -119.93 }], true],
    ['a route passing south of it', storm, [{ lat: 38.2, lon: -120.5 }, { lat: 38.2, lon: -119.5 }], false],
    ['a route inside its box, missing it', storm, [{ lat: 38.36, lon: -119.8 }, { lat: 38.4, lon: -119.74 }], false],
    ['a route passing 5 km from the circle centre', circle, [{ lat: 52 + 5 / 111.195, lon: 12 }, { lat: 52 + 5 / 111.195, lon: 14 }], true],
    ['a route passing 15 km from the circle centre', circle, [{ lat: 52 + 15 / 111.195, lon: 12 }, { lat: 52 + 15 / 111.195, lon: 14 }], false],
    ['a one-point route inside', storm, [{ lat: 38.48, lon: -119.93 }], true],
    ['no route', storm, [], false],
  ])('%s', (_name, area, route, want) => {
    expect(routeEntersArea(route, area)).toBe(want);
  });
});

describe('segmentsCross', () => {
  it.each([
    ['crossing', [0, 0], [2, 2], [0, 2], [2, 0], true],
    ['parallel', [0, 0], [2, 0], [0, 1], [2, 1], false],
    ['touching at an end', [0, 0], [1, 1], [1, 1], [2, 0], true],
    ['collinear, apart', [0, 0], [1, 0], [2, 0], [3, 0], false],
    ['collinear, overlapping', [0, 0], [2, 0], [1, 0], [3, 0], true],
  ])('%s', (_name, a, b, c, d, want) => {
    const p = (x: number[]): { lat: number; lon: number } => ({ lat: x[1]!, lon: x[0]! });
    expect(segmentsCross(p(a), p(b), p(c), p(d))).toBe(want);
  });
});

describe('when an alert counts', () => {
  const base: CapInfo = { event: 'Storm', urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', areas: [] };
  const sentMs = 1_000_000;
  it.each([
    ['onset and expiry', { onsetMs: 2_000_000, effectiveMs: 1_500_000, expiresMs: 9_000_000 }, undefined, { fromMs: 2_000_000, toMs: 9_000_000 }],
    ['effective, no onset', { effectiveMs: 1_500_000, expiresMs: 9_000_000 }, undefined, { fromMs: 1_500_000, toMs: 9_000_000 }],
    ['neither: from its sending', { expiresMs: 9_000_000 }, undefined, { fromMs: sentMs, toMs: 9_000_000 }],
    ['no expiry: the default hours', {}, undefined, { fromMs: sentMs, toMs: sentMs + DEFAULT_NO_EXPIRY_HOURS * 3_600_000 }],
    ['cancelled before it expires', { expiresMs: 9_000_000 }, 4_000_000, { fromMs: sentMs, toMs: 4_000_000 }],
    ['cancelled after it expired', { expiresMs: 9_000_000 }, 12_000_000, { fromMs: sentMs, toMs: 9_000_000 }],
  ])('%s', (_name, times, ended, want) => {
    expect(infoSpan({ sentMs }, { ...base, ...times }, ended)).toEqual(want);
  });

  it.each([
    [999, false], [1000, true], [1999, true], [2000, false],
  ])('in force from onset to just before expiry: at %d -> %s', (t, want) => {
    expect(activeAt({ fromMs: 1000, toMs: 2000 }, t)).toBe(want);
  });

  it.each([
    ['Actual', 'Alert', true], ['Actual', 'Update', true], ['Actual', 'Cancel', false], ['Exercise', 'Alert', false], ['Test', 'Alert', false], ['Actual', 'Ack', false],
  ] as const)('%s %s counts: %s', (status, msgType, want) => {
    expect(counts({ status, msgType })).toBe(want);
  });

  it('bounds a circle near a pole by the whole globe in longitude', () => {
    expect(inBox(circleBox({ center: { lat: 89.9, lon: 0 }, radiusKm: 50 }), { lat: 89.9, lon: 179 })).toBe(true);
  });
});
