import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { openDatabase } from '../adapters/sqlite/database.js';
import { SqliteQuarantine } from '../adapters/sqlite/quarantine.js';
import { SqliteStatusLog } from '../adapters/sqlite/status-log.js';
import { SqliteTelemetryStore } from '../adapters/sqlite/telemetry-store.js';
import { SqliteRegistryStore } from '../adapters/sqlite/registry/registry-store.js';
import { SqliteFlagStore } from '../adapters/sqlite/flags/flag-store.js';
import { CustodyIndex } from '../services/custody.js';
import { FefoService } from '../services/fefo.js';
import { TrackService } from '../services/tracks.js';
import { ShipmentListService } from '../services/shipments.js';
import { EvidenceService } from '../services/evidence.js';
import { RegistryService } from '../services/registry.js';
import { MessageValidator } from '../domain/validate.js';
import { IngestService } from '../services/ingest.js';
import { LiveState } from '../services/live-state.js';
import { GatewayMetrics } from '../services/metrics.js';
import { WriteBatcher } from '../services/write-batcher.js';
import { buildApp } from './app.js';

describe('HTTP API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-http-'));
  const log = pino({ level: 'silent' });
  const store = SqliteTelemetryStore.open(join(dir, 't.db'));
  const db = openDatabase(join(dir, 'g.db'));
  const quarantine = new SqliteQuarantine(db);
  const statusLog = new SqliteStatusLog(db);
  const live = new LiveState();
  const metrics = new GatewayMetrics({ defaultMetrics: false });
  const batcher = new WriteBatcher(store, () => Date.now(), metrics.batcherObserver());
  const ingest = new IngestService({ validator: new MessageValidator(), batcher, quarantine, statusLog, live, metrics, clock: { now: () => Date.now() }, log });
  const registryDb = openDatabase(join(dir, 'r.db'));
  const registryStore = new SqliteRegistryStore(registryDb);
  const flags = new SqliteFlagStore(registryDb);
  const registry = new RegistryService(registryStore, { now: () => Date.now() });
  const custody = new CustodyIndex(registryStore, { linked: () => undefined, unlinked: () => undefined });
  const evidence = new EvidenceService(registryStore, custody, store, flags);
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await buildApp({ store, quarantine, statusLog, live, ingest, metrics, log, registry, custody, evidence, flags, rules: { judgeNow: () => Promise.resolve([]), findings: () => Promise.resolve([]) }, fefo: new FefoService(registryStore, evidence, store), tracks: new TrackService(registryStore, evidence, store), shipments: new ShipmentListService(registryStore, store, flags), clock: { now: () => Date.now() }, rollups: store.retention, health: () => ({ status: 'degraded', checks: { store: { ok: false, detail: 'test' } } }) });
    await new Promise<void>((resolve, reject) => ingest.accept({
      topic: 'ct/v1/s/n/d1/data', payload: Buffer.from(JSON.stringify({ v: 1, seq: 1, time: 1_790_000_000_000, readings: [{ metric: 'temperature', value: 5, unit: 'Cel' }] })),
      clientId: 'c', receivedAt: 1_790_000_000_100,
    }, (e) => (e === null ? resolve() : reject(e))));
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await registryStore.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    { url: '/api/v1/readings', status: 400, code: 'E_BAD_REQUEST' },
    { url: '/api/v1/readings?device=d1&from=10&to=5', status: 400, code: 'E_BAD_REQUEST' },
    { url: '/api/v1/readings?device=d1&limit=0', status: 400, code: 'E_BAD_REQUEST' },
    { url: '/api/v1/quarantine/42', status: 404, code: 'E_NOT_FOUND' },
    { url: '/api/v1/quarantine?code=E_NOPE', status: 400, code: 'E_BAD_REQUEST' },
  ])('answers $url with $status $code', async ({ url, status, code }) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code });
  });

  it('returns readings of a device in a device-time range', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/readings?device=d1&from=1790000000000&to=1790000000001' });
    expect(res.json()).toEqual({ readings: [{ site: 's', node: 'n', device: 'd1', metric: 'temperature', time: 1_790_000_000_000, value: 5, unit: 'Cel', seq: 1, receivedAt: 1_790_000_000_100, flags: 0 }] });
  });

  it('reports degraded health as 503 with the failing check', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'degraded', checks: { store: { ok: false, detail: 'test' } } });
  });

  it('publishes an OpenAPI document generated from the route schemas', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/readings', '/api/v1/devices', '/api/v1/quarantine', '/api/v1/quarantine/{id}/replay', '/api/v1/rollups', '/health', '/metrics']));
  });

  it('serves Prometheus metrics', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('coldtrace_ingest_readings_total 1');
    expect(res.body).toContain('coldtrace_ingest_messages_total{outcome="stored"} 1');
    expect(res.body).toContain('coldtrace_device_last_seen_timestamp_seconds{device="d1"} 1790000000.1');
  });
});
