/**
 * Uploads the photo outbox to the gateway, one photo at a time, oldest first (issue #21, the photo upload contract
 * in docs/photos.md): `PUT /api/v1/photos/{sha256}` with the JPEG bytes, the node's MQTT credentials as Basic auth
 * (`{site}/{node}` and the secret of `mqtt.passwordFile`, read again for every photo so a rotated secret takes
 * effect), TLS files as MQTT reads them (forward/connect-files.ts).
 *
 * What each answer does (judged by the pure `judgeAnswer`): 201/200 the gateway has it, removed; 400/413/415/422
 * refused for good, moved to rejected/ with the reason and counted; anything else (401 while a secret rotates, 404
 * from a gateway without the route, 429, 5xx, no answer) is retried with backoff, the photo kept.
 */
import { photoUploadPath } from '@coldtrace/contract';
import type { Logger } from 'pino';
import { systemClock, systemScheduler, type Clock, type Scheduler } from '../clock.js';
import { HttpError, sendHttp, type HttpAnswer } from '../http/request.js';
import { basicAuthorization } from '../sources/camera/digest-auth.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { connectOptionsFromFiles, type ConnectFiles } from './connect-files.js';
import type { PhotoOutbox, StoredPhoto } from './photo-outbox.js';

export interface PhotoUploaderOptions {
  /** The gateway's base URL, http(s)://host:port. */
  readonly url: string;
  readonly site: string;
  readonly node: string;
  /** The node's secret, or the file holding it (MQTT's `password` / `passwordFile`); neither: no Authorization. */
  readonly password?: string;
  readonly files: ConnectFiles;
  /** One upload, connect to answer, ms. Default 60 000. */
  readonly timeoutMs?: number;
  readonly backoff?: Partial<BackoffOptions>;
}

export type UploadVerdict =
  | { readonly kind: 'stored'; readonly duplicate: boolean; readonly warnings: readonly string[] }
  | { readonly kind: 'rejected'; readonly status: number; readonly code?: string; readonly reason: string; readonly quarantineId?: string }
  | { readonly kind: 'retry'; readonly why: string; readonly retryAfterMs?: number };

const PERMANENT = new Set([400, 413, 415, 422]);

function jsonBody(body: Buffer): Record<string, unknown> {
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** What an answer of the gateway means for the photo (the contract's table). Pure. */
export function judgeAnswer(a: Pick<HttpAnswer, 'status' | 'headers' | 'body'>): UploadVerdict {
  const body = jsonBody(a.body);
  if (a.status === 200 || a.status === 201) {
    const warnings = Array.isArray(body['warnings']) ? body['warnings'].map((w) => (typeof w === 'string' ? w : JSON.stringify(w))) : [];
    return { kind: 'stored', duplicate: body['stored'] === 'duplicate' || a.status === 200, warnings };
  }
  if (PERMANENT.has(a.status)) {
    const code = str(body['code']);
    const quarantineId = str(body['quarantineId']);
    const reason = str(body['reason']) ?? str(body['message']) ?? str(body['error']) ?? (a.status === 413 ? 'too large for the gateway' : `HTTP ${a.status}`);
    return { kind: 'rejected', status: a.status, ...(code !== undefined ? { code } : {}), reason, ...(quarantineId !== undefined ? { quarantineId } : {}) };
  }
  const retryAfterS = Number(a.headers['retry-after']);
  const why = a.status === 401 ? 'HTTP 401: credentials refused (a secret being rotated?)' : `HTTP ${a.status}`;
  return { kind: 'retry', why, ...(Number.isFinite(retryAfterS) && retryAfterS >= 0 ? { retryAfterMs: retryAfterS * 1000 } : {}) };
}

export interface PhotoUploaderStats {
  /** Upload attempts, and of them the answers by verdict. */
  readonly attempts: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** Stored with warnings (e.g. EXIF time far from takenAt). */
  readonly flagged: number;
  readonly retries: number;
  /** Of the retries, 401 answers. */
  readonly unauthorized: number;
  /** Consecutive failed attempts of the current photo (0 when the last attempt settled it). */
  readonly failingFor: number;
}

export class PhotoUploader {
  private counters = { attempts: 0, stored: 0, duplicates: 0, rejected: 0, flagged: 0, retries: 0, unauthorized: 0 };
  private failures = 0;
  private running = false;
  private busy: Promise<void> | undefined;
  private wait: { cancel(): void; wake(): void } | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Aborts the upload in flight when the agent stops: the photo stays in the outbox for the next start. */
  private readonly abort = new AbortController();
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly random: () => number;

  constructor(
    private readonly options: PhotoUploaderOptions,
    private readonly outbox: PhotoOutbox,
    private readonly log: Logger,
    deps: { clock?: Clock; scheduler?: Scheduler; random?: () => number } = {},
  ) {
    this.random = deps.random ?? Math.random;
    this.clock = deps.clock ?? systemClock;
    this.scheduler = deps.scheduler ?? systemScheduler;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.outbox.onStored(() => {
      if (this.failures === 0) this.wait?.wake();
    });
    this.busy = this.loop();
  }

  /** Stops now: an upload in flight is aborted (the photo stays in the outbox). */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.abort.abort();
    this.wait?.wake();
    await this.busy;
  }

  stats(): PhotoUploaderStats {
    return { ...this.counters, failingFor: this.failures };
  }

  private sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : this.scheduler.after(ms, () => resolve());
      this.wait = { cancel: () => timer?.cancel(), wake: () => { timer?.cancel(); resolve(); } };
    });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const next = await this.outbox.next().catch((e: unknown) => {
        this.log.error({ err: (e as Error).message }, 'photo outbox unreadable');
        return undefined;
      });
      if (next === undefined) {
        await this.sleep(this.failures > 0 ? backoffDelay(this.failures, this.random(), this.options.backoff) : undefined);
        continue;
      }
      const verdict = await this.upload(next.photo, next.bytes);
      await this.settle(next.photo, verdict);
      if (verdict.kind === 'retry' && this.running) {
        await this.sleep(verdict.retryAfterMs ?? backoffDelay(this.failures - 1, this.random(), this.options.backoff));
      }
    }
  }

  private async upload(photo: StoredPhoto, bytes: Buffer): Promise<UploadVerdict> {
    const o = this.options;
    const url = new URL(photoUploadPath(photo.sha256, {
      site: o.site, node: o.node, device: photo.device, takenAt: photo.takenAt, seq: photo.seq, trigger: photo.trigger, ...(photo.station !== undefined ? { station: photo.station } : {}),
    }), o.url);
    const fromFiles = connectOptionsFromFiles(o.files, this.log);
    const secret = o.password ?? fromFiles.password?.toString();
    const headers = { 'content-type': 'image/jpeg', ...(secret !== undefined ? { authorization: basicAuthorization({ username: `${o.site}/${o.node}`, password: secret }) } : {}) };
    const tls = { ...(fromFiles.ca !== undefined ? { ca: fromFiles.ca as Buffer } : {}), ...(fromFiles.cert !== undefined ? { cert: fromFiles.cert as Buffer, key: fromFiles.key as Buffer } : {}) };
    this.counters.attempts++;
    try {
      const answer = await sendHttp({ method: 'PUT', url, headers, body: bytes, timeoutMs: o.timeoutMs ?? 60_000, maxBodyBytes: 64 * 1024, tls, signal: this.abort.signal });
      return judgeAnswer(answer);
    } catch (e) {
      return { kind: 'retry', why: e instanceof HttpError ? `${e.code}: ${e.message}` : (e as Error).message };
    }
  }

  private async settle(photo: StoredPhoto, v: UploadVerdict): Promise<void> {
    const at = { device: photo.device, seq: photo.seq, sha256: photo.sha256, trigger: photo.trigger };
    switch (v.kind) {
      case 'stored':
        this.failures = 0;
        this.counters.stored++;
        if (v.duplicate) this.counters.duplicates++;
        if (v.warnings.length > 0) {
          this.counters.flagged++;
          this.log.warn({ ...at, warnings: v.warnings }, 'photo stored by the gateway with warnings');
        }
        await this.outbox.uploaded(photo);
        return;
      case 'rejected':
        this.failures = 0;
        this.counters.rejected++;
        this.log.error({ ...at, code: v.code, reason: v.reason, quarantineId: v.quarantineId }, 'photo refused by the gateway: moved to the outbox rejected/ folder');
        await this.outbox.rejected(photo, { status: v.status, reason: v.reason, ...(v.code !== undefined ? { code: v.code } : {}), ...(v.quarantineId !== undefined ? { quarantineId: v.quarantineId } : {}) }, this.clock.now());
        return;
      case 'retry':
        this.failures++;
        this.counters.retries++;
        if (v.why.startsWith('HTTP 401')) this.counters.unauthorized++;
        if (this.failures === 1 || this.failures % 10 === 0) this.log.warn({ ...at, why: v.why, failures: this.failures }, 'photo upload failed: kept, retrying with backoff');
        this.outbox.release();
        return;
      default: {
        const never: never = v;
        throw new Error(`unexpected verdict ${JSON.stringify(never)}`);
      }
    }
  }
}
