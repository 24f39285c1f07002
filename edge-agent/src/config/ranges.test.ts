import { describe, expect, it } from 'vitest';
import { acceptedRawWindow, formatInterval, rangeWarnings, scaledRange } from './ranges.js';

describe('scaledRange', () => {
  it.each([
    { type: 'int16' as const, scale: 0.1, offset: 0, range: '-3276.8..3276.7' },
    { type: 'uint16' as const, scale: 0.1, offset: -40, range: '-40..6513.5' },
    { type: 'int16' as const, scale: -1, offset: 0, range: '-32767..32768' },
    { type: 'uint32' as const, scale: 0.001, offset: 0, range: '0..4294967.295' },
    { type: 'int32' as const, scale: 1, offset: 0, range: '-2147483648..2147483647' },
  ])('$type × $scale + $offset spans $range', ({ type, scale, offset, range }) => {
    expect(formatInterval(scaledRange(type, scale, offset))).toBe(range);
  });
});

describe('acceptedRawWindow', () => {
  const temperature = { min: -100, max: 200 };
  it.each([
    { type: 'int16' as const, scale: 0.1, offset: 0, window: '-1000..2000' },
    { type: 'int16' as const, scale: 10, offset: 0, window: '-10..20' },
    { type: 'int16' as const, scale: -0.1, offset: 0, window: '-2000..1000' },
    { type: 'uint16' as const, scale: 0.1, offset: -40, window: '0..2400' },
    { type: 'uint16' as const, scale: 0.1, offset: 0, window: '0..2000' },
    { type: 'int16' as const, scale: 0.01, offset: 0, window: '-10000..20000' },
    { type: 'int16' as const, scale: 0.001, offset: 0, window: '-32768..32767' },
    { type: 'int16' as const, scale: 1, offset: 1000, window: '-1100..-800' },
  ])('$type × $scale + $offset: raw $window give temperatures in -100..200', ({ type, scale, offset, window }) => {
    expect(formatInterval(acceptedRawWindow(type, scale, offset, temperature))).toBe(window);
  });

  it('is empty when no raw value reaches the range', () => {
    const w = acceptedRawWindow('uint16', 1, 500, temperature);
    expect(w.min).toBeGreaterThan(w.max);
  });

  it('is open-ended where the range is', () => {
    expect(acceptedRawWindow('int16', 1, 0, { min: 0, max: Infinity })).toEqual({ min: 0, max: 32767 });
  });
});

describe('rangeWarnings', () => {
  it.each([
    { name: 'an XY-MD02 temperature (int16 × 0.1)', reg: { metric: 'temperature', type: 'int16', scale: 0.1, offset: 0 } },
    { name: 'humidity int16 × 0.1', reg: { metric: 'humidity', type: 'int16', scale: 0.1, offset: 0 } },
    { name: 'integer degrees (int16 × 1)', reg: { metric: 'temperature', type: 'int16', scale: 1, offset: 0 } },
    { name: 'uint16 with a -40 offset', reg: { metric: 'temperature', type: 'uint16', scale: 0.1, offset: -40 } },
    { name: 'millivolts as int32 × 0.001', reg: { metric: 'battery.voltage', type: 'int32', scale: 0.001, offset: 0 } },
    { name: 'a float32 in its unit', reg: { metric: 'temperature', type: 'float32', scale: 1, offset: 0 } },
    { name: 'a float32 in tenths', reg: { metric: 'temperature', type: 'float32', scale: 0.1, offset: 0 } },
    { name: 'a metric without a range', reg: { metric: 'clock.offset', type: 'int16', scale: 1000, offset: 0 } },
  ] as const)('says nothing for $name', ({ reg }) => {
    expect(rangeWarnings(reg)).toEqual([]);
  });

  it('warns when a scale overflows temperature, stating both ranges and the gateway refusal', () => {
    const w = rangeWarnings({ metric: 'temperature', type: 'int16', scale: 10, offset: 0 });
    expect(w.map((x) => x.field)).toEqual(['scale']);
    expect(w[0]?.message).toContain('int16 × 10 gives -327680..327670 Cel');
    expect(w[0]?.message).toContain('temperature is accepted in -100..200 Cel');
    expect(w[0]?.message).toContain('only raw values -10..20 pass');
    expect(w[0]?.message).toContain('E_VALUE_RANGE');
    expect(w[0]?.message).toContain('scale: 0.1');
  });

  it.each([
    { name: 'millivolts read as volts', reg: { metric: 'battery.voltage', type: 'uint16', scale: 1, offset: 0 }, fields: ['scale'] },
    { name: 'humidity × 10', reg: { metric: 'humidity', type: 'int16', scale: 10, offset: 0 }, fields: ['scale'] },
    { name: 'an offset that moves every value out of range', reg: { metric: 'humidity', type: 'uint16', scale: 0.001, offset: 200 }, fields: ['offset'] },
    { name: 'a signed temperature read as uint16', reg: { metric: 'temperature', type: 'uint16', scale: 0.1, offset: 0 }, fields: ['type'] },
    { name: 'a signed temperature read as uint32 × 10', reg: { metric: 'temperature', type: 'uint32', scale: 10, offset: 0 }, fields: ['scale', 'type'] },
    { name: 'a float32 scaled by 100', reg: { metric: 'temperature', type: 'float32', scale: 100, offset: 0 }, fields: ['scale'] },
  ] as const)('warns about $name', ({ reg, fields }) => {
    expect(rangeWarnings(reg).map((w) => w.field)).toEqual(fields);
  });

  it('says what a negative reading becomes when read unsigned', () => {
    const [w] = rangeWarnings({ metric: 'temperature', type: 'uint16', scale: 0.1, offset: 0 });
    expect(w?.message).toContain('the register is int16; read as uint16, -0.1 Cel arrives as 6553.5');
  });

  it('says every reading would be refused when none can be accepted', () => {
    const [w] = rangeWarnings({ metric: 'humidity', type: 'uint16', scale: 0.001, offset: 200 });
    expect(w?.message).toMatch(/uint16 × 0\.001 \+ 200 gives 200\.\.265\.535 %RH, none of it inside the catalogue range: humidity is accepted in 0\.\.100 %RH, so every reading would be refused/);
  });
});
