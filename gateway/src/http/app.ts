/**
 * buildApp(deps) -> a Fastify instance that is not listening (docs/engineering.md 9). Tests use app.inject(); main.ts listens.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerFactory } from 'fastify';
import { createServer as createHttpsServer } from 'node:https';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import { existsSync } from 'node:fs';
import type { AppDeps } from './deps.js';
import { GatewayError } from './errors.js';
import { PhotoBlobError } from '../ports/photo-blobs.js';
import { defaultAccessInContext, requireDeclaredAccess } from './access.js';
import { registerHttpAccess } from './auth-setup.js';
import { registerKeyRoutes } from './routes/keys.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerApiRoutes } from './routes/api.js';
import { registerOpsRoutes } from './routes/ops.js';
import { registerCustodyRoutes } from './routes/custody.js';
import { registerFlagRoutes } from './routes/flags.js';
import { registerFefoRoutes } from './routes/fefo.js';
import { registerNotificationRoutes } from './routes/notifications.js';
import { registerCalibrationRoutes } from './routes/calibration.js';
import { registerEventRoutes } from './routes/events.js';
import { registerCarrierRoutes } from './routes/carrier-events.js';
import { registerAlertRoutes } from './routes/alerts.js';
import { registerRegistryRoutes } from './routes/registry.js';
import { registerSeriesRoutes } from './routes/series.js';
import { registerShipmentRoutes } from './routes/shipments.js';
import { registerDeliveryWindowRoutes } from './routes/delivery-window.js';
import { registerMilestoneRoutes } from './routes/milestones.js';
import { registerOrderSummaryRoutes } from './routes/order-summary.js';
import { registerEvidenceExportRoutes } from './routes/evidence-export.js';
import { registerLaneReportRoutes } from './routes/lane-report.js';
import { registerIntegrityRoutes } from './routes/integrity.js';
import { registerCredentialRoutes } from './routes/credentials.js';
import { registerConsistencyReportRoutes } from './routes/consistency-report.js';
import { registerScanRoutes } from './routes/scans.js';
import { registerLiveRoutes } from './routes/live.js';
import { registerPhotoUploadRoutes } from './routes/photos.js';
import { registerPhotoReadRoutes } from './routes/photo-reads.js';
import { RegistryProblems } from '../services/registry.js';

export type { AppDeps, HealthReport } from './deps.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Request logs at warn: one line per request would drown the ingest logs; errors still appear.
  // Node checks these timeouts every connectionsCheckingInterval (30 s by default): 1 s keeps the bound close.
  const timeoutMs = deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    loggerInstance: deps.log.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    requestTimeout: timeoutMs,
    http: { requestTimeout: timeoutMs, headersTimeout: timeoutMs, connectionsCheckingInterval: Math.min(1000, timeoutMs) },
    // HTTPS: the same server with TLS (Node's https.Server is an http.Server over TLS sockets), with the same timeouts.
    ...(deps.https !== undefined ? { serverFactory: httpsServer(deps.https, timeoutMs) } : {}),
  });
  // Headers, CORS (its preflight route is the one route with no access of its own), key check and audit log first.
  await registerHttpAccess(app, deps);
  // Every route declares who may call it (access.ts); one that does not fails the build, never defaults to open.
  const accessCheck = requireDeclaredAccess(app);
  app.decorate('accessRoutes', accessCheck.routes);
  // An unknown route is refused as every error is, with a code (#17: Fastify's default answer had none).
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ code: 'E_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0] ?? ''}` }));
  app.setErrorHandler((err: unknown, _req, reply) => {
    if (err instanceof GatewayError) return reply.status(err.statusCode).send({ code: err.code, message: err.message });
    if (err instanceof RegistryProblems) return reply.status(400).send({ code: 'E_INVALID', message: err.message, problems: err.problems });
    // The photo store down or slow (docs/photos.md "Storage"): the client should try again later, and is told so.
    if (err instanceof PhotoBlobError) {
      deps.log.error({ code: err.code, err: err.message }, 'photo store failed');
      if (err.retryable) void reply.header('retry-after', '10');
      return reply.status(err.retryable ? 503 : 500).send({ code: err.code, message: err.message });
    }
    const e = err as { validation?: unknown; statusCode?: number; message?: string };
    if (e.validation !== undefined) return reply.status(400).send({ code: 'E_BAD_REQUEST', message: e.message ?? 'bad request' });
    // Fastify's own refusals of a request (not JSON, an unknown media type, too large) are the client's, not ours (#17).
    if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) return reply.status(e.statusCode).send({ code: 'E_BAD_REQUEST', message: e.message ?? 'bad request' });
    deps.log.error({ err }, 'unhandled HTTP error');
    return reply.status(e.statusCode ?? 500).send({ code: 'E_INTERNAL', message: e.message ?? 'internal error' });
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key (ctk_...): docs/security.md "HTTP access"' } } },
      info: { title: 'Coldtrace gateway API', version: '1', description: 'Readings, devices, quarantine, the registry (sites, devices, products, batches, shipments, orders, custody), evidence and operations of a Coldtrace gateway' },
    },
  });
  await app.register(registerApiRoutes, { prefix: '/api/v1', deps });
  await app.register(registerSeriesRoutes, { prefix: '/api/v1', deps: { store: deps.store, clock: deps.clock } });
  await app.register(registerRegistryRoutes, { prefix: '/api/v1', deps });
  await app.register(registerCustodyRoutes, { prefix: '/api/v1', deps });
  await app.register(registerFlagRoutes, { prefix: '/api/v1', deps });
  await app.register(registerFefoRoutes, { prefix: '/api/v1', deps: { fefo: deps.fefo, clock: deps.clock } });
  await app.register(registerShipmentRoutes, { prefix: '/api/v1', deps: { shipments: deps.shipments, clock: deps.clock } });
  if (deps.deliveryWindows !== undefined) await app.register(registerDeliveryWindowRoutes, { prefix: '/api/v1', deps: { deliveryWindows: deps.deliveryWindows, clock: deps.clock } });
  if (deps.notifications !== undefined) await app.register(registerNotificationRoutes, { prefix: '/api/v1', deps: { ...deps.notifications, clock: deps.clock } });
  if (deps.calibration !== undefined) await app.register(registerCalibrationRoutes, { prefix: '/api/v1', deps: { calibration: deps.calibration, clock: deps.clock } });
  if (deps.milestones !== undefined) await app.register(registerMilestoneRoutes, { prefix: '/api/v1', deps: { milestones: deps.milestones } });
  if (deps.orderSummary !== undefined) await app.register(registerOrderSummaryRoutes, { prefix: '/api/v1', deps: { orderSummary: deps.orderSummary, clock: deps.clock } });
  if (deps.delivery !== undefined) await app.register(registerEventRoutes, { prefix: '/api/v1', deps: { delivery: deps.delivery } });
  if (deps.carrierEvents !== undefined) await app.register(registerCarrierRoutes, { prefix: '/api/v1', deps: { carrierEvents: deps.carrierEvents, clock: deps.clock } });
  if (deps.weatherAlerts !== undefined) await app.register(registerAlertRoutes, { prefix: '/api/v1', deps: { alerts: deps.weatherAlerts, clock: deps.clock } });
  if (deps.evidenceExport !== undefined) await app.register(registerEvidenceExportRoutes, { prefix: '/api/v1', deps: { ...deps.evidenceExport, clock: deps.clock } });
  if (deps.laneReports !== undefined) await app.register(registerLaneReportRoutes, { prefix: '/api/v1', deps: { laneReports: deps.laneReports, clock: deps.clock } });
  if (deps.credentials !== undefined) await app.register(registerCredentialRoutes, { prefix: '/api/v1', deps: { credentials: deps.credentials } });
  if (deps.consistency !== undefined) await app.register(registerConsistencyReportRoutes, { prefix: '/api/v1', deps: { consistency: deps.consistency, clock: deps.clock } });
  if (deps.scans !== undefined) await app.register(registerScanRoutes, { prefix: '/api/v1', deps: { scans: deps.scans } });
  if (deps.liveViews !== undefined) await app.register(registerLiveRoutes, { prefix: '/api/v1', deps: { live: deps.liveViews } });
  if (deps.photos !== undefined) {
    await app.register(registerPhotoUploadRoutes, { prefix: '/api/v1', deps: deps.photos.upload });
    await app.register(registerPhotoReadRoutes, { prefix: '/api/v1', deps: deps.photos.reads });
  }
  if (deps.integrity !== undefined) await app.register(registerIntegrityRoutes, { prefix: '/api/v1', deps: { integrity: deps.integrity } });
  if (deps.access !== undefined) {
    await app.register(registerKeyRoutes, { prefix: '/api/v1', deps: { keys: deps.access.keys, mode: deps.access.mode } });
    await app.register(registerAuditRoutes, { prefix: '/api/v1', deps: { audit: deps.access.audit } });
  }
  await app.register(registerOpsRoutes, { deps });
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());
  if (deps.dashboardDir !== undefined && existsSync(deps.dashboardDir)) {
    const dashboardDir = deps.dashboardDir;
    await app.register(async (scope) => {
      defaultAccessInContext(scope, 'public');
      await scope.register(fastifyStatic, { root: dashboardDir, prefix: '/', index: ['index.html'] });
    });
  } else {
    app.get('/', { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) => reply.type('text/plain').send('Coldtrace gateway: dashboard not built (npm run build)\n'));
  }
  accessCheck.assertAllDeclared();
  return app;
}

/** A Fastify server factory for HTTPS with the request and header timeouts of the plain server. */
function httpsServer(tls: { readonly cert: Buffer; readonly key: Buffer }, timeoutMs: number): FastifyServerFactory {
  return (handler) => createHttpsServer({ cert: tls.cert, key: tls.key, requestTimeout: timeoutMs, headersTimeout: timeoutMs, connectionsCheckingInterval: Math.min(1000, timeoutMs) }, handler);
}
