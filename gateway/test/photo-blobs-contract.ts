/**
 * The PhotoBlobs contract (ports/photo-blobs.ts), run against every adapter (docs/engineering.md 1): the disk store
 * on a temporary directory, the S3 store against a real S3-protocol server.
 *
 *   describePhotoBlobsContract('disk', async () => ({ store, reopen, cleanup }));
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PhotoBlobs } from '../src/ports/photo-blobs.js';

export interface PhotoBlobsUnderTest {
  readonly store: PhotoBlobs;
  /** Closes the store and opens another on the same blobs (a restart). */
  reopen(): Promise<PhotoBlobs>;
  cleanup(): Promise<void>;
}

/** A photo-like body and its key (the SHA-256 of the bytes, as the photo service names them). */
export function blob(size: number): { key: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(randomBytes(size));
  return { key: createHash('sha256').update(bytes).digest('hex'), bytes };
}

export const BAD_KEYS: readonly string[] = [
  '',
  '../etc/passwd',
  'ABCDEF'.padEnd(64, '0'),
  'a'.repeat(63),
  'a'.repeat(65),
  `${'a'.repeat(64)}/../x`,
  `${'a'.repeat(64)}/x`,
  `${'a'.repeat(64)}.`,
  `${'a'.repeat(64)}..thumb`,
  `${'a'.repeat(64)}.THUMB`,
  `${'a'.repeat(64)}.thumb\0.jpg`,
  `${'a'.repeat(64)}.a.b.c.d.e`,
  `${'a'.repeat(64)}\n`,
  `/${'a'.repeat(64)}`,
  `${'a'.repeat(64)}.${'x'.repeat(40)}`,
];

export interface PhotoBlobsContractOptions {
  /**
   * Of concurrent puts of one key, exactly one says 'new' (the store writes conditionally). False for an S3 server
   * without conditional PUTs: racing puts then all write the same bytes and may all say 'new'.
   */
  readonly exclusiveNew: boolean;
}

export function describePhotoBlobsContract(name: string, factory: () => Promise<PhotoBlobsUnderTest>, options: PhotoBlobsContractOptions): void {
  describe(`PhotoBlobs contract: ${name}`, () => {
    let t: PhotoBlobsUnderTest;
    let store: PhotoBlobs;
    beforeEach(async () => {
      t = await factory();
      store = t.store;
    });
    afterEach(() => t.cleanup());

    it('stores a blob once: new, then exists, readable after a restart', async () => {
      const { key, bytes } = blob(20_000);
      expect(await store.has(key)).toBe(false);
      expect(await store.put(key, bytes, 'image/jpeg')).toBe('new');
      expect(await store.put(key, bytes, 'image/jpeg')).toBe('exists');
      expect(await store.has(key)).toBe(true);
      expect(Buffer.from((await store.get(key))!).equals(Buffer.from(bytes))).toBe(true);
      store = await t.reopen();
      expect(await store.put(key, bytes, 'image/jpeg')).toBe('exists');
      expect(Buffer.from((await store.get(key))!).equals(Buffer.from(bytes))).toBe(true);
    });

    it('answers undefined and false for a key never stored', async () => {
      const { key } = blob(10);
      expect(await store.get(key)).toBeUndefined();
      expect(await store.has(key)).toBe(false);
    });

    it('keeps a derived blob beside its original under a suffixed key', async () => {
      const original = blob(3000);
      const thumb = new Uint8Array(randomBytes(500));
      const thumbKey = `${original.key}.thumb.jpg`;
      expect(await store.put(original.key, original.bytes, 'image/jpeg')).toBe('new');
      expect(await store.put(thumbKey, thumb, 'image/jpeg')).toBe('new');
      expect(Buffer.from((await store.get(thumbKey))!).equals(Buffer.from(thumb))).toBe(true);
      expect(Buffer.from((await store.get(original.key))!).equals(Buffer.from(original.bytes))).toBe(true);
    });

    it('stores an empty blob', async () => {
      const { key, bytes } = blob(0);
      expect(await store.put(key, bytes, 'application/octet-stream')).toBe('new');
      expect(await store.get(key)).toEqual(new Uint8Array(0));
    });

    it(`stores concurrent puts of one key whole${options.exclusiveNew ? ': one new, the others exist' : ''}`, async () => {
      const { key, bytes } = blob(200_000);
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => store.put(key, bytes, 'image/jpeg')));
      expect(outcomes.every((o) => o === 'new' || o === 'exists')).toBe(true);
      if (options.exclusiveNew) expect(outcomes.filter((o) => o === 'new')).toHaveLength(1);
      expect(await store.put(key, bytes, 'image/jpeg')).toBe('exists');
      expect(Buffer.from((await store.get(key))!).equals(Buffer.from(bytes))).toBe(true);
    });

    it.each(BAD_KEYS.map((k) => [JSON.stringify(k), k]))('refuses the key %s with E_PHOTO_KEY on every method', async (_shown, key) => {
      const bytes = new Uint8Array([1, 2, 3]);
      await expect(store.put(key, bytes, 'image/jpeg')).rejects.toMatchObject({ code: 'E_PHOTO_KEY', retryable: false });
      await expect(store.get(key)).rejects.toMatchObject({ code: 'E_PHOTO_KEY' });
      await expect(store.has(key)).rejects.toMatchObject({ code: 'E_PHOTO_KEY' });
    });

    it('refuses calls after close with E_PHOTO_STORE_CLOSED', async () => {
      const { key, bytes } = blob(10);
      await store.close();
      await expect(store.put(key, bytes, 'image/jpeg')).rejects.toMatchObject({ code: 'E_PHOTO_STORE_CLOSED' });
      await expect(store.get(key)).rejects.toMatchObject({ code: 'E_PHOTO_STORE_CLOSED' });
      store = await t.reopen();
    });

    it('describes where the blobs are without secrets', () => {
      expect(store.describe.length).toBeGreaterThan(0);
      expect(store.describe).not.toMatch(/secret|password/i);
    });
  });
}
