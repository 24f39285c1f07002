/**
 * Photos as evidence (part of the composition root, gateway.ts; docs/photos.md): the blob store, the records (in
 * the registry's file, chained with custody and flags), the photo quarantine (beside the message quarantine), the
 * thumbnailer, the upload service with its metrics, and what the HTTP routes need.
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { GatewayConfig } from './config.js';
import type { Clock } from './ports/clock.js';
import type { PhotoBlobs } from './ports/photo-blobs.js';
import { openPhotoBlobs } from './adapters/photos/open-store.js';
import { SqlitePhotoRecords } from './adapters/sqlite/photos/photo-records.js';
import { SqlitePhotoQuarantine } from './adapters/sqlite/photos/photo-quarantine.js';
import { sharpImages } from './adapters/image/sharp-images.js';
import { PhotoService } from './services/photos.js';
import type { CredentialService } from './services/credentials.js';
import type { PhotoUploadRouteDeps } from './http/routes/photos.js';
import type { PhotoReadRouteDeps } from './http/routes/photo-reads.js';

export interface GatewayPhotos {
  readonly service: PhotoService;
  readonly records: SqlitePhotoRecords;
  readonly blobs: PhotoBlobs;
  readonly upload: PhotoUploadRouteDeps;
  readonly reads: PhotoReadRouteDeps;
  close(): Promise<void>;
}

export async function startPhotos(config: GatewayConfig, deps: {
  readonly registryDb: Database.Database;
  readonly metaDb: Database.Database;
  readonly credentials: CredentialService;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: Registry;
  /** Default: the store COLDTRACE_PHOTO_STORE names (the disk under `<dataDir>/photos`, or S3). */
  readonly blobs?: PhotoBlobs;
}): Promise<GatewayPhotos> {
  const blobs = deps.blobs ?? await openPhotoBlobs(config.photoStore, config.dataDir, { clock: deps.clock, log: deps.log });
  const records = new SqlitePhotoRecords(deps.registryDb, { chain: config.integrity.chain });
  const quarantine = new SqlitePhotoQuarantine(deps.metaDb);
  const uploads = new Counter({ name: 'coldtrace_photo_uploads_total', help: 'Photo uploads by outcome: new, duplicate, flagged (stored with warnings), a refusal code, unauthenticated, busy (docs/photos.md)', labelNames: ['outcome'] as const, registers: [deps.metrics] });
  const service = new PhotoService({
    blobs, records, quarantine, images: sharpImages(), clock: deps.clock, log: deps.log, limits: config.photoLimits, count: (outcome) => uploads.inc({ outcome }),
  });
  const mqtt = config.mqtt;
  const mode = mqtt.mode === 'embedded' && mqtt.auth === 'open' ? 'open' : 'credentials';
  deps.log.info({ store: blobs.describe, auth: mode }, 'photo store opened');
  return {
    service, records, blobs,
    upload: {
      photos: service, countRefused: (reason) => uploads.inc({ outcome: reason }),
      auth: { mode, verify: (username, password, clientId) => deps.credentials.verify(username, password, clientId) },
    },
    reads: { records, quarantine, blobs },
    close: () => blobs.close(),
  };
}
