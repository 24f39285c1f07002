/**
 * API keys (admin: made, listed, revoked) and the dashboard's session (docs/security.md "HTTP access"): a sign-in
 * call takes a key and sets it as an HttpOnly SameSite=Strict cookie, so the page's scripts never hold it and plain
 * links (evidence downloads) and EventSource carry it as well as fetch.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { KEY_ROLES } from '../../domain/access-keys.js';
import { KeyRequestError, type AccessKeyService } from '../../services/access-keys.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';
import { SESSION_COOKIE } from '../auth.js';

export interface KeyRouteDeps {
  readonly keys: AccessKeyService;
  /** With COLDTRACE_HTTP_AUTH=off every call is allowed; the session says so. */
  readonly mode: 'keys' | 'off';
}

const Role = Type.Union(KEY_ROLES.map((r) => Type.Literal(r)));
const KeyInfo = Type.Object({
  id: Type.String({ description: 'Lookup id: the part of the key after ctk_ and before the secret; not secret' }),
  name: Type.String(), role: Role, createdAt: Type.Integer({ description: 'ms since the epoch' }), createdBy: Type.String(),
  lastUsedAt: Type.Optional(Type.Integer({ description: 'Last accepted use, ms; coarse (once a minute at most)' })),
  revokedAt: Type.Optional(Type.Integer({ description: 'ms since the epoch' })),
});
const Session = Type.Object({
  keyId: Type.String(), name: Type.String(), role: Role,
  auth: Type.Union([Type.Literal('keys'), Type.Literal('off')], { description: "'off': the gateway checks no key (COLDTRACE_HTTP_AUTH=off)" }),
});

const cookie = (req: FastifyRequest, value: string, maxAge?: number): string =>
  `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict${req.protocol === 'https' ? '; Secure' : ''}${maxAge !== undefined ? `; Max-Age=${maxAge}` : ''}`;

export function registerKeyRoutes(app: FastifyInstance, opts: { deps: KeyRouteDeps }): Promise<void> {
  const { keys, mode } = opts.deps;
  const offSession = { keyId: 'auth-off', name: 'anyone (COLDTRACE_HTTP_AUTH=off)', role: 'admin' as const, auth: 'off' as const };

  app.get('/keys', {
    config: { access: 'admin' },
    schema: { summary: 'API keys, newest first, revoked ones included (never the key itself)', tags: ['access'], security: [{ bearer: [] }],
      response: { 200: Type.Object({ keys: Type.Array(KeyInfo) }) } },
  }, async () => ({ keys: await keys.list() }));

  app.post<{ Body: { name: string; role: string } }>('/keys', {
    config: { access: 'admin' },
    schema: { summary: 'Make a key: the answer holds it, the only time it is shown', tags: ['access'], security: [{ bearer: [] }],
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, description: 'Who holds it: the audit log shows it' }), role: Role }),
      response: { 201: Type.Object({ key: Type.String({ description: 'ctk_<id>_<secret>: keep it, it is not stored' }), info: KeyInfo }), 400: ErrorBody } },
  }, async (req, reply) => {
    try {
      return await reply.status(201).send(await keys.create(req.body.name, req.body.role, req.principal?.name ?? 'auth off'));
    } catch (e) {
      if (e instanceof KeyRequestError) throw new GatewayError('E_BAD_REQUEST', e.message);
      throw e;
    }
  });

  app.delete<{ Params: { id: string } }>('/keys/:id', {
    config: { access: 'admin' },
    schema: { summary: 'Revoke a key: refused from now on (on other replicas within 10 s)', tags: ['access'], security: [{ bearer: [] }],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }), response: { 200: KeyInfo, 404: ErrorBody } },
  }, async (req) => {
    const revoked = await keys.revoke(req.params.id);
    if (revoked === undefined) throw new GatewayError('E_NOT_FOUND', `no key '${req.params.id}'`);
    return revoked;
  });

  app.post<{ Body: { key: string } }>('/session', {
    config: { access: 'public' },
    schema: { summary: 'Sign in (the dashboard): the key becomes an HttpOnly SameSite=Strict session cookie', tags: ['access'],
      body: Type.Object({ key: Type.String({ minLength: 1, maxLength: 4096 }) }), response: { 200: Session, 401: ErrorBody } },
  }, async (req, reply: FastifyReply) => {
    if (mode === 'off') return offSession;
    const check = await keys.verify(req.body.key);
    if (!check.ok) {
      req.refusal = check.reason;
      return reply.status(401).send({ code: 'E_UNAUTHENTICATED', message: check.reason === 'revoked' ? 'this API key was revoked' : 'no such API key' });
    }
    req.principal = check.principal;
    void reply.header('set-cookie', cookie(req, req.body.key));
    return { ...check.principal, auth: mode };
  });

  app.get('/session', {
    config: { access: 'read' },
    schema: { summary: 'Who this call is signed in as (key or session cookie)', tags: ['access'], security: [{ bearer: [] }], response: { 200: Session } },
  }, (req) => (req.principal === undefined ? offSession : { ...req.principal, auth: mode }));

  app.delete('/session', {
    config: { access: 'public' },
    schema: { summary: 'Sign out: the session cookie is cleared', tags: ['access'], response: { 204: Type.Null() } },
  }, (req, reply) => reply.header('set-cookie', cookie(req, '', 0)).status(204).send());
  return Promise.resolve();
}
