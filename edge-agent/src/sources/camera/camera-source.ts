/**
 * A camera as a source of the agent (issue #21): photos as evidence. A snapshot camera is asked for a JPEG on its
 * schedule and when another source of the agent fires one of its triggers (a scan at the packing station, a door
 * opening, a shock at the warning level); a folder camera's files are taken as they are completed. Each photo goes
 * to the sink (the durable photo outbox) with the agent's clock as device time for snapshots (the camera's own
 * clock is not in the answer) or the file's modification time for folder files. A failure is counted by its
 * reason, reported in the device status and logged; the source keeps running.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import type { PhotoTrigger } from '@coldtrace/contract';
import type { Logger } from 'pino';
import { systemClock, systemScheduler, type Clock, type Scheduler } from '../../clock.js';
import { checkJpeg } from '../../decode/jpeg.js';
import type { SourceEvents } from '../events.js';
import type { Source, SourceSink } from '../source.js';
import { StatusReporter } from '../serial/status.js';
import type { CameraSourceConfig } from './config.js';
import { FolderWatcher, type ReadyFile } from './folder.js';
import { SNAPSHOT_FAILURES, SnapshotClient } from './snapshot.js';
import { TriggerMatcher } from './triggers.js';

/** Why a shot or a file did not become a kept photo. */
export const CAMERA_FAILURES = [...SNAPSHOT_FAILURES, 'outbox-full', 'store-failed', 'folder-unreadable'] as const;
export type CameraFailure = (typeof CAMERA_FAILURES)[number];

export interface CameraSourceStats {
  /** Snapshots asked for, folder files read. */
  shots: number;
  /** Photos kept in the outbox. */
  stored: number;
  failures: Record<CameraFailure, number>;
  /** Shots by what made them. */
  triggered: Record<PhotoTrigger, number>;
  /** Triggers folded into another shot (within minGapMs, or while one was already waiting). */
  folded: number;
}

export interface CameraSourceDeps {
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  readonly log?: Logger;
  /** Events of the agent's other sources, for the triggers. */
  readonly events?: SourceEvents;
  readonly statusIntervalMs?: number;
}

const zero = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export class CameraSource implements Source {
  readonly name: string;
  readonly devices: readonly string[];
  readonly stats: CameraSourceStats = {
    shots: 0, stored: 0, failures: zero(CAMERA_FAILURES), folded: 0,
    triggered: zero(['schedule', 'scan', 'door', 'shock', 'folder', 'manual'] as const),
  };
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly matcher: TriggerMatcher;
  private readonly client: SnapshotClient | undefined;
  private readonly folder: FolderWatcher | undefined;
  private sink: SourceSink | undefined;
  private status: StatusReporter | undefined;
  private timer: { cancel(): void } | undefined;
  private unsubscribe: (() => void) | undefined;
  private inFlight: Promise<void> | undefined;
  private queued: PhotoTrigger | undefined;
  private lastTriggeredAt = -Infinity;
  private failuresInARow = 0;
  private readonly blocked = new Set<string>();
  private running = false;
  /** Aborts a snapshot in flight when the source stops. */
  private readonly abort = new AbortController();

  constructor(private readonly config: CameraSourceConfig, private readonly deps: CameraSourceDeps = {}) {
    const input = config.input;
    this.name = input.kind === 'snapshot' ? `camera:${new URL(input.url).host}` : `camera-folder:${input.path}`;
    this.devices = [config.device];
    this.clock = deps.clock ?? systemClock;
    this.scheduler = deps.scheduler ?? systemScheduler;
    this.matcher = new TriggerMatcher(config.triggers);
    this.client = input.kind === 'snapshot' ? new SnapshotClient(input) : undefined;
    this.folder = input.kind === 'folder' ? new FolderWatcher(input.path, input.stableMs, this.clock) : undefined;
  }

  async start(sink: SourceSink): Promise<void> {
    this.sink = sink;
    this.running = true;
    this.status = new StatusReporter(this.config.device, sink, this.clock, this.deps.statusIntervalMs);
    if (this.config.triggers.length > 0) {
      this.unsubscribe = this.deps.events?.subscribe((e) => {
        const t = this.matcher.match(e);
        if (t !== undefined) void this.shoot(t);
      });
    }
    const input = this.config.input;
    if (input.kind === 'folder') {
      // Made when missing (a share not mounted yet is made later by its mount); one that cannot be made is reported
      // by the polls, counted as folder-unreadable.
      await mkdir(input.path, { recursive: true }).catch((e: unknown) => this.deps.log?.warn({ path: input.path, err: (e as Error).message }, 'camera folder cannot be created'));
      this.every(input.pollMs, () => this.pollFolder());
    }
    else if (this.config.intervalMs > 0) this.every(this.config.intervalMs, () => this.shoot('schedule'));
  }

  private every(ms: number, fn: () => Promise<void>): void {
    const tick = (): void => {
      if (!this.running) return;
      void fn().finally(() => {
        if (this.running) this.timer = this.scheduler.after(ms, tick);
      });
    };
    this.timer = this.scheduler.after(ms, tick);
  }

  /**
   * Takes a snapshot now (`manual`, or what a trigger or the schedule says). A trigger within `minGapMs` of the last
   * triggered shot is folded into it; one arriving while a shot is in flight waits for it (one at most waits).
   * Resolves when the shot (and the one it queued) is settled.
   */
  shoot(trigger: PhotoTrigger): Promise<void> {
    if (this.client === undefined || !this.running) return Promise.resolve();
    const triggered = trigger !== 'schedule';
    const now = this.clock.now();
    if (triggered && now - this.lastTriggeredAt < this.config.minGapMs) {
      this.stats.folded++;
      return this.inFlight ?? Promise.resolve();
    }
    if (this.inFlight !== undefined) {
      if (this.queued !== undefined || !triggered) this.stats.folded++;
      else this.queued = trigger;
      if (triggered) this.lastTriggeredAt = now;
      return this.inFlight;
    }
    if (triggered) this.lastTriggeredAt = now;
    const run = this.snap(trigger).finally(() => {
      this.inFlight = undefined;
      const next = this.queued;
      this.queued = undefined;
      if (next !== undefined) return this.shoot(next);
      return undefined;
    });
    this.inFlight = run;
    return run;
  }

  private async snap(trigger: PhotoTrigger): Promise<void> {
    this.stats.shots++;
    this.stats.triggered[trigger]++;
    const takenAt = Math.round(this.clock.now());
    const r = await this.client!.take(this.abort.signal);
    if (!r.ok) return this.running ? this.failed(r.reason, r.detail, { trigger }) : undefined; // aborted by stop(): not the camera's failure
    await this.keep(r.bytes, takenAt, trigger);
  }

  /** Hands a photo to the sink; true when it is kept. */
  private async keep(bytes: Buffer, takenAt: number, trigger: PhotoTrigger, quiet = false): Promise<boolean> {
    const c = this.config;
    const stored = await this.sink?.photo?.({ device: c.device, bytes, takenAt, trigger, ...(c.station !== undefined ? { station: c.station } : {}) })
      .catch((e: unknown) => ({ ok: false, reason: 'store-failed', detail: (e as Error).message }) as const);
    if (stored?.ok !== true) {
      const reason = stored?.reason === 'full' || stored?.reason === 'too-large' ? 'outbox-full' : 'store-failed';
      if (!quiet) this.failed(reason, stored?.detail ?? stored?.reason ?? 'no photo outbox', { trigger });
      return false;
    }
    this.stats.stored++;
    this.failuresInARow = 0;
    this.status?.good(takenAt);
    this.deps.log?.debug({ device: c.device, trigger, seq: stored.seq, sha256: stored.sha256, bytes: bytes.length }, 'photo kept');
    return true;
  }

  private failed(reason: CameraFailure, detail: string, context: Record<string, string>): void {
    this.stats.failures[reason]++;
    this.failuresInARow++;
    this.status?.error(`${reason}: ${detail}`);
    if (this.failuresInARow === 1 || this.failuresInARow % 10 === 0) {
      this.deps.log?.warn({ device: this.config.device, reason, detail, failuresInARow: this.failuresInARow, ...context }, 'camera: no photo');
    }
  }

  /** One pass over the folder (also the seam tests drive with their own clock). */
  async pollFolder(): Promise<void> {
    const folder = this.folder;
    if (folder === undefined) return;
    let files: ReadyFile[];
    try {
      files = await folder.ready();
    } catch (e) {
      return this.failed('folder-unreadable', (e as Error).message, {});
    }
    for (const f of files) {
      if (!this.running) return;
      await this.takeFile(folder, f).catch((e: unknown) => this.failed('folder-unreadable', `${f.name}: ${(e as Error).message}`, { file: f.name }));
    }
  }

  private async takeFile(folder: FolderWatcher, f: ReadyFile): Promise<void> {
    // A file the outbox could not take stays in the folder and is tried again at each pass, counted once.
    const retry = this.blocked.has(f.name);
    if (!retry) {
      this.stats.shots++;
      this.stats.triggered.folder++;
    }
    const bytes = await readFile(f.path);
    const check = checkJpeg(bytes);
    if (!check.ok) {
      this.blocked.delete(f.name);
      await folder.reject(f, `${check.reason}: ${check.detail}`);
      return this.failed(check.reason, `${f.name}: ${check.detail} (moved to rejected/)`, { file: f.name });
    }
    if (!(await this.keep(bytes, Math.round(f.mtimeMs), 'folder', retry))) {
      this.blocked.add(f.name);
      return;
    }
    this.blocked.delete(f.name);
    await rm(f.path, { force: true });
    folder.forget(f.name);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.unsubscribe?.();
    this.abort.abort();
    await this.inFlight;
  }
}
