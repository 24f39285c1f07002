/**
 * Fuzzing the NMEA decoder (issue #17): any line comes back as a sentence or a drop reason, never an exception; a
 * sentence with random fields under a good checksum that is accepted makes readings the gateway accepts (a reading
 * outside the catalogue would get the whole fix refused there); and written fixes read back to the same position
 * and time. COLDTRACE_FUZZ=<factor> multiplies the runs (docs/engineering.md, "Fuzzing").
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { METRICS, type MetricSpec } from '@coldtrace/contract';
import { GpsFixAssembler, fixReadings } from '../sources/gps/fix.js';
import { KMH_PER_KNOT, NMEA_DROP_REASONS, parseNmeaSentence, type NmeaParseResult } from './nmea.js';

const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env['COLDTRACE_FUZZ'] ?? 1)));

/** `$body*hh` with the checksum computed here, independently of the decoder. */
function sentence(body: string): string {
  let x = 0;
  for (const ch of body) x ^= ch.charCodeAt(0) & 0xff;
  return `$${body}*${x.toString(16).toUpperCase().padStart(2, '0')}`;
}

function wellFormed(r: NmeaParseResult): void {
  if (!r.ok) {
    expect(NMEA_DROP_REASONS).toContain(r.reason);
    return;
  }
  const s = r.sentence;
  expect(s.lat).toBeGreaterThanOrEqual(-90);
  expect(s.lat).toBeLessThanOrEqual(90);
  expect(s.lon).toBeGreaterThanOrEqual(-180);
  expect(s.lon).toBeLessThanOrEqual(180);
  expect(s.timeOfDayMs).toBeGreaterThanOrEqual(0);
  expect(s.timeOfDayMs).toBeLessThan(86_401_000); // a leap second (60.x s) is allowed
}

/** The readings of an accepted sentence, as the GPS source would publish them. */
function readingsOf(r: NmeaParseResult): ReturnType<typeof fixReadings> {
  if (!r.ok) return [];
  const assembler = new GpsFixAssembler();
  const fix = assembler.push(r.sentence, 1_790_000_000_000)[0] ?? assembler.flush();
  return fix === undefined ? [] : fixReadings(fix);
}

const FIELDS = ['', '', '0', '1', '2', '6', '9', 'A', 'V', 'N', 'S', 'E', 'W', 'M', 'X', '-1', '-0.5', '08', '99', '100', '123', '99999', '1e5',
  '0.9', '1.5', '360.1', '-12.5', '4807.038', '9000.000', '9100.0', '01131.000', '18000.0', '17959.9999', '123519', '235960', '240000', '12.5.1',
  '230394', '290223', '010180', ' ', '.', '-', 'é', '\u0000', '*', '$'];
const field = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELDS) }, fc.stringMatching(/^-?\d{0,6}(\.\d{0,4})?$/), fc.string({ maxLength: 6 }));
/** A slot of a sentence: mostly a plausible value, sometimes anything. */
const slot = (plausible: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.oneof({ weight: 6, arbitrary: plausible }, field);
const num = (min: number, max: number, digits: number): fc.Arbitrary<string> =>
  fc.integer({ min: min * 10 ** digits, max: max * 10 ** digits }).map((n) => (n / 10 ** digits).toFixed(digits));
const hhmmss = fc.tuple(fc.nat(23), fc.nat(59), fc.nat(59)).map((t) => t.map((x) => String(x).padStart(2, '0')).join(''));
const lat = fc.tuple(fc.nat(89), num(0, 59.9999, 4)).map(([d, m]) => `${String(d).padStart(2, '0')}${m.padStart(7, '0')}`);
const lon = fc.tuple(fc.nat(179), num(0, 59.9999, 4)).map(([d, m]) => `${String(d).padStart(3, '0')}${m.padStart(7, '0')}`);
/** GGA and RMC with every field in its place, each plausible or not. */
const shaped = fc.oneof(
  fc.tuple(fc.constantFrom('GPGGA', 'GNGGA'), slot(hhmmss), slot(lat), slot(fc.constantFrom('N', 'S')), slot(lon), slot(fc.constantFrom('E', 'W')),
    slot(fc.constantFrom('1', '2', '4', '5', '6')), slot(num(0, 24, 0)), slot(num(0, 50, 1)), slot(num(-500, 9000, 1)), fc.constant('M'), slot(num(-100, 100, 1)), fc.constant('M'), fc.constant(''), fc.constant('')),
  fc.tuple(fc.constantFrom('GPRMC', 'GNRMC'), slot(hhmmss), slot(fc.constant('A')), slot(lat), slot(fc.constantFrom('N', 'S')), slot(lon), slot(fc.constantFrom('E', 'W')),
    slot(num(0, 200, 2)), slot(num(0, 359.9, 1)), slot(fc.constantFrom('230394', '010125', '311279')), fc.constant(''), fc.constant(''), slot(fc.constantFrom('A', 'D'))),
).map((fs) => fs.join(','));
const address = fc.constantFrom('GPGGA', 'GNGGA', 'GPRMC', 'GNRMC', 'GPGSV', 'PUBX', 'gpgga', 'GPGG', 'GPGGAX', '');

describe('NMEA decoding under fuzzing', () => {
  it('answers any text with a sentence or a known drop reason', () => {
    const line = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string().map((s) => `$${s}`), fc.string().map(sentence));
    fc.assert(fc.property(line, (l) => wellFormed(parseNmeaSentence(l))), { numRuns: runs(2000) });
  });

  it('turns random fields under a good checksum into a drop reason or into readings the gateway accepts', () => {
    const tally = { ok: 0, dropped: 0 };
    const body = fc.oneof(shaped, fc.tuple(address, fc.array(field, { maxLength: 14 })).map(([a, fs]) => [a, ...fs].join(',')));
    fc.assert(fc.property(body, (b) => {
      const r = parseNmeaSentence(sentence(b));
      wellFormed(r);
      tally[r.ok ? 'ok' : 'dropped']++;
      for (const reading of readingsOf(r)) {
        const spec: MetricSpec = METRICS[reading.metric as keyof typeof METRICS];
        const v = reading.value as number;
        expect(Number.isFinite(v), `${reading.metric} ${v}`).toBe(true);
        if (spec.type === 'int') expect(Number.isInteger(v), `${reading.metric} ${v}`).toBe(true);
        if (spec.min !== undefined) expect(v, reading.metric).toBeGreaterThanOrEqual(spec.min);
        if (spec.max !== undefined) expect(v, reading.metric).toBeLessThanOrEqual(spec.max);
      }
    }), { numRuns: runs(4000) });
    expect(tally.ok).toBeGreaterThan(runs(4000) / 20);
  });

  it('refuses a sentence whose checksum differs in one bit', () => {
    fc.assert(fc.property(address, fc.array(field, { maxLength: 14 }), fc.integer({ min: 0, max: 7 }), (a, fs, bit) => {
      const good = sentence([a, ...fs].join(','));
      const sum = (parseInt(good.slice(-2), 16) ^ (1 << bit)).toString(16).toUpperCase().padStart(2, '0');
      const r = parseNmeaSentence(good.slice(0, -2) + sum);
      expect(r.ok ? 'ok' : r.reason).toBe('checksum');
    }), { numRuns: runs(1000) });
  });

  // A fix as a receiver writes it: degrees, minutes to 1/10000, time to 1/100 s, date, speed and course.
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  const coordinate = (maxDeg: number) => fc.tuple(fc.integer({ min: 0, max: maxDeg }), fc.integer({ min: 0, max: 599_999 }), fc.boolean())
    .filter(([d, m]) => d + m / 600_000 <= maxDeg);
  const fix = fc.record({
    lat: coordinate(90), lon: coordinate(180),
    // 1980-01-01 .. 2079-12-31, to the 1/100 s
    time: fc.integer({ min: Date.UTC(1980, 0, 1) / 10, max: Date.UTC(2080, 0, 1) / 10 - 1 }).map((t) => t * 10),
    knots: fc.integer({ min: 0, max: 99_999 }), course: fc.integer({ min: 0, max: 3599 }),
  }).filter((f) => f.lat[0] + f.lat[1] + f.lon[0] + f.lon[1] > 0);

  it('reads written GGA and RMC sentences back to the same position, time, speed and course', () => {
    fc.assert(fc.property(fix, ({ lat, lon, time, knots, course }) => {
      const text = (c: readonly [number, number, boolean], w: number, hemi: string): [string, string, number] => {
        const [d, m, neg] = c;
        const deg = d + m / 10_000 / 60;
        return [`${pad(d, w)}${pad(Math.floor(m / 10_000), 2)}.${pad(m % 10_000, 4)}`, neg ? hemi[1]! : hemi[0]!, neg ? -deg : deg];
      };
      const [latText, ns, latDeg] = text(lat, 2, 'NS');
      const [lonText, ew, lonDeg] = text(lon, 3, 'EW');
      const at = new Date(time);
      const hhmmss = `${pad(at.getUTCHours(), 2)}${pad(at.getUTCMinutes(), 2)}${pad(at.getUTCSeconds(), 2)}.${pad(at.getUTCMilliseconds() / 10, 2)}`;
      const ddmmyy = `${pad(at.getUTCDate(), 2)}${pad(at.getUTCMonth() + 1, 2)}${pad(at.getUTCFullYear() % 100, 2)}`;
      const speed = `${Math.floor(knots / 100)}.${pad(knots % 100, 2)}`;
      const gga = parseNmeaSentence(sentence(`GPGGA,${hhmmss},${latText},${ns},${lonText},${ew},1,08,0.9,545.4,M,46.9,M,,`));
      const rmc = parseNmeaSentence(sentence(`GNRMC,${hhmmss},A,${latText},${ns},${lonText},${ew},${speed},${course / 10},${ddmmyy},,,A`));
      if (!gga.ok || !rmc.ok || rmc.sentence.type !== 'RMC') throw new Error(`not read back: ${JSON.stringify([gga, rmc])}`);
      for (const s of [gga.sentence, rmc.sentence]) {
        expect(s.lat).toBeCloseTo(latDeg, 9);
        expect(s.lon).toBeCloseTo(lonDeg, 9);
        expect(s.timeOfDayMs).toBe(time % 86_400_000);
      }
      expect(rmc.sentence.time).toBe(time);
      expect(rmc.sentence.speedKmh).toBeCloseTo((knots / 100) * KMH_PER_KNOT, 9);
      expect(rmc.sentence.courseDeg).toBe(course / 10);
    }), { numRuns: runs(1000) });
  });
});
