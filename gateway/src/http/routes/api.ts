/** The data API: readings, devices and nodes, status history, quarantine (with replay). */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { RejectCode } from '../../domain/reject-codes.js';
import { REJECT_CODES } from '../../domain/reject-codes.js';
import type { QuarantineEntry } from '../../ports/quarantine.js';
import type { AppDeps } from '../deps.js';
import { GatewayError } from '../errors.js';
import { ReadingsQuery, registerReadingsRoute } from './readings.js';
import { DeviceBody, ErrorBody, NodeBody, QuarantineBody, RollupBody, StatusEventBody } from '../schemas.js';

const QuarantineQuery = Type.Object({
  code: Type.Optional(Type.Union(Object.keys(REJECT_CODES).map((c) => Type.Literal(c)))),
  device: Type.Optional(Type.String()),
  before: Type.Optional(Type.Integer({ description: 'Only entries with a smaller id (paging)' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export function registerApiRoutes(app: FastifyInstance, opts: { deps: AppDeps }): Promise<void> {
  const { deps } = opts;
  registerReadingsRoute(app, { store: deps.store });
  app.get<{ Querystring: Static<typeof ReadingsQuery> }>('/rollups', {
    config: { access: 'read' },
    schema: { summary: 'Hourly min/max/mean/count of one device (readings past raw retention live on here)', tags: ['data'], querystring: ReadingsQuery,
      response: { 200: Type.Object({ rollups: Type.Array(RollupBody) }), 400: ErrorBody, 404: ErrorBody } },
  }, (req) => {
    if (deps.rollups === undefined) throw new GatewayError('E_NOT_FOUND', 'rollups are kept by the embedded store only; query the time-series database directly');
    const to = req.query.to ?? Date.now() + 3_600_000;
    const from = req.query.from ?? to - 30 * 86_400_000;
    if (from >= to) throw new GatewayError('E_BAD_REQUEST', '`from` must be before `to`');
    return { rollups: deps.rollups.rollups({ device: req.query.device, from, to, limit: req.query.limit, ...(req.query.metric !== undefined ? { metric: req.query.metric } : {}) }) };
  });
  app.get('/devices', {
    config: { access: 'read' },
    schema: { summary: 'Every device seen since start, with its latest readings and health', tags: ['data'],
      response: { 200: Type.Object({ devices: Type.Array(DeviceBody), nodes: Type.Array(NodeBody) }) } },
  }, () => ({ devices: deps.live.listDevices(), nodes: deps.live.listNodes() }));
  app.get<{ Querystring: { device?: string; node?: string; limit: number } }>('/status-events', {
    config: { access: 'read' },
    schema: { summary: 'Node and device status history (birth, death, stale, error), newest first', tags: ['data'],
      querystring: Type.Object({ device: Type.Optional(Type.String()), node: Type.Optional(Type.String()), limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }),
      response: { 200: Type.Object({ events: Type.Array(StatusEventBody) }) } },
  }, async (req) => ({ events: await deps.statusLog.list(req.query) }));
  app.get<{ Querystring: Static<typeof QuarantineQuery> }>('/quarantine', {
    config: { access: 'read' },
    schema: { summary: 'Refused messages, newest first, with counts by reason code', tags: ['quarantine'], querystring: QuarantineQuery,
      response: { 200: Type.Object({ entries: Type.Array(QuarantineBody), counts: Type.Record(Type.String(), Type.Integer()) }) } },
  }, async (req) => {
    const entries = await deps.quarantine.list({
      limit: req.query.limit, ...(req.query.code !== undefined ? { code: req.query.code as RejectCode } : {}),
      ...(req.query.device !== undefined ? { device: req.query.device } : {}), ...(req.query.before !== undefined ? { beforeId: req.query.before } : {}),
    });
    return { entries: entries.map(toBody), counts: await deps.quarantine.countsByCode() };
  });
  app.get<{ Params: Static<typeof IdParams> }>('/quarantine/:id', {
    config: { access: 'read' },
    schema: { summary: 'One refused message', tags: ['quarantine'], params: IdParams, response: { 200: QuarantineBody, 404: ErrorBody } },
  }, async (req) => {
    const e = await deps.quarantine.get(req.params.id);
    if (e === undefined) throw new GatewayError('E_NOT_FOUND', `no quarantine entry ${req.params.id}`);
    return toBody(e);
  });
  app.post<{ Params: Static<typeof IdParams> }>('/quarantine/:id/replay', {
    config: { access: 'operate' },
    schema: { summary: 'Run a refused message through ingest again (after a fix); returns the new outcome. Refused again, the attempt is added to this entry (no new entry)', tags: ['quarantine'], params: IdParams,
      response: { 200: Type.Object({ outcome: Type.String(), readings: Type.Optional(Type.Integer()), quarantineId: Type.Optional(Type.Integer()), code: Type.Optional(Type.String()), detail: Type.Optional(Type.String()) }), 404: ErrorBody } },
  }, async (req) => {
    const outcome = await deps.ingest.replay(req.params.id);
    if (outcome === undefined) throw new GatewayError('E_NOT_FOUND', `no quarantine entry ${req.params.id}`);
    switch (outcome.kind) {
      case 'stored': return { outcome: 'stored', readings: outcome.readings };
      case 'status': return { outcome: 'status' };
      case 'quarantined': return { outcome: 'quarantined', quarantineId: outcome.id, code: outcome.code, detail: outcome.detail };
    }
  });
  return Promise.resolve();
}

function toBody(e: QuarantineEntry): Static<typeof QuarantineBody> {
  return {
    id: e.id, receivedAt: e.receivedAt, topic: e.topic, clientId: e.clientId, device: e.device, code: e.code, detail: e.detail,
    size: e.size, payload: e.payload.toString('utf8'), payloadBase64: e.payload.toString('base64'),
    replayedAt: e.replayedAt, replayResult: e.replayResult, replays: [...e.replays],
  };
}
