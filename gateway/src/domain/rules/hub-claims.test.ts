import { describe, expect, it } from 'vitest';
import { distanceToGeofenceM } from '../registry/geofence.js';
import { hubClaimFinding, hubOf, placeKey, type HubClaimInput } from './hub-claims.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 8);
/** Bettembourg (a circle) and Chaoyang (a square polygon). */
const BETT = { id: 'HUB-BET', name: 'Bettembourg', geofence: { kind: 'circle' as const, center: { lat: 49.5, lon: 6.1 }, radiusM: 1000 } };
const CHAO = { id: 'HUB-CHY', name: 'Chaoyang depot', geofence: { kind: 'polygon' as const, points: [{ lat: 39.9, lon: 116.4 }, { lat: 39.9, lon: 116.5 }, { lat: 40, lon: 116.5 }, { lat: 40, lon: 116.4 }] } };
const related = { devices: ['T-1'], zones: [], batches: [], shipments: ['SH-1'], orders: ['O-1'] };
/** T-1 inside Bettembourg from T0 to T0 + 20 min, then driving north 0.1° of latitude (11.1 km) an hour; fixes every 5 min. */
const fixes = Array.from({ length: 40 }, (_, i) => {
  const t = T0 - 30 * MIN + i * 5 * MIN;
  const away = t < T0 ? (T0 - t) / (60 * MIN) : t >= T0 + 20 * MIN ? (t - T0 - 20 * MIN) / (60 * MIN) : 0;
  return { device: 'T-1', t, lat: 49.5 + away * 0.1, lon: 6.1 };
});
const base: HubClaimInput = {
  shipment: 'SH-1', events: [], hubs: [BETT, CHAO], fixes, nowMs: T0 + 10 * 60 * MIN, related,
  visits: [{ place: 'HUB-BET', kind: 'hub', device: 'T-1', arrivedMs: T0, departedMs: T0 + 20 * MIN }],
};
const at = (afterMin: number, place = 'BETTEMBOURG HUB, LU') => ({ timeMs: T0 + afterMin * MIN, carrier: 'coldline', code: 'InTransit_003', text: 'Arrived at facility', place });

describe('a carrier event at a named hub against the tracker (window 30 min, 5 km)', () => {
  it.each([
    ['while the tracker was there', 10, false],
    ['29 min after it left (2.6 km away when it is near)', 20 + 29, false],
    ['31 min after it left', 20 + 31, false], // nearest fix 51 min out: 5.2 km from the centre, 4.2 km from the fence
    ['90 min after it left: 16.7 km out, 15.7 km from the fence', 20 + 90, true],
    ['60 min before it arrived: 11.1 km out', -60, false], // no fix within 30 min (the track starts 30 min before)
  ] as const)('%s: flagged %s', (_, afterMin, flagged) => {
    expect(hubClaimFinding({ ...base, events: [at(afterMin)] }) !== undefined).toBe(flagged);
  });

  it('says which hub, what the carrier said and how far the tracker was', () => {
    const f = hubClaimFinding({ ...base, events: [at(110)] })!;
    expect(f).toMatchObject({
      rule: 'claim/hub/30', params: { windowMin: 30, farKm: 5 }, subject: { kind: 'shipment', id: 'SH-1' }, severity: 'warning', startMs: T0 + 110 * MIN,
      metAtMs: T0 + 140 * MIN, related, figures: { claims: 1, hub: 'HUB-BET', claimCode: 'InTransit_003', claimPlace: 'BETTEMBOURG HUB, LU', nearestFixMs: T0 + 110 * MIN, nearestFixMinFromClaim: 0 },
    });
    expect(f.figures['nearestFixKm']).toBeCloseTo(15.7, 1); // 90 min gone: 0.15° = 16.7 km from the centre, less the 1 km radius
  });

  it('judges an event only once its window has passed, and not when the tracker was silent', () => {
    expect(hubClaimFinding({ ...base, events: [at(110)], nowMs: T0 + 139 * MIN })).toBeUndefined();
    expect(hubClaimFinding({ ...base, events: [at(110)], fixes: fixes.filter((x) => x.t < T0 + 70 * MIN) })).toBeUndefined();
  });

  it('leaves alone an event at a place that is none of the hubs', () => {
    expect(hubClaimFinding({ ...base, events: [at(110, 'Luxembourg airport')] })).toBeUndefined();
  });

  it('the same events in any order give the same finding', () => {
    const events = [at(110), at(10), at(150)];
    expect(hubClaimFinding({ ...base, events: [...events].reverse() })).toEqual(hubClaimFinding({ ...base, events }));
    expect(hubClaimFinding({ ...base, events })?.figures['claims']).toBe(2);
  });
});

describe('which hub an event names', () => {
  it.each([
    ['Arrived at the Chaoyang depot', 'HUB-CHY'],
    ['CHAOYANG', 'HUB-CHY'],
    ['hub-chy', 'HUB-CHY'],
    ['Bettembourg, Luxembourg', 'HUB-BET'],
    ['Bettemb', undefined],
    ['Beijing', undefined],
  ])('%j -> %s', (place, hub) => {
    expect(hubOf({ timeMs: 0, carrier: 'c', code: 'x', place }, [BETT, CHAO])?.id).toBe(hub);
  });

  it('by the carrier position when the text names none', () => {
    expect(hubOf({ timeMs: 0, carrier: 'c', code: 'x', place: 'Facility 7', position: { lat: 39.95, lon: 116.45 } }, [BETT, CHAO])?.id).toBe('HUB-CHY');
    expect(placeKey('Chaoyang Depot')).toBe('chaoyang');
  });

  it('measures from the fence, not the centre', () => {
    expect(distanceToGeofenceM(BETT.geofence, { lat: 49.5, lon: 6.1 })).toBe(0);
    expect(distanceToGeofenceM(BETT.geofence, { lat: 49.6, lon: 6.1 })).toBeCloseTo(11_119 - 1000, -2);
    expect(distanceToGeofenceM(CHAO.geofence, { lat: 40.1, lon: 116.45 })).toBeCloseTo(11_119, -2);
  });
});
