/**
 * Fuzzing the registry API through the whole app (issue #17), on SQLite files: random entities, documents, CSV and
 * bodies get a 2xx, or a 4xx that says why ({ code, message }, and the problems by path for a refused entity); never
 * a 5xx. An entity the API accepted reads back as the registry's canonical form of what was sent.
 * COLDTRACE_FUZZ=<factor> multiplies the runs (docs/engineering.md, "Fuzzing").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { ENTITY_KINDS, document, entity, fuzzRuns, id, mutation, type Refs } from '../../../test/support/registry-arbitraries.js';
import { expectAnswered, openRegistryApp, type Answer, type RegistryApp } from '../../../test/support/registry-app.js';
import { readEntity } from '../../domain/registry/entities.js';
import { toCsv } from '../../domain/registry/csv.js';

/** Ids of the fixture registry (registry-fixture.ts), so generated entities refer to what exists. */
const REFS: Refs = {
  sites: ['WH1', 'DC2'], zones: ['Z-A', 'Z-B', 'Z-DEST'], places: ['HUB-1'], devices: ['S-A', 'S-B', 'T-1'], products: ['P-VAX'],
  batches: ['B-1', 'B-2'], shipments: ['SH-1'],
};

describe('registry API under fuzzing', () => {
  let world: RegistryApp;
  beforeAll(async () => {
    world = await openRegistryApp();
  });
  afterAll(() => world.close());

  const answered = (req: InjectOptions): Promise<Answer> => expectAnswered(world.app, req);

  const entityAt = fc.constantFrom(...ENTITY_KINDS).chain((kind) => fc.tuple(fc.constant(kind), id).chain(([k, key]) => fc.tuple(fc.constant(k), fc.constant(key), entity(k, key, REFS))));

  it('takes generated and changed entities by id, and reads an accepted one back in canonical form', async () => {
    let accepted = 0;
    await fc.assert(fc.asyncProperty(entityAt, fc.option(mutation, { freq: 3 }), async ([kind, key, raw], change) => {
      const body = change === null ? raw : change(raw);
      const url = `/api/v1/registry/${kind}/${encodeURIComponent(key)}`;
      const put = await answered({ method: 'PUT', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      if (put.status !== 200) return;
      accepted++;
      const got = await answered({ method: 'GET', url });
      expect(got.status).toBe(200);
      const canonical = readEntity(kind, { ...(body as object), id: key }, kind);
      expect(canonical.problems).toEqual([]);
      expect(got.body).toEqual(JSON.parse(JSON.stringify(canonical.entity)));
    }), { numRuns: fuzzRuns(150) });
    // Not vacuous: a quarter of the entities are sent unchanged, most of those are accepted.
    expect(accepted).toBeGreaterThan(fuzzRuns(150) / 20);
  });

  it('answers documents, changed documents, CSV and any body with a 2xx or a worded 4xx', async () => {
    const csv = fc.tuple(fc.constantFrom(...ENTITY_KINDS), document).map(([kind, doc]) => ({ kind, text: toCsv(kind, (doc[kind] as object[] | undefined) ?? []) }));
    const request = fc.oneof(
      document.map((doc): InjectOptions => ({ method: 'PUT', url: '/api/v1/registry', payload: JSON.stringify(doc), headers: { 'content-type': 'application/json' } })),
      fc.tuple(document, mutation).map(([doc, m]): InjectOptions => ({ method: 'PUT', url: '/api/v1/registry', payload: JSON.stringify(m(doc)) ?? 'null', headers: { 'content-type': 'application/json' } })),
      fc.tuple(csv, fc.option(fc.tuple(fc.nat(), fc.constantFrom('"', ',', '\n', 'x', '{')), { nil: undefined })).map(([{ kind, text }, edit]): InjectOptions => ({
        method: 'PUT', url: `/api/v1/registry/csv/${kind}`, headers: { 'content-type': 'text/csv' },
        payload: edit === undefined ? text : text.slice(0, edit[0] % (text.length + 1)) + edit[1] + text.slice(edit[0] % (text.length + 1)),
      })),
      fc.tuple(fc.constantFrom('PUT', 'POST', 'GET', 'DELETE'), fc.constantFrom('/api/v1/registry', '/api/v1/registry/csv/zones', '/api/v1/registry/zones/Z-A',
        '/api/v1/registry/orders/O-1/statuses', '/api/v1/registry/placements/P-SA', '/api/v1/registry/nope/x', '/api/v1/registry/zones/%E0%A4%A'),
      fc.constantFrom('application/json', 'text/csv', 'text/plain', 'application/json; charset=utf-16'), fc.oneof(fc.json(), fc.string(), fc.constantFrom('', '{', 'null', '[]', '{"__proto__":{"x":1}}', '\uFEFF{}')))
        .map(([method, url, type, payload]): InjectOptions => ({ method, url, payload: method === 'GET' || method === 'DELETE' ? undefined : payload, headers: { 'content-type': type } })),
    );
    await fc.assert(fc.asyncProperty(request, async (req) => void await answered(req)), { numRuns: fuzzRuns(150) });
  });
});
