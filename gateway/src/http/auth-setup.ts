/**
 * HTTP access as a whole (issue #17, docs/security.md "HTTP access"): secure headers and CORS, the key check on every
 * route, the audit log of every change. Called by buildApp before any route is registered.
 */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from './deps.js';
import { addAuthHook } from './auth.js';
import { addAuditHooks } from './audit.js';
import { registerSecureHeaders } from './auth-headers.js';

export async function registerHttpAccess(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const access = deps.access;
  await registerSecureHeaders(app, access?.corsOrigins ?? []);
  const mode = access?.mode ?? 'off';
  addAuthHook(app, { mode, metrics: deps.metrics.registry, ...(access !== undefined ? { keys: access.keys } : {}) });
  if (access !== undefined) {
    addAuditHooks(app, { log: access.audit, clock: deps.clock, logger: deps.log.child({ component: 'audit' }), metrics: deps.metrics.registry, registry: deps.registry, flags: deps.flags });
  }
}
