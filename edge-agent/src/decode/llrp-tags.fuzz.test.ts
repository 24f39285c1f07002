/**
 * Fuzzing the LLRP tag reports' reading (issue #21, docs/engineering.md "Fuzzing"): any report data, well formed or
 * not (what a reader's firmware or llrpjs might hand over), gives one read per TagReportData, each a valid contract
 * v1 scan read with exactly one of code and error, sent to a configured device, never an exception; and an SGTIN-96
 * written from a GTIN and serial reads back to them. COLDTRACE_FUZZ=<factor> multiplies the runs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ScanReadSchema, gs1CheckDigit, scanReadProblem } from '@coldtrace/contract';
import { tagReads, type AntennaMap } from './llrp-tags.js';

const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env['COLDTRACE_FUZZ'] ?? 1)));
const check = TypeCompiler.Compile(ScanReadSchema);
const T = Date.UTC(2026, 11, 7, 8);
const MAP: AntennaMap = { devices: new Map([[1, 'in'], [2, 'out']]), fallback: 'reader' };

const hex = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789abcdefABCDEF'), { minLength: min, maxLength: max }).map((a) => a.join(''));
const epc96 = fc.oneof(hex(24, 24), fc.constant('3034257BF40C0E4000000001'), fc.constant('3154257BF442F69715000000'), hex(24, 24).map((h) => `30${h.slice(2)}`));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const anything = fc.anything({ maxDepth: 2 });
const tag = fc.record({
  EPC_96: maybe(fc.oneof(fc.record({ EPC: epc96 }), fc.record({ EPC: anything }), anything)),
  EPCData: maybe(fc.oneof(fc.record({ EPC: hex(0, 64) }), fc.record({ EPC: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }) }), anything)),
  AntennaID: maybe(fc.oneof(fc.record({ AntennaID: fc.integer({ min: -5, max: 70_000 }) }), anything)),
  PeakRSSI: maybe(fc.oneof(fc.record({ PeakRSSI: fc.oneof(fc.integer({ min: -200, max: 200 }), fc.double()) }), anything)),
  FirstSeenTimestampUTC: maybe(fc.oneof(
    fc.record({ Microseconds: fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace('Z', '123Z')) }),
    fc.record({ Microseconds: fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }) }),
    fc.record({ Microseconds: anything }),
  )),
}, { requiredKeys: [] });

describe('tagReads, fuzzed', () => {
  it('gives one valid scan read per tag, to a known device, whatever the report holds', () => {
    fc.assert(fc.property(fc.oneof(fc.array(tag, { maxLength: 8 }), tag, anything), (tags) => {
      const reads = tagReads({ TagReportData: tags }, MAP, T);
      const isTag = (t: unknown): boolean => typeof t === 'object' && t !== null;
      expect(reads.length).toBe(Array.isArray(tags) ? tags.filter(isTag).length : isTag(tags) ? 1 : 0);
      for (const r of reads) {
        expect(check.Check(r.read), JSON.stringify([...check.Errors(r.read)].slice(0, 2))).toBe(true);
        expect(scanReadProblem(r.read)).toBeUndefined();
        expect(['in', 'out', 'reader']).toContain(r.device);
        expect(r.key.length).toBeGreaterThan(0);
      }
    }), { numRuns: runs(400) });
  });

  it('reads an SGTIN-96 written from a GTIN and serial back to them, on its antenna device', () => {
    const gtin = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 13, maxLength: 13 }).map((d) => d.join('') + gs1CheckDigit(d.join('')));
    fc.assert(fc.property(gtin, fc.bigInt({ min: 0n, max: 2n ** 38n - 1n }), fc.constantFrom(1, 2), (g, serial, antenna) => {
      // SGTIN-96, filter 1, partition 5 (7-digit company prefix): 8+3+3+24+20+38 bits, written here independently.
      const company = BigInt(g.slice(1, 8));
      const item = BigInt(g[0]! + g.slice(8, 13));
      const v = (((((((0x30n << 3n) | 1n) << 3n) | 5n) << 24n | company) << 20n | item) << 38n) | serial;
      const epc = v.toString(16).toUpperCase().padStart(24, '0');
      const [r] = tagReads({ TagReportData: { EPC_96: { EPC: epc }, AntennaID: { AntennaID: antenna } } }, MAP, T);
      expect(r).toMatchObject({ device: antenna === 1 ? 'in' : 'out', read: { code: { gtin: g, serial: String(serial) } } });
    }), { numRuns: runs(200) });
  });
});
