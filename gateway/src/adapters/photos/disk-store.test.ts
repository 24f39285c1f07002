import { mkdtemp, mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blob, describePhotoBlobsContract } from '../../../test/photo-blobs-contract.js';
import { DiskPhotoBlobs } from './disk-store.js';

describePhotoBlobsContract('disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'coldtrace-photos-'));
  const store = await DiskPhotoBlobs.open(dir);
  let current = store;
  return {
    store,
    reopen: async () => {
      await current.close();
      current = await DiskPhotoBlobs.open(dir);
      return current;
    },
    cleanup: async () => {
      await current.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}, { exclusiveNew: true });

describe('DiskPhotoBlobs', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  async function tempDir(): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), 'coldtrace-photos-'));
    dirs.push(d);
    return d;
  }

  it('lays blobs out by the first two bytes of the key, with no temporary file left', async () => {
    const dir = await tempDir();
    const store = await DiskPhotoBlobs.open(dir);
    const { key, bytes } = blob(100);
    await store.put(key, bytes, 'image/jpeg');
    const fanOut = join(dir, 'photos', key.slice(0, 2), key.slice(2, 4));
    expect(store.pathOf(key)).toBe(join(fanOut, key));
    expect(await readdir(fanOut)).toEqual([key]);
  });

  it('ignores a temporary file a crash left beside a blob, and removes it at open once stale', async () => {
    const dir = await tempDir();
    let now = Date.now();
    const clock = { now: () => now };
    const { key, bytes } = blob(100);
    const path = (await DiskPhotoBlobs.open(dir, { clock })).pathOf(key);
    // The shape of a crash between the write and the link: a temp file with half the bytes, no blob.
    const leftover = join(dirname(path), `.tmp-${key}-0123456789ab`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(leftover, bytes.subarray(0, 50));
    const written = new Date(now - 1000);
    await utimes(leftover, written, written);

    const fresh = await DiskPhotoBlobs.open(dir, { clock, staleTempMs: 60_000 });
    expect(fresh.sweep.removed).toBe(0);
    expect(await fresh.has(key)).toBe(false);
    expect(await fresh.get(key)).toBeUndefined();
    expect(await fresh.put(key, bytes, 'image/jpeg')).toBe('new');
    expect(Buffer.from((await fresh.get(key))!).equals(Buffer.from(bytes))).toBe(true);
    expect((await readdir(dirname(path))).sort()).toEqual([leftover.slice(dirname(path).length + 1), key].sort());

    now += 60_000;
    const later = await DiskPhotoBlobs.open(dir, { clock, staleTempMs: 60_000 });
    expect(later.sweep.removed).toBe(1);
    expect(await readdir(dirname(path))).toEqual([key]);
  });

  it('answers exists for a blob a crashed put had already linked, without rewriting it', async () => {
    const dir = await tempDir();
    const store = await DiskPhotoBlobs.open(dir);
    const { key, bytes } = blob(100);
    const path = store.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    expect(await store.put(key, new Uint8Array([9]), 'image/jpeg')).toBe('exists');
    expect(Buffer.from((await store.get(key))!).equals(Buffer.from(bytes))).toBe(true);
  });

  it('fails with E_PHOTO_STORE_IO, not undefined, when the blob path cannot be read', async () => {
    const dir = await tempDir();
    const store = await DiskPhotoBlobs.open(dir);
    const { key } = blob(100);
    // A directory where the blob should be: the disk is in a state no put makes.
    await mkdir(store.pathOf(key), { recursive: true });
    await expect(store.get(key)).rejects.toMatchObject({ code: 'E_PHOTO_STORE_IO' });
    expect(await store.has(key)).toBe(false);
  });

  it('fails to open with E_PHOTO_STORE_IO when the data directory is a file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), 'x');
    await expect(DiskPhotoBlobs.open(join(dir, 'file'))).rejects.toMatchObject({ code: 'E_PHOTO_STORE_IO' });
  });
});
