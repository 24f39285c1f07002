/**
 * Fuzzing Modbus decoding and read planning (issue #17): decodeRaw and encodeRaw are inverse for every register type
 * and word order, and planReads covers every register exactly once within requests no longer than allowed.
 * COLDTRACE_FUZZ=<factor> multiplies the runs (docs/engineering.md, "Fuzzing").
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_REGISTERS_PER_READ, REGISTER_TYPES, WORD_ORDERS, decodeRaw, encodeRaw, planReads, registerWidth, toEngineering,
  type PlannedRegister, type RegisterType,
} from './modbus.js';

const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env['COLDTRACE_FUZZ'] ?? 1)));

/** Every value a register of this type holds. */
function valueOf(type: RegisterType): fc.Arbitrary<number> {
  switch (type) {
    case 'int16': return fc.integer({ min: -0x8000, max: 0x7fff });
    case 'uint16': return fc.integer({ min: 0, max: 0xffff });
    case 'int32': return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'uint32': return fc.integer({ min: 0, max: 0xffffffff });
    case 'float32': return fc.float();
  }
}
const typed = fc.constantFrom(...REGISTER_TYPES).chain((type) => fc.tuple(fc.constant(type), valueOf(type), fc.constantFrom(...WORD_ORDERS)));
const word = fc.integer({ min: 0, max: 0xffff });

describe('Modbus decoding under fuzzing', () => {
  it('decodes what it encodes, for every register type and word order', () => {
    fc.assert(fc.property(typed, ([type, v, order]) => {
      const words = encodeRaw(v, type, order);
      expect(words).toHaveLength(registerWidth(type));
      for (const w of words) expect(w >= 0 && w <= 0xffff && Number.isInteger(w)).toBe(true);
      expect(Object.is(decodeRaw(words, type, order), v) || (Number.isNaN(v) && Number.isNaN(decodeRaw(words, type, order)))).toBe(true);
    }), { numRuns: runs(3000) });
  });

  it('encodes what it decodes, for any words (a NaN aside: it has many bit patterns and encodes as one)', () => {
    fc.assert(fc.property(fc.constantFrom(...REGISTER_TYPES), fc.constantFrom(...WORD_ORDERS), word, word, (type, order, w0, w1) => {
      const words = [w0, w1].slice(0, registerWidth(type));
      const v = decodeRaw(words, type, order);
      fc.pre(!Number.isNaN(v));
      expect(encodeRaw(v, type, order)).toEqual(words);
    }), { numRuns: runs(3000) });
  });

  it('turns any raw value, scale and offset into a finite engineering value or none', () => {
    fc.assert(fc.property(fc.double(), fc.double(), fc.double(), (raw, scale, offset) => {
      const v = toEngineering(raw, scale, offset);
      expect(v === undefined || Number.isFinite(v)).toBe(true);
    }), { numRuns: runs(2000) });
  });
});

describe('planReads under fuzzing', () => {
  // Registers as the configuration admits them (config/modbus-register.ts): inside the 16-bit address space.
  const register = fc.record({
    functionCode: fc.constantFrom(3 as const, 4 as const),
    address: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0xff00, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })),
    type: fc.constantFrom(...REGISTER_TYPES),
  }).filter((r) => r.address + registerWidth(r.type) <= 0x10000);
  const options = fc.record({ maxGap: fc.integer({ min: -5, max: 200 }), maxCount: fc.integer({ min: -5, max: 300 }) }, { requiredKeys: [] });

  it('covers every register exactly once, inside requests of at most the allowed length that skip no more than maxGap', () => {
    fc.assert(fc.property(fc.array(register, { maxLength: 80 }), options, (registers: PlannedRegister[], o) => {
      const requests = planReads(registers, o);
      const limit = Math.min(MAX_REGISTERS_PER_READ, Math.max(2, o.maxCount ?? MAX_REGISTERS_PER_READ));
      const gap = Math.max(0, o.maxGap ?? 0);
      const covered = new Map<number, number>();
      for (const req of requests) {
        expect(req.count).toBeGreaterThanOrEqual(1);
        expect(req.count).toBeLessThanOrEqual(limit);
        expect(req.address + req.count).toBeLessThanOrEqual(0x10000);
        const used = new Array<boolean>(req.count).fill(false);
        for (const { index, offset } of req.items) {
          covered.set(index, (covered.get(index) ?? 0) + 1);
          const r = registers[index]!;
          expect(r.functionCode).toBe(req.functionCode);
          expect(req.address + offset).toBe(r.address);
          expect(offset + registerWidth(r.type)).toBeLessThanOrEqual(req.count);
          for (let k = offset; k < offset + registerWidth(r.type); k++) used[k] = true;
        }
        // The words read for nothing come in runs of at most maxGap, and a request starts and ends on a register.
        const unused = used.map((u) => (u ? '|' : '.')).join('').split('|').map((run) => run.length);
        expect(Math.max(...unused)).toBeLessThanOrEqual(gap);
        expect(used[0] && used[req.count - 1]).toBe(true);
      }
      expect(covered.size).toBe(registers.length);
      for (const n of covered.values()) expect(n).toBe(1);
    }), { numRuns: runs(2000) });
  });
});
