/**
 * Weather and disruption alerts (CAP 1.2; docs/claims.md, "Weather and disruption alerts"): a document in (the
 * body as received: XML, read by the domain, never by a JSON parser), the alerts in force, the documents refused.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { MAX_CAP_BYTES } from '../../domain/alerts/cap.js';
import type { Clock } from '../../ports/clock.js';
import type { StoredCapAlert } from '../../ports/alerts.js';
import type { WeatherAlertService } from '../../services/weather-alerts.js';

export interface AlertRouteDeps {
  readonly alerts: Pick<WeatherAlertService, 'ingest' | 'active' | 'refused'>;
  readonly clock: Clock;
}

const CAP_MEDIA_TYPES = ['application/cap+xml', 'application/xml', 'text/xml'];

const Point = Type.Object({ lat: Type.Number(), lon: Type.Number() });
const AlertBody = Type.Object({
  key: Type.String({ description: 'sender,identifier,sent: what Updates and Cancels refer to it by' }),
  identifier: Type.String(), sender: Type.String(), sent: Type.String(), msgType: Type.String(), status: Type.String(),
  source: Type.String({ description: '`http`, or `poll:<url>`' }), receivedMs: Type.Integer(),
  endedMs: Type.Optional(Type.Integer({ description: 'When an Update replaced it or a Cancel ended it, ms' })), endedBy: Type.Optional(Type.String()),
  infos: Type.Array(Type.Object({
    event: Type.String(), severity: Type.String(), urgency: Type.String(), certainty: Type.String(), headline: Type.Optional(Type.String()),
    onsetMs: Type.Optional(Type.Integer()), effectiveMs: Type.Optional(Type.Integer()), expiresMs: Type.Optional(Type.Integer()),
    areas: Type.Array(Type.Object({
      areaDesc: Type.String(), polygons: Type.Array(Type.Array(Point)), circles: Type.Array(Type.Object({ center: Point, radiusKm: Type.Number() })),
    })),
  })),
});
const Accepted = Type.Object({
  accepted: Type.Literal(true), outcome: Type.Union([Type.Literal('stored'), Type.Literal('duplicate')]), key: Type.String(),
  ended: Type.Array(Type.String(), { description: 'Alerts this Update or Cancel ended' }),
});
const Refused = Type.Object({
  accepted: Type.Literal(false), id: Type.Integer({ description: 'The refused document, kept: GET /alerts/refused' }),
  code: Type.String({ description: 'E_CAP_DTD, E_CAP_MALFORMED, E_CAP_NOT_CAP, E_CAP_INVALID, E_CAP_TOO_LARGE' }), reason: Type.String(),
});

function view(s: StoredCapAlert) {
  const a = s.alert;
  return {
    key: s.key, identifier: a.identifier, sender: a.sender, sent: a.sent, msgType: a.msgType, status: a.status, source: s.source, receivedMs: s.receivedMs,
    ...(s.endedMs !== undefined ? { endedMs: s.endedMs } : {}), ...(s.endedBy !== undefined ? { endedBy: s.endedBy } : {}), infos: a.infos,
  };
}

export function registerAlertRoutes(app: FastifyInstance, opts: { deps: AlertRouteDeps }): Promise<void> {
  const { alerts, clock } = opts.deps;
  // The body stays bytes until the domain reads it: its size as received is what the limit is about.
  app.addContentTypeParser(CAP_MEDIA_TYPES, { parseAs: 'buffer', bodyLimit: MAX_CAP_BYTES + 1 }, (_req, body, done) => done(null, body));

  app.post<{ Body: Buffer }>('/alerts', {
    config: { access: 'integrate' },
    // The body schema is for OpenAPI: the bytes are read by the domain (domain/alerts/cap.ts), not by a validator.
    validatorCompiler: () => () => true,
    schema: {
      summary: 'A CAP 1.2 alert (Alert, Update or Cancel) as XML (application/cap+xml, application/xml or text/xml); a file is imported the same way. Refused documents are kept with their reason',
      tags: ['alerts'], consumes: CAP_MEDIA_TYPES, body: Type.String({ description: 'A CAP 1.2 <alert> document' }), response: { 200: Accepted, 422: Refused },
    },
  }, async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.from(String(req.body ?? ''));
    const r = await alerts.ingest(body.toString('utf8'), body.length, 'http');
    return r.accepted ? r : reply.status(422).send(r);
  });

  app.get('/alerts', {
    config: { access: 'read' },
    schema: { summary: 'Alerts in force now: actual Alerts and Updates with an info block between its onset and expiry, not replaced or cancelled', tags: ['alerts'],
      response: { 200: Type.Object({ alerts: Type.Array(AlertBody) }) } },
  }, async () => ({ alerts: (await alerts.active(clock.now())).map(view) }));

  app.get<{ Querystring: { limit: number } }>('/alerts/refused', {
    config: { access: 'read' },
    schema: { summary: 'CAP documents refused, newest first, with their reason and their first 64 KiB', tags: ['alerts'],
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }),
      response: { 200: Type.Object({ refused: Type.Array(Type.Object({
        id: Type.Integer(), source: Type.String(), receivedMs: Type.Integer(), code: Type.String(), reason: Type.String(), bytes: Type.Integer(), document: Type.String(),
      })) }) } },
  }, async (req) => ({ refused: await alerts.refused(req.query.limit) }));
  return Promise.resolve();
}
