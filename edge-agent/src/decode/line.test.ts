import { describe, expect, it } from 'vitest';
import { parseLine, type LineFormat } from './line.js';

const T0 = 1_700_000_000_000;
const TH: LineFormat = {
  pairSeparator: ';',
  keyValueSeparator: '=',
  fields: {
    T: { metric: 'temperature', scale: 1, offset: 0 },
    H: { metric: 'humidity', scale: 1, offset: 0 },
  },
};

describe('parseLine', () => {
  it('turns T=4.2;H=61.0 into temperature 4.2 Cel and humidity 61.0 %RH', () => {
    expect(parseLine('T=4.2;H=61.0', TH, T0)).toEqual({
      ok: true,
      readings: [
        { metric: 'temperature', value: 4.2, unit: 'Cel', time: T0 },
        { metric: 'humidity', value: 61, unit: '%RH', time: T0 },
      ],
    });
  });

  it.each<[string, string, LineFormat, Record<string, number | boolean>]>([
    ['CRLF and spaces', ' T = -18.5 ; H=40\r', TH, { temperature: -18.5, humidity: 40 }],
    ['a trailing separator', 'T=4.2;', TH, { temperature: 4.2 }],
    ['unknown keys, ignored', 'ID=7;T=4.2;BAT=3.1', TH, { temperature: 4.2 }],
    ['scale and offset (tenths of a degree, calibration -0.3)', 'T=42', { ...TH, fields: { T: { metric: 'temperature', scale: 0.1, offset: -0.3 } } }, { temperature: 3.9 }],
    ['other separators', 'temp:5.5,rh:70', { pairSeparator: ',', keyValueSeparator: ':', fields: { temp: { metric: 'temperature', scale: 1, offset: 0 }, rh: { metric: 'humidity', scale: 1, offset: 0 } } }, { temperature: 5.5, humidity: 70 }],
    ['a boolean metric', 'T=3;DOOR=1', { ...TH, fields: { ...TH.fields, DOOR: { metric: 'door.open', scale: 1, offset: 0 } } }, { temperature: 3, 'door.open': true }],
    ['an exponent', 'T=4.2e0', TH, { temperature: 4.2 }],
    ['an int metric, rounded', 'S=7.6', { ...TH, fields: { S: { metric: 'gps.sats', scale: 1, offset: 0 } } }, { 'gps.sats': 8 }],
  ])('reads %s', (_what, line, format, expected) => {
    const r = parseLine(line, format, T0);
    if (!r.ok) throw new Error(r.error);
    const got = Object.fromEntries(r.readings.map((x) => [x.metric, x.value]));
    expect(Object.keys(got)).toEqual(Object.keys(expected));
    for (const [k, v] of Object.entries(expected)) {
      if (typeof v === 'number') expect(got[k]).toBeCloseTo(v, 9);
      else expect(got[k]).toBe(v);
    }
  });

  it.each([
    ['an empty line', ''],
    ['a garbled number', 'T=4.2x;H=61'],
    ['an empty value', 'T=;H=61'],
    ['a pair without separator', 'T4.2;H=61'],
    ['a missing key', '=4.2'],
    ['a repeated key', 'T=4.2;T=4.3'],
    ['only unknown keys', 'X=1;Y=2'],
    ['binary noise', '\u0000\u00ff\u0012'],
    ['NaN', 'T=NaN'],
    ['Infinity', 'T=Infinity'],
    ['a hex number', 'T=0x10'],
  ])('rejects %s as a whole line', (_what, line) => {
    const r = parseLine(line, TH, T0);
    expect(r.ok).toBe(false);
  });

  it('rejects a bad boolean', () => {
    expect(parseLine('D=maybe', { ...TH, fields: { D: { metric: 'door.open', scale: 1, offset: 0 } } }, T0).ok).toBe(false);
  });
});
