/**
 * The batches at a location as the rules' marking asks for them each round: answered as the registry answers, from
 * one read per minute for recent readings, afresh after a registry change, and by the registry for old readings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../adapters/sqlite/database.js';
import { SqliteRegistryStore } from '../adapters/sqlite/registry/registry-store.js';
import type { RegistryStore } from '../ports/registry.js';
import { KEPT_MS, LocationBatches } from './location-batches.js';
import { RegistryService } from './registry.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const COLD = { kind: 'zone' as const, id: 'COLD' };

describe('LocationBatches', () => {
  let dir: string;
  let sqlite: SqliteRegistryStore;
  let registry: RegistryStore;
  let reads = 0;
  let now = T0;
  const clock = { now: () => now };
  const batch = (id: string) => ({ id, product: 'P', quantity: 1, producedAt: '2026-10-01', expiresAt: '2027-10-01' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-location-batches-'));
    sqlite = new SqliteRegistryStore(openDatabase(join(dir, 'registry.db')));
    registry = Object.assign(Object.create(sqlite) as RegistryStore, {
      placementsAt: (...a: Parameters<RegistryStore['placementsAt']>) => { reads++; return sqlite.placementsAt(...a); },
    });
    await new RegistryService(sqlite, clock).importDocument({
      format: 'coldtrace-registry/1',
      sites: [{ id: 'WH', name: 'Warehouse', geofence: { kind: 'circle', center: { lat: 52, lon: 5 }, radiusM: 200 } }],
      zones: [{ id: 'COLD', site: 'WH', name: 'Cold room' }],
      places: [], devices: [], products: [{ id: 'P', name: 'Vaccine', preset: 'pharma-2-8' }],
      batches: [batch('B-OLD'), batch('B-1'), batch('B-2')], shipments: [], orders: [],
      placements: [
        { id: 'B-OLD@', batch: 'B-OLD', zone: 'COLD', from: iso(T0 - 48 * H), to: iso(T0 - 24 * H) },
        { id: 'B-1@', batch: 'B-1', zone: 'COLD', from: iso(T0 - 10 * H), to: iso(T0 - 0.5 * H) },
        { id: 'B-2@', batch: 'B-2', zone: 'COLD', from: iso(T0 - 0.25 * H) },
      ],
    }, { actor: 'test', source: 'test' });
  });
  afterAll(async () => {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers recent readings as the registry does, from one read a minute', async () => {
    const located = new LocationBatches(registry, clock);
    reads = 0;
    const cases: [number, number][] = [[T0 - 0.75 * H, T0 - 0.6 * H], [T0 - 0.6 * H, T0 - 0.1 * H], [T0 - 0.1 * H, T0], [T0, T0 + 1]];
    const got = [];
    for (const [from, to] of cases) got.push(await located.at(COLD, from, to));
    expect(got).toEqual([['B-1'], ['B-1', 'B-2'], ['B-2'], ['B-2']]);
    expect(reads).toBe(1);
    for (const [i, [from, to]] of cases.entries()) expect(got[i]).toEqual((await sqlite.placementsAt(COLD, from, to, 'batch')).map((p) => p.batch));
    now += KEPT_MS;
    await located.at(COLD, T0, T0 + 1);
    expect(reads).toBe(2);
  });

  it('asks the registry for readings older than the hour it keeps, and again after a clear (a registry change)', async () => {
    const located = new LocationBatches(registry, clock);
    reads = 0;
    expect(await located.at(COLD, T0 - 30 * H, T0 - 29 * H)).toEqual(['B-OLD']);
    expect(await located.at(COLD, T0 - 30 * H, T0 - 29 * H)).toEqual(['B-OLD']);
    expect(reads).toBe(2);
    await located.at(COLD, now, now + 1);
    located.clear();
    await located.at(COLD, now, now + 1);
    expect(reads).toBe(4);
  });
});
