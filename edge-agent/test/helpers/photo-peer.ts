/**
 * The gateway's side of the photo upload contract (docs/photos.md), as a small real HTTP server: the peer of the
 * agent's uploader in tests, not the thing under test. It checks what the gateway checks first (the path's hash, a
 * JPEG's first bytes, Basic credentials, the query) and answers as the contract says; `script` makes the next
 * answers something else (a 503, a 429, a 401) to test the uploader's retries.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPhoto {
  readonly sha256: string;
  readonly bytes: Buffer;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
}

export interface PhotoPeer {
  readonly url: string;
  /** Photos stored (201), in order; a duplicate is not stored twice. */
  readonly stored: ReceivedPhoto[];
  /** Every request, with the status it was answered. */
  readonly requests: { status: number; query: Record<string, string> }[];
  /** The next answers, one per request, before the contract's own. */
  script(...statuses: number[]): void;
  /** The secret expected in Basic auth as `{site}/{node}:{secret}`; undefined: no auth asked (open gateway). */
  secret: string | undefined;
  /** While true every upload is answered 503 (a gateway down for maintenance). */
  down: boolean;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startPhotoPeer(opts: { secret?: string; maxBytes?: number } = {}): Promise<PhotoPeer> {
  const stored: ReceivedPhoto[] = [];
  const requests: { status: number; query: Record<string, string> }[] = [];
  const scripted: number[] = [];
  let quarantined = 0;
  const peer = { secret: opts.secret, down: false };
  const server: Server = createServer((req, res) => {
    void body(req).then((bytes) => {
      const url = new URL(req.url ?? '/', 'http://peer');
      const query = Object.fromEntries(url.searchParams);
      const answer = (status: number, json: Record<string, unknown> = {}): void => {
        requests.push({ status, query });
        res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) });
        res.end(JSON.stringify(json));
      };
      const m = /^\/api\/v1\/photos\/([0-9a-f]{64})$/.exec(url.pathname);
      if (req.method !== 'PUT' || !m) return answer(404, { code: 'E_NOT_FOUND' });
      if (peer.down) return answer(503, { code: 'E_UNAVAILABLE' });
      const next = scripted.shift();
      if (next !== undefined) return answer(next, { code: `E_SCRIPTED_${next}` });
      const site = query['site'];
      const node = query['node'];
      if (peer.secret !== undefined && req.headers.authorization !== `Basic ${Buffer.from(`${site}/${node}:${peer.secret}`).toString('base64')}`) return answer(401, { code: 'E_UNAUTHORIZED' });
      if (bytes.length > (opts.maxBytes ?? 10_000_000)) return answer(413, { code: 'E_PHOTO_TOO_LARGE' });
      const refuse = (status: number, code: string, reason: string): void => answer(status, { error: 'Unprocessable', code, reason, quarantineId: ++quarantined });
      if (createHash('sha256').update(bytes).digest('hex') !== m[1]) return refuse(422, 'E_PHOTO_HASH_MISMATCH', 'the body does not hash to the path');
      if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return refuse(415, 'E_PHOTO_NOT_JPEG', 'not a JPEG');
      for (const k of ['device', 'takenAt', 'seq', 'trigger']) if (query[k] === undefined) return answer(400, { code: 'E_PHOTO_QUERY', reason: `${k} missing` });
      if (stored.some((p) => p.sha256 === m[1])) return answer(200, { sha256: m[1], stored: 'duplicate' });
      stored.push({ sha256: m[1]!, bytes, query, authorization: req.headers.authorization });
      answer(201, { sha256: m[1], stored: 'new' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(peer, {
    url: `http://127.0.0.1:${port}`,
    stored,
    requests,
    script: (...statuses: number[]) => void scripted.push(...statuses),
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}
