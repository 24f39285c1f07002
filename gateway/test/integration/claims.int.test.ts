/**
 * Claims judged by the rule inputs over real SQLite stores: tracker T-1 leaves AMS's geofence (first fix outside at
 * T0 + 5 min) and drives into DC2's at T0 + 1 h; order O-1 of the shipment is "completed" by its order hub 90 min
 * later in one registry, never in another, and set "shipped" 40 or 20 min before the truck left in two more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteFlagStore } from '../../src/adapters/sqlite/flags/flag-store.js';
import { SqliteRegistryStore } from '../../src/adapters/sqlite/registry/registry-store.js';
import { SqliteTelemetryStore } from '../../src/adapters/sqlite/telemetry-store.js';
import type { StoredReading } from '../../src/domain/reading.js';
import { CustodyIndex } from '../../src/services/custody.js';
import { EvidenceService } from '../../src/services/evidence.js';
import { RegistryService } from '../../src/services/registry.js';
import { RuleInputs } from '../../src/services/rule-inputs.js';
import { SeriesCache } from '../../src/services/series-cache.js';
import { HOUR, iso } from '../support/registry-fixture.js';
import { readClaimProfiles, type ClaimProfiles } from '../../src/domain/rules/claim-params.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 6);

async function judged(dir: string, completedAtMs: number | undefined, shippedAtMs?: number, atMs = T0 + 4 * HOUR, profiles: ClaimProfiles = {}) {
  const store = SqliteTelemetryStore.open(join(dir, 't.db'), { writer: 'inline' });
  const db = openDatabase(join(dir, 'r.db'));
  const registry = new SqliteRegistryStore(db);
  const status = (name: string, at: number) => ({ status: name, at: iso(at), operator: 'hub', source: 'order-hub' });
  const statuses = [...(shippedAtMs !== undefined ? [status('shipped', shippedAtMs)] : []), ...(completedAtMs !== undefined ? [status('completed', completedAtMs)] : [])];
  await new RegistryService(registry, { now: () => T0 }).importDocument({
    format: 'coldtrace-registry/1',
    sites: [
      { id: 'AMS', name: 'Origin', geofence: { kind: 'circle', center: { lat: 52.0, lon: 5.0 }, radiusM: 500 } },
      { id: 'DC2', name: 'Destination', geofence: { kind: 'circle', center: { lat: 52.5, lon: 5.0 }, radiusM: 800 } },
    ],
    zones: [], places: [], products: [{ id: 'P', name: 'Vaccine', preset: 'pharma-2-8' }],
    batches: [{ id: 'B-1', product: 'P', quantity: 10, producedAt: '2026-10-01', expiresAt: '2027-10-01' }],
    devices: [{ id: 'T-1', kind: 'tracker', model: 'GPS', intervalS: 300, metrics: ['gps.lat', 'gps.lon'] }],
    shipments: [{ id: 'SH-1', carrier: 'Coldline', lane: 'AMS-DC2', mode: 'road', origin: 'AMS', destination: 'DC2', hubs: [], route: [{ lat: 52.0, lon: 5.0 }, { lat: 52.5, lon: 5.0 }],
      corridorM: 5000, plannedDeparture: iso(T0), promisedDelivery: iso(T0 + 3 * HOUR), gapThresholdMin: 30 }],
    orders: [{ id: 'O-1', customer: 'Clinic', lines: [{ batch: 'B-1', quantity: 10 }], shipments: ['SH-1'], promisedDelivery: iso(T0 + 3 * HOUR), minRemainingShelfLifeDays: 0, statuses }],
    placements: [{ id: 'P-T1', device: 'T-1', shipment: 'SH-1', from: iso(T0) }],
  }, { actor: 'test', source: 'test' });
  // From the origin north at ~55 km/h, a fix every 5 min: inside DC2 (800 m) from minute 60.
  const rows: StoredReading[] = [];
  for (let m = 0; m <= 240; m += 5) {
    const lat = Math.min(52.5, 52.0 + (m / 60) * 0.5);
    const base = { site: 's', node: 'n', device: 'T-1', time: T0 + m * MIN, unit: 'deg', seq: m, receivedAt: T0 + m * MIN, flags: 0 };
    rows.push({ ...base, metric: 'gps.lat', value: lat }, { ...base, metric: 'gps.lon', value: 5.0 });
  }
  await store.write(rows);
  const custody = new CustodyIndex(registry, { linked: () => undefined, unlinked: () => undefined });
  await custody.load();
  const inputs = new RuleInputs(registry, new EvidenceService(registry, custody, store, new SqliteFlagStore(db)), new SeriesCache(store), undefined, undefined, profiles);
  const j = await inputs.shipment('SH-1', atMs);
  await store.close();
  await registry.close();
  return j;
}

describe('claims against the evidence, over real stores', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'coldtrace-arrival-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('flags the arrival nobody confirmed, with where the goods were last seen, and milestones its arrival', async () => {
    const j = await judged(join(dir, 'none'), undefined);
    const f = j.findings.find((x) => x.rule === 'claim/arrival-unconfirmed/120');
    expect(f).toMatchObject({ active: true, startMs: T0 + HOUR, figures: { arrivedMs: T0 + HOUR, lastFixLat: 52.5, lastFixMs: T0 + 235 * MIN }, related: { orders: ['O-1'] } });
    expect(j.milestones.map((m) => [m.kind, m.atMs])).toContainEqual(['arrived_destination', T0 + HOUR]);
  });

  it('no flag when the order hub completed the order 90 min after the arrival', async () => {
    const j = await judged(join(dir, 'completed'), T0 + HOUR + 90 * MIN);
    expect(j.findings.map((x) => x.rule)).not.toContain('claim/arrival-unconfirmed/120');
  });

  it("judges with the carrier's and the lane's windows: Coldline's 60 min makes the 90 min confirmation late, the lane's 120 min wins over it", async () => {
    const carrier = readClaimProfiles({ carriers: { COLDLINE: { arrivalWithinMin: 60 } } }).profiles;
    const late = await judged(join(dir, 'carrier-60'), T0 + HOUR + 90 * MIN, undefined, T0 + 4 * HOUR, carrier);
    expect(late.findings.find((x) => x.rule.startsWith('claim/arrival-unconfirmed/'))).toMatchObject({ rule: 'claim/arrival-unconfirmed/60', params: { withinMin: 60 }, figures: { confirmedMs: T0 + HOUR + 90 * MIN } });
    const lane = readClaimProfiles({ carriers: { coldline: { arrivalWithinMin: 60 } }, lanes: { 'AMS-DC2': { arrivalWithinMin: 120 } } }).profiles;
    const inTime = await judged(join(dir, 'lane-120'), T0 + HOUR + 90 * MIN, undefined, T0 + 4 * HOUR, lane);
    expect(inTime.findings.map((x) => x.rule).filter((r) => r.startsWith('claim/arrival-unconfirmed/'))).toEqual([]);
  });

  it('flags an order set shipped 45 min before the tracker left the origin (cleared: it did leave), not one set 25 min before', async () => {
    const early = await judged(join(dir, 'early'), T0 + 2 * HOUR, T0 - 40 * MIN);
    expect(early.findings.find((x) => x.rule === 'claim/shipped-not-departed/30')).toMatchObject({
      active: false, startMs: T0 - 40 * MIN, metAtMs: T0 - 10 * MIN, figures: { orders: 'O-1', departedMs: T0 + 5 * MIN, minutesEarly: 45 },
    });
    const onTime = await judged(join(dir, 'on-time'), T0 + 2 * HOUR, T0 - 20 * MIN);
    expect(onTime.findings.map((x) => x.rule)).not.toContain('claim/shipped-not-departed/30');
  });

  it('flags a shipment on its way with no tracker reading and no carrier event for 24 h (T-1 still on it, silent since T0 + 4 h)', async () => {
    const later = await judged(join(dir, 'silent'), T0 + 2 * HOUR, undefined, T0 + 28 * HOUR);
    expect(later.findings.find((x) => x.rule === 'claim/no-update/24h')).toMatchObject({ severity: 'warning', active: true, startMs: T0 + 240 * MIN, metAtMs: T0 + 28 * HOUR, figures: { silentSinceMs: T0 + 240 * MIN } });
    const sooner = await judged(join(dir, 'not-yet'), T0 + 2 * HOUR, undefined, T0 + 28 * HOUR - 1);
    expect(sooner.findings.map((x) => x.rule)).not.toContain('claim/no-update/24h');
  });
});
