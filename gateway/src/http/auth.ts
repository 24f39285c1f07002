/**
 * HTTP access control (issue #17, docs/security.md "HTTP access"): who calls (a Bearer API key, or the dashboard's
 * session cookie holding one) and whether the route's declared access (access.ts) lets that role in. 401 without a
 * valid key, 403 for a role that may not; both in the `{ code, message }` shape, both counted and audited.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { AccessKeyService, KeyRefusal, Principal } from '../services/access-keys.js';
import { mayAccess } from './access.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key this request authenticated with; undefined on public routes and with COLDTRACE_HTTP_AUTH=off. */
    principal?: Principal;
    /** How the key came: the Authorization header or the dashboard's session cookie. */
    credentialFrom?: 'bearer' | 'cookie';
    /** Why access control refused this request (for the audit log). */
    refusal?: Refusal;
  }
}

/** The dashboard's session cookie: the key itself, HttpOnly (page scripts cannot read it), SameSite=Strict. */
export const SESSION_COOKIE = 'coldtrace_session';

/**
 * A cookie-authenticated call that changes something must carry this header. SameSite=Strict does not stop a page of
 * the same site (another port of the same host) from sending the cookie; a custom header needs a CORS preflight,
 * which the gateway refuses unless the origin is listed.
 */
export const CSRF_HEADER = 'x-coldtrace-csrf';

export type HttpAuthMode = 'keys' | 'off';

/** Why a call was refused: a KeyRefusal, or `missing` (no key), `not-bearer` (another scheme), `role`, `csrf`. */
export type Refusal = KeyRefusal | 'missing' | 'not-bearer' | 'role' | 'csrf' | 'undeclared';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The key of a request: `Authorization: Bearer <key>` first, then the session cookie. */
export function credentialOf(req: FastifyRequest): { key: string; from: 'bearer' | 'cookie' } | { refusal: 'missing' | 'not-bearer' } {
  const auth = req.headers.authorization;
  if (auth !== undefined && auth !== '') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m === null ? { refusal: 'not-bearer' } : { key: m[1]!, from: 'bearer' };
  }
  const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
  return cookie === undefined ? { refusal: 'missing' } : { key: cookie, from: 'cookie' };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const v = part.slice(eq + 1).trim();
      return v === '' ? undefined : decodeURIComponent(v);
    }
  }
  return undefined;
}

const MESSAGES: Record<Refusal, string> = {
  missing: 'an API key is needed: Authorization: Bearer <key>',
  'not-bearer': 'the Authorization header must be Bearer <key>',
  malformed: 'not an API key',
  unknown: 'no such API key',
  mismatch: 'no such API key',
  revoked: 'this API key was revoked',
  role: 'this API key\'s role may not do this',
  csrf: `a call with the session cookie that changes something needs the ${CSRF_HEADER} header`,
  undeclared: 'this route declares no access',
};

/** Refusals counted in /metrics by status and reason. */
function refusalCounter(registry: Registry): Counter<'status' | 'reason'> {
  const name = 'coldtrace_http_refused_total';
  return (registry.getSingleMetric(name) as Counter<'status' | 'reason'> | undefined)
    ?? new Counter({ name, help: 'HTTP calls refused by access control (docs/security.md "HTTP access"), by status (401, 403) and reason', labelNames: ['status', 'reason'] as const, registers: [registry] });
}

export interface AuthHookOptions {
  readonly mode: HttpAuthMode;
  /** Needed with mode 'keys'. */
  readonly keys?: AccessKeyService;
  readonly metrics: Registry;
}

/** Adds the access check to every route of `app` (root: call before registering routes). */
export function addAuthHook(app: FastifyInstance, opts: AuthHookOptions): void {
  const refused = refusalCounter(opts.metrics);
  const refuse = (req: FastifyRequest, reply: FastifyReply, refusal: Refusal): FastifyReply => {
    const status = refusal === 'role' || refusal === 'csrf' || refusal === 'undeclared' ? 403 : 401;
    refused.inc({ status: String(status), reason: refusal });
    req.refusal = refusal;
    if (status === 401) void reply.header('www-authenticate', 'Bearer realm="coldtrace"');
    return reply.status(status).send({ code: status === 401 ? 'E_UNAUTHENTICATED' : 'E_FORBIDDEN', message: MESSAGES[refusal] });
  };
  app.decorateRequest('principal', undefined);
  app.decorateRequest('credentialFrom', undefined);
  app.decorateRequest('refusal', undefined);
  app.addHook('onRequest', async (req, reply) => {
    if (req.is404) return;
    const access = req.routeOptions.config.access;
    if (access === undefined) return refuse(req, reply, 'undeclared');
    if (opts.mode === 'off' || access === 'public') return;
    const cred = credentialOf(req);
    if ('refusal' in cred) return refuse(req, reply, cred.refusal);
    const check = await opts.keys!.verify(cred.key);
    if (!check.ok) return refuse(req, reply, check.reason);
    req.principal = check.principal;
    req.credentialFrom = cred.from;
    if (!mayAccess(check.principal.role, access)) return refuse(req, reply, 'role');
    if (cred.from === 'cookie' && !SAFE_METHODS.has(req.method) && req.headers[CSRF_HEADER] === undefined) return refuse(req, reply, 'csrf');
  });
}
