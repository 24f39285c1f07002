/**
 * HTTP Digest access authentication, client side (RFC 7616; RFC 2617 and 2069 servers too), for IP cameras' snapshot
 * URLs. Pure: the cnonce and the nonce count are passed in. Only what a camera needs: qop=auth (not auth-int, which
 * would hash the body of a GET that has none anyway), MD5, SHA-256 and SHA-512-256 with their -sess variants,
 * userhash. No library fitted: the maintained ones are built on fetch/axios wrappers we do not use and most know MD5
 * only; this is tested against the RFC's own examples (digest-auth.test.ts).
 */
import { createHash } from 'node:crypto';

const HASHES = { 'MD5': 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' } as const;
type HashName = keyof typeof HASHES;

/** One challenge of a `WWW-Authenticate` header: its scheme and its parameters (names in lower case). */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string;
  /** As the server named it (`MD5` when absent), upper case. */
  readonly algorithm: string;
  /** The qop options the server offers; empty for an RFC 2069 server. */
  readonly qop: readonly string[];
  /** The server asks for the user name hashed (RFC 7616 §3.4.4). */
  readonly userhash: boolean;
  /** The nonce expired but the credentials were right: retry with the new one (RFC 7616 §3.3). */
  readonly stale: boolean;
}

export interface DigestCredentials {
  readonly username: string;
  readonly password: string;
}

export interface DigestRequest {
  readonly method: string;
  /** The request target as sent: path and query. */
  readonly uri: string;
  /** Client nonce: random, printable, no quote. */
  readonly cnonce: string;
  /** How many times this nonce has been used, from 1. */
  readonly nc: number;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;

/** Every challenge of one or more `WWW-Authenticate` values (a value may hold several, comma-separated). */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const out: { scheme: string; params: Record<string, string> }[] = [];
  for (const text of values) {
    let i = 0;
    const token = (): string | undefined => {
      TOKEN.lastIndex = i;
      const m = TOKEN.exec(text);
      if (!m) return undefined;
      i = TOKEN.lastIndex;
      return m[0];
    };
    const skip = (re: RegExp): void => {
      while (i < text.length && re.test(text.charAt(i))) i++;
    };
    while (i < text.length) {
      skip(/[\s,]/);
      const name = token();
      if (name === undefined) {
        i++;
        continue;
      }
      const save = i;
      skip(/\s/);
      const current = out.at(-1);
      if (text.charAt(i) !== '=' || current === undefined) {
        i = save;
        out.push({ scheme: name, params: {} });
        continue;
      }
      i++;
      skip(/\s/);
      let value = '';
      if (text.charAt(i) === '"') {
        i++;
        while (i < text.length && text.charAt(i) !== '"') {
          if (text.charAt(i) === '\\') i++;
          value += text.charAt(i);
          i++;
        }
        i++;
      } else {
        // A token, or token68 padding (`abc==`) of a scheme like Negotiate.
        const start = i;
        while (i < text.length && !/[\s,]/.test(text.charAt(i))) i++;
        value = text.slice(start, i);
      }
      current.params[name.toLowerCase()] = value;
    }
  }
  return out;
}

function hashOf(algorithm: string): HashName | undefined {
  const base = algorithm.toUpperCase().replace(/-SESS$/, '');
  return Object.hasOwn(HASHES, base) ? (base as HashName) : undefined;
}

/** The Digest challenge to answer: the strongest algorithm this client knows, with qop=auth or no qop; else undefined. */
export function chooseDigest(challenges: readonly AuthChallenge[]): DigestChallenge | undefined {
  const order: HashName[] = ['SHA-512-256', 'SHA-256', 'MD5'];
  const usable = challenges.flatMap((c): DigestChallenge[] => {
    if (c.scheme.toLowerCase() !== 'digest') return [];
    const p = c.params;
    const algorithm = (p['algorithm'] ?? 'MD5').toUpperCase();
    const qop = (p['qop'] ?? '').split(',').map((q) => q.trim().toLowerCase()).filter((q) => q !== '');
    if (p['realm'] === undefined || p['nonce'] === undefined || hashOf(algorithm) === undefined) return [];
    if (qop.length > 0 && !qop.includes('auth')) return [];
    return [{
      realm: p['realm'], nonce: p['nonce'], ...(p['opaque'] !== undefined ? { opaque: p['opaque'] } : {}), algorithm, qop,
      userhash: p['userhash']?.toLowerCase() === 'true', stale: p['stale']?.toLowerCase() === 'true',
    }];
  });
  return usable.sort((a, b) => order.indexOf(hashOf(a.algorithm)!) - order.indexOf(hashOf(b.algorithm)!))[0];
}

const quote = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;

/** The `Authorization` header value answering `c` (RFC 7616 §3.4). */
export function digestAuthorization(c: DigestChallenge, creds: DigestCredentials, req: DigestRequest): string {
  const alg = hashOf(c.algorithm);
  if (alg === undefined) throw new Error(`unsupported digest algorithm ${c.algorithm}`);
  const H = (s: string): string => createHash(HASHES[alg]).update(s, 'utf8').digest('hex');
  const nc = req.nc.toString(16).padStart(8, '0');
  const qop = c.qop.length > 0 ? 'auth' : undefined;
  let ha1 = H(`${creds.username}:${c.realm}:${creds.password}`);
  if (c.algorithm.endsWith('-SESS')) ha1 = H(`${ha1}:${c.nonce}:${req.cnonce}`);
  const ha2 = H(`${req.method}:${req.uri}`);
  const response = qop === undefined ? H(`${ha1}:${c.nonce}:${ha2}`) : H(`${ha1}:${c.nonce}:${nc}:${req.cnonce}:${qop}:${ha2}`);
  // A user name that is not plain ASCII goes as username* (RFC 7616 §3.4, RFC 5987) unless it is hashed.
  const plain = /^[\x20-\x7e]*$/.test(creds.username);
  const user = c.userhash ? `username=${quote(H(`${creds.username}:${c.realm}`))}`
    : plain ? `username=${quote(creds.username)}` : `username*=UTF-8''${encodeURIComponent(creds.username)}`;
  const parts = [
    user, `realm=${quote(c.realm)}`, `uri=${quote(req.uri)}`, `algorithm=${c.algorithm}`, `nonce=${quote(c.nonce)}`,
    ...(qop !== undefined ? [`nc=${nc}`, `cnonce=${quote(req.cnonce)}`, `qop=${qop}`] : []),
    `response=${quote(response)}`,
    ...(c.opaque !== undefined ? [`opaque=${quote(c.opaque)}`] : []),
    ...(c.userhash ? ['userhash=true'] : []),
  ];
  return `Digest ${parts.join(', ')}`;
}

/** `Authorization: Basic` (RFC 7617), UTF-8. */
export function basicAuthorization(creds: DigestCredentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64')}`;
}
