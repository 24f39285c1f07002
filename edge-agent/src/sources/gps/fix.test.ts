import { describe, expect, it } from 'vitest';
import { parseNmeaSentence, type NmeaSentence } from '../../decode/nmea.js';
import { GpsFixAssembler, fixReadings } from './fix.js';

function s(line: string): NmeaSentence {
  const r = parseNmeaSentence(line);
  if (!r.ok) throw new Error(`fixture invalid: ${r.reason}`);
  return r.sentence;
}
function sentence(body: string): string {
  let x = 0;
  for (const ch of body) x ^= ch.charCodeAt(0);
  return `$${body}*${x.toString(16).toUpperCase().padStart(2, '0')}`;
}

const GGA = s('$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47');
const RMC = s('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A');
const GPS_TIME = Date.UTC(1994, 2, 23, 12, 35, 19);

describe('GpsFixAssembler', () => {
  it('emits one fix when GGA and RMC of the same epoch have arrived, with the clock offset from RMC', () => {
    const a = new GpsFixAssembler();
    expect(a.push(GGA, GPS_TIME + 100)).toEqual([]);
    const [fix, ...rest] = a.push(RMC, GPS_TIME + 250);
    expect(rest).toEqual([]);
    expect(fix).toMatchObject({ time: GPS_TIME, satellites: 8, hdop: 0.9, altitudeM: 545.4, courseDeg: 84.4, clockOffsetMs: 250 });
    expect(fix?.speedKmh).toBeCloseTo(41.4848, 6);
  });

  it('publishes every metric in catalogue units, stamped with GPS time', () => {
    const a = new GpsFixAssembler();
    a.push(RMC, GPS_TIME - 5000);
    const [fix] = a.push(GGA, GPS_TIME - 5000);
    if (!fix) throw new Error('no fix');
    const readings = fixReadings(fix);
    expect(readings.map((r) => [r.metric, r.unit])).toEqual([
      ['gps.lat', 'deg'], ['gps.lon', 'deg'], ['gps.speed', 'km/h'], ['gps.course', 'deg'],
      ['gps.hdop', '1'], ['gps.sats', '1'], ['gps.alt', 'm'], ['clock.offset', 'ms'],
    ]);
    expect(readings.every((r) => r.time === GPS_TIME)).toBe(true);
    expect(readings.find((r) => r.metric === 'clock.offset')?.value).toBe(-5000);
  });

  it('emits a GGA-only epoch when the next epoch starts, dated from the last RMC, across midnight', () => {
    const a = new GpsFixAssembler();
    a.push(s(sentence('GPRMC,235959,A,4807.038,N,01131.000,E,0,0,311224,,')), 0);
    const g1 = s(sentence('GPGGA,235959,4807.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,'));
    expect(a.push(g1, 0)[0]?.time).toBe(Date.UTC(2024, 11, 31, 23, 59, 59));
    const g2 = s(sentence('GPGGA,000000,4807.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,'));
    expect(a.push(g2, 0)).toEqual([]);
    const g3 = s(sentence('GPGGA,000001,4807.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,'));
    const [fix] = a.push(g3, 0);
    expect(fix?.time).toBe(Date.UTC(2025, 0, 1, 0, 0, 0));
    expect(fix?.clockOffsetMs).toBeUndefined();
    expect(a.flush()?.time).toBe(Date.UTC(2025, 0, 1, 0, 0, 1));
    expect(a.flush()).toBeUndefined();
  });

  it('stamps a GGA with receive time until a date is known', () => {
    const a = new GpsFixAssembler();
    a.push(GGA, 1_700_000_000_123);
    expect(a.flush()?.time).toBe(1_700_000_000_123);
  });
});
