/**
 * The registry API (docs/registry.md): the whole registry as one document (import, export), CSV per kind, each
 * entity by id with its history, placements corrected or deleted, order statuses from the order hub, presets.
 * Who writes is the API key's name (with COLDTRACE_HTTP_AUTH=off the `X-Coldtrace-Actor` header), from where the
 * `X-Coldtrace-Source` header.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { Readable } from 'node:stream';
import { csvHeader, csvLine, csvRows, fromCsv } from '../../domain/registry/csv.js';
import { PRODUCT_PRESETS } from '../../domain/registry/presets.js';
import { ENTITY_KINDS, type EntityKind } from '../../domain/registry/types.js';
import { RegistryProblems, type Author } from '../../services/registry.js';
import type { AppDeps } from '../deps.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';
import { ApplyBody, ENTITY_BODIES, HistoryBody, ImportBody, OrderBody, OrderStatusBody, RefusalBody, RegistryDocumentBody } from '../registry-schemas.js';

/** Largest import accepted over HTTP, bytes (a 3PL's whole registry is a few hundred MB; use the CLI per kind above it). */
export const DEFAULT_IMPORT_BODY_LIMIT = 1024 * 1024 * 1024;

// Request bodies are read by the registry (every problem with its path); parameters and query strings by Ajv.
const ajv = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, strict: false });
const bodyByRegistry = {
  validatorCompiler: ({ schema, httpPart }: { schema: object; httpPart?: string }) => (httpPart === 'body' ? () => true : ajv.compile(schema)),
};

export function authorOf(req: FastifyRequest): Author {
  const h = (name: string): string | undefined => {
    const v = req.headers[name];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  // With API keys the key's name is who acted (a header could name anyone); without, the header says it.
  return { actor: req.principal?.name ?? h('x-coldtrace-actor') ?? 'anonymous', source: h('x-coldtrace-source') ?? 'api' };
}

/**
 * Entities are written out by their kind's schema: by the union of every kind's (which still documents the routes),
 * fast-json-stringify picks the first that matches, and a place matches the site's and lost its kind (#17).
 */
const LIST_BODIES: Record<EntityKind, TSchema> = Object.fromEntries(ENTITY_KINDS.map((k) => [k, Type.Object({ items: Type.Array(ENTITY_BODIES[k]) })])) as Record<string, TSchema>;
const asJson = (reply: FastifyReply, value: object, schema: TSchema): FastifyReply =>
  reply.type('application/json; charset=utf-8').send(reply.serializeInput(value as Record<string, unknown>, schema));

const KindParam = Type.Object({ kind: Type.Union(ENTITY_KINDS.map((k) => Type.Literal(k))) });
const KindIdParams = Type.Object({ kind: Type.Union(ENTITY_KINDS.map((k) => Type.Literal(k))), id: Type.String({ minLength: 1 }) });

export function registerRegistryRoutes(app: FastifyInstance, opts: { deps: AppDeps }): Promise<void> {
  const registry = opts.deps.registry;
  const importLimit = opts.deps.importBodyLimit ?? DEFAULT_IMPORT_BODY_LIMIT;
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: importLimit }, (_req, body, done) => done(null, body));

  app.get('/registry', {
    config: { access: 'read' },
    schema: { summary: 'The whole registry as one document', tags: ['registry'], response: { 200: RegistryDocumentBody } },
  }, (_req, reply) => reply.type('application/json; charset=utf-8').send(Readable.from(registry.exportJson())));

  app.put('/registry', {
    config: { access: 'admin' },
    ...bodyByRegistry, bodyLimit: importLimit,
    schema: { summary: 'Import a registry document: one transaction, idempotent by id; nothing is written when any row is refused', tags: ['registry'],
      body: ImportBody, response: { 200: ApplyBody, 400: RefusalBody } },
  }, async (req) => ({ applied: await registry.importDocument(req.body, authorOf(req)) }));

  app.get<{ Params: { kind: EntityKind } }>('/registry/csv/:kind', {
    config: { access: 'read' },
    schema: { summary: 'One kind of the registry as CSV (nested fields as JSON in their cell)', tags: ['registry'], params: KindParam,
      produces: ['text/csv'], response: { 200: Type.String() } },
  }, (req, reply) => {
    const { kind } = req.params;
    async function* lines(): AsyncGenerator<string> {
      yield csvHeader(kind);
      for await (const page of registry.entities(kind)) yield csvRows(kind, page);
    }
    return reply.type('text/csv; charset=utf-8').send(Readable.from(lines()));
  });

  app.put<{ Params: { kind: EntityKind }; Body: string }>('/registry/csv/:kind', {
    config: { access: 'admin' },
    ...bodyByRegistry, bodyLimit: importLimit,
    schema: { summary: 'Import one kind from CSV (same checks and transaction as a document)', tags: ['registry'], params: KindParam,
      consumes: ['text/csv'], body: Type.String(), response: { 200: ApplyBody, 400: RefusalBody } },
  }, async (req) => {
    const { kind } = req.params;
    if (typeof req.body !== 'string') throw new GatewayError('E_BAD_REQUEST', 'send the CSV with Content-Type: text/csv');
    const { rows, problems } = fromCsv(kind, req.body);
    if (problems.length > 0) throw new RegistryProblems(problems);
    try {
      return { applied: await registry.importDocument({ [kind]: rows }, authorOf(req)) };
    } catch (e) {
      if (!(e instanceof RegistryProblems)) throw e;
      const re = new RegExp(`^${kind}\\[(\\d+)\\]\\.?`);
      throw new RegistryProblems(e.problems.map((p) => {
        const m = re.exec(p.path);
        return m === null ? p : { path: `${kind}.csv line ${csvLine(Number(m[1]))}${p.path.length > m[0].length ? `, column ${p.path.slice(m[0].length)}` : ''}`, message: p.message };
      }));
    }
  });

  app.get<{ Params: { kind: EntityKind }; Querystring: { after?: string; limit: number } }>('/registry/:kind', {
    config: { access: 'read' },
    schema: { summary: 'Entities of one kind in id order (page with `after`)', tags: ['registry'], params: KindParam,
      querystring: Type.Object({ after: Type.Optional(Type.String()), limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }) }),
      response: { 200: Type.Object({ items: Type.Array(Type.Union(Object.values(ENTITY_BODIES))) }) } },
  }, async (req, reply) => {
    const items = await registry.list(req.params.kind, { limit: req.query.limit, ...(req.query.after !== undefined ? { after: req.query.after } : {}) });
    return asJson(reply, { items }, LIST_BODIES[req.params.kind]);
  });

  app.get<{ Params: { kind: EntityKind; id: string } }>('/registry/:kind/:id', {
    config: { access: 'read' },
    schema: { summary: 'One entity by id', tags: ['registry'], params: KindIdParams, response: { 200: Type.Union(Object.values(ENTITY_BODIES)), 404: ErrorBody } },
  }, async (req, reply) => {
    const e = await registry.get(req.params.kind, req.params.id);
    if (e === undefined) throw new GatewayError('E_NOT_FOUND', `no ${req.params.kind} entity '${req.params.id}'`);
    return asJson(reply, e, ENTITY_BODIES[req.params.kind]);
  });

  app.put<{ Params: { kind: EntityKind; id: string }; Body: unknown }>('/registry/:kind/:id', {
    config: { access: 'admin' },
    ...bodyByRegistry,
    schema: { summary: 'Create or correct one entity (a correction keeps the history: what, who, when, from where)', tags: ['registry'], params: KindIdParams,
      body: Type.Union(Object.values(ENTITY_BODIES)), response: { 200: ApplyBody, 400: RefusalBody } },
  }, async (req) => {
    const body = req.body as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RegistryProblems([{ path: '', message: 'must be a JSON object' }]);
    if (body.id !== undefined && body.id !== req.params.id) throw new RegistryProblems([{ path: 'id', message: `must be '${req.params.id}' as in the path, or absent` }]);
    return { applied: await registry.put(req.params.kind, { ...body, id: req.params.id }, authorOf(req)) };
  });

  app.get<{ Params: { kind: EntityKind; id: string } }>('/registry/:kind/:id/history', {
    config: { access: 'read' },
    schema: { summary: 'How an entity was created and corrected, oldest first', tags: ['registry'], params: KindIdParams, response: { 200: HistoryBody } },
  }, async (req) => ({ entries: await registry.history(req.params.kind, req.params.id) }));

  app.delete<{ Params: { id: string } }>('/registry/placements/:id', {
    config: { access: 'admin' },
    schema: { summary: 'Delete a placement recorded by mistake (its history keeps it); to end one, PUT it with `to`', tags: ['registry'],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }), response: { 204: Type.Null(), 404: ErrorBody } },
  }, async (req, reply) => {
    if (!await registry.deletePlacement(req.params.id, authorOf(req))) throw new GatewayError('E_NOT_FOUND', `no placement '${req.params.id}'`);
    return reply.status(204).send();
  });

  app.post<{ Params: { id: string }; Body: unknown }>('/registry/orders/:id/statuses', {
    config: { access: 'integrate' },
    ...bodyByRegistry,
    schema: { summary: "An order status from the order hub (one of its seven states); a repeat changes nothing", tags: ['registry'],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }), body: OrderStatusBody, response: { 200: OrderBody, 400: RefusalBody, 404: ErrorBody } },
  }, async (req) => {
    const order = await registry.appendStatus(req.params.id, req.body, authorOf(req));
    if (order === undefined) throw new GatewayError('E_NOT_FOUND', `no order '${req.params.id}'`);
    return order;
  });

  app.get('/product-presets', {
    config: { access: 'read' },
    schema: { summary: 'Product profiles ready to pick (name one as `preset` in a product)', tags: ['registry'],
      response: { 200: Type.Object({ presets: Type.Array(Type.Object({ preset: Type.String(), description: Type.String(), profile: Type.Unknown() })) }) } },
  }, () => ({ presets: PRODUCT_PRESETS }));
  return Promise.resolve();
}
