/**
 * The whole HTTP app in-process (buildApp, routes tested with app.inject) on SQLite files in a temporary directory,
 * with the custody fixture registry imported and the carrier event routes; HTTP access off, as route tests run it.
 * For the registry and carrier event API tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { expect } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { SqliteCarrierEventStore } from '../../src/adapters/sqlite/carrier/carrier-event-store.js';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteFlagStore } from '../../src/adapters/sqlite/flags/flag-store.js';
import { SqliteQuarantine } from '../../src/adapters/sqlite/quarantine.js';
import { SqliteRegistryStore } from '../../src/adapters/sqlite/registry/registry-store.js';
import { SqliteStatusLog } from '../../src/adapters/sqlite/status-log.js';
import { SqliteTelemetryStore } from '../../src/adapters/sqlite/telemetry-store.js';
import { MessageValidator } from '../../src/domain/validate.js';
import { buildApp } from '../../src/http/app.js';
import { CarrierEventService } from '../../src/services/carrier-events.js';
import { CustodyIndex } from '../../src/services/custody.js';
import { EvidenceService } from '../../src/services/evidence.js';
import { FefoService } from '../../src/services/fefo.js';
import { IngestService } from '../../src/services/ingest.js';
import { LiveState } from '../../src/services/live-state.js';
import { GatewayMetrics } from '../../src/services/metrics.js';
import { RegistryService } from '../../src/services/registry.js';
import { ShipmentListService } from '../../src/services/shipments.js';
import { TrackService } from '../../src/services/tracks.js';
import { WriteBatcher } from '../../src/services/write-batcher.js';
import { custodyDocument } from './registry-fixture.js';

/** The fixture's time origin (registry-fixture.ts), and the app's clock. */
export const REGISTRY_APP_T0 = Date.UTC(2026, 10, 2, 8);

export interface RegistryApp {
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export async function openRegistryApp(): Promise<RegistryApp> {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-registry-app-'));
  const log = pino({ level: 'silent' });
  const clock = { now: () => REGISTRY_APP_T0 };
  const store = SqliteTelemetryStore.open(join(dir, 't.db'));
  const db = openDatabase(join(dir, 'g.db'));
  const registryDb = openDatabase(join(dir, 'r.db'));
  const registryStore = new SqliteRegistryStore(registryDb);
  const carrierStore = new SqliteCarrierEventStore(openDatabase(join(dir, 'carrier.db')));
  const metrics = new GatewayMetrics({ defaultMetrics: false });
  const [quarantine, statusLog, live, flags] = [new SqliteQuarantine(db), new SqliteStatusLog(db), new LiveState(), new SqliteFlagStore(registryDb)];
  const ingest = new IngestService({ validator: new MessageValidator(), batcher: new WriteBatcher(store, clock.now, metrics.batcherObserver()), quarantine, statusLog, live, metrics, clock, log });
  const custody = new CustodyIndex(registryStore, { linked: () => undefined, unlinked: () => undefined });
  const evidence = new EvidenceService(registryStore, custody, store, flags);
  const app = await buildApp({
    store, quarantine, statusLog, live, ingest, metrics, log, custody, evidence, flags, clock,
    registry: new RegistryService(registryStore, clock), rules: { judgeNow: () => Promise.resolve([]), findings: () => Promise.resolve([]) },
    fefo: new FefoService(registryStore, evidence, store), tracks: new TrackService(registryStore, evidence, store),
    shipments: new ShipmentListService(registryStore, store, flags), health: () => ({ status: 'ok', checks: {} }),
    carrierEvents: new CarrierEventService(carrierStore, registryStore),
  });
  const imported = await app.inject({ method: 'PUT', url: '/api/v1/registry', payload: custodyDocument(REGISTRY_APP_T0) });
  if (imported.statusCode !== 200) throw new Error(`fixture import: ${imported.statusCode} ${imported.body}`);
  return {
    app,
    async close() {
      await app.close();
      await store.close();
      await registryStore.close();
      await carrierStore.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  readonly status: number;
  /** Parsed JSON, or the text of another type. */
  readonly body: unknown;
}

/**
 * Sends a request and checks the answer is a 2xx, or a 4xx with a code and a message (and problems by path for
 * E_INVALID): never a 5xx, never E_INTERNAL (issue #17).
 */
export async function expectAnswered(app: FastifyInstance, req: InjectOptions): Promise<Answer> {
  const res = await app.inject(req);
  const what = `${req.method ?? 'GET'} ${String(req.url)} ${String(req.payload).slice(0, 300)} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, what).toBeLessThan(500);
  if (res.statusCode < 400) return { status: res.statusCode, body: String(res.headers['content-type']).startsWith('application/json') ? res.json() : res.body };
  const body = res.json<{ code?: unknown; message?: unknown; problems?: unknown }>();
  // Ours (E_...), or Fastify's own for a URL its router cannot decode (FST_ERR_BAD_URL), never E_INTERNAL.
  expect(typeof body.code === 'string' && /^(E|FST_ERR)_[A-Z_]+$/.test(body.code) && body.code !== 'E_INTERNAL', what).toBe(true);
  expect(typeof body.message === 'string' && body.message.trim() !== '', what).toBe(true);
  if (body.code === 'E_INVALID') {
    expect(Array.isArray(body.problems) && body.problems.length > 0, what).toBe(true);
    for (const p of body.problems as { path: unknown; message: unknown }[]) expect(typeof p.path === 'string' && typeof p.message === 'string' && p.message !== '', what).toBe(true);
  }
  return { status: res.statusCode, body };
}
