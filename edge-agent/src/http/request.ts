/**
 * One HTTP(S) request with a deadline and a cap on the answer's size (node:http, no pooling surprises): the camera
 * source's snapshot GET and the photo uploader's PUT. A network failure, a timeout and an answer over the cap are
 * errors with a code (docs/engineering.md 4); any HTTP status is an answer, for the caller to judge.
 */
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type HttpErrorCode = 'E_HTTP_TIMEOUT' | 'E_HTTP_NETWORK' | 'E_HTTP_TOO_LARGE' | 'E_HTTP_URL' | 'E_HTTP_ABORTED';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(readonly code: HttpErrorCode, message: string) {
    super(message);
  }
}

export interface HttpTls {
  /** CA bundle (PEM) the server's certificate must chain to; default: the system's. */
  readonly ca?: Buffer;
  /** Client certificate and key (PEM). */
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

export interface HttpRequest {
  readonly method: 'GET' | 'PUT';
  readonly url: URL;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: Buffer;
  /** Whole exchange, connect to last byte, ms. */
  readonly timeoutMs: number;
  /** Largest answer body read, bytes; a longer one fails with E_HTTP_TOO_LARGE. */
  readonly maxBodyBytes: number;
  readonly tls?: HttpTls;
  /** Aborts the exchange (the agent stopping): it fails with E_HTTP_ABORTED. */
  readonly signal?: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Every `WWW-Authenticate` line, apart. */
  readonly challenges: readonly string[];
  readonly body: Buffer;
  /** The server closed before the Content-Length it announced (a cut transfer). */
  readonly incomplete: boolean;
}

export function sendHttp(req: HttpRequest): Promise<HttpAnswer> {
  const { url } = req;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new HttpError('E_HTTP_URL', `not an http(s) URL: ${url.protocol}`));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => fail(new HttpError('E_HTTP_ABORTED', `request to ${url.host} aborted`));
    const fail = (e: HttpError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      r.destroy();
      reject(e);
    };
    const tls = url.protocol === 'https:' ? { rejectUnauthorized: true, ...req.tls } : {};
    const headers = { ...req.headers, ...(req.body !== undefined ? { 'content-length': String(req.body.length) } : {}) };
    const r = send(url, { method: req.method, headers, agent: false, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > req.maxBodyBytes) fail(new HttpError('E_HTTP_TOO_LARGE', `answer larger than ${req.maxBodyBytes} bytes`));
        else chunks.push(c);
      });
      const done = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        const body = Buffer.concat(chunks);
        const announced = Number(res.headers['content-length']);
        const challenges = res.headersDistinct['www-authenticate'] ?? [];
        resolve({ status: res.statusCode ?? 0, headers: res.headers, challenges, body, incomplete: !res.complete || (Number.isFinite(announced) && body.length < announced) });
      };
      res.on('end', done);
      // A connection closed mid-body: what came is handed on, marked incomplete, for the caller to judge.
      res.on('aborted', done);
      res.on('error', done);
    });
    const timer = setTimeout(() => fail(new HttpError('E_HTTP_TIMEOUT', `no complete answer from ${url.host} within ${req.timeoutMs} ms`)), req.timeoutMs);
    r.on('error', (e: NodeJS.ErrnoException) => fail(new HttpError('E_HTTP_NETWORK', `${url.host}: ${e.code ?? e.message}`)));
    if (req.signal?.aborted === true) return onAbort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    r.end(req.body);
  });
}
