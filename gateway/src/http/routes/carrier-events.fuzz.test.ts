/**
 * Fuzzing the carrier event API through the whole app (issue #17), on SQLite files: random batches, changed batches
 * and bodies get a 2xx or a worded 4xx, never a 5xx; an accepted batch's events are found by their tracking number,
 * and the same batch sent again is all duplicates. COLDTRACE_FUZZ=<factor> multiplies the runs (docs/engineering.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { carrierBatch, fuzzRuns, mutation } from '../../../test/support/registry-arbitraries.js';
import { expectAnswered, openRegistryApp, type Answer, type RegistryApp } from '../../../test/support/registry-app.js';

interface Accepted { new: number; duplicates: number; events: { carrier: string; trackingNumber: string; time: string; code: string; status: string }[] }

describe('carrier event API under fuzzing', () => {
  let world: RegistryApp;
  beforeAll(async () => {
    world = await openRegistryApp();
  });
  afterAll(() => world.close());
  const post = (payload: string, type = 'application/json'): Promise<Answer> =>
    expectAnswered(world.app, { method: 'POST', url: '/api/v1/carrier-events', payload, headers: { 'content-type': type } });

  it('stores generated batches once, finds their events by tracking number, and counts a resend as duplicates', async () => {
    let accepted = 0;
    await fc.assert(fc.asyncProperty(carrierBatch, async (batch) => {
      const first = await post(JSON.stringify(batch));
      if (first.status !== 200) return;
      accepted++;
      const answer = first.body as Accepted;
      expect(answer.events).toHaveLength((batch['events'] as unknown[]).length);
      for (const e of answer.events) {
        const q = new URLSearchParams({ carrier: e.carrier, trackingNumber: e.trackingNumber });
        const found = await expectAnswered(world.app, { method: 'GET', url: `/api/v1/carrier-events?${q.toString()}` } as InjectOptions);
        expect((found.body as { events: { time: string; code: string }[] }).events).toContainEqual(expect.objectContaining({ time: e.time, code: e.code }));
      }
      const again = (await post(JSON.stringify(batch))).body as Accepted;
      expect(again.new).toBe(0);
      expect(again.duplicates).toBe(answer.events.length);
    }), { numRuns: fuzzRuns(100) });
    expect(accepted).toBeGreaterThan(fuzzRuns(100) / 2);
  });

  it('answers changed batches and any body with a 2xx or a worded 4xx', async () => {
    const body = fc.oneof(
      fc.tuple(carrierBatch, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([b, ms]) => JSON.stringify(ms.reduce<unknown>((v, m) => m(v), b)) ?? 'null'),
      fc.json(), fc.string(), fc.constantFrom('', '{', '[]', '{"events":[]}', '{"events":null}', '{"__proto__":{"events":[1]}}'),
    );
    await fc.assert(fc.asyncProperty(body, fc.constantFrom('application/json', 'text/plain'), async (payload, type) => void await post(payload, type)), { numRuns: fuzzRuns(200) });
  });
});
