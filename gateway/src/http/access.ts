/**
 * HTTP access levels (issue #17, docs/security.md "HTTP access"). Every route declares the level it needs in its
 * route options: `app.get('/x', { config: { access: 'read' }, schema: ... }, handler)`. A route that declares none
 * makes the app fail to build (see `requireDeclaredAccess`): a forgotten declaration never means "open".
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

/**
 * What a route needs.
 * - `public`: no key (health, readiness, the OpenAPI document, the dashboard's static files, public signing keys).
 * - `read`: any valid key (every role reads).
 * - `operate`: operators' actions (acknowledge/resolve flags, replay quarantine, re-judge).
 * - `integrate`: the order hub's calls (order statuses, carrier events).
 * - `admin`: the registry, devices and their credentials, API keys, the audit log.
 */
export type Access = 'public' | 'read' | 'operate' | 'integrate' | 'admin';

export const ACCESS_LEVELS: readonly Access[] = ['public', 'read', 'operate', 'integrate', 'admin'];

/** Who a key acts as. */
export type Role = 'viewer' | 'operator' | 'integration' | 'admin';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'integration', 'admin'];

/** The access levels each role holds; admin holds every one. */
export const ROLE_ACCESS: Readonly<Record<Role, ReadonlySet<Access>>> = {
  viewer: new Set<Access>(['public', 'read']),
  operator: new Set<Access>(['public', 'read', 'operate']),
  integration: new Set<Access>(['public', 'read', 'integrate']),
  admin: new Set<Access>(ACCESS_LEVELS),
};

/** Whether a key of `role` may call a route that needs `access`. */
export function mayAccess(role: Role, access: Access): boolean {
  return ROLE_ACCESS[role].has(access);
}

export function isAccess(v: unknown): v is Access {
  return typeof v === 'string' && (ACCESS_LEVELS as readonly string[]).includes(v);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The access level this route needs (gateway/src/http/access.ts). Required on every route. */
    access?: Access;
  }
  interface FastifyInstance {
    /** Every route of the app and its declared access (buildApp); the route table test reads it. */
    accessRoutes?: readonly RouteAccess[];
  }
}

/** A route registered without a valid `config.access`. */
export class UndeclaredAccessError extends Error {
  readonly code = 'E_UNDECLARED_ACCESS';
  constructor(method: string, url: string) {
    super(`route ${method} ${url} declares no access level: add config: { access: 'public' | 'read' | 'operate' | 'integrate' | 'admin' }`);
    this.name = 'UndeclaredAccessError';
  }
}

/** The access a route declared; throws when it declared none (never defaults to open). */
export function declaredAccess(route: Pick<RouteOptions, 'method' | 'url' | 'config'>): Access {
  const access = (route.config as { access?: unknown } | undefined)?.access;
  if (!isAccess(access)) throw new UndeclaredAccessError(String(route.method), route.url);
  return access;
}

const DEFAULT_ACCESS = 'coldtraceDefaultAccess';

/** A route and the access it declared. */
export interface RouteAccess {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
}

export interface AccessCheck {
  /** Routes registered without a valid access level, as "METHOD url". */
  readonly undeclared: readonly string[];
  /** Every route with a declared access (HEAD routes Fastify adds for GETs included), in registration order. */
  readonly routes: readonly RouteAccess[];
  /** Throws UndeclaredAccessError for the first route that declared no access. */
  assertAllDeclared(): void;
}

/**
 * Makes every route registered on `app` after this call (and in its child contexts) declare its access. A route that
 * does not (and is not in a context given a default by `defaultAccessInContext`) is collected, and the app fails:
 * `assertAllDeclared()` (buildApp calls it) and `app.ready()` throw. Collected rather than thrown from the onRoute hook:
 * a throw there escapes as an uncaught exception from a plugin that registers routes synchronously.
 */
export function requireDeclaredAccess(app: FastifyInstance): AccessCheck {
  const undeclared: string[] = [];
  const routes: RouteAccess[] = [];
  const check: AccessCheck = {
    undeclared, routes,
    assertAllDeclared() {
      const first = undeclared[0];
      if (first !== undefined) throw new UndeclaredAccessError(first.slice(0, first.indexOf(' ')), first.slice(first.indexOf(' ') + 1));
    },
  };
  app.addHook('onRoute', function (this: FastifyInstance, route) {
    const fallback = (this as unknown as Record<string, unknown>)[DEFAULT_ACCESS];
    if ((route.config as { access?: unknown } | undefined)?.access === undefined && isAccess(fallback)) route.config = { ...route.config, access: fallback };
    const access = (route.config as { access?: unknown } | undefined)?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!isAccess(access)) {
      undeclared.push(`${methods.join(',')} ${route.url}`);
      return;
    }
    for (const method of methods) routes.push({ method, url: route.url, access });
    // OpenAPI: public routes need no key; every other one the bearer key (the scheme is declared in app.ts).
    if (route.schema !== undefined && route.schema.security === undefined) route.schema = { ...route.schema, security: access === 'public' ? [] : [{ bearer: [] }] };
  });
  app.addHook('onReady', () => {
    check.assertAllDeclared();
    return Promise.resolve();
  });
  return check;
}

/**
 * Declares `access` for the routes of `scope` (an encapsulated context) and its children that declare none: for
 * plugins whose routes we do not write (the dashboard's static files, @fastify/static takes no route config).
 */
export function defaultAccessInContext(scope: FastifyInstance, access: Access): void {
  scope.decorate(DEFAULT_ACCESS, access);
}
