import { describe, expect, it } from 'vitest';
import { contains, distanceToPolylineM, geofenceProblems, haversineM, alongRouteM, routeLengthM } from './geofence.js';
import type { Geofence, LatLon } from './types.js';

const ll = (lat: number, lon: number): LatLon => ({ lat, lon });
/** One degree of arc on the 6371 km sphere, metres. */
const DEG_M = (6_371_000 * Math.PI) / 180;

describe('haversineM', () => {
  it.each([
    { name: 'the reference distance Nashville to Los Angeles', a: ll(36.12, -86.67), b: ll(33.94, -118.4), km: 2886.44 },
    { name: 'one degree along the equator', a: ll(0, 10), b: ll(0, 11), km: DEG_M / 1000 },
    { name: 'one degree across the antimeridian', a: ll(0, 179.5), b: ll(0, -179.5), km: DEG_M / 1000 },
    { name: 'pole to pole', a: ll(90, 0), b: ll(-90, 0), km: (180 * DEG_M) / 1000 },
    { name: 'a point to itself', a: ll(48.1173, 11.516667), b: ll(48.1173, 11.516667), km: 0 },
  ])('measures $name', ({ a, b, km }) => {
    expect(haversineM(a, b) / 1000).toBeCloseTo(km, 2);
    expect(haversineM(b, a) / 1000).toBeCloseTo(km, 2);
  });
});

describe('contains', () => {
  const circle: Geofence = { kind: 'circle', center: ll(52.52, 13.405), radiusM: 500 };
  // A "C" open to the east (lat, lon): spine lon 0-1, arms lat 0-1 and 2-3, notch lon 1-3 at lat 1-2.
  const concave: Geofence = {
    kind: 'polygon',
    points: [ll(0, 0), ll(0, 3), ll(1, 3), ll(1, 1), ll(2, 1), ll(2, 3), ll(3, 3), ll(3, 0)],
  };
  const square: Geofence = { kind: 'polygon', points: [ll(10, 10), ll(10, 10.01), ll(10.01, 10.01), ll(10.01, 10)] };

  it.each([
    { name: 'the centre of a circle', g: circle, p: ll(52.52, 13.405), inside: true },
    { name: 'a point 445 m from a 500 m circle', g: circle, p: ll(52.524, 13.405), inside: true },
    { name: 'a point 556 m from a 500 m circle', g: circle, p: ll(52.525, 13.405), inside: false },
    { name: 'the middle of a square', g: square, p: ll(10.005, 10.005), inside: true },
    { name: 'a point east of a square', g: square, p: ll(10.005, 10.02), inside: false },
    { name: 'a point on an edge of a square', g: square, p: ll(10, 10.005), inside: true },
    { name: 'a corner of a square', g: square, p: ll(10.01, 10.01), inside: true },
    { name: 'the spine of a concave polygon', g: concave, p: ll(1.5, 0.5), inside: true },
    { name: 'the lower arm of a concave polygon', g: concave, p: ll(0.5, 2), inside: true },
    { name: 'the upper arm of a concave polygon', g: concave, p: ll(2.5, 2), inside: true },
    { name: 'the notch of a concave polygon', g: concave, p: ll(1.5, 2), inside: false },
    { name: 'a point level with two corners of a concave polygon', g: concave, p: ll(1, 0.5), inside: true },
    { name: 'a point level with two corners, east of a concave polygon', g: concave, p: ll(1, 4), inside: false },
    { name: 'a point west of a concave polygon', g: concave, p: ll(1.5, -1), inside: false },
  ])('says whether it holds $name', ({ g, p, inside }) => {
    expect(contains(g, p)).toBe(inside);
  });
});

describe('distanceToPolylineM', () => {
  it.each([
    // Movable Type Scripts (C. Veness), cross-track example: -307.5 m (the sign is the side; the distance is 307.5).
    { name: 'the published cross-track example', route: [ll(53.3206, -1.7297), ll(53.1887, 0.1334)], p: ll(53.2611, -0.7972), m: 307.5, within: 0.5 },
    { name: 'a point one degree north of an equator segment', route: [ll(0, 0), ll(0, 10)], p: ll(1, 5), m: DEG_M, within: 0.01 },
    { name: 'a point before the start of a segment', route: [ll(0, 0), ll(0, 10)], p: ll(0, -1), m: DEG_M, within: 0.01 },
    { name: 'a point beyond the end of a segment', route: [ll(0, 0), ll(0, 10)], p: ll(0, 12), m: 2 * DEG_M, within: 0.01 },
    {
      name: 'a point nearest the second segment (a meridian)', route: [ll(0, 0), ll(0, 10), ll(10, 10)], p: ll(5, 11),
      m: 6_371_000 * Math.asin(Math.sin(Math.PI / 180) * Math.cos((5 * Math.PI) / 180)), within: 0.01,
    },
    { name: 'a point on the route', route: [ll(0, 0), ll(0, 10)], p: ll(0, 3), m: 0, within: 0.01 },
    { name: 'a segment across the antimeridian', route: [ll(0, 179), ll(0, -179)], p: ll(0.5, 180), m: DEG_M / 2, within: 0.01 },
    { name: 'a one-point route', route: [ll(0, 0)], p: ll(0, 1), m: DEG_M, within: 0.01 },
    { name: 'a route with a repeated point', route: [ll(0, 0), ll(0, 0), ll(0, 10)], p: ll(1, 5), m: DEG_M, within: 0.01 },
  ])('measures $name', ({ route, p, m, within }) => {
    expect(Math.abs(distanceToPolylineM(route, p) - m)).toBeLessThanOrEqual(within);
  });

  it('is Infinity for an empty route', () => {
    expect(distanceToPolylineM([], ll(0, 0))).toBe(Infinity);
  });
});

describe('geofenceProblems', () => {
  const at = 'sites[2].geofence';

  it.each([
    { name: 'a circle', g: { kind: 'circle', center: { lat: 52.52, lon: 13.405 }, radiusM: 500 } },
    { name: 'a circle of the largest radius', g: { kind: 'circle', center: { lat: -90, lon: 180 }, radiusM: 1_000_000 } },
    { name: 'a triangle', g: { kind: 'polygon', points: [ll(0, 0), ll(0, 1), ll(1, 0)] } },
    { name: 'a concave polygon', g: { kind: 'polygon', points: [ll(0, 0), ll(0, 3), ll(1, 3), ll(1, 1), ll(2, 1), ll(2, 3), ll(3, 3), ll(3, 0)] } },
  ])('accepts $name', ({ g }) => {
    expect(geofenceProblems(g, at)).toEqual([]);
  });

  const square = [ll(0, 0), ll(0, 1), ll(1, 1), ll(1, 0)];
  it.each([
    { name: 'a string', g: 'circle', problems: [[at, 'must be an object']] },
    { name: 'an array', g: [], problems: [[at, 'must be an object']] },
    { name: 'an unknown kind', g: { kind: 'square', points: square }, problems: [[`${at}.kind`, "must be 'circle' or 'polygon'"]] },
    { name: 'no kind', g: { points: square }, problems: [[`${at}.kind`, "must be 'circle' or 'polygon'"]] },
    { name: 'a circle without a centre', g: { kind: 'circle', radiusM: 10 }, problems: [[`${at}.center`, 'must be an object with lat and lon']] },
    {
      name: 'a circle with a latitude out of range and a string longitude',
      g: { kind: 'circle', center: { lat: 91, lon: '13' }, radiusM: 10 },
      problems: [[`${at}.center.lat`, 'must be a number between -90 and 90'], [`${at}.center.lon`, 'must be a number between -180 and 180']],
    },
    { name: 'a longitude of 180.5', g: { kind: 'circle', center: ll(0, 180.5), radiusM: 10 }, problems: [[`${at}.center.lon`, 'must be a number between -180 and 180']] },
    { name: 'a NaN latitude', g: { kind: 'circle', center: ll(NaN, 0), radiusM: 10 }, problems: [[`${at}.center.lat`, 'must be a number between -90 and 90']] },
    { name: 'a zero radius', g: { kind: 'circle', center: ll(0, 0), radiusM: 0 }, problems: [[`${at}.radiusM`, 'must be a number of metres greater than 0 and at most 1000000']] },
    { name: 'a negative radius', g: { kind: 'circle', center: ll(0, 0), radiusM: -5 }, problems: [[`${at}.radiusM`, 'must be a number of metres greater than 0 and at most 1000000']] },
    { name: 'a radius over 1000 km', g: { kind: 'circle', center: ll(0, 0), radiusM: 1_000_001 }, problems: [[`${at}.radiusM`, 'must be a number of metres greater than 0 and at most 1000000']] },
    { name: 'an infinite radius', g: { kind: 'circle', center: ll(0, 0), radiusM: Infinity }, problems: [[`${at}.radiusM`, 'must be a number of metres greater than 0 and at most 1000000']] },
    {
      name: 'a misspelt radius', g: { kind: 'circle', center: ll(0, 0), radius: 5 },
      problems: [[`${at}.radius`, "unknown field 'radius'"], [`${at}.radiusM`, 'must be a number of metres greater than 0 and at most 1000000']],
    },
    { name: 'an extra field in a point', g: { kind: 'circle', center: { lat: 0, lon: 0, alt: 3 }, radiusM: 5 }, problems: [[`${at}.center.alt`, "unknown field 'alt'"]] },
    { name: 'a circle field on a polygon', g: { kind: 'polygon', points: square, radiusM: 5 }, problems: [[`${at}.radiusM`, "unknown field 'radiusM'"]] },
    { name: 'points that are not an array', g: { kind: 'polygon', points: {} }, problems: [[`${at}.points`, 'must be an array of at least 3 points']] },
    { name: 'two points', g: { kind: 'polygon', points: [ll(0, 0), ll(0, 1)] }, problems: [[`${at}.points`, 'must have at least 3 points']] },
    {
      name: 'a bad latitude in the fourth point', g: { kind: 'polygon', points: [...square, { lat: -91, lon: 0 }] },
      problems: [[`${at}.points[4].lat`, 'must be a number between -90 and 90']],
    },
    { name: 'a point that is not an object', g: { kind: 'polygon', points: [...square, null] }, problems: [[`${at}.points[4]`, 'must be an object with lat and lon']] },
    {
      name: 'a point repeated', g: { kind: 'polygon', points: [ll(0, 0), ll(0, 1), ll(0, 1), ll(1, 1)] },
      problems: [[`${at}.points[2]`, 'repeats point 1']],
    },
    {
      name: 'a closed ring', g: { kind: 'polygon', points: [...square, ll(0, 0)] },
      problems: [[`${at}.points[4]`, 'equals point 0: the polygon closes itself, do not repeat the first point at the end']],
    },
    { name: 'a bow tie', g: { kind: 'polygon', points: [ll(0, 0), ll(1, 1), ll(0, 1), ll(1, 0)] }, problems: [[`${at}.points`, 'edges 0-1 and 2-3 cross']] },
    {
      name: 'a bow tie crossing the closing edge', g: { kind: 'polygon', points: [ll(0, 0), ll(0, 1), ll(1, 0), ll(1, 1)] },
      problems: [[`${at}.points`, 'edges 1-2 and 3-0 cross']],
    },
    {
      name: 'a corner on another edge', g: { kind: 'polygon', points: [ll(0, 0), ll(0, 4), ll(2, 4), ll(0, 2), ll(2, 0)] },
      problems: [[`${at}.points`, 'edges 0-1 and 2-3 touch'], [`${at}.points`, 'edges 0-1 and 3-4 touch']],
    },
    {
      name: 'points on one line', g: { kind: 'polygon', points: [ll(0, 0), ll(0, 2), ll(0, 1)] },
      problems: [[`${at}.points`, 'edges 0-1 and 1-2 overlap'], [`${at}.points`, 'edges 0-1 and 2-0 overlap']],
    },
    {
      name: 'a polygon across the antimeridian', g: { kind: 'polygon', points: [ll(0, 179.9), ll(0, -179.9), ll(1, -179.9), ll(1, 179.9)] },
      problems: [
        [`${at}.points`, 'edge 0-1 spans more than 180° of longitude: polygons across the antimeridian are not supported'],
        [`${at}.points`, 'edge 2-3 spans more than 180° of longitude: polygons across the antimeridian are not supported'],
      ],
    },
  ])('names $name', ({ g, problems }) => {
    expect(geofenceProblems(g, at)).toEqual(problems.map(([path, message]) => ({ path, message })));
  });
});

describe('along a route', () => {
  // Amsterdam -> Utrecht -> Rotterdam, roughly.
  const AMS = { lat: 52.37, lon: 4.9 };
  const UTR = { lat: 52.09, lon: 5.12 };
  const RTM = { lat: 51.92, lon: 4.48 };
  const route = [AMS, UTR, RTM];
  const leg1 = haversineM(AMS, UTR);

  it('is the route length at its end and 0 at its start, and a point off the route projects onto its nearest segment', () => {
    expect(routeLengthM(route)).toBeCloseTo(leg1 + haversineM(UTR, RTM), 3);
    expect(alongRouteM(route, AMS)).toBe(0);
    expect(alongRouteM(route, RTM)!).toBeCloseTo(routeLengthM(route), 0);
    expect(alongRouteM(route, UTR)!).toBeCloseTo(leg1, 0);
    // Halfway along the first leg: half of it; a couple of km to the side, still about half (the offset is not square to the leg).
    expect(Math.abs(alongRouteM(route, { lat: (AMS.lat + UTR.lat) / 2, lon: (AMS.lon + UTR.lon) / 2 })! - leg1 / 2)).toBeLessThan(100);
    expect(Math.abs(alongRouteM(route, { lat: (AMS.lat + UTR.lat) / 2 + 0.01, lon: (AMS.lon + UTR.lon) / 2 - 0.02 })! - leg1 / 2)).toBeLessThan(2000);
    // Before the start (north of Amsterdam): clamped to 0; beyond the end: the length.
    expect(alongRouteM(route, { lat: 52.6, lon: 4.8 })).toBe(0);
    expect(alongRouteM(route, { lat: 51.8, lon: 4.2 })!).toBeCloseTo(routeLengthM(route), 0);
    expect(alongRouteM([AMS], UTR)).toBeUndefined();
  });
});
