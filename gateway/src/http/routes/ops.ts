/** Operations endpoints: health and Prometheus metrics. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';

export function registerOpsRoutes(app: FastifyInstance, opts: { deps: AppDeps }): Promise<void> {
  const { deps } = opts;
  const Report = Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) })) });
  // Answered from state kept in memory: a check never waits on the thing it checks (a full disk, a stalled store).
  const ready = (_req: unknown, reply: FastifyReply): FastifyReply => {
    const h = deps.health();
    return reply.status(h.status === 'ok' ? 200 : 503).send(h);
  };
  app.get('/health', { config: { access: 'public' }, schema: { summary: 'Readiness (as /health/ready), with every check and the reason of each failed one', tags: ['ops'], response: { 200: Report, 503: Report } } }, ready);
  app.get('/health/ready', {
    config: { access: 'public' },
    schema: { summary: 'Readiness: 503 while the gateway cannot take data in (store commits failing, broker connections down ...), with the reasons', tags: ['ops'], response: { 200: Report, 503: Report } },
  }, ready);
  app.get('/health/live', {
    config: { access: 'public' },
    schema: { summary: 'Liveness: 200 while the process answers at all. A failed dependency shows in readiness; restarting would not cure it', tags: ['ops'], response: { 200: Type.Object({ status: Type.String() }) } },
  }, () => ({ status: 'ok' }));
  app.get('/metrics', { config: { access: 'read' }, schema: { summary: 'Prometheus metrics', tags: ['ops'] } }, async (_req, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
  return Promise.resolve();
}
