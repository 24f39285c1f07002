/**
 * The photo side of the agent (issue #21): the photo outbox in `{dataDir}/photos` and its uploader to the gateway,
 * with the node's MQTT credentials and TLS files. Built by the agent when its config has a `photos` section.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { AgentConfig } from '../config/types.js';
import type { PhotosConfig } from '../config/photos.js';
import type { PhotoShot, PhotoStoreResult } from '../sources/source.js';
import type { BackoffOptions } from './backoff.js';
import { PhotoOutbox, type PhotoOutboxStats } from './photo-outbox.js';
import { PhotoUploader, type PhotoUploaderStats } from './photo-uploader.js';

export interface PhotoStats {
  readonly outbox: PhotoOutboxStats;
  readonly upload: PhotoUploaderStats;
}

export interface PhotoForwarding {
  store(shot: PhotoShot): Promise<PhotoStoreResult>;
  stats(): PhotoStats;
  stop(): Promise<void>;
}

export async function startPhotoForwarding(
  config: Pick<AgentConfig, 'site' | 'node' | 'mqtt' | 'dataDir'> & { readonly photos: PhotosConfig },
  deps: { readonly clock: Clock; readonly log: Logger; readonly backoff?: Partial<BackoffOptions> },
): Promise<PhotoForwarding> {
  const p = config.photos;
  const outbox = await PhotoOutbox.open(join(config.dataDir, 'photos'), { maxBytes: p.maxBytes, maxPhotos: p.maxPhotos, maxRejected: p.maxRejected }, deps.log);
  const m = config.mqtt;
  const uploader = new PhotoUploader({
    url: p.url, site: config.site, node: config.node, timeoutMs: p.timeoutMs,
    ...(m.password !== undefined ? { password: m.password } : {}),
    files: { ...(m.passwordFile !== undefined ? { passwordFile: m.passwordFile } : {}), ...(m.caFile !== undefined ? { caFile: m.caFile } : {}), ...(m.certFile !== undefined ? { certFile: m.certFile } : {}), ...(m.keyFile !== undefined ? { keyFile: m.keyFile } : {}) },
    ...(deps.backoff !== undefined ? { backoff: deps.backoff } : {}),
  }, outbox, deps.log, { clock: deps.clock });
  uploader.start();
  const stats = outbox.stats();
  if (stats.depth > 0 || stats.incomplete > 0) deps.log.info({ depth: stats.depth, bytes: stats.bytes, incomplete: stats.incomplete }, 'photo outbox: photos from an earlier run to upload');
  return {
    store: (shot) => outbox.store(shot, deps.clock.now()),
    stats: () => ({ outbox: outbox.stats(), upload: uploader.stats() }),
    stop: () => uploader.stop(),
  };
}
