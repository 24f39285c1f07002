/**
 * The audit log of the HTTP API (issue #17, docs/security.md "HTTP access"): every call that changes something
 * (POST, PUT, PATCH, DELETE) and every refused one (401, 403), with who (key id and name), what (route and path
 * parameters), when (the gateway's clock), the outcome, and for registry entities and flags what they were before
 * and after. Request bodies are not kept (a registry import is hundreds of MB; a sign-in body holds a key).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { AuditLog, AuditOutcome } from '../ports/access-audit.js';
import type { Clock } from '../ports/clock.js';
import type { FlagStore } from '../ports/flags.js';
import type { RegistryService } from '../services/registry.js';
import type { EntityKind } from '../domain/registry/types.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Reads the entity a call changes, for its before and after; by route pattern. */
type Snapshot = (params: Readonly<Record<string, string>>) => Promise<unknown>;

export interface AuditHookOptions {
  readonly log: AuditLog;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly registry: Pick<RegistryService, 'get'>;
  readonly flags: Pick<FlagStore, 'get'>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The audited entity before the handler ran (undefined: not audited with before/after, or absent). */
    auditBefore?: { readonly value: unknown };
  }
}

function snapshots(registry: AuditHookOptions['registry'], flags: AuditHookOptions['flags']): ReadonlyMap<string, Snapshot> {
  const entity = (kind: EntityKind, id: string | undefined): Promise<unknown> => (id === undefined ? Promise.resolve(undefined) : registry.get(kind, id));
  return new Map<string, Snapshot>([
    ['PUT /api/v1/registry/:kind/:id', (p) => entity(p['kind'] as EntityKind, p['id'])],
    ['DELETE /api/v1/registry/placements/:id', (p) => entity('placements', p['id'])],
    ['POST /api/v1/registry/orders/:id/statuses', (p) => entity('orders', p['id'])],
    ['POST /api/v1/flags/:id/:action', (p) => (p['id'] === undefined ? Promise.resolve(undefined) : flags.get(p['id']))],
  ]);
}

function outcomeOf(status: number, req: FastifyRequest): AuditOutcome {
  if (req.refusal !== undefined) return status === 401 ? 'unauthenticated' : 'forbidden';
  return status < 400 ? 'ok' : 'failed';
}

/** Adds the audit hooks to every route of `app` (root: call before registering routes). */
export function addAuditHooks(app: FastifyInstance, opts: AuditHookOptions): void {
  const snaps = snapshots(opts.registry, opts.flags);
  const name = 'coldtrace_http_audit_failures_total';
  const failures = (opts.metrics.getSingleMetric(name) as Counter | undefined)
    ?? new Counter({ name, help: 'Audit log entries that could not be written (the call itself went through; the error is logged)', registers: [opts.metrics] });
  const snapOf = (req: FastifyRequest): Snapshot | undefined => snaps.get(`${req.method} ${req.routeOptions.url ?? ''}`);
  app.decorateRequest('auditBefore', undefined);
  // preHandler: after access control and validation, so a refused or malformed call reads nothing.
  app.addHook('preHandler', async (req) => {
    const snap = snapOf(req);
    if (snap !== undefined) req.auditBefore = { value: await snap(req.params as Record<string, string>) };
  });
  app.addHook('onResponse', async (req, reply) => {
    const status = reply.statusCode;
    if (!MUTATING.has(req.method) && status !== 401 && status !== 403) return;
    try {
      const params = (req.params ?? {}) as Record<string, string>;
      const snap = snapOf(req);
      const after = snap !== undefined && req.auditBefore !== undefined && status < 400 ? { value: await snap(params) } : undefined;
      const p = req.principal;
      await opts.log.append({
        at: opts.clock.now(), method: req.method, route: req.routeOptions.url ?? req.url.split('?')[0] ?? req.url, params, status,
        outcome: outcomeOf(status, req), ip: req.ip,
        ...(p !== undefined ? { keyId: p.keyId, keyName: p.name, role: p.role } : {}),
        ...(req.refusal !== undefined ? { reason: req.refusal } : {}),
        ...(req.auditBefore?.value !== undefined ? { before: req.auditBefore.value } : {}),
        ...(after?.value !== undefined ? { after: after.value } : {}),
      });
    } catch (err) {
      failures.inc();
      opts.logger.error({ err, method: req.method, url: req.url }, 'audit log entry not written');
    }
  });
}
