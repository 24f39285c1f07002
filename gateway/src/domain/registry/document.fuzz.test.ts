/**
 * Fuzzing the registry import (issue #17): readDocument and readEntity answer anything with entities or problems by
 * path, never an exception; what they accept is canonical, so reading it again changes nothing (import, export,
 * import is a fixed point, docs/registry.md). COLDTRACE_FUZZ=<factor> multiplies the runs (docs/engineering.md).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ENTITY_KINDS, document, entities, fuzzRuns, mutation } from '../../../test/support/registry-arbitraries.js';
import { readDocument } from './document.js';
import { readEntity } from './entities.js';
import type { Problem } from './types.js';

function wellWorded(problems: readonly Problem[]): void {
  for (const p of problems) {
    expect(typeof p.path).toBe('string');
    expect(p.message.trim()).not.toBe('');
  }
}

/** Accepted means canonical: the entities read again give no problem and the same text. */
function fixedPoint(value: unknown): boolean {
  // As a request body arrives: parsed JSON (plain prototypes, `__proto__` an own key).
  const raw = JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
  const once = readDocument(raw);
  wellWorded(once.problems);
  if (once.problems.length > 0) return false;
  const exported = JSON.parse(JSON.stringify(once.entities)) as unknown;
  const twice = readDocument(exported);
  expect(twice.problems, JSON.stringify(raw)).toEqual([]);
  expect(JSON.stringify(twice.entities)).toBe(JSON.stringify(once.entities));
  return true;
}

describe('registry import under fuzzing', () => {
  it('accepts generated documents, and reads what it accepts back unchanged', () => {
    let accepted = 0;
    fc.assert(fc.property(document, (doc) => {
      if (fixedPoint(doc)) accepted++;
    }), { numRuns: fuzzRuns(150) });
    // Refusals come only from times the generator puts at the ends of the four-digit years.
    expect(accepted).toBeGreaterThan(fuzzRuns(150) / 2);
  });

  it('answers changed documents with problems by path or canonical entities', () => {
    fc.assert(fc.property(document, fc.array(mutation, { minLength: 1, maxLength: 3 }), (doc, changes) => {
      fixedPoint(changes.reduce<unknown>((v, c) => c(v), doc));
    }), { numRuns: fuzzRuns(150) });
  });

  it('answers any JSON, as a document or as an entity of any kind, without throwing', () => {
    fc.assert(fc.property(fc.jsonValue().map((j) => JSON.parse(JSON.stringify(j)) as unknown), fc.constantFrom(...ENTITY_KINDS), (v, kind) => {
      fixedPoint(v);
      fixedPoint({ [kind]: [v] });
      const r = readEntity(kind, v, `${kind}[0]`);
      wellWorded(r.problems);
      for (const p of r.problems) expect(p.path.startsWith(`${kind}[0]`)).toBe(true);
    }), { numRuns: fuzzRuns(600) });
  });

  it('reads placements, open and closed, back unchanged', () => {
    fc.assert(fc.property(entities('placements'), (ps) => void fixedPoint({ placements: ps })), { numRuns: fuzzRuns(300) });
  });
});
