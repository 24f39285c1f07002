/**
 * A zone sensor that goes silent: no reading arrives to mark anything, so the silence sweep must find it. Real
 * SQLite stores (registry, telemetry), the real custody index and rule inputs, time on a hand-driven clock.
 * Zone COLD holds batch B (order O); sensor S reports every 60 s (max gap 3 min) until `last`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteRegistryStore } from '../../src/adapters/sqlite/registry/registry-store.js';
import type { SqliteTelemetryStore } from '../../src/adapters/sqlite/telemetry-store.js';
import { ReadingFlag, type StoredReading } from '../../src/domain/reading.js';
import type { EvidenceService } from '../../src/services/evidence.js';
import { RuleInputs } from '../../src/services/rule-inputs.js';
import { RulesSweep } from '../../src/services/rules-sweep.js';
import { SeriesCache } from '../../src/services/series-cache.js';
import { HOUR, iso } from '../support/registry-fixture.js';
import { openOneZone, type OneZone } from '../support/one-zone.js';

const MIN = 60_000;
const t0 = Date.UTC(2026, 10, 2, 8);
const last = t0 + 2 * HOUR;

describe('zone sensor silence', () => {
  let zone: OneZone;
  let store: SqliteTelemetryStore;
  let registryStore: SqliteRegistryStore;
  let evidence: EvidenceService;
  let sweep: RulesSweep;
  let now = last;
  const marks: string[] = [];
  const write = (from: number, to: number, value = 5, flags = 0): Promise<unknown> => {
    const readings: StoredReading[] = [];
    for (let t = from; t <= to; t += MIN) readings.push({ site: 'wh', node: 'n', device: 'S', metric: 'temperature', time: t, value, unit: 'Cel', seq: t / MIN, receivedAt: t, flags });
    return store.write(readings);
  };

  beforeAll(async () => {
    zone = await openOneZone('silence', { now: () => now }, {
      intervalS: 60, product: { preset: 'pharma-2-8' }, sensorFrom: t0 - HOUR, batch: { from: t0 }, writer: 'worker',
      orders: [{ id: 'O', customer: 'Clinic', lines: [{ batch: 'B', quantity: 10 }], shipments: [], promisedDelivery: iso(t0 + 48 * HOUR), minRemainingShelfLifeDays: 0, statuses: [] }],
    });
    ({ store, registry: registryStore, evidence } = zone);
    sweep = new RulesSweep({
      registry: registryStore, store, custody: zone.custody, clock: { now: () => now }, scheduler: { after: () => ({ cancel: () => undefined }) },
      mark: (subject, _at, lane) => marks.push(lane === 'background' ? subject : `live ${subject}`), onError: (e) => { throw e; },
    });
    await write(t0 - HOUR, last);
  });
  afterAll(() => zone.close());

  /** B's zone-gap finding when judged at `atMs` (a fresh cache: the store changes between the steps). */
  const gapOf = async (atMs: number) => (await new RuleInputs(registryStore, evidence, new SeriesCache(store)).findings({ kind: 'batch', id: 'B' }, atMs)).find((f) => f.rule === 'data-gap/zone');

  it('is not silence within the max gap: no mark, no finding', async () => {
    now = last + 3 * MIN;
    expect(await sweep.sweep()).toEqual([]);
    expect(marks).toEqual([]);
    expect(await gapOf(now)).toBeUndefined();
  });

  it('marks the batches of the zone once, the sweep after the sensor went silent, and the batch then has an open hole', async () => {
    now = last + 3 * MIN + 1;
    expect(await sweep.sweep()).toEqual(['S']);
    expect(marks).toEqual(['batch:B']);
    now = last + 20 * MIN;
    expect(await sweep.sweep()).toEqual([]);
    expect(marks).toEqual(['batch:B']);
    expect(await gapOf(now)).toMatchObject({
      active: true, startMs: last + 3 * MIN, metAtMs: last + 3 * MIN, endMs: last + 3 * MIN, severity: 'warning',
      figures: { holes: 1, silentSinceMs: last + 3 * MIN, zones: 'COLD' }, related: { devices: ['S'], zones: ['COLD'], batches: ['B'], orders: ['O'] },
    });
  });

  it('is no longer silent once the sensor reports; the hole is then closed, with its length and the coverage', async () => {
    await write(last + 30 * MIN, last + 40 * MIN);
    now = last + 41 * MIN;
    expect(await sweep.sweep()).toEqual([]);
    expect(await gapOf(now)).toMatchObject({
      active: false, startMs: last + 3 * MIN, endMs: last + 30 * MIN,
      figures: { holes: 1, longestClosedMin: 27, coveragePercent: Math.round(((161 - 27) / 161) * 10_000) / 100 },
    });
    // Silent again later: marked again.
    now = last + 44 * MIN;
    expect(await sweep.sweep()).toEqual(['S']);
    expect(marks).toEqual(['batch:B', 'batch:B']);
  });

  it('takes a reading whose device clock ran ahead for neither evidence nor cover (kept, not judged until corrected)', async () => {
    // 30 °C readings flagged clock skew at ingest (ReadingFlag.CLOCK_SKEW), in the silence after last + 40 min.
    await write(last + 45 * MIN, last + 50 * MIN, 30, ReadingFlag.CLOCK_SKEW);
    now = last + 51 * MIN;
    expect(await sweep.sweep()).toEqual([]);
    expect(marks).toEqual(['batch:B', 'batch:B']);
    const findings = await new RuleInputs(registryStore, evidence, new SeriesCache(store)).findings({ kind: 'batch', id: 'B' }, now);
    expect(findings.map((f) => f.rule)).toEqual(['data-gap/zone']);
    expect(findings[0]).toMatchObject({ active: true, figures: { holes: 2, silentSinceMs: last + 43 * MIN } });
  });
});
