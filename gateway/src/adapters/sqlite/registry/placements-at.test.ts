/**
 * What is placed at a location over a time range, read by the rules (which batches does a reading touch?) and by the
 * evidence (which devices watched a batch's leg?), on a real SQLite file: open and closed placements, bounds
 * half-open, filtered to devices or batches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../database.js';
import { SqliteRegistryStore } from './registry-store.js';
import { RegistryService } from '../../../services/registry.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

describe('SqliteRegistryStore.placementsAt', () => {
  let dir: string;
  let store: SqliteRegistryStore;
  const ids = async (from: number, to: number, of?: 'device' | 'batch'): Promise<string[]> =>
    (await store.placementsAt({ kind: 'zone', id: 'COLD' }, from, to, of)).map((p) => p.id);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-placements-at-'));
    store = new SqliteRegistryStore(openDatabase(join(dir, 'registry.db')));
    const batch = (id: string) => ({ id, product: 'P', quantity: 1, producedAt: '2026-10-01', expiresAt: '2027-10-01' });
    await new RegistryService(store, { now: () => T0 }).importDocument({
      format: 'coldtrace-registry/1',
      sites: [{ id: 'WH', name: 'Warehouse', geofence: { kind: 'circle', center: { lat: 52, lon: 5 }, radiusM: 200 } }],
      zones: [{ id: 'COLD', site: 'WH', name: 'Cold room' }, { id: 'DOCK', site: 'WH', name: 'Dock' }],
      places: [],
      devices: [
        { id: 'S-OLD', kind: 'zone_sensor', model: 'XY-MD02', intervalS: 60, metrics: ['temperature'] },
        { id: 'S-NEW', kind: 'zone_sensor', model: 'XY-MD02', intervalS: 60, metrics: ['temperature'] },
      ],
      products: [{ id: 'P', name: 'Vaccine', preset: 'pharma-2-8' }],
      batches: [batch('B-1'), batch('B-2'), batch('B-3'), batch('B-4')],
      shipments: [], orders: [],
      placements: [
        { id: 'D-OLD', device: 'S-OLD', zone: 'COLD', from: iso(T0), to: iso(T0 + 10 * H) },
        { id: 'D-NEW', device: 'S-NEW', zone: 'COLD', from: iso(T0 + 10 * H) },
        { id: 'B-1@0', batch: 'B-1', zone: 'COLD', from: iso(T0), to: iso(T0 + 2 * H) },
        { id: 'B-2@1', batch: 'B-2', zone: 'COLD', from: iso(T0 + H), to: iso(T0 + 12 * H) },
        { id: 'B-3@5', batch: 'B-3', zone: 'COLD', from: iso(T0 + 5 * H) },
        { id: 'B-4@0', batch: 'B-4', zone: 'DOCK', from: iso(T0) },
      ],
    }, { actor: 'test', source: 'test' });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['a moment in the first hour (by start, then id)', T0 + 0.5 * H, T0 + 0.5 * H + 1, undefined, ['B-1@0', 'D-OLD']],
    ['the moment the first batch left (half-open: its end is out)', T0 + 2 * H, T0 + 2 * H + 1, undefined, ['D-OLD', 'B-2@1']],
    ['now, far later: only the open placements', T0 + 100 * H, T0 + 100 * H + 1, undefined, ['B-3@5', 'D-NEW']],
    ['the whole history', -Infinity, Infinity, undefined, ['B-1@0', 'D-OLD', 'B-2@1', 'B-3@5', 'D-NEW']],
    ['an old leg, devices only', T0 + H, T0 + 12 * H, 'device', ['D-OLD', 'D-NEW']],
    ['the first hours, devices only', T0, T0 + 2 * H, 'device', ['D-OLD']],
    ['the first hours, batches only', T0, T0 + 2 * H, 'batch', ['B-1@0', 'B-2@1']],
    ['after a batch left, before the next came', T0 + 3 * H, T0 + 4 * H, 'batch', ['B-2@1']],
  ] as const)('%s', async (_, from, to, of, expected) => {
    expect(await ids(from, to, of)).toEqual(expected);
  });
});
