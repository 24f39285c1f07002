/**
 * GET /api/v1/readings (issue #16, fast queries): the store's answer as columns, written as JSON or NDJSON text
 * piece by piece (readings-text.ts) instead of an object per reading handed to the schema serialiser.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { readingsToColumns } from '../../domain/reading-columns.js';
import type { TelemetryStore } from '../../ports/telemetry-store.js';
import { GatewayError } from '../errors.js';
import { readingsJson, readingsNdjson } from '../readings-text.js';
import { ErrorBody, ReadingBody } from '../schemas.js';

export const ReadingsQuery = Type.Object({
  device: Type.String({ minLength: 1 }),
  metric: Type.Optional(Type.String({ minLength: 1 })),
  from: Type.Optional(Type.Integer({ description: 'Device time from (inclusive), ms. Default: 24 h before `to`' })),
  to: Type.Optional(Type.Integer({ description: 'Device time to (exclusive), ms. Default: now + 1 h' })),
  limit: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
});

/** The one-reading-per-line answer, asked for with `Accept: application/x-ndjson`. */
export const NDJSON = 'application/x-ndjson';

export function registerReadingsRoute(app: FastifyInstance, deps: { store: Pick<TelemetryStore, 'query' | 'queryColumns'> }): void {
  app.get<{ Querystring: Static<typeof ReadingsQuery> }>('/readings', {
    config: { access: 'read' },
    schema: { summary: 'Readings of one device in a device-time range, oldest first', tags: ['data'], querystring: ReadingsQuery,
      description: 'JSON by default; one reading per line with `Accept: application/x-ndjson`. Written from the store\'s columns, no object per reading (docs/performance.md "Readings through HTTP").',
      response: { 200: { description: 'The readings', content: { 'application/json': { schema: Type.Object({ readings: Type.Array(ReadingBody) }) }, [NDJSON]: { schema: ReadingBody } } }, 400: ErrorBody } },
  }, async (req, reply) => {
    const to = req.query.to ?? Date.now() + 3_600_000;
    const from = req.query.from ?? to - 25 * 3_600_000;
    if (from >= to) throw new GatewayError('E_BAD_REQUEST', '`from` must be before `to`');
    const q = { device: req.query.device, from, to, limit: req.query.limit, ...(req.query.metric !== undefined ? { metric: req.query.metric } : {}) };
    const columns = deps.store.queryColumns !== undefined ? await deps.store.queryColumns(q) : readingsToColumns(await deps.store.query(q));
    const ndjson = req.headers.accept?.includes(NDJSON) === true;
    return reply.type(ndjson ? NDJSON : 'application/json; charset=utf-8').send(Readable.from(ndjson ? readingsNdjson(columns) : readingsJson(columns)));
  });
}
