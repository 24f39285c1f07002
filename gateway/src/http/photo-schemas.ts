/** Schemas of the photo routes (docs/photos.md), for validation and the OpenAPI document. */
import { Type } from '@sinclair/typebox';
import { MAX_STATION_LENGTH, PHOTO_TRIGGERS } from '@coldtrace/contract';

const Sha = Type.String({ description: 'lowercase hex SHA-256 of the photo' });
export const PhotoParams = Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'lowercase hex SHA-256 of the photo' }) });

/** Every field optional here: the service checks them and keeps a bad upload with its reason (a schema refusal would not). */
export const UploadQuery = Type.Object({
  site: Type.Optional(Type.String({ description: "the node's site (always sent; the identity when MQTT auth is open)" })),
  node: Type.Optional(Type.String({ description: 'the node (always sent; the identity when MQTT auth is open)' })),
  device: Type.Optional(Type.String({ description: "required: the camera's device id" })),
  takenAt: Type.Optional(Type.String({ description: 'required: device time, ISO 8601 with an offset' })),
  seq: Type.Optional(Type.String({ description: "required: the camera's sequence number, integer >= 0" })),
  trigger: Type.Optional(Type.String({ description: `required: ${PHOTO_TRIGGERS.join(' | ')}` })),
  station: Type.Optional(Type.String({ description: `where the camera looks, at most ${MAX_STATION_LENGTH} characters` })),
});

export const UploadBody = Type.Object({
  sha256: Sha, stored: Type.Union([Type.Literal('new'), Type.Literal('duplicate')]),
  warnings: Type.Optional(Type.Array(Type.String(), { description: 'stored but flagged: EXIF_TIME_OFF ...' })),
});

export const RefusalBody = Type.Object({
  error: Type.String({ description: 'the refusal code (same as code)' }), code: Type.String(), message: Type.String(),
  reason: Type.String(), quarantineId: Type.Integer({ description: 'GET /api/v1/photos/quarantine lists it' }),
});

export const PhotoRecordBody = Type.Object({
  sha256: Sha, site: Type.String(), node: Type.String(), device: Type.String(), takenAt: Type.String(), takenAtMs: Type.Integer(), seq: Type.Integer(),
  trigger: Type.String(), station: Type.Optional(Type.String()), bytes: Type.Integer(), width: Type.Integer(), height: Type.Integer(),
  exifTimeMs: Type.Optional(Type.Integer({ description: 'EXIF DateTimeOriginal, ms' })), warnings: Type.Array(Type.String()), receivedAt: Type.Integer(),
  links: Type.Object({ original: Type.String(), thumbnail: Type.String() }),
});

export const PhotoListQuery = Type.Object({
  device: Type.Optional(Type.String()),
  from: Type.Optional(Type.Integer({ description: 'takenAt from (inclusive), ms' })),
  to: Type.Optional(Type.Integer({ description: 'takenAt to (exclusive), ms' })),
  flagged: Type.Optional(Type.Boolean({ description: 'only photos stored with warnings' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});

export const QuarantineEntryBody = Type.Object({
  id: Type.Integer(), receivedAt: Type.Integer(), code: Type.String(), reason: Type.String(),
  site: Type.Optional(Type.String()), node: Type.Optional(Type.String()), device: Type.Optional(Type.String()),
  pathSha256: Type.String(), actualSha256: Type.Optional(Type.String()), query: Type.String(), size: Type.Integer(),
  blobKey: Type.Optional(Type.String({ description: 'the bytes as received: GET /api/v1/photos/quarantine/{id}/bytes' })),
});

export const QuarantineQuery = Type.Object({
  code: Type.Optional(Type.String()), device: Type.Optional(Type.String()), beforeId: Type.Optional(Type.Integer()),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});

export const jpegResponse = (description: string): { description: string; content: Record<string, { schema: { type: string; format: string } }> } =>
  ({ description, content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } });

/** A photo on an order's timeline (kind 'photo'): ids, times and links only; `device` and `location` are shared fields. */
export const PhotoTimelineFields = {
  sha256: Type.Optional(Type.String({ description: "photo: its SHA-256 (GET /api/v1/photos/{sha256}/info for its record)" })),
  trigger: Type.Optional(Type.String({ description: `photo: ${PHOTO_TRIGGERS.join(' | ')}` })),
  station: Type.Optional(Type.String({ description: 'photo: where the camera looks' })),
  batches: Type.Optional(Type.Array(Type.String(), { description: "photo: the order's batches at the camera's place when it was taken" })),
  warnings: Type.Optional(Type.Integer({ description: 'photo: how many warnings it was stored with (EXIF time far off)' })),
  original: Type.Optional(Type.String({ description: 'photo: path of the original JPEG' })),
  thumbnail: Type.Optional(Type.String({ description: 'photo: path of its thumbnail' })),
};
