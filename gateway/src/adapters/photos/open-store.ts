/**
 * Opens the photo blob store the configuration names (COLDTRACE_PHOTO_STORE, docs/photos.md "Storage").
 *
 * An S3 store is checked at start (HEAD of the bucket): refused credentials or a missing bucket stop the gateway
 * with the reason, since no photo could ever be stored; a store that is down or slow only warns, since telemetry
 * must not wait for it and nodes keep photos in their outbox until an upload succeeds.
 */
import type { Logger } from 'pino';
import type { PhotoStoreConfig } from '../../config-photo-store.js';
import type { Clock } from '../../ports/clock.js';
import { PhotoBlobError, type PhotoBlobs } from '../../ports/photo-blobs.js';
import { DiskPhotoBlobs } from './disk-store.js';
import { S3PhotoBlobs } from './s3-store.js';

export async function openPhotoBlobs(config: PhotoStoreConfig, dataDir: string, deps: { readonly clock: Clock; readonly log: Logger }): Promise<PhotoBlobs> {
  if (config.kind === 'disk') {
    const disk = await DiskPhotoBlobs.open(dataDir, { clock: deps.clock });
    if (disk.sweep.removed > 0) deps.log.warn({ removed: disk.sweep.removed }, 'removed temporary photo files an interrupted write left behind');
    return disk;
  }
  const s3 = new S3PhotoBlobs({
    bucket: config.bucket, prefix: config.prefix, region: config.region, forcePathStyle: config.forcePathStyle,
    maxAttempts: config.maxAttempts, requestTimeoutMs: config.requestTimeoutMs,
    ...(config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
    ...(config.credentials !== undefined ? { credentials: config.credentials } : {}),
  });
  try {
    await s3.verify();
  } catch (e) {
    if (e instanceof PhotoBlobError && e.retryable) {
      deps.log.warn({ code: e.code, err: e.message, store: s3.describe }, 'photo store not reachable at start: uploads fail (and nodes retry) until it is');
      return s3;
    }
    await s3.close();
    throw e;
  }
  return s3;
}
