/**
 * One snapshot from an IP camera's HTTP snapshot URL, with its credentials (Basic or Digest, RFC 7616), checked to
 * be a whole JPEG. Every way it can fail is a reason the camera source counts: the camera is down or slow, refuses
 * the credentials, answers a login page, or cuts the transfer short.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkJpeg } from '../../decode/jpeg.js';
import { HttpError, sendHttp, type HttpAnswer } from '../../http/request.js';
import type { CameraSnapshotConfig } from './config.js';
import { basicAuthorization, chooseDigest, digestAuthorization, parseChallenges, type DigestChallenge } from './digest-auth.js';

export const SNAPSHOT_FAILURES = ['timeout', 'network', 'unauthorized', 'http-status', 'not-jpeg', 'truncated', 'corrupt', 'too-large', 'file-unreadable'] as const;
export type SnapshotFailure = (typeof SNAPSHOT_FAILURES)[number];

export type SnapshotResult =
  | { readonly ok: true; readonly bytes: Buffer; readonly width: number; readonly height: number }
  | { readonly ok: false; readonly reason: SnapshotFailure; readonly detail: string };

/** A camera's snapshot client: keeps the Digest nonce between shots (one round trip per photo instead of two). */
export class SnapshotClient {
  private digest: { challenge: DigestChallenge; nc: number } | undefined;
  private basicAsked = false;
  private readonly url: URL;

  constructor(private readonly config: CameraSnapshotConfig) {
    this.url = new URL(config.url);
  }

  private password(): string {
    const c = this.config;
    if (c.passwordFile !== undefined) return readFileSync(c.passwordFile, 'utf8').split('\n')[0]!.trim();
    return c.password ?? '';
  }

  private authorization(): string | undefined {
    const c = this.config;
    if (c.auth === 'none' || c.username === undefined) return undefined;
    // Basic first when configured so, or when this camera asked for it before (auto): one request per photo.
    if (c.auth === 'basic' || (c.auth === 'auto' && this.basicAsked)) return basicAuthorization({ username: c.username, password: this.password() });
    if (this.digest === undefined) return undefined;
    this.digest.nc++;
    const uri = `${this.url.pathname}${this.url.search}`;
    return digestAuthorization(this.digest.challenge, { username: c.username, password: this.password() }, { method: 'GET', uri, cnonce: randomBytes(12).toString('hex'), nc: this.digest.nc });
  }

  private get(authorization: string | undefined, ca: Buffer | undefined, signal: AbortSignal | undefined): Promise<HttpAnswer> {
    return sendHttp({
      ...(signal !== undefined ? { signal } : {}),
      method: 'GET', url: this.url, timeoutMs: this.config.timeoutMs, maxBodyBytes: this.config.maxBytes,
      headers: { accept: 'image/jpeg', ...(authorization !== undefined ? { authorization } : {}) },
      ...(ca !== undefined ? { tls: { ca } } : {}),
    });
  }

  /**
   * After a 401: the Authorization to try once more, or undefined when there is nothing better to send. A Digest
   * answer on a nonce from this very exchange that is refused means wrong credentials (unless the camera says
   * stale); on a nonce kept from an earlier shot it may just have expired, so the new challenge is answered.
   */
  private answerChallenge(a: HttpAnswer, sent: string | undefined, freshNonce: boolean): string | undefined {
    const c = this.config;
    if (c.username === undefined || c.auth === 'none' || c.auth === 'basic') return undefined;
    const challenges = parseChallenges(a.challenges);
    const digest = chooseDigest(challenges);
    if (digest !== undefined) {
      if (sent?.startsWith('Digest') === true && freshNonce && !digest.stale) return undefined;
      this.digest = { challenge: digest, nc: 0 };
      return this.authorization();
    }
    this.digest = undefined;
    const basicOffered = challenges.some((x) => x.scheme.toLowerCase() === 'basic');
    if (c.auth === 'auto' && basicOffered && sent?.startsWith('Basic') !== true) {
      this.basicAsked = true;
      return basicAuthorization({ username: c.username, password: this.password() });
    }
    return undefined;
  }

  /** One snapshot; `signal` aborts it (the source stopping): it then fails as `network`. */
  async take(signal?: AbortSignal): Promise<SnapshotResult> {
    let answer: HttpAnswer;
    let sent: string | undefined;
    let ca: Buffer | undefined;
    try {
      // The CA and password files are read at every shot: a renewed certificate or rotated password takes effect.
      ca = this.config.caFile === undefined ? undefined : readFileSync(this.config.caFile);
      sent = this.authorization();
    } catch (e) {
      return { ok: false, reason: 'file-unreadable', detail: `camera password or CA file: ${(e as Error).message}` };
    }
    try {
      let freshNonce = false;
      answer = await this.get(sent, ca, signal);
      for (let tries = 0; answer.status === 401 && tries < 2; tries++) {
        const next = this.answerChallenge(answer, sent, freshNonce);
        if (next === undefined) break;
        freshNonce = next.startsWith('Digest');
        sent = next;
        answer = await this.get(sent, ca, signal);
      }
      if (answer.status === 401 && sent?.startsWith('Basic') === true) this.basicAsked = false;
    } catch (e) {
      if (!(e instanceof HttpError)) return { ok: false, reason: 'file-unreadable', detail: `camera password file: ${(e as Error).message}` };
      const reason = e.code === 'E_HTTP_TIMEOUT' ? 'timeout' : e.code === 'E_HTTP_TOO_LARGE' ? 'too-large' : 'network';
      return { ok: false, reason, detail: e.message };
    }
    if (answer.status === 401 || answer.status === 403) {
      const offered = answer.challenges.length > 0 ? ` (camera offers: ${answer.challenges.join('; ').slice(0, 200)})` : '';
      return { ok: false, reason: 'unauthorized', detail: `HTTP ${answer.status}: credentials refused${offered}` };
    }
    if (answer.status !== 200) return { ok: false, reason: 'http-status', detail: `HTTP ${answer.status}` };
    if (answer.incomplete) return { ok: false, reason: 'truncated', detail: `the camera closed after ${answer.body.length} of ${answer.headers['content-length'] ?? '?'} bytes` };
    const check = checkJpeg(answer.body);
    if (!check.ok) return { ok: false, reason: check.reason, detail: `${check.detail}; Content-Type ${answer.headers['content-type'] ?? 'none'}` };
    return { ok: true, bytes: answer.body, width: check.width, height: check.height };
  }
}
