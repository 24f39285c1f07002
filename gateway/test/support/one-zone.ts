/**
 * One warehouse zone with one sensor and one batch, on real SQLite stores in a temporary directory, with the real
 * custody index and evidence service: the rules' service-level tests (zone silence, lanes, retention) start here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteFlagStore } from '../../src/adapters/sqlite/flags/flag-store.js';
import { SqliteRegistryStore } from '../../src/adapters/sqlite/registry/registry-store.js';
import { SqliteTelemetryStore } from '../../src/adapters/sqlite/telemetry-store.js';
import type { Clock } from '../../src/ports/clock.js';
import { CustodyIndex } from '../../src/services/custody.js';
import { EvidenceService } from '../../src/services/evidence.js';
import { RegistryService } from '../../src/services/registry.js';
import { iso } from './registry-fixture.js';

export interface OneZone {
  readonly dir: string;
  readonly store: SqliteTelemetryStore;
  readonly registry: SqliteRegistryStore;
  readonly flags: SqliteFlagStore;
  readonly custody: CustodyIndex;
  readonly evidence: EvidenceService;
  close(): Promise<void>;
}

export interface OneZoneOptions {
  /** Zone COLD's sensor S: its nominal interval, s. */
  readonly intervalS: number;
  /** Product P: a preset, and a shelf-life model if any. */
  readonly product: Record<string, unknown>;
  /** S placed in COLD from; batch B from (and to). */
  readonly sensorFrom: number;
  readonly batch: { readonly from: number; readonly to?: number };
  /** Orders of B (registry order documents). */
  readonly orders?: readonly Record<string, unknown>[];
  /** The telemetry store's writer: inline (straight to chunks) unless told. */
  readonly writer?: 'inline' | 'worker';
}

export async function openOneZone(name: string, clock: Clock, o: OneZoneOptions): Promise<OneZone> {
  const dir = mkdtempSync(join(tmpdir(), `coldtrace-${name}-`));
  const store = SqliteTelemetryStore.open(join(dir, 't.db'), { writer: o.writer ?? 'inline' });
  const db = openDatabase(join(dir, 'r.db'));
  const registry = new SqliteRegistryStore(db);
  await new RegistryService(registry, clock).importDocument({
    format: 'coldtrace-registry/1',
    sites: [{ id: 'WH', name: 'Warehouse', geofence: { kind: 'circle', center: { lat: 52, lon: 5 }, radiusM: 200 } }],
    zones: [{ id: 'COLD', site: 'WH', name: 'Cold room' }],
    places: [],
    devices: [{ id: 'S', kind: 'zone_sensor', model: 'XY-MD02', intervalS: o.intervalS, metrics: ['temperature'] }],
    products: [{ id: 'P', name: 'Product P', ...o.product }],
    batches: [{ id: 'B', product: 'P', quantity: 10, producedAt: '2026-10-01', expiresAt: '2028-10-01' }],
    shipments: [],
    orders: o.orders ?? [],
    placements: [
      { id: 'P-S', device: 'S', zone: 'COLD', from: iso(o.sensorFrom) },
      { id: 'P-B', batch: 'B', zone: 'COLD', from: iso(o.batch.from), ...(o.batch.to !== undefined ? { to: iso(o.batch.to) } : {}) },
    ],
  }, { actor: 'test', source: 'test' });
  const custody = new CustodyIndex(registry, { linked: () => undefined, unlinked: () => undefined });
  await custody.load();
  const flags = new SqliteFlagStore(db);
  const evidence = new EvidenceService(registry, custody, store, flags);
  return {
    dir, store, registry, flags, custody, evidence,
    close: async () => {
      await store.close();
      await registry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
