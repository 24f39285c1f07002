/**
 * A folder a camera (FTP upload, a network share) or a person drops JPEG files into. Only whole files are taken: a
 * file is ready once its size and modification time have stayed the same for `stableMs` (a writer still appending
 * changes them), and names a writer uses while writing (`.part`, `.tmp`, a leading dot) are not JPEG names, so a
 * writer that writes then renames is taken at once after the rename. Time is the injected clock's.
 */
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../clock.js';

const JPEG_NAME = /^[^.].*\.jpe?g$/i;

export interface ReadyFile {
  readonly name: string;
  readonly path: string;
  readonly size: number;
  /** Modification time, ms since the epoch: the photo's device time. */
  readonly mtimeMs: number;
}

interface Seen {
  size: number;
  mtimeMs: number;
  since: number;
}

/** Files seen at most; past it the folder is read again from scratch (bounded, docs/engineering.md 6). */
const MAX_TRACKED = 10_000;

export class FolderWatcher {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly dir: string, private readonly stableMs: number, private readonly clock: Clock) {}

  /** One listing: the JPEG files that have stayed unchanged for `stableMs`, oldest first. */
  async ready(): Promise<ReadyFile[]> {
    const now = this.clock.now();
    const names = (await readdir(this.dir, { withFileTypes: true })).filter((d) => d.isFile() && JPEG_NAME.test(d.name)).map((d) => d.name);
    const present = new Set(names);
    for (const k of this.seen.keys()) if (!present.has(k)) this.seen.delete(k);
    if (this.seen.size > MAX_TRACKED) this.seen.clear();
    const out: ReadyFile[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      const s = await stat(path).catch(() => undefined);
      if (s === undefined) continue;
      const prev = this.seen.get(name);
      if (prev === undefined || prev.size !== s.size || prev.mtimeMs !== s.mtimeMs) {
        this.seen.set(name, { size: s.size, mtimeMs: s.mtimeMs, since: now });
        if (this.stableMs > 0) continue;
      } else if (now - prev.since < this.stableMs) continue;
      out.push({ name, path, size: s.size, mtimeMs: s.mtimeMs });
    }
    return out.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
  }

  /** Forget a file taken or set aside (its name may come again with new content). */
  forget(name: string): void {
    this.seen.delete(name);
  }

  /** Moves a file that is not a whole JPEG to `rejected/` beside it, with `<name>.reason.txt` saying why. */
  async reject(file: ReadyFile, reason: string): Promise<void> {
    const dir = join(this.dir, 'rejected');
    await mkdir(dir, { recursive: true });
    await rename(file.path, join(dir, file.name));
    await writeFile(join(dir, `${file.name}.reason.txt`), `${reason}\n`);
    this.forget(file.name);
  }
}
