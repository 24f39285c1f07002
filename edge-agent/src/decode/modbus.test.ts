import { describe, expect, it } from 'vitest';
import { decodeRaw, encodeRaw, planReads, toEngineering, type RegisterType, type WordOrder } from './modbus.js';

describe('decodeRaw', () => {
  // docs/domain.md §5 reference: float32 25.5 = 0x41CC0000 in the four word orders (IEEE-754).
  const float255: [WordOrder, number[]][] = [
    ['ABCD', [0x41cc, 0x0000]],
    ['CDAB', [0x0000, 0x41cc]],
    ['BADC', [0xcc41, 0x0000]],
    ['DCBA', [0x0000, 0xcc41]],
  ];
  it.each(float255)('decodes float32 25.5 in %s order', (order, words) => {
    expect(decodeRaw(words, 'float32', order)).toBe(25.5);
    expect(encodeRaw(25.5, 'float32', order)).toEqual(words);
  });

  const table: [RegisterType, WordOrder, number[], number][] = [
    ['int16', 'ABCD', [0x00ff], 255],
    ['int16', 'ABCD', [0xff9c], -100],
    ['int16', 'ABCD', [0x8000], -32768],
    ['uint16', 'ABCD', [0xff9c], 65436],
    ['int32', 'ABCD', [0xffff, 0xfffe], -2],
    ['int32', 'CDAB', [0xfffe, 0xffff], -2],
    ['int32', 'BADC', [0x0201, 0x0403], 0x01020304],
    ['int32', 'DCBA', [0x0403, 0x0201], 0x01020304],
    ['uint32', 'ABCD', [0xffff, 0xffff], 4294967295],
    ['uint32', 'CDAB', [0x5678, 0x1234], 0x12345678],
    ['float32', 'ABCD', [0xc1a4, 0x0000], -20.5],
  ];
  it.each(table)('decodes %s %s %j as %d', (type, order, words, expected) => {
    expect(decodeRaw(words, type, order)).toBe(expected);
    expect(encodeRaw(expected, type, order)).toEqual(words);
  });

  it('throws when a 32-bit value is given one word', () => {
    expect(() => decodeRaw([1], 'float32')).toThrow(RangeError);
  });
});

describe('toEngineering', () => {
  // XY-MD02 (docs/domain.md §5): signed int16 × 0.1 °C.
  it.each([
    [[0x00ff], 25.5],
    [[0x00d5], 21.3],
    [[0xff38], -20],
    [[0xffff], -0.1],
  ])('scales XY-MD02 temperature %j to %d °C', (words, celsius) => {
    expect(toEngineering(decodeRaw(words, 'int16'), 0.1)).toBe(celsius);
  });
  it('applies the offset after the scale', () => {
    expect(toEngineering(100, 0.5, -3)).toBe(47);
  });
  it('returns undefined for a NaN float register', () => {
    expect(toEngineering(decodeRaw([0x7fc0, 0], 'float32'))).toBeUndefined();
  });
});

describe('planReads', () => {
  it('merges contiguous registers of one function code into one request', () => {
    const plan = planReads([
      { functionCode: 4, address: 2, type: 'int16' },
      { functionCode: 4, address: 1, type: 'int16' },
    ]);
    expect(plan).toEqual([{ functionCode: 4, address: 1, count: 2, items: [{ index: 1, offset: 0 }, { index: 0, offset: 1 }] }]);
  });

  it('keeps function codes apart', () => {
    const plan = planReads([
      { functionCode: 4, address: 1, type: 'int16' },
      { functionCode: 3, address: 2, type: 'int16' },
    ]);
    expect(plan.map((r) => [r.functionCode, r.address, r.count])).toEqual([[3, 2, 1], [4, 1, 1]]);
  });

  it('bridges gaps up to maxGap only', () => {
    const regs = [
      { functionCode: 3, address: 0, type: 'float32' },
      { functionCode: 3, address: 5, type: 'uint16' },
    ] as const;
    expect(planReads(regs, { maxGap: 3 })).toHaveLength(1);
    expect(planReads(regs, { maxGap: 3 })[0]).toMatchObject({ address: 0, count: 6 });
    expect(planReads(regs, { maxGap: 2 })).toHaveLength(2);
  });

  it('splits at 125 registers per request', () => {
    const regs = Array.from({ length: 200 }, (_, i) => ({ functionCode: 3 as const, address: i * 2, type: 'float32' as const }));
    const plan = planReads(regs);
    expect(plan.map((r) => r.count)).toEqual([124, 124, 124, 28]);
    expect(plan.flatMap((r) => r.items.map((it) => r.address + it.offset))).toEqual(regs.map((r) => r.address));
  });

  it('shares words between overlapping registers', () => {
    const plan = planReads([
      { functionCode: 3, address: 10, type: 'float32' },
      { functionCode: 3, address: 11, type: 'uint16' },
    ]);
    expect(plan).toEqual([{ functionCode: 3, address: 10, count: 2, items: [{ index: 0, offset: 0 }, { index: 1, offset: 1 }] }]);
  });
});
