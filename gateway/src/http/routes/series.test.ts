import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { SqliteTelemetryStore } from '../../adapters/sqlite/telemetry-store.js';
import { H, H0, r } from '../../../test/support/hour-readings.js';
import { GatewayError } from '../errors.js';
import { registerSeriesRoutes } from './series.js';
import { SeriesTooLargeError } from '../../adapters/paged-series.js';

describe('GET /api/v1/series', () => {
  const store = SqliteTelemetryStore.open(':memory:');
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    // The app's error handler (app.ts) maps these the same way.
    app.setErrorHandler((err: unknown, _req, reply) => {
      if (err instanceof GatewayError) return reply.status(err.statusCode).send({ code: err.code, message: err.message });
      return reply.status(400).send({ code: 'E_BAD_REQUEST', message: (err as Error).message });
    });
    await app.register(registerSeriesRoutes, { prefix: '/api/v1', deps: { store, clock: { now: () => H0 + 2 * H } } });
    store.writeSync([r(0, 4), r(60_000, 4.2), r(61_000, 19), r(120_000, 4.1), r(H + 5, 3)]);
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('answers buckets with min, max, mean and count; empty buckets are absent', async () => {
    const res = await app.inject(`/api/v1/series?device=d1&metric=temperature&from=${H0}&to=${H0 + 2 * H}&step=60000`);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ step: number; mean: string; buckets: { start: number; min: number; max: number; count: number; mean: number }[] }>();
    expect(body.step).toBe(60_000);
    expect(body.mean).toBe('arithmetic');
    expect(body.buckets.map((b) => [b.start - H0, b.count, b.min, b.max])).toEqual([[0, 1, 4, 4], [60_000, 2, 4.2, 19], [120_000, 1, 4.1, 4.1], [H, 1, 3, 3]]);
    expect(body.buckets[1]!.mean).toBeCloseTo(11.6, 9);
  });

  it('derives the step from `buckets` and defaults to the last 24 h', async () => {
    const res = await app.inject('/api/v1/series?device=d1&metric=temperature&buckets=24');
    expect(res.json<{ from: number; to: number; step: number }>()).toMatchObject({ from: H0 - 22 * H, to: H0 + 2 * H, step: H });
  });

  it('answers 400 when a remote store refuses a range as too large to fold', async () => {
    const remote = Fastify();
    remote.setErrorHandler((err: unknown, _req, reply) => reply.status(err instanceof GatewayError ? err.statusCode : 500).send({ code: (err as GatewayError).code, message: (err as Error).message }));
    await remote.register(registerSeriesRoutes, { prefix: '/api/v1', deps: { store: { series: () => Promise.reject(new SeriesTooLargeError('too many')) }, clock: { now: () => H0 } } });
    const res = await remote.inject('/api/v1/series?device=d1&metric=temperature');
    await remote.close();
    expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([400, 'E_BAD_REQUEST']);
  });

  it.each([
    ['from after to', `from=${H0 + H}&to=${H0}`],
    ['too many buckets', `from=${H0}&to=${H0 + H}&step=1`],
    ['too many buckets asked', `from=${H0}&to=${H0 + H}&buckets=5000`],
    ['a range over 400 days', `from=0&to=${H0}&step=${86_400_000}`],
    ['no metric', 'device=d1'],
  ])('refuses %s with 400', async (_name, qs) => {
    const res = await app.inject(`/api/v1/series?${qs.startsWith('device') ? qs : `device=d1&metric=temperature&${qs}`}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ code: string }>().code).toBe('E_BAD_REQUEST');
  });
});
