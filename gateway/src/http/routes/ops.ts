/** Operations endpoints: health and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';

export function registerOpsRoutes(app: FastifyInstance, opts: { deps: AppDeps }): Promise<void> {
  const { deps } = opts;
  app.get('/health', {
    schema: {
      summary: 'Liveness and readiness', tags: ['ops'],
      response: {
        200: Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) })) }),
        503: Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) })) }),
      },
    },
  }, (_req, reply) => {
    const h = deps.health();
    return reply.status(h.status === 'ok' ? 200 : 503).send(h);
  });
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['ops'] } }, async (_req, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
  return Promise.resolve();
}
