/**
 * Fuzzing the key/value line decoder (issue #17): any line gives readings or an error, never an exception, and the
 * readings are finite and in the catalogue's units; a line written from values reads back to them, whatever the
 * separators. COLDTRACE_FUZZ=<factor> multiplies the runs (docs/engineering.md, "Fuzzing").
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { METRICS, type MetricName } from '@coldtrace/contract';
import { parseLine, type LineFormat } from './line.js';

const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env['COLDTRACE_FUZZ'] ?? 1)));
const T0 = 1_790_000_000_000;
const separators = fc.constantFrom<[string, string]>([';', '='], [',', ':'], ['|', '='], ['\t', '='], ['&&', '->'], [' ', '=']);
const FIELDS: Record<string, MetricName> = { T: 'temperature', H: 'humidity', DOOR: 'door.open', S: 'gps.sats', V: 'battery.voltage' };

function format([pairSeparator, keyValueSeparator]: [string, string], scale = 1, offset = 0): LineFormat {
  return { pairSeparator, keyValueSeparator, fields: Object.fromEntries(Object.entries(FIELDS).map(([k, metric]) => [k, { metric, scale, offset }])) };
}

describe('line decoding under fuzzing', () => {
  it('answers any line with finite readings in catalogue units, or an error', () => {
    const token = fc.constantFrom('T', 'H', 'DOOR', 'S', 'V', 'X', '=', ';', ',', ':', '|', '->', '&&', ' ', '1', '-2.5', '1e999', 'NaN', 'Infinity', '0x1',
      'true', 'open', '.', 'e5', '__proto__', 'constructor', '\r', '\n', 'é');
    const line = fc.oneof(fc.string(), fc.array(token, { maxLength: 20 }).map((ts) => ts.join('')));
    fc.assert(fc.property(line, separators, fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true }), (l, seps, scale, offset) => {
      const r = parseLine(l, format(seps, scale, offset), T0);
      if (!r.ok) {
        expect(r.error.trim()).not.toBe('');
        return;
      }
      expect(r.readings.length).toBeGreaterThan(0);
      for (const reading of r.readings) {
        const spec = METRICS[reading.metric as MetricName];
        expect(reading.unit).toBe(spec.unit);
        expect(reading.time).toBe(T0);
        if (spec.type === 'bool') expect(typeof reading.value).toBe('boolean');
        else expect(Number.isFinite(reading.value), `${l} -> ${String(reading.value)}`).toBe(true);
        if (spec.type === 'int') expect(Number.isInteger(reading.value)).toBe(true);
      }
    }), { numRuns: runs(3000) });
  });

  it('reads a written line back to its values, whatever the separators and the key order', () => {
    const values = fc.record({
      T: fc.double({ min: -100, max: 200, noNaN: true }), H: fc.double({ min: 0, max: 100, noNaN: true }), DOOR: fc.boolean(),
      S: fc.integer({ min: 0, max: 99 }), V: fc.double({ min: 0, max: 60, noNaN: true }),
    }, { requiredKeys: [] }).filter((v) => Object.keys(v).length > 0);
    fc.assert(fc.property(values, separators, fc.boolean(), fc.constantFrom('', ' ', '\r\n'), (v, seps, reverse, end) => {
      const entries = Object.entries(v);
      if (reverse) entries.reverse();
      const written = entries.map(([k, x]) => `${k}${seps[1]}${typeof x === 'boolean' ? (x ? 'open' : 'closed') : String(x)}`).join(seps[0]) + end;
      const r = parseLine(written, format(seps), T0);
      if (!r.ok) throw new Error(`${JSON.stringify(written)}: ${r.error}`);
      const read = Object.fromEntries(r.readings.map((x) => [Object.keys(FIELDS).find((k) => FIELDS[k] === x.metric)!, x.value]));
      // -0 reads back as 0 (the scale and offset arithmetic adds +0): compared as numbers.
      expect(read).toEqual(Object.fromEntries(entries.map(([k, x]) => [k, x === 0 ? 0 : x])));
    }), { numRuns: runs(2000) });
  });
});
