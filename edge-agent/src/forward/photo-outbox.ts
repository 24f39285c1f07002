/**
 * The durable photo outbox (issue #21): each photo the camera sources take is kept on the agent's disk, with its
 * SHA-256, device time and the camera's sequence number, until the gateway takes it (2xx) or refuses it for good
 * (a permanent 4xx: moved to `rejected/` with the gateway's reason, never deleted silently). Files, not the MQTT
 * outbox's SQLite: a photo is 0.2-5 MB and a rejected one must be easy to look at.
 *
 * Layout under `dir`: `pending/<name>.jpg` + `<name>.json` (the metadata, written after the bytes: a .jpg without
 * its .json is a write that did not finish), `rejected/` likewise plus the reason, `seq.json` the next sequence
 * number per camera (written before a photo uses it, so a restart never numbers two photos alike).
 *
 * Bounded (docs/engineering.md 6) by bytes and by count. When full, the oldest schedule shots go first (counted); a
 * triggered shot (scan, door, shock, folder, manual) is never dropped for another photo: when only triggered shots
 * remain, the new one is refused (counted, logged) and the ones already kept stay.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { PhotoTrigger } from '@coldtrace/contract';
import type { PhotoShot, PhotoStoreResult } from '../sources/source.js';

/** A photo kept in the outbox (its metadata file). */
export interface StoredPhoto {
  readonly name: string;
  readonly device: string;
  readonly sha256: string;
  /** Device time, ISO-8601 in UTC. */
  readonly takenAt: string;
  readonly seq: number;
  readonly trigger: PhotoTrigger;
  readonly station?: string;
  readonly size: number;
  /** Agent clock when it was stored, ms: the upload order. */
  readonly storedAt: number;
}

export interface PhotoOutboxOptions {
  /** Cap of the photos kept, bytes. Default 256 MiB. */
  readonly maxBytes: number;
  /** Cap of the photos kept, count. Default 2000. */
  readonly maxPhotos: number;
  /** Rejected photos kept for people to look at; past it the oldest rejected go (counted). Default 200. */
  readonly maxRejected: number;
}

export const DEFAULT_PHOTO_OUTBOX_OPTIONS: PhotoOutboxOptions = { maxBytes: 256 * 1024 * 1024, maxPhotos: 2000, maxRejected: 200 };

export interface PhotoOutboxStats {
  /** Photos waiting, and their bytes. */
  readonly depth: number;
  readonly bytes: number;
  /** Photos stored since start. */
  readonly stored: number;
  /** Taken by the gateway (2xx) since start. */
  readonly uploaded: number;
  /** Refused for good by the gateway, moved to rejected/. */
  readonly rejected: number;
  /** Schedule shots dropped (or not stored) because the outbox was full. */
  readonly droppedSchedule: number;
  /** Triggered shots not stored because only triggered shots filled the outbox, or the photo alone was over maxBytes. */
  readonly refusedFull: number;
  /** Rejected photos removed past maxRejected. */
  readonly rejectedPruned: number;
  /** Half-stored photos found at start (a crash between the bytes and the metadata), moved to rejected/. */
  readonly incomplete: number;
}

export type PutResult = { readonly ok: true; readonly photo: StoredPhoto } | { readonly ok: false; readonly reason: 'full' | 'too-large' };

async function writeDurably(path: string, data: Buffer | string): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

export class PhotoOutbox {
  private readonly options: PhotoOutboxOptions;
  private readonly pendingDir: string;
  private readonly rejectedDir: string;
  private readonly queue: StoredPhoto[] = [];
  private rejectedNames: string[] = [];
  private nextSeq: Record<string, number> = {};
  private bytes = 0;
  private counters = { stored: 0, uploaded: 0, rejected: 0, droppedSchedule: 0, refusedFull: 0, rejectedPruned: 0, incomplete: 0 };
  /** Puts and removals one at a time: the caps are checked against a settled queue. */
  private chain: Promise<unknown> = Promise.resolve();
  private inflight: string | undefined;
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly dir: string, options: Partial<PhotoOutboxOptions>, private readonly log: Logger) {
    this.options = { ...DEFAULT_PHOTO_OUTBOX_OPTIONS, ...options };
    this.pendingDir = join(dir, 'pending');
    this.rejectedDir = join(dir, 'rejected');
  }

  /** Opens (or creates) the outbox in `dir`, picking up what an earlier run left. */
  static async open(dir: string, options: Partial<PhotoOutboxOptions>, log: Logger): Promise<PhotoOutbox> {
    const o = new PhotoOutbox(dir, options, log);
    await o.load();
    return o;
  }

  private async load(): Promise<void> {
    await mkdir(this.pendingDir, { recursive: true });
    await mkdir(this.rejectedDir, { recursive: true });
    try {
      this.nextSeq = JSON.parse(await readFile(join(this.dir, 'seq.json'), 'utf8')) as Record<string, number>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn({ err: (e as Error).message }, 'photo outbox seq.json unreadable: numbering resumes after the photos kept');
    }
    const files = await readdir(this.pendingDir);
    for (const f of files.filter((x) => x.endsWith('.json'))) {
      const photo = JSON.parse(await readFile(join(this.pendingDir, f), 'utf8')) as StoredPhoto;
      this.queue.push(photo);
      this.bytes += photo.size;
      this.nextSeq[photo.device] = Math.max(this.nextSeq[photo.device] ?? 0, photo.seq + 1);
    }
    const complete = new Set(this.queue.map((p) => p.name));
    for (const f of files) {
      const stem = f.replace(/\.(jpg|json)(\.tmp)?$/, '');
      if (f.endsWith('.json') || (f.endsWith('.jpg') && complete.has(stem))) continue;
      if (!f.endsWith('.jpg')) {
        await rm(join(this.pendingDir, f), { force: true });
        continue;
      }
      // Bytes without metadata: the agent stopped while storing it. Kept aside with the reason, not uploaded; its
      // number stays used (seq.json may not have been written in time), so no later photo takes its name.
      const m = /^(.+)-(\d{10})$/.exec(stem);
      if (m) this.nextSeq[m[1]!] = Math.max(this.nextSeq[m[1]!] ?? 0, Number(m[2]) + 1);
      await rename(join(this.pendingDir, f), join(this.rejectedDir, f));
      await writeDurably(join(this.rejectedDir, `${stem}.json`), JSON.stringify({ name: stem, answer: { reason: 'incomplete: the agent stopped before its metadata was written' } }));
      this.counters.incomplete++;
      this.log.warn({ file: f }, 'photo outbox: a photo whose metadata was never written (the agent stopped while storing it) moved to rejected/');
    }
    this.queue.sort((a, b) => a.storedAt - b.storedAt || a.name.localeCompare(b.name));
    this.rejectedNames = (await readdir(this.rejectedDir)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  }

  /** Keeps `shot` (or says why not), numbering it in its camera's sequence. */
  put(shot: PhotoShot, storedAt: number): Promise<PutResult> {
    return this.serial(async () => {
      const size = shot.bytes.length;
      if (size > this.options.maxBytes) {
        this.counters.refusedFull++;
        return { ok: false, reason: 'too-large' } as const;
      }
      if (!(await this.makeRoom(size, shot.trigger))) {
        if (shot.trigger === 'schedule') this.counters.droppedSchedule++;
        else this.counters.refusedFull++;
        this.log.error({ device: shot.device, trigger: shot.trigger, depth: this.queue.length }, 'photo outbox full of triggered shots: this photo is not kept');
        return { ok: false, reason: 'full' } as const;
      }
      const seq = this.nextSeq[shot.device] ?? 0;
      this.nextSeq[shot.device] = seq + 1;
      await writeDurably(join(this.dir, 'seq.json'), JSON.stringify(this.nextSeq));
      const photo: StoredPhoto = {
        name: `${shot.device}-${String(seq).padStart(10, '0')}`, device: shot.device, sha256: createHash('sha256').update(shot.bytes).digest('hex'),
        takenAt: new Date(shot.takenAt).toISOString(), seq, trigger: shot.trigger, ...(shot.station !== undefined ? { station: shot.station } : {}), size, storedAt,
      };
      await writeDurably(join(this.pendingDir, `${photo.name}.jpg`), shot.bytes);
      await writeDurably(join(this.pendingDir, `${photo.name}.json`), JSON.stringify(photo));
      this.queue.push(photo);
      this.bytes += size;
      this.counters.stored++;
      for (const l of this.listeners) l();
      return { ok: true, photo } as const;
    });
  }

  /** `put` as the sources' sink sees it: kept with its number, or why not (a disk error included). */
  async store(shot: PhotoShot, storedAt: number): Promise<PhotoStoreResult> {
    try {
      const r = await this.put(shot, storedAt);
      return r.ok ? { ok: true, seq: r.photo.seq, sha256: r.photo.sha256 } : { ok: false, reason: r.reason };
    } catch (e) {
      this.log.error({ device: shot.device, err: (e as Error).message }, 'photo outbox: cannot store a photo (disk full?)');
      return { ok: false, reason: 'store-failed', detail: (e as Error).message };
    }
  }

  /** Drops the oldest schedule shots until `size` more bytes and one more photo fit; false if they cannot. */
  private async makeRoom(size: number, trigger: PhotoTrigger): Promise<boolean> {
    const fits = (): boolean => this.bytes + size <= this.options.maxBytes && this.queue.length + 1 <= this.options.maxPhotos;
    while (!fits()) {
      const victim = this.queue.find((p) => p.trigger === 'schedule' && p.name !== this.inflight);
      if (victim === undefined) return false;
      await this.removeFiles(victim);
      this.counters.droppedSchedule++;
      this.log.warn({ device: victim.device, seq: victim.seq, takenAt: victim.takenAt, trigger }, 'photo outbox full: oldest schedule shot dropped');
    }
    return true;
  }

  /** The oldest photo waiting, marked in flight (not dropped for room while it uploads), with its bytes. */
  async next(): Promise<{ photo: StoredPhoto; bytes: Buffer } | undefined> {
    const photo = this.queue[0];
    if (photo === undefined) return undefined;
    this.inflight = photo.name;
    return { photo, bytes: await readFile(join(this.pendingDir, `${photo.name}.jpg`)) };
  }

  /** The gateway has it: removed. */
  uploaded(photo: StoredPhoto): Promise<void> {
    return this.serial(async () => {
      this.inflight = undefined;
      if (await this.removeFiles(photo)) this.counters.uploaded++;
    });
  }

  /** The gateway refused it for good: moved to rejected/ with its answer. */
  rejected(photo: StoredPhoto, answer: { status: number; code?: string; reason: string; quarantineId?: string }, at: number): Promise<void> {
    return this.serial(async () => {
      this.inflight = undefined;
      if (!this.queue.includes(photo)) return;
      await rename(join(this.pendingDir, `${photo.name}.jpg`), join(this.rejectedDir, `${photo.name}.jpg`));
      await writeDurably(join(this.rejectedDir, `${photo.name}.json`), JSON.stringify({ ...photo, rejectedAt: new Date(at).toISOString(), answer }));
      await this.removeFiles(photo);
      this.counters.rejected++;
      this.rejectedNames.push(photo.name);
      while (this.rejectedNames.length > this.options.maxRejected) {
        const old = this.rejectedNames.shift()!;
        await rm(join(this.rejectedDir, `${old}.jpg`), { force: true });
        await rm(join(this.rejectedDir, `${old}.json`), { force: true });
        this.counters.rejectedPruned++;
        this.log.warn({ photo: old, maxRejected: this.options.maxRejected }, 'photo outbox: oldest rejected photo removed');
      }
    });
  }

  /** An upload that will be retried: the photo may again be dropped for room if it is a schedule shot. */
  release(): void {
    this.inflight = undefined;
  }

  private async removeFiles(photo: StoredPhoto): Promise<boolean> {
    const i = this.queue.indexOf(photo);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    this.bytes -= photo.size;
    // Metadata first: a crash in between leaves a .jpg alone, which the next start removes as incomplete.
    await rm(join(this.pendingDir, `${photo.name}.json`), { force: true });
    await rm(join(this.pendingDir, `${photo.name}.jpg`), { force: true });
    return true;
  }

  /** Called after every stored photo (the uploader wakes up). */
  onStored(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): PhotoOutboxStats {
    return { depth: this.queue.length, bytes: this.bytes, ...this.counters };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
