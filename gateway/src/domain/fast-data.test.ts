import { describe, expect, it } from 'vitest';
import { METRICS } from '@coldtrace/contract';
import { fastCatalogue, parseDataFast } from './fast-data.js';
import { DEFAULT_VALIDATION_OPTIONS, MessageValidator } from './validate.js';

const TOPIC = 'ct/v1/wh1/n1/d1/data';
const WHERE = { site: 'wh1', node: 'n1', device: 'd1' };
const RECEIVED = 1_790_000_001_000;
const catalogue = fastCatalogue(METRICS);
const full = new MessageValidator({ fastPath: false });
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const fast = (s: string | Uint8Array): ReturnType<typeof parseDataFast> =>
  parseDataFast(typeof s === 'string' ? enc(s) : s, WHERE, RECEIVED, DEFAULT_VALIDATION_OPTIONS, catalogue);

/** The fast path may decline anything, but what it accepts must be exactly what the full path stores. */
function agree(payload: Uint8Array): 'fast' | 'full-only' | 'refused' {
  const f = parseDataFast(payload, WHERE, RECEIVED, DEFAULT_VALIDATION_OPTIONS, catalogue);
  const s = full.check(TOPIC, payload, RECEIVED);
  if (f === undefined) return s.ok ? 'full-only' : 'refused';
  expect(s.ok, `fast path accepted what the full path refused: ${Buffer.from(payload).toString('latin1')}`).toBe(true);
  if (!s.ok || s.kind !== 'data') throw new Error('unreachable');
  expect(f.seq).toBe(s.seq);
  expect(f.readings).toEqual(s.readings);
  f.readings.forEach((r, i) => expect(Object.is(r.value, s.readings[i]!.value)).toBe(true));
  return 'fast';
}

const T = 1_790_000_000_000;
const canonical = { v: 1, seq: 7, time: T, readings: [
  { metric: 'temperature', value: 4.25, unit: 'Cel' },
  { metric: 'humidity', value: 61, unit: '%RH', time: T - 1000 },
  { metric: 'door.open', value: true, unit: '1' },
  { metric: 'gps.sats', value: 9, unit: '1' },
] };

describe('parseDataFast', () => {
  it.each([
    ['canonical JSON.stringify', JSON.stringify(canonical), 'fast'],
    ['pretty-printed with tabs and CRLF', JSON.stringify(canonical, null, '\t').replaceAll('\n', '\r\n'), 'fast'],
    ['keys in another order, readings before time', '{"readings":[{"unit":"Cel","time":1790000000000,"value":-0,"metric":"temperature"}],"seq":0,"time":1790000000001,"v":1}', 'fast'],
    ['exponents and long fractions', `{"v":1,"seq":1,"time":${T},"readings":[{"metric":"temperature","value":1.5E-3,"unit":"Cel"},{"metric":"humidity","value":0.30000000000000004,"unit":"%RH"},{"metric":"clock.offset","value":-12345678901234567890,"unit":"ms"}]}`, 'fast'],
    ['seq 1.0 is an integer to JSON', `{"v":1.0,"seq":1.0,"time":${T},"readings":[{"metric":"temperature","value":4,"unit":"Cel"}]}`, 'fast'],
    ['an escaped metric name', `{"v":1,"seq":1,"time":${T},"readings":[{"metric":"\\u0074emperature","value":4,"unit":"Cel"}]}`, 'full-only'],
    ['a repeated key (ambiguous: refused as E_DUPLICATE_KEY)', `{"v":1,"seq":1,"seq":2,"time":${T},"readings":[{"metric":"temperature","value":4,"unit":"Cel"}]}`, 'refused'],
    ['a byte order mark', `\uFEFF${JSON.stringify(canonical)}`, 'full-only'],
    ['a leading zero', `{"v":1,"seq":01,"time":${T},"readings":[{"metric":"temperature","value":4,"unit":"Cel"}]}`, 'refused'],
    ['trailing bytes', `${JSON.stringify(canonical)}x`, 'refused'],
    ['an unknown field', JSON.stringify({ ...canonical, orderId: '' }), 'refused'],
    ['a metric name with a known prefix', JSON.stringify({ ...canonical, readings: [{ metric: 'temperatures', value: 4, unit: 'Cel' }] }), 'refused'],
    ['a reading key with a known prefix', `{"v":1,"seq":1,"time":${T},"readings":[{"metricX":"temperature","value":4,"unit":"Cel"}]}`, 'refused'],
    ['a known metric name cut short', JSON.stringify({ ...canonical, readings: [{ metric: 'gps.s', value: 4, unit: '1' }] }), 'refused'],
    ['a wrong unit', JSON.stringify({ ...canonical, readings: [{ metric: 'temperature', value: 4, unit: 'degF' }] }), 'refused'],
    ['a value out of range', JSON.stringify({ ...canonical, readings: [{ metric: 'humidity', value: 100.5, unit: '%RH' }] }), 'refused'],
    ['a float where an int is pinned', JSON.stringify({ ...canonical, readings: [{ metric: 'gps.sats', value: 9.5, unit: '1' }] }), 'refused'],
    ['a number where a bool is pinned', JSON.stringify({ ...canonical, readings: [{ metric: 'door.open', value: 1, unit: '1' }] }), 'refused'],
    ['one metric twice at one time', JSON.stringify({ ...canonical, readings: [canonical.readings[0], canonical.readings[0]] }), 'refused'],
    ['no readings', JSON.stringify({ ...canonical, readings: [] }), 'refused'],
    ['device time before 2001', JSON.stringify({ ...canonical, time: 999_999_999_999 }), 'refused'],
    ['non-ASCII in a unit', JSON.stringify({ ...canonical, readings: [{ metric: 'temperature', value: 4, unit: '°C' }] }), 'refused'],
    ['version 2', JSON.stringify({ ...canonical, v: 2 }), 'refused'],
  ])('%s: %s', (_name, text, want) => {
    expect(agree(enc(text))).toBe(want);
  });

  it('flags late and clock-skewed readings like the full path', () => {
    const r = fast(`{"v":1,"seq":3,"time":${RECEIVED - 120_000},"readings":[{"metric":"temperature","value":4,"unit":"Cel"},{"metric":"humidity","value":50,"unit":"%RH","time":${RECEIVED + 600_000}}]}`);
    expect(r?.readings.map((x) => x.flags)).toEqual([2, 1]);
  });

  it('agrees with the full path on 3,000 generated messages and 12,000 mutations of them', () => {
    // Deterministic variety: a multiplicative hash of a counter (Knuth), not a stateful generator.
    let draw = 0;
    const rnd = (): number => ((Math.imul(++draw, 2654435761) ^ (draw >>> 3)) >>> 0) / 4294967296;
    const names = Object.keys(METRICS) as (keyof typeof METRICS)[];
    const tally = { fast: 0, 'full-only': 0, refused: 0 };
    const glyphs = '{}[]":,0123456789.-+eEtrufalsn \\\u00e9x';
    for (let k = 0; k < 3000; k++) {
      const readings = Array.from({ length: 1 + Math.floor(rnd() * 6) }, (_, i) => {
        const name = names[Math.floor(rnd() * names.length)]!;
        const spec: { unit: string; type: string; min?: number; max?: number } = METRICS[name];
        const lo = spec.min ?? -1e6, hi = spec.max ?? 1e6;
        const raw = lo + rnd() * (hi - lo);
        const value = spec.type === 'bool' ? rnd() < 0.5 : spec.type === 'int' ? Math.round(raw) : rnd() < 0.3 ? Math.round(raw * 100) / 100 : raw;
        return rnd() < 0.3 ? { metric: name, value, unit: spec.unit, time: T + i } : { metric: name, value, unit: spec.unit };
      });
      const text = JSON.stringify({ v: 1, seq: Math.floor(rnd() * 1e9), time: T + k, readings });
      tally[agree(enc(text))]++;
      for (let m = 0; m < 4; m++) {
        const at = Math.floor(rnd() * text.length);
        const glyph = glyphs[Math.floor(rnd() * glyphs.length)]!;
        const mutated = rnd() < 0.5 ? text.slice(0, at) + glyph + text.slice(at + 1) : text.slice(0, at) + text.slice(at + 1);
        tally[agree(enc(mutated))]++;
      }
    }
    // Generated messages may repeat a metric at one time (refused by both); all the others take the fast path.
    expect(tally.fast).toBeGreaterThan(2000);
    expect(tally.refused).toBeGreaterThan(5000);
    expect(tally['full-only']).toBeLessThan(tally.fast / 20);
  });
});
