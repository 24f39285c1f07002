/**
 * An IP camera's HTTP snapshot endpoint (what ONVIF GetSnapshotUri points at), for the demo and the edge agent's
 * tests (issue #21): `GET /snapshot.jpg` answers a JPEG showing the station name and the time
 * (snapshot-image.ts) with its EXIF capture time in the camera's clock, optionally behind Digest (RFC 7616, MD5 or SHA-256, qop=auth) or Basic auth. It can be made
 * to misbehave as real cameras do: hang, answer an HTML page, cut the transfer short, fail with a 500
 * (`camera.fault`, or `POST /fault?mode=...` from outside).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { snapshotImage } from './snapshot-image.js';

export const CAMERA_FAULTS = ['none', 'hang', 'html', 'truncated', 'error'] as const;
export type CameraFault = (typeof CAMERA_FAULTS)[number];

export interface IpCameraAuth {
  readonly scheme: 'digest' | 'basic';
  readonly username: string;
  readonly password: string;
  /** Digest only. Default SHA-256. */
  readonly algorithm?: 'MD5' | 'SHA-256';
}

export interface IpCameraOptions {
  readonly station: string;
  readonly device: string;
  /** Default 127.0.0.1 and 0 (a free port). */
  readonly host?: string;
  readonly port?: number;
  readonly auth?: IpCameraAuth;
  /** Wall clock shown in the picture, ms. Default Date.now. */
  readonly now?: () => number;
  readonly width?: number;
  readonly height?: number;
  /**
   * The camera's clock minus the wall clock, ms: its overlay and EXIF capture time are off by this much (a camera
   * whose NTP failed; the gateway flags such photos). Default 0.
   */
  readonly clockSkewMs?: number;
}

export interface IpCamera {
  /** `http://host:port/snapshot.jpg`. */
  readonly snapshotUrl: string;
  readonly port: number;
  fault: CameraFault;
  /** Snapshot requests, and of them the pictures served whole. */
  readonly stats: { requests: number; served: number; unauthorized: number };
  close(): Promise<void>;
}

const REALM = 'coldtrace-camera';
/** Nonces remembered (a client uses its nonce for many requests); past it the oldest is forgotten (bounded). */
const MAX_NONCES = 64;

const HASH = { 'MD5': 'md5', 'SHA-256': 'sha256' } as const;

function authParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.replace(/^Digest\s+/i, '').matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    out[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return out;
}

/** The server side of Digest: issues nonces and checks answers (RFC 7616 §3.4.1, qop=auth). */
class DigestGuard {
  private readonly nonces: string[] = [];
  constructor(private readonly auth: IpCameraAuth) {}

  challenge(stale: boolean): string {
    const nonce = randomBytes(16).toString('base64url');
    this.nonces.push(nonce);
    if (this.nonces.length > MAX_NONCES) this.nonces.shift();
    const algorithm = this.auth.algorithm ?? 'SHA-256';
    return `Digest realm="${REALM}", qop="auth", algorithm=${algorithm}, nonce="${nonce}", opaque="${REALM}"${stale ? ', stale=true' : ''}`;
  }

  /** 'ok', 'stale' (right credentials on a nonce forgotten), or 'bad'. */
  check(header: string | undefined, method: string, url: string): 'ok' | 'stale' | 'bad' {
    if (header === undefined || !/^Digest\s/i.test(header)) return 'bad';
    const p = authParams(header);
    const algorithm = this.auth.algorithm ?? 'SHA-256';
    if ((p['algorithm'] ?? 'MD5').toUpperCase() !== algorithm || p['username'] !== this.auth.username || p['realm'] !== REALM || p['uri'] !== url) return 'bad';
    if (p['qop'] !== 'auth' || p['nc'] === undefined || p['cnonce'] === undefined || p['nonce'] === undefined) return 'bad';
    const H = (s: string): string => createHash(HASH[algorithm]).update(s).digest('hex');
    const ha1 = H(`${this.auth.username}:${REALM}:${this.auth.password}`);
    const expected = H(`${ha1}:${p['nonce']}:${p['nc']}:${p['cnonce']}:auth:${H(`${method}:${url}`)}`);
    if (p['response'] !== expected) return 'bad';
    return this.nonces.includes(p['nonce']) ? 'ok' : 'stale';
  }
}

export async function startIpCamera(o: IpCameraOptions): Promise<IpCamera> {
  const now = o.now ?? Date.now;
  const guard = o.auth?.scheme === 'digest' ? new DigestGuard(o.auth) : undefined;
  const stats = { requests: 0, served: 0, unauthorized: 0 };
  let frame = 0;
  const camera = { fault: 'none' as CameraFault };

  const authorized = (req: IncomingMessage, res: ServerResponse): boolean => {
    const a = o.auth;
    if (a === undefined) return true;
    let verdict: 'ok' | 'stale' | 'bad';
    if (guard) verdict = guard.check(req.headers.authorization, req.method ?? 'GET', req.url ?? '/');
    else verdict = req.headers.authorization === `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}` ? 'ok' : 'bad';
    if (verdict === 'ok') return true;
    stats.unauthorized++;
    res.writeHead(401, { 'www-authenticate': guard ? guard.challenge(verdict === 'stale') : `Basic realm="${REALM}"`, 'content-type': 'text/html' });
    res.end('<html><body><h1>401 Unauthorized</h1></body></html>');
    return false;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://camera');
    if (req.method === 'POST' && url.pathname === '/fault') {
      const mode = url.searchParams.get('mode') ?? '';
      if (!(CAMERA_FAULTS as readonly string[]).includes(mode)) return void res.writeHead(400).end(`mode: one of ${CAMERA_FAULTS.join(', ')}\n`);
      camera.fault = mode as CameraFault;
      return void res.writeHead(204).end();
    }
    if (req.method !== 'GET' || url.pathname !== '/snapshot.jpg') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    stats.requests++;
    if (!authorized(req, res)) return;
    switch (camera.fault) {
      case 'hang':
        return; // never answers; close() ends the connection
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end('<!DOCTYPE html><html><head><title>Camera login</title></head><body><form>Password: <input type="password"></form></body></html>');
      case 'error':
        return void res.writeHead(500, { 'content-type': 'text/plain' }).end('sensor error\n');
      case 'none':
      case 'truncated': {
        const time = now() + (o.clockSkewMs ?? 0);
        const jpeg = snapshotImage({ station: o.station, device: o.device, time, exifTime: time, frame: ++frame, ...(o.width !== undefined ? { width: o.width } : {}), ...(o.height !== undefined ? { height: o.height } : {}) });
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(jpeg.length), 'cache-control': 'no-store' });
        if (camera.fault === 'truncated') {
          res.write(jpeg.subarray(0, Math.floor(jpeg.length / 2)));
          setImmediate(() => res.destroy());
          return;
        }
        stats.served++;
        return void res.end(jpeg);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return Object.assign(camera, {
    snapshotUrl: `http://${host}:${port}/snapshot.jpg`,
    port,
    stats,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}
