import { describe, expect, it } from 'vitest';
import { encodeCoordinate, haversineKm, nmeaEpoch, positionAlong, type EmittedFix } from './gps.js';

function xor(body: string): number {
  let x = 0;
  for (const ch of body) x ^= ch.charCodeAt(0);
  return x;
}

const FIX: EmittedFix = {
  time: Date.UTC(1994, 2, 23, 12, 35, 19), lat: 48.1173, lon: 11.516666667, speedKmh: 22.4 * 1.852, courseDeg: 84.4,
  satellites: 8, hdop: 0.9, altitudeM: 545.4,
};

describe('haversineKm', () => {
  it('gives 2886.44 km from Nashville to Los Angeles (Rosetta Code)', () => {
    expect(haversineKm({ lat: 36.12, lon: -86.67 }, { lat: 33.94, lon: -118.4 })).toBeCloseTo(2886.44, 2);
  });
});

describe('encodeCoordinate', () => {
  it.each([
    [48.1173, 'lat', '4807.03800', 'N'],
    [-33.85, 'lat', '3351.00000', 'S'],
    [11.516666667, 'lon', '01131.00000', 'E'],
    [-6.50562, 'lon', '00630.33720', 'W'],
    [-0.0000001, 'lon', '00000.00001', 'W'],
    [9.99999999, 'lat', '1000.00000', 'N'],
  ] as const)('encodes %s as %s %s', (deg, axis, text, hemisphere) => {
    const e = encodeCoordinate(deg, axis);
    expect([e.text, e.hemisphere]).toEqual([text, hemisphere]);
    expect(Math.abs(e.value - deg)).toBeLessThan(1e-6);
  });
});

describe('nmeaEpoch', () => {
  it('writes GGA and RMC with correct checksums that match the NMEA reference fields', () => {
    const [gga, rmc] = nmeaEpoch(FIX);
    expect(gga).toBe('$GPGGA,123519.00,4807.03800,N,01131.00000,E,1,08,0.90,545.4,M,46.9,M,,*' + xor('GPGGA,123519.00,4807.03800,N,01131.00000,E,1,08,0.90,545.4,M,46.9,M,,').toString(16).toUpperCase().padStart(2, '0') + '\r\n');
    expect(rmc).toMatch(/^\$GPRMC,123519\.00,A,4807\.03800,N,01131\.00000,E,22\.400,84\.40,230394,,,A\*[0-9A-F]{2}\r\n$/);
    for (const line of [gga, rmc]) {
      const m = /^\$(.*)\*([0-9A-F]{2})\r\n$/.exec(line ?? '');
      expect(m && parseInt(m[2] ?? '', 16)).toBe(xor(m?.[1] ?? ''));
    }
  });

  it('corrupts checksums and fix status on request', () => {
    const bad = nmeaEpoch({ ...FIX, fault: 'bad-checksum' });
    for (const line of bad) {
      const m = /^\$(.*)\*([0-9A-F]{2})\r\n$/.exec(line);
      expect(parseInt(m?.[2] ?? '', 16)).not.toBe(xor(m?.[1] ?? ''));
    }
    const [gga, rmc] = nmeaEpoch({ ...FIX, fault: 'no-fix' });
    expect(gga).toMatch(/^\$GPGGA,123519\.00,,,,,0,/);
    expect(rmc).toMatch(/^\$GPRMC,123519\.00,V,/);
  });
});

describe('positionAlong', () => {
  const route = [{ lat: 48.0, lon: 11.0 }, { lat: 48.1, lon: 11.0 }, { lat: 48.1, lon: 11.2 }];
  const leg1 = haversineKm(route[0]!, route[1]!);

  it('starts at the first waypoint heading along the first leg', () => {
    expect(positionAlong(route, 0)).toMatchObject({ lat: 48.0, lon: 11.0, courseDeg: 0, moving: true });
  });
  it('interpolates within a leg and turns at a waypoint', () => {
    expect(positionAlong(route, leg1 / 2).lat).toBeCloseTo(48.05, 9);
    const p = positionAlong(route, leg1 + 1);
    expect(p.lat).toBeCloseTo(48.1, 9);
    expect(p.lon).toBeGreaterThan(11.0);
    expect(p.courseDeg).toBeGreaterThan(89);
  });
  it('parks at the end unless looping', () => {
    expect(positionAlong(route, 1000)).toMatchObject({ lat: 48.1, lon: 11.2, moving: false });
    expect(positionAlong(route, 1000, true).moving).toBe(true);
  });
});
