/**
 * coldtrace-verify's photo check (docs/photos.md "Tamper evidence"): the originals on the local disk store re-hashed
 * against the photo records of registry.db, read only (no table created, no leftover file swept). A data directory
 * whose photos are in S3 is not checked here: GET /api/v1/integrity/verify checks them through the gateway.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { DiskPhotoBlobs } from '../adapters/photos/disk-store.js';
import type { VerifyReport } from '../domain/integrity/report.js';
import { verifyPhotoBlobs } from '../services/photo-verify.js';

/** The photos' check of a data directory, or why there is none. */
export async function verifyDiskPhotos(dir: string, registry: Database.Database): Promise<NonNullable<VerifyReport['photos']> | { readonly skipped: string }> {
  if (registry.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'photo'").get() === undefined) return { skipped: 'registry.db holds no photo records' };
  if (!existsSync(join(dir, 'photos'))) return { skipped: `no ${join(dir, 'photos')}: the photos are in another store (S3?); GET /api/v1/integrity/verify re-hashes them` };
  // A sweep older than forever removes nothing: the check only reads.
  const blobs = await DiskPhotoBlobs.open(dir, { staleTempMs: Number.POSITIVE_INFINITY });
  const page = registry.prepare('SELECT sha256 FROM photo WHERE sha256 > ? ORDER BY sha256 LIMIT ?').pluck();
  try {
    return await verifyPhotoBlobs({ hashes: (after, limit) => Promise.resolve(page.all(after, limit) as string[]) }, blobs);
  } finally {
    await blobs.close();
  }
}
