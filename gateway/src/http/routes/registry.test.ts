/**
 * The registry API's answers that fuzzing found wrong (issue #17, registry.fuzz.test.ts), kept as plain cases: the
 * whole app on SQLite files (test/support/registry-app.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistryApp, type RegistryApp } from '../../../test/support/registry-app.js';

describe('registry API', () => {
  let world: RegistryApp;
  beforeAll(async () => {
    world = await openRegistryApp();
  });
  afterAll(() => world.close());

  it('reads a place back with its kind, by id and in the list (a place was written out as a site)', async () => {
    const place = { id: 'a', name: '', kind: 'carrier_hub', geofence: { kind: 'circle', center: { lat: 0, lon: 0 }, radiusM: 0.5 } };
    expect((await world.app.inject({ method: 'PUT', url: '/api/v1/registry/places/a', payload: place })).statusCode).toBe(200);
    expect((await world.app.inject('/api/v1/registry/places/a')).json()).toEqual(place);
    expect((await world.app.inject('/api/v1/registry/places?limit=10')).json<{ items: unknown[] }>().items).toContainEqual(place);
  });

  it.each([
    ['CSV sent as JSON', 'PUT', '/api/v1/registry/csv/zones', 'application/json', '{}', 400],
    ['a body that is not JSON', 'PUT', '/api/v1/registry', 'application/json', '{', 400],
    ['an entity of a kind that does not exist', 'PUT', '/api/v1/registry/nope/x', 'application/json', '{}', 400],
    ['an order status that is not JSON', 'POST', '/api/v1/registry/orders/O-1/statuses', 'application/json', '[', 400],
    ['a document as XML', 'PUT', '/api/v1/registry', 'application/xml', '<registry/>', 415],
    ['a method the registry does not take', 'POST', '/api/v1/registry', 'application/json', 'false', 404],
  ])('answers %s with a worded refusal', async (_what, method, url, type, payload, status) => {
    // Each was a 500: a { code, message } refusal failed the route's 400 schema (problems required), and Fastify's
    // own client errors were answered as E_INTERNAL.
    const res = await world.app.inject({ method: method as 'PUT' | 'POST', url, payload, headers: { 'content-type': type } });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject({ code: status === 404 ? 'E_NOT_FOUND' : 'E_BAD_REQUEST', message: expect.stringMatching(/\S/) });
  });
});
