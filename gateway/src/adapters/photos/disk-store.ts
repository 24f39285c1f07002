/**
 * Photo blobs on the local disk (docs/photos.md "Storage"), content-addressed: `<dataDir>/photos/ab/cd/<key>`, where
 * `ab` and `cd` are the key's first two bytes in hex, so no directory holds more than a few hundred files even with
 * millions of photos.
 *
 * A put writes a temporary file in the blob's own directory, fsyncs it, links it to its final name and fsyncs the
 * directory before resolving: nothing acknowledged is lost to a crash or a power cut, and no reader ever sees half
 * a blob. `link` (not `rename`) because it refuses an existing name: of two concurrent puts of one key exactly one
 * says `'new'`, and a blob once stored is never replaced. A temporary file a crash left behind is never read (it has
 * another name) and is removed by the next open once it is older than `staleTempMs`.
 */
import { link, mkdir, open, readFile, readdir, rm, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Clock } from '../../ports/clock.js';
import { systemClock } from '../../ports/clock.js';
import { assertPhotoKey, PhotoBlobError } from '../../ports/photo-blobs.js';
import type { PhotoBlobs } from '../../ports/photo-blobs.js';

export interface DiskPhotoBlobsOptions {
  /** Clock for the age of leftover temporary files. Default: the system clock. */
  readonly clock: Clock;
  /**
   * A temporary file older than this at open is a crash's leftover and is removed, ms. Younger ones may belong to
   * a put of another process still writing, and are left alone. Default 600 000 (10 min).
   */
  readonly staleTempMs: number;
}

export const DEFAULT_DISK_PHOTO_BLOBS_OPTIONS: DiskPhotoBlobsOptions = { clock: systemClock, staleTempMs: 600_000 };

/** Temporary files start with this; no key does (a key starts with a hex digit). */
const TEMP_PREFIX = '.tmp-';

/** What an open found and did. */
export interface DiskSweep {
  /** Leftover temporary files removed. */
  readonly removed: number;
}

export class DiskPhotoBlobs implements PhotoBlobs {
  readonly describe: string;
  private closed = false;

  private constructor(
    /** `<dataDir>/photos`. */
    readonly root: string,
    /** What the open's sweep removed. */
    readonly sweep: DiskSweep,
  ) {
    this.describe = `disk ${root}`;
  }

  /** Opens (creating if needed) the store under `<dataDir>/photos` and removes stale temporary files. */
  static async open(dataDir: string, options: Partial<DiskPhotoBlobsOptions> = {}): Promise<DiskPhotoBlobs> {
    const o = { ...DEFAULT_DISK_PHOTO_BLOBS_OPTIONS, ...options };
    const root = join(dataDir, 'photos');
    try {
      await mkdir(root, { recursive: true });
      const removed = await sweepTemp(root, o.clock.now() - o.staleTempMs);
      return new DiskPhotoBlobs(root, { removed });
    } catch (e) {
      throw ioError(`cannot open the photo store at ${root}`, e);
    }
  }

  /** The file a key is stored in. */
  pathOf(key: string): string {
    assertPhotoKey(key);
    return join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(key: string, bytes: Uint8Array, _contentType: string): Promise<'new' | 'exists'> {
    const file = this.pathOf(key);
    this.assertOpen();
    const dir = join(this.root, key.slice(0, 2), key.slice(2, 4));
    try {
      if (await isFile(file)) {
        // Stored by an earlier put, perhaps of a process that died before its fsyncs: make it durable now.
        await fsyncPath(file);
        await fsyncPath(dir);
        return 'exists';
      }
      const created = await mkdir(dir, { recursive: true });
      const temp = join(dir, `${TEMP_PREFIX}${key}-${randomBytes(6).toString('hex')}`);
      await writeDurably(temp, bytes);
      let outcome: 'new' | 'exists' = 'new';
      try {
        await link(temp, file);
      } catch (e) {
        if (errnoOf(e) !== 'EEXIST') throw e;
        outcome = 'exists';
      } finally {
        await unlink(temp).catch(() => undefined);
      }
      await fsyncPath(dir);
      if (created !== undefined) {
        // New fan-out directories: their own entries must be durable too.
        await fsyncPath(join(this.root, key.slice(0, 2)));
        await fsyncPath(this.root);
      }
      return outcome;
    } catch (e) {
      throw ioError(`cannot store photo ${key} in ${dir}`, e);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const file = this.pathOf(key);
    this.assertOpen();
    try {
      return new Uint8Array(await readFile(file));
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return undefined;
      throw ioError(`cannot read photo ${key}`, e);
    }
  }

  async has(key: string): Promise<boolean> {
    const file = this.pathOf(key);
    this.assertOpen();
    try {
      return await isFile(file);
    } catch (e) {
      throw ioError(`cannot look up photo ${key}`, e);
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private assertOpen(): void {
    if (this.closed) throw new PhotoBlobError('E_PHOTO_STORE_CLOSED', `the photo store at ${this.root} is closed`, false);
  }
}

async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(path, { force: true });
    throw e;
  }
  await handle.close();
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return false;
    throw e;
  }
}

/** Removes temporary files last modified before `cutoff` (ms) from every fan-out directory; returns how many. */
async function sweepTemp(root: string, cutoff: number): Promise<number> {
  let removed = 0;
  for (const a of await readdir(root)) {
    if (!/^[0-9a-f]{2}$/.test(a)) continue;
    for (const b of await readdir(join(root, a)).catch(() => [])) {
      if (!/^[0-9a-f]{2}$/.test(b)) continue;
      const dir = join(root, a, b);
      for (const name of await readdir(dir).catch(() => [])) {
        if (!name.startsWith(TEMP_PREFIX)) continue;
        const path = join(dir, name);
        const info = await stat(path).catch(() => undefined);
        if (info === undefined || info.mtimeMs >= cutoff) continue;
        await rm(path, { force: true });
        removed += 1;
      }
    }
  }
  return removed;
}

function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Full disk, too many open files: another try later may succeed; anything else (permissions, EIO) needs a person. */
const RETRYABLE_ERRNO = new Set(['ENOSPC', 'EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY']);

function ioError(what: string, e: unknown): PhotoBlobError {
  if (e instanceof PhotoBlobError) return e;
  const code = errnoOf(e);
  const detail = e instanceof Error ? e.message : String(e);
  return new PhotoBlobError('E_PHOTO_STORE_IO', `${what}: ${detail}`, code !== undefined && RETRYABLE_ERRNO.has(code), undefined, { cause: e });
}
