import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COLUMN_WIDTH, type ReadingColumns, type ReadingSeries } from '../domain/reading-columns.js';
import { readingsJson, readingsNdjson } from './readings-text.js';

/** What the route's schema serialiser wrote for one reading: ReadingBody's keys in order. */
function bodyOf(s: ReadingSeries, r: Float64Array, o: number): Record<string, unknown> {
  return { site: s.site, node: s.node, device: s.device, metric: s.metric, time: r[o + 1], value: r[o + 2], unit: s.unit, seq: r[o + 3], receivedAt: r[o + 4], flags: r[o + 5] };
}

function expected(c: ReadingColumns): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let o = 0; o < c.rows.length; o += COLUMN_WIDTH) out.push(bodyOf(c.series[c.rows[o]!]!, c.rows, o));
  return out;
}

const text = (g: Iterable<string>): string => [...g].join('');

const name = fc.string({ unit: 'binary', maxLength: 12 });
const columns = fc.array(fc.record({ site: name, node: name, device: name, metric: name, unit: name }), { minLength: 1, maxLength: 4 }).chain((series) =>
  fc.array(fc.tuple(
    fc.nat(series.length - 1), fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)),
    fc.nat(), fc.integer({ min: 0, max: 8.64e15 }), fc.nat(3),
  ), { maxLength: 300 }).map((rows): ReadingColumns => ({ series, rows: Float64Array.from(rows.flat()) })));

/** Readings per piece: small, so that answers of a few readings cross piece boundaries. */
const piece = fc.integer({ min: 1, max: 40 });

describe('readings text', () => {
  it('writes JSON that is byte for byte JSON.stringify of the schema-ordered readings, over random columns', () => {
    fc.assert(fc.property(columns, piece, (c, p) => text(readingsJson(c, p)) === JSON.stringify({ readings: expected(c) })), { numRuns: 100 * Number(process.env['COLDTRACE_FUZZ'] ?? 1) });
  });

  it('writes NDJSON whose lines are the readings of the JSON answer, in order', () => {
    fc.assert(fc.property(columns, piece, (c, p) => text(readingsNdjson(c, p)) === expected(c).map((x) => `${JSON.stringify(x)}\n`).join('')), { numRuns: 100 * Number(process.env['COLDTRACE_FUZZ'] ?? 1) });
  });

  it.each([
    ['no readings', { series: [], rows: new Float64Array(0) }, '{"readings":[]}', ''],
    ['a quote, a backslash and a line break in names', {
      series: [{ site: 's"1', node: 'n\\', device: 'd\n', metric: 'temperature', unit: '°C' }],
      rows: Float64Array.from([0, 1_790_000_000_000, 0.1 + 0.2, 7, 1_790_000_000_005, 2]),
    }, '{"readings":[{"site":"s\\"1","node":"n\\\\","device":"d\\n","metric":"temperature","time":1790000000000,"value":0.30000000000000004,"unit":"°C","seq":7,"receivedAt":1790000000005,"flags":2}]}',
    '{"site":"s\\"1","node":"n\\\\","device":"d\\n","metric":"temperature","time":1790000000000,"value":0.30000000000000004,"unit":"°C","seq":7,"receivedAt":1790000000005,"flags":2}\n'],
  ])('writes %s', (_name, c, json, ndjson) => {
    expect(text(readingsJson(c))).toBe(json);
    expect(text(readingsNdjson(c))).toBe(ndjson);
  });
});
