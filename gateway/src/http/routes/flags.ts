/** Flags: listed and filtered, one by id with its history, moved along their lifecycle; rules run on demand. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { FlagState, SubjectKind } from '../../domain/flags/types.js';
import { FlagTransitionError } from '../../ports/flags.js';
import type { AppDeps } from '../deps.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';
import { FlagBody } from '../flag-schemas.js';
import { authorOf } from './registry.js';

const ACTIONS = { acknowledge: 'acknowledged', resolve: 'resolved', reopen: 'open' } as const satisfies Record<string, FlagState>;

export function registerFlagRoutes(app: FastifyInstance, opts: { deps: AppDeps }): Promise<void> {
  const { flags, rules, clock } = opts.deps;

  app.get<{ Querystring: { order?: string; subject?: string; state?: FlagState; active?: boolean; withdrawn?: boolean; rule?: string; limit: number } }>('/flags', {
    config: { access: 'read' },
    schema: { summary: 'Flags, most recently changed first; withdrawn ones only when asked for', tags: ['flags'],
      querystring: Type.Object({
        order: Type.Optional(Type.String({ description: 'Flags on this order' })),
        subject: Type.Optional(Type.String({ pattern: '^(batch|shipment|device|zone|carrier|lane|hub):.+', description: 'kind:id, e.g. batch:VAX-2610' })),
        state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('resolved')])),
        active: Type.Optional(Type.Boolean({ description: 'true: the condition still holds; false: cleared' })),
        withdrawn: Type.Optional(Type.Boolean({ description: 'include flags the data no longer shows' })),
        rule: Type.Optional(Type.String({ description: 'rule key prefix: excursion/, mkt/, shelf-life/' })),
        limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
      }),
      response: { 200: Type.Object({ flags: Type.Array(FlagBody) }) } },
  }, async (req) => {
    const q = req.query;
    const subject = q.subject === undefined ? undefined : { kind: q.subject.slice(0, q.subject.indexOf(':')) as SubjectKind, id: q.subject.slice(q.subject.indexOf(':') + 1) };
    return { flags: await flags.list({ limit: q.limit, ...(q.order !== undefined ? { order: q.order } : {}), ...(subject !== undefined ? { subject } : {}),
      ...(q.state !== undefined ? { state: q.state } : {}), ...(q.active !== undefined ? { active: q.active } : {}),
      ...(q.withdrawn !== undefined ? { withdrawn: q.withdrawn } : {}), ...(q.rule !== undefined ? { rule: q.rule } : {}) }) };
  });

  app.get<{ Params: { id: string } }>('/flags/:id', {
    config: { access: 'read' },
    schema: { summary: 'One flag with its history (id: rule@kind:subject, URL-encoded)', tags: ['flags'], params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      response: { 200: FlagBody, 404: ErrorBody } },
  }, async (req) => {
    const f = await flags.get(req.params.id);
    if (f === undefined) throw new GatewayError('E_NOT_FOUND', `no flag '${req.params.id}'`);
    return f;
  });

  app.post<{ Params: { id: string; action: keyof typeof ACTIONS }; Body: { comment?: string } | undefined }>('/flags/:id/:action', {
    config: { access: 'operate' },
    schema: { summary: 'Acknowledge, resolve or reopen a flag (who: X-Coldtrace-Actor), with a comment kept in its history', tags: ['flags'],
      params: Type.Object({ id: Type.String({ minLength: 1 }), action: Type.Union(Object.keys(ACTIONS).map((a) => Type.Literal(a))) }),
      body: Type.Optional(Type.Object({ comment: Type.Optional(Type.String({ maxLength: 4000 })) })),
      response: { 200: FlagBody, 404: ErrorBody, 409: ErrorBody } },
  }, async (req, reply) => {
    try {
      const f = await flags.transition(req.params.id, ACTIONS[req.params.action], authorOf(req).actor, req.body?.comment, clock.now());
      if (f === undefined) throw new GatewayError('E_NOT_FOUND', `no flag '${req.params.id}'`);
      return f;
    } catch (e) {
      if (e instanceof FlagTransitionError) return reply.status(409).send({ code: 'E_CONFLICT', message: e.message });
      throw e;
    }
  });

  app.post<{ Body: { batches: string[]; dryRun?: boolean; at?: number } }>('/rules/evaluate', {
    config: { access: 'operate' },
    schema: { summary: 'Judge batches again now; with dryRun, only say what the rules find (what would the new limits have flagged?)', tags: ['flags'],
      body: Type.Object({
        batches: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 10_000 }),
        dryRun: Type.Optional(Type.Boolean({ description: 'return the findings, write no flag' })),
        at: Type.Optional(Type.Integer({ description: 'dryRun only: evaluation time, ms (default now)' })),
      }),
      response: { 200: Type.Object({
        changed: Type.Array(Type.Object({ flag: Type.String(), events: Type.Array(Type.String()) })),
        findings: Type.Optional(Type.Array(Type.Omit(FlagBody, ['id', 'state', 'withdrawn', 'raisedAt', 'updatedAt', 'events']))),
      }), 400: ErrorBody } },
  }, async (req) => {
    const { batches, dryRun, at } = req.body;
    if (dryRun === true) {
      const findings = [];
      for (const b of batches) findings.push(...await rules.findings(b, at ?? clock.now()));
      return { changed: [], findings };
    }
    if (at !== undefined) throw new GatewayError('E_BAD_REQUEST', '`at` needs dryRun: flags are written at the evaluation time only');
    const changes = await rules.judgeNow(batches.map((b) => `batch:${b}`));
    return { changed: changes.map((c) => ({ flag: c.flag.id, events: [...c.events] })) };
  });
  return Promise.resolve();
}
