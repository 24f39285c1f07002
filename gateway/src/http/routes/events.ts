/** Events to the order hub (docs/events.md): dead letters, their retry, delivery counts per webhook target. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { EventDelivery } from '../../services/event-delivery.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';

export interface EventRouteDeps {
  readonly delivery: Pick<EventDelivery, 'deadLetters' | 'retryDeadLetter' | 'stats'>;
}

const DeadLetterBody = Type.Object({
  id: Type.String({ description: 'The idempotency key of the event' }),
  target: Type.String({ description: 'The webhook target' }),
  type: Type.String({ description: 'flag.raised, flag.updated ...' }),
  flag: Type.String({ description: 'The flag (the ordering key)' }),
  attempts: Type.Integer(),
  enqueuedAt: Type.String({ format: 'date-time' }),
  deadAt: Type.String({ format: 'date-time' }),
  answer: Type.Object({
    status: Type.Optional(Type.Integer({ description: "The receiver's HTTP status; absent when there was no HTTP answer" })),
    body: Type.String({ description: "The receiver's answer (its first 4 KiB), or why there was none" }),
  }),
  event: Type.Unknown({ description: 'The event as it was sent' }),
});

const StatsBody = Type.Object({
  target: Type.String(),
  pending: Type.Integer({ description: 'Waiting for delivery or retrying' }),
  delivered: Type.Integer({ description: 'Delivered and still kept (delivered rows are pruned after a week)' }),
  deadLettered: Type.Integer(),
  dropped: Type.Integer({ description: 'Refused since start: the target had its cap of pending events' }),
  inFlight: Type.Integer(),
  configured: Type.Boolean({ description: 'false: left in the outbox by an earlier configuration' }),
  oldestPendingAt: Type.Optional(Type.String({ format: 'date-time' })),
  lastError: Type.Optional(Type.String({ description: 'The last failure of a pending event' })),
});

const DeadLettersQuery = Type.Object({
  target: Type.Optional(Type.String({ minLength: 1 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});

export function registerEventRoutes(app: FastifyInstance, opts: { deps: EventRouteDeps }): Promise<void> {
  const { delivery } = opts.deps;

  app.get<{ Querystring: Static<typeof DeadLettersQuery> }>('/events/dead-letters', {
    config: { access: 'read' },
    schema: { summary: 'Events a webhook refused (4xx), most recent first, with its answer', tags: ['events'], querystring: DeadLettersQuery,
      response: { 200: Type.Object({ deadLetters: Type.Array(DeadLetterBody) }) } },
  }, async (req) => {
    const rows = await delivery.deadLetters(req.query.limit, req.query.target);
    return {
      deadLetters: rows.map((d) => ({
        id: d.id, target: d.target, type: d.type, flag: d.orderingKey, attempts: d.attempts,
        enqueuedAt: new Date(d.enqueuedAt).toISOString(), deadAt: new Date(d.deadAt).toISOString(), answer: d.answer, event: parse(d.body),
      })),
    };
  });

  app.post<{ Params: { id: string }; Body: { target: string } }>('/events/dead-letters/:id/retry', {
    config: { access: 'operate' },
    schema: { summary: 'Send a dead letter again (it is due at once, its attempts counted afresh)', tags: ['events'],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      body: Type.Object({ target: Type.String({ minLength: 1, description: 'The webhook target it was refused by' }) }),
      response: { 200: Type.Object({ id: Type.String(), target: Type.String(), retried: Type.Boolean() }), 404: ErrorBody } },
  }, async (req) => {
    if (!await delivery.retryDeadLetter(req.params.id, req.body.target)) throw new GatewayError('E_NOT_FOUND', `no dead letter '${req.params.id}' for target '${req.body.target}'`);
    return { id: req.params.id, target: req.body.target, retried: true };
  });

  app.get('/events/stats', {
    config: { access: 'read' },
    schema: { summary: 'Events per webhook target: pending, delivered, dead-lettered, dropped', tags: ['events'],
      response: { 200: Type.Object({ targets: Type.Array(StatsBody) }) } },
  }, async () => ({
    targets: (await delivery.stats()).map(({ oldestPendingAt, ...s }) => ({ ...s, ...(oldestPendingAt !== undefined ? { oldestPendingAt: new Date(oldestPendingAt).toISOString() } : {}) })),
  }));
  return Promise.resolve();
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
