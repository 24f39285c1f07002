/** The HTTP audit log (admin; docs/security.md "HTTP access"): newest first, in pages, filtered. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AuditLog } from '../../ports/access-audit.js';

const Outcome = Type.Union([Type.Literal('ok'), Type.Literal('failed'), Type.Literal('unauthenticated'), Type.Literal('forbidden')]);

const AuditQuery = Type.Object({
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'Entries older than this id: the previous page\'s `next`' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  key: Type.Optional(Type.String({ description: 'Key id (`bootstrap`: COLDTRACE_ADMIN_KEY)' })),
  method: Type.Optional(Type.Union(['POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'HEAD'].map((m) => Type.Literal(m)))),
  route: Type.Optional(Type.String({ description: 'Route pattern prefix, e.g. /api/v1/registry' })),
  outcome: Type.Optional(Outcome),
  from: Type.Optional(Type.Integer({ description: 'ms since the epoch, inclusive' })),
  to: Type.Optional(Type.Integer({ description: 'ms since the epoch, exclusive' })),
});

const Entry = Type.Object({
  id: Type.Integer(), at: Type.Integer({ description: 'ms since the epoch' }),
  keyId: Type.Optional(Type.String()), keyName: Type.Optional(Type.String()), role: Type.Optional(Type.String()),
  method: Type.String(), route: Type.String(), params: Type.Record(Type.String(), Type.String()),
  status: Type.Integer(), outcome: Outcome, reason: Type.Optional(Type.String({ description: 'Why it was refused' })),
  before: Type.Optional(Type.Unknown({ description: 'The entity before the call (registry entities, flags)' })),
  after: Type.Optional(Type.Unknown({ description: 'The entity after the call' })),
  ip: Type.String(),
});

export function registerAuditRoutes(app: FastifyInstance, opts: { deps: { audit: AuditLog } }): Promise<void> {
  app.get<{ Querystring: Static<typeof AuditQuery> }>('/audit', {
    config: { access: 'admin' },
    schema: { summary: 'Calls that changed something and refused calls, newest first; `next` pages on', tags: ['access'], security: [{ bearer: [] }],
      querystring: AuditQuery, response: { 200: Type.Object({ entries: Type.Array(Entry), next: Type.Optional(Type.Integer()) }) } },
  }, async (req) => {
    const q = req.query;
    const entries = await opts.deps.audit.list({
      limit: q.limit, ...(q.before !== undefined ? { before: q.before } : {}), ...(q.key !== undefined ? { keyId: q.key } : {}),
      ...(q.method !== undefined ? { method: q.method } : {}), ...(q.route !== undefined ? { route: q.route } : {}),
      ...(q.outcome !== undefined ? { outcome: q.outcome } : {}), ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}),
    });
    const last = entries.at(-1);
    return { entries, ...(entries.length === q.limit && last !== undefined ? { next: last.id } : {}) };
  });
  return Promise.resolve();
}
