/**
 * Photos' bytes against the tamper-evidence chain (issue #21, docs/photos.md "Tamper evidence"): each photo record
 * is chained (its SHA-256 with it), so a record edited in the database breaks the records chain; this re-hashes
 * every stored original and names the first whose bytes are no longer those its record names (edited on disk or in
 * the bucket) or are gone. The thumbnails are derived, not evidence, and not checked.
 */
import type { BrokenLink } from '../domain/integrity/report.js';
import type { PhotoBlobs } from '../ports/photo-blobs.js';
import type { PhotoRecords } from '../ports/photos.js';
import { sha256Hex } from './photos.js';

/** Hashes read from the records per page. */
const PAGE = 500;

export async function verifyPhotoBlobs(records: Pick<PhotoRecords, 'hashes'>, blobs: Pick<PhotoBlobs, 'get'>): Promise<{ count: number; verified: number; broken?: BrokenLink }> {
  let count = 0;
  let verified = 0;
  let broken: BrokenLink | undefined;
  for (let after = ''; ;) {
    const page = await records.hashes(after, PAGE);
    for (const sha of page) {
      count++;
      const bytes = await blobs.get(sha);
      const found = bytes === undefined ? undefined : sha256Hex(bytes);
      if (found === sha) {
        verified++;
      } else if (broken === undefined) {
        broken = {
          chain: 'photos', reason: found === undefined ? 'missing' : 'content', link: count, record: { kind: 'photo', id: sha }, expected: sha, found: found ?? 'none',
          detail: found === undefined ? `photo ${sha} is chained but its bytes are gone from the photo store` : `photo ${sha}: the stored bytes hash to ${found}: the photo was edited in the photo store`,
        };
      }
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!;
  }
  return { count, verified, ...(broken !== undefined ? { broken } : {}) };
}
