/**
 * Reading photos back (docs/photos.md): the original and its thumbnail as immutable resources (the URL names the
 * content: ETag = the hash, cached for a year, 304 on If-None-Match), a photo's record, the list, and the photo
 * quarantine with the bytes it kept.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { PhotoBlobs } from '../../ports/photo-blobs.js';
import type { PhotoQuarantine, PhotoRecord, PhotoRecords } from '../../ports/photos.js';
import type { PhotoRefusalCode } from '../../domain/photos/upload.js';
import { photoLinks } from '../../services/photo-evidence.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';
import { jpegResponse, PhotoListQuery, PhotoParams, PhotoRecordBody, QuarantineEntryBody, QuarantineQuery } from '../photo-schemas.js';

export interface PhotoReadRouteDeps {
  readonly records: Pick<PhotoRecords, 'get' | 'list'>;
  readonly quarantine: Pick<PhotoQuarantine, 'get' | 'list'>;
  readonly blobs: Pick<PhotoBlobs, 'get'>;
}

/** Private: the API needs a key, so no shared cache may keep a copy; immutable: the URL names the bytes. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

const recordBody = (r: PhotoRecord): Record<string, unknown> => {
  const { thumbnailKey: _t, ...rest } = r;
  return { ...rest, links: photoLinks(r.sha256) };
};

async function sendBlob(req: FastifyRequest, reply: FastifyReply, blobs: Pick<PhotoBlobs, 'get'>, key: string, etag: string): Promise<FastifyReply> {
  const tag = `"${etag}"`;
  reply.header('etag', tag).header('cache-control', IMMUTABLE);
  if ((req.headers['if-none-match'] ?? '').split(',').map((s) => s.trim()).includes(tag)) return reply.status(304).send();
  const bytes = await blobs.get(key);
  if (bytes === undefined) throw new GatewayError('E_NOT_FOUND', `the blob ${key} is missing from the photo store (see GET /api/v1/integrity/verify)`);
  return reply.type('image/jpeg').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export function registerPhotoReadRoutes(app: FastifyInstance, opts: { deps: PhotoReadRouteDeps }): Promise<void> {
  const { records, quarantine, blobs } = opts.deps;
  const recordOf = async (sha256: string): Promise<PhotoRecord> => {
    const r = await records.get(sha256);
    if (r === undefined) throw new GatewayError('E_NOT_FOUND', `no photo ${sha256}`);
    return r;
  };

  app.get<{ Params: { sha256: string } }>('/photos/:sha256', {
    config: { access: 'read' },
    schema: { summary: 'A photo as uploaded (immutable: ETag is its SHA-256)', tags: ['photos'], params: PhotoParams, response: { 200: jpegResponse('the original JPEG'), 304: Type.Null(), 404: ErrorBody } },
  }, async (req, reply) => sendBlob(req, reply, blobs, (await recordOf(req.params.sha256)).sha256, req.params.sha256));

  app.get<{ Params: { sha256: string } }>('/photos/:sha256/thumbnail', {
    config: { access: 'read' },
    schema: { summary: "A photo's thumbnail, at most 320 pixels on its long edge (immutable)", tags: ['photos'], params: PhotoParams, response: { 200: jpegResponse('the thumbnail JPEG'), 304: Type.Null(), 404: ErrorBody } },
  }, async (req, reply) => {
    const r = await recordOf(req.params.sha256);
    return sendBlob(req, reply, blobs, r.thumbnailKey, r.thumbnailKey);
  });

  app.get<{ Params: { sha256: string } }>('/photos/:sha256/info', {
    config: { access: 'read' },
    schema: { summary: "A photo's record: camera, node, device time, trigger, size, EXIF time, warnings, links", tags: ['photos'], params: PhotoParams, response: { 200: PhotoRecordBody, 404: ErrorBody } },
  }, async (req) => recordBody(await recordOf(req.params.sha256)));

  app.get<{ Querystring: { device?: string; from?: number; to?: number; flagged?: boolean; limit: number } }>('/photos', {
    config: { access: 'read' },
    schema: { summary: 'Stored photos by device time', tags: ['photos'], querystring: PhotoListQuery, response: { 200: Type.Array(PhotoRecordBody) } },
  }, async (req) => (await records.list(req.query)).map(recordBody));

  app.get<{ Querystring: { code?: string; device?: string; beforeId?: number; limit: number } }>('/photos/quarantine', {
    config: { access: 'read' },
    schema: { summary: 'Uploads refused as bad input, newest first, each with its reason (docs/photos.md "Validation")', tags: ['photos'], querystring: QuarantineQuery, response: { 200: Type.Array(QuarantineEntryBody) } },
  }, async (req) => {
    const { code, ...rest } = req.query;
    return quarantine.list({ ...rest, ...(code !== undefined ? { code: code as PhotoRefusalCode } : {}) });
  });

  app.get<{ Params: { id: number } }>('/photos/quarantine/:id/bytes', {
    config: { access: 'read' },
    schema: {
      summary: 'The bytes of a refused upload as received', tags: ['photos'], params: Type.Object({ id: Type.Integer() }),
      response: { 200: { description: 'the body as received', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, 404: ErrorBody },
    },
  }, async (req, reply) => {
    const e = await quarantine.get(req.params.id);
    if (e === undefined) throw new GatewayError('E_NOT_FOUND', `no photo quarantine entry ${req.params.id}`);
    if (e.blobKey === undefined) throw new GatewayError('E_NOT_FOUND', `entry ${e.id} kept no bytes (${e.code}: ${e.reason})`);
    const bytes = await blobs.get(e.blobKey);
    if (bytes === undefined) throw new GatewayError('E_NOT_FOUND', `the blob ${e.blobKey} is missing from the photo store`);
    return reply.type('application/octet-stream').header('content-disposition', `attachment; filename="photo-quarantine-${e.id}.bin"`).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
  return Promise.resolve();
}
