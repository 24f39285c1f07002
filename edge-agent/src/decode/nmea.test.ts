import { describe, expect, it } from 'vitest';
import { nmeaChecksum, parseNmeaCoordinate, parseNmeaDate, parseNmeaSentence, parseNmeaTime, type NmeaDropReason } from './nmea.js';

/** Independent checksum for building fixtures (the decoder's own is checked against published sentences below). */
function sentence(body: string): string {
  let x = 0;
  for (const ch of body) x ^= ch.charCodeAt(0);
  return `$${body}*${x.toString(16).toUpperCase().padStart(2, '0')}`;
}

const GGA_REF = '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47';
const RMC_REF = '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A';
const GGA_DUBLIN = '$GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*76';
const RMC_DUBLIN = '$GPRMC,092750.000,A,5321.6802,N,00630.3372,W,0.02,31.66,280511,,,A*43';

describe('nmeaChecksum', () => {
  it.each([
    ['GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,', 0x47],
    ['GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W', 0x6a],
    ['GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,', 0x76],
  ])('XORs the characters between $ and * of %s', (body, sum) => {
    expect(nmeaChecksum(body)).toBe(sum);
  });
});

describe('field parsers', () => {
  it.each([
    ['4807.038', 'N', 'lat', 48 + 7.038 / 60],
    ['4807.038', 'S', 'lat', -(48 + 7.038 / 60)],
    ['01131.000', 'E', 'lon', 11 + 31 / 60],
    ['00630.3372', 'W', 'lon', -(6 + 30.3372 / 60)],
    ['17959.9999', 'W', 'lon', -(179 + 59.9999 / 60)],
    ['0000.0000', 'N', 'lat', 0],
    ['4807.038', 'E', 'lat', undefined],
    ['4860.000', 'N', 'lat', undefined],
    ['9100.000', 'N', 'lat', undefined],
    ['1131.000', 'E', 'lon', undefined],
    ['', 'N', 'lat', undefined],
  ] as const)('reads %s %s as %s degrees = dd + mm/60', (v, h, axis, expected) => {
    const got = parseNmeaCoordinate(v, h, axis);
    if (expected === undefined) expect(got).toBeUndefined();
    else expect(got).toBeCloseTo(expected, 10);
  });

  it.each([
    ['123519', 45_319_000],
    ['092750.000', 34_070_000],
    ['235959.99', 86_399_990],
    ['000000', 0],
    ['246000', undefined],
    ['12351', undefined],
  ])('reads time %s as %s ms since midnight', (f, ms) => {
    expect(parseNmeaTime(f)).toBe(ms);
  });

  it.each([
    ['230394', Date.UTC(1994, 2, 23)],
    ['280511', Date.UTC(2011, 4, 28)],
    ['010180', Date.UTC(1980, 0, 1)],
    ['311279', Date.UTC(2079, 11, 31)],
    ['290224', Date.UTC(2024, 1, 29)],
    ['290223', undefined],
    ['320124', undefined],
    ['011324', undefined],
  ])('reads date %s', (f, ms) => {
    expect(parseNmeaDate(f)).toBe(ms);
  });
});

describe('parseNmeaSentence', () => {
  it('decodes the reference GGA of docs/domain.md §4: 48.1173, 11.516667, 8 sats, 545.4 m', () => {
    const r = parseNmeaSentence(GGA_REF);
    expect(r.ok).toBe(true);
    if (!r.ok || r.sentence.type !== 'GGA') throw new Error('expected GGA');
    expect(r.sentence.lat).toBeCloseTo(48.1173, 6);
    expect(r.sentence.lon).toBeCloseTo(11.516667, 6);
    expect(r.sentence).toMatchObject({ talker: 'GP', quality: 1, satellites: 8, hdop: 0.9, altitudeM: 545.4, timeOfDayMs: 45_319_000 });
  });

  it('decodes RMC with GPS time and knots × 1.852', () => {
    const r = parseNmeaSentence(`${RMC_REF}\r\n`);
    if (!r.ok || r.sentence.type !== 'RMC') throw new Error(`expected RMC, got ${JSON.stringify(r)}`);
    expect(r.sentence.time).toBe(Date.UTC(1994, 2, 23, 12, 35, 19));
    expect(r.sentence.speedKmh).toBeCloseTo(22.4 * 1.852, 9);
    expect(r.sentence.courseDeg).toBe(84.4);
  });

  it('makes west negative on a real receiver log (Dublin)', () => {
    const gga = parseNmeaSentence(GGA_DUBLIN);
    const rmc = parseNmeaSentence(RMC_DUBLIN);
    if (!gga.ok || !rmc.ok) throw new Error('expected both valid');
    expect(gga.sentence.lat).toBeCloseTo(53.361337, 6);
    expect(gga.sentence.lon).toBeCloseTo(-6.50562, 6);
    expect(rmc.sentence.lon).toBeCloseTo(-6.50562, 6);
    expect(rmc.sentence.type === 'RMC' && rmc.sentence.time).toBe(Date.UTC(2011, 4, 28, 9, 27, 50));
  });

  it('decodes a multi-GNSS talker and a southern, western fix', () => {
    const r = parseNmeaSentence(sentence('GNGGA,010203.50,3351.000,S,07040.500,W,2,12,0.7,-3.5,M,,M,,'));
    if (!r.ok || r.sentence.type !== 'GGA') throw new Error('expected GGA');
    expect(r.sentence).toMatchObject({ talker: 'GN', quality: 2, altitudeM: -3.5, timeOfDayMs: 3_723_500 });
    expect(r.sentence.lat).toBeCloseTo(-33.85, 9);
    expect(r.sentence.lon).toBeCloseTo(-70.675, 9);
  });

  it('leaves empty optional fields out', () => {
    const r = parseNmeaSentence(sentence('GPRMC,120000,A,4807.038,N,01131.000,E,,,010125,,'));
    if (!r.ok || r.sentence.type !== 'RMC') throw new Error('expected RMC');
    expect(r.sentence.speedKmh).toBeUndefined();
    expect(r.sentence.courseDeg).toBeUndefined();
  });

  it.each<[string, string, NmeaDropReason]>([
    ['a wrong checksum', GGA_REF.replace('*47', '*48'), 'checksum'],
    ['a changed field under a good checksum', GGA_REF.replace('545.4', '545.5'), 'checksum'],
    ['no checksum', GGA_REF.slice(0, -3), 'checksum'],
    ['a non-hex checksum', GGA_REF.replace('*47', '*G7'), 'checksum'],
    ['GGA quality 0', sentence('GPGGA,123519,4807.038,N,01131.000,E,0,00,99.9,,M,,M,,'), 'no_fix'],
    ['GGA without position and quality 0', sentence('GPGGA,123519,,,,,0,00,,,M,,M,,'), 'no_fix'],
    ['RMC status V', sentence('GPRMC,123519,V,4807.038,N,01131.000,E,0.0,,230394,,'), 'void'],
    ['RMC mode N', sentence('GPRMC,123519,A,4807.038,N,01131.000,E,0.0,,230394,,,N'), 'void'],
    ['a (0,0) GGA position', sentence('GPGGA,123519,0000.000,N,00000.000,E,1,04,2.0,0.0,M,,M,,'), 'null_island'],
    ['a (0,0) RMC position', sentence('GPRMC,123519,A,0000.000,N,00000.000,E,0.0,,230394,,'), 'null_island'],
    ['a GSV sentence', '$GPGSV,3,1,11,10,63,137,17,07,61,098,15,05,59,290,20,08,54,157,30*70', 'unsupported'],
    ['a proprietary sentence', sentence('PUBX,00,123519'), 'unsupported'],
    ['text without $', 'GPGGA,123519*47', 'malformed'],
    ['a truncated GGA', sentence('GPGGA,123519,4807.038,N'), 'malformed'],
    ['a GGA with a bad hemisphere', sentence('GPGGA,123519,4807.038,X,01131.000,E,1,08,0.9,545.4,M,46.9,M,,'), 'malformed'],
    ['a GGA with bad satellites', sentence('GPGGA,123519,4807.038,N,01131.000,E,1,x8,0.9,545.4,M,46.9,M,,'), 'malformed'],
    ['an RMC with a bad date', sentence('GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,300294,003.1,W'), 'malformed'],
    ['an RMC with a bad time', sentence('GPRMC,12351,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W'), 'malformed'],
    // Numbers the metric catalogue refuses would get the whole fix refused by the gateway (found by nmea.fuzz.test.ts).
    ['a GGA with 240000 satellites', sentence('GPGGA,000000,0000.0000,N,00000.0001,E,1,240000,0.0,0.0,M,0.0,M,,'), 'malformed'],
    ['a GGA with 7.5 satellites', sentence('GPGGA,123519,4807.038,N,01131.000,E,1,7.5,0.9,545.4,M,46.9,M,,'), 'malformed'],
    ['a GGA with a negative HDOP', sentence('GPGGA,123519,4807.038,N,01131.000,E,1,08,-1,545.4,M,46.9,M,,'), 'malformed'],
    ['a GGA 30 km above sea level', sentence('GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,30000,M,46.9,M,,'), 'malformed'],
    ['an RMC at 1100 knots', sentence('GPRMC,123519,A,4807.038,N,01131.000,E,1100,084.4,230394,003.1,W'), 'malformed'],
    ['an RMC with course 400', sentence('GPRMC,123519,A,4807.038,N,01131.000,E,022.4,400,230394,003.1,W'), 'malformed'],
  ])('drops %s', (_what, line, reason) => {
    const r = parseNmeaSentence(line);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(reason);
  });
});
