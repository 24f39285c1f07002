/**
 * Photo upload (issue #21, docs/photos.md "Contract"): `PUT /api/v1/photos/{sha256}` with the JPEG bytes, by the
 * node's MQTT credentials (http/photo-auth.ts), not an API key. Checked before the body is read: the credential
 * (401) and the uploads in flight (429: at most `maxInFlight` bodies in memory at once); then the body within the
 * size limit (413, kept without its bytes), then the service judges and stores it. Every refusal of the body is kept
 * in the photo quarantine and answered with its id.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { PhotoService, Uploader, UploadOutcome } from '../../services/photos.js';
import { PhotoBlobError } from '../../ports/photo-blobs.js';
import { authenticateNode, type NodeAuthDeps } from '../photo-auth.js';
import { ErrorBody } from '../schemas.js';
import { RefusalBody, UploadBody, UploadQuery } from '../photo-schemas.js';

export interface PhotoUploadRouteDeps {
  readonly photos: PhotoService;
  readonly auth: NodeAuthDeps;
  /** Uploads handled at once; more are answered 429 before their body is read. Default 8. */
  readonly maxInFlight?: number;
  /** Counts uploads refused before the service saw them (`unauthenticated`, `busy`). */
  readonly countRefused?: (reason: 'unauthenticated' | 'busy') => void;
}

const DEFAULT_MAX_IN_FLIGHT = 8;

function answer(reply: FastifyReply, o: UploadOutcome): FastifyReply {
  if (o.ok) return reply.status(o.status).send({ sha256: o.sha256, stored: o.stored, ...(o.warnings.length > 0 ? { warnings: o.warnings } : {}) });
  return reply.status(o.status).send({ error: o.code, code: o.code, message: o.reason, reason: o.reason, quarantineId: o.quarantineId });
}

export function registerPhotoUploadRoutes(app: FastifyInstance, opts: { deps: PhotoUploadRouteDeps }): Promise<void> {
  const { photos, auth } = opts.deps;
  const maxInFlight = opts.deps.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const uploaders = new WeakMap<FastifyRequest, Uploader>();
  const holding = new WeakSet<FastifyRequest>();
  let inFlight = 0;
  const release = (req: FastifyRequest): void => {
    if (holding.delete(req)) inFlight--;
  };
  // This scope reads every body as bytes, whatever its type: a camera's HTML error page sent as text/html is bad
  // input to keep, not a 415 from Fastify with nothing kept.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: photos.limits.maxBytes }, (_req, body, done) => done(null, body));

  app.put<{ Params: { sha256: string }; Querystring: Record<string, string | undefined> }>('/photos/:sha256', {
    config: { access: 'public' },
    schema: {
      summary: "Upload a camera's photo (issue #21): the JPEG bytes, by the node's MQTT credentials (HTTP Basic); idempotent by the hash in the path",
      description: 'Authorization: Basic base64("{site}/{node}:{secret}") unless the gateway runs with COLDTRACE_MQTT_AUTH=open. Content-Type: image/jpeg. Refusals of the body are kept in the photo quarantine (docs/photos.md).',
      tags: ['photos'], params: Type.Object({ sha256: Type.String({ description: 'lowercase hex SHA-256 of the body' }) }), querystring: UploadQuery,
      consumes: ['image/jpeg'],
      response: {
        200: UploadBody, 201: UploadBody, 400: RefusalBody, 413: RefusalBody, 415: RefusalBody, 422: RefusalBody,
        401: ErrorBody, 429: ErrorBody, 503: ErrorBody,
      },
    },
    onRequest: async (req, reply) => {
      const who = await authenticateNode(auth, req.headers.authorization);
      if (!who.ok) {
        opts.deps.countRefused?.('unauthenticated');
        return reply.status(401).header('www-authenticate', 'Basic realm="coldtrace-photos"').send({ code: 'E_UNAUTHENTICATED', message: who.reason });
      }
      if (inFlight >= maxInFlight) {
        opts.deps.countRefused?.('busy');
        return reply.status(429).header('retry-after', '1').send({ code: 'E_PHOTO_BUSY', message: `${inFlight} uploads in progress: retry shortly` });
      }
      inFlight++;
      holding.add(req);
      uploaders.set(req, { ...(who.site !== undefined ? { site: who.site } : {}), ...(who.node !== undefined ? { node: who.node } : {}), authenticated: who.authenticated });
    },
    onResponse: (req, _reply, done) => {
      release(req);
      done();
    },
    onRequestAbort: (req, done) => {
      release(req);
      done();
    },
    // The body was larger than the limit: Fastify stopped reading it. Kept without its bytes.
    errorHandler: async (err, req, reply) => {
      const e = err as { code?: string; statusCode?: number; message?: string };
      if (e.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw err;
      const size = Number(req.headers['content-length'] ?? 0);
      const o = await photos.refuseUnread({
        pathSha256: req.params.sha256.slice(0, 128), query: req.query, rawQuery: rawQueryOf(req), contentType: req.headers['content-type'], size,
        uploader: uploaders.get(req) ?? { authenticated: false },
      }, { code: 'E_PHOTO_TOO_LARGE', reason: `${size > 0 ? `${size} bytes` : 'a body'} larger than the ${photos.limits.maxBytes} allowed: not read, not kept` });
      return answer(reply, o);
    },
  }, async (req, reply) => {
    const body = req.body;
    const bytes = Buffer.isBuffer(body) ? body : new Uint8Array(0);
    try {
      const o = await photos.upload({
        pathSha256: req.params.sha256.slice(0, 128), query: req.query, rawQuery: rawQueryOf(req), contentType: req.headers['content-type'], bytes,
        uploader: uploaders.get(req) ?? { authenticated: false },
      });
      return answer(reply, o);
    } catch (e) {
      // The photo store failed (down, slow, refusing): the node keeps the photo and retries (contract: 5xx).
      if (!(e instanceof PhotoBlobError)) throw e;
      req.log.error({ code: e.code, err: e.message }, 'photo store failed during an upload');
      return reply.status(503).header('retry-after', '30').send({ code: e.code, message: `the photo store failed: ${e.message}` });
    }
  });
  return Promise.resolve();
}

function rawQueryOf(req: FastifyRequest): string {
  const i = req.url.indexOf('?');
  return i < 0 ? '' : req.url.slice(i + 1);
}
