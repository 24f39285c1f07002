/**
 * The carrier event API's answers that fuzzing found wrong (issue #17, carrier-events.fuzz.test.ts), kept as plain
 * cases: the whole app on SQLite files (test/support/registry-app.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistryApp, type RegistryApp } from '../../../test/support/registry-app.js';

describe('carrier event API', () => {
  let world: RegistryApp;
  beforeAll(async () => {
    world = await openRegistryApp();
  });
  afterAll(() => world.close());

  it.each([
    ['a batch that is not JSON', '{'],
    ['an empty body', ''],
  ])('answers %s with a 400 saying why (its { code, message } failed the 400 schema: a 500)', async (_what, payload) => {
    const res = await world.app.inject({ method: 'POST', url: '/api/v1/carrier-events', payload, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ code: 'E_BAD_REQUEST', message: expect.stringMatching(/\S/) });
  });
});
