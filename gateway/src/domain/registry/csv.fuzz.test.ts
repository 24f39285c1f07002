/**
 * Fuzzing the registry's CSV (issue #17): fromCsv answers any text with rows or problems, never an exception, and
 * the CSV of canonical entities reads back to the same entities (toCsv, fromCsv, readEntity), whatever their text.
 * COLDTRACE_FUZZ=<factor> multiplies the runs (docs/engineering.md, "Fuzzing").
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ENTITY_KINDS, document, fuzzRuns } from '../../../test/support/registry-arbitraries.js';
import { CSV_COLUMNS, fromCsv, toCsv } from './csv.js';
import { readDocument } from './document.js';
import { readEntity } from './entities.js';

describe('registry CSV under fuzzing', () => {
  it('answers any text with rows or problems naming the file', () => {
    const cell = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('"', '""', ',', '\r\n', '\n', '{"kind":"circle"}', '1e5', '-', '\uFEFF', ''));
    const csvLike = fc.tuple(fc.constantFrom(...ENTITY_KINDS), fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 5 }), fc.boolean()).map(([kind, rows, header]) => ({
      kind, text: [...(header ? [CSV_COLUMNS[kind].map(([name]) => name).join(',')] : []), ...rows.map((r) => r.join(','))].join('\n'),
    }));
    fc.assert(fc.property(fc.oneof(csvLike, fc.tuple(fc.constantFrom(...ENTITY_KINDS), fc.string()).map(([kind, text]) => ({ kind, text }))), ({ kind, text }) => {
      const { rows, problems } = fromCsv(kind, text);
      for (const p of problems) {
        expect(p.path.startsWith(`${kind}.csv`)).toBe(true);
        expect(p.message.trim()).not.toBe('');
      }
      if (problems.length === 0) for (const [i, row] of rows.entries()) readEntity(kind, row, `${kind}[${i}]`);
    }), { numRuns: fuzzRuns(1500) });
  });

  it('reads the CSV of canonical entities back to the same entities', () => {
    fc.assert(fc.property(document, fc.constantFrom('', '\uFEFF'), (doc, bom) => {
      const read = readDocument(JSON.parse(JSON.stringify(doc)) as unknown);
      fc.pre(read.problems.length === 0);
      for (const kind of ENTITY_KINDS) {
        const canonical = read.entities[kind] as object[];
        const { rows, problems } = fromCsv(kind, bom + toCsv(kind, canonical));
        expect(problems).toEqual([]);
        const back = rows.map((row, i) => readEntity(kind, row, `${kind}[${i}]`));
        expect(back.flatMap((b) => b.problems), kind).toEqual([]);
        expect(back.map((b) => b.entity), kind).toEqual(canonical);
      }
    }), { numRuns: fuzzRuns(150) });
  });
});
