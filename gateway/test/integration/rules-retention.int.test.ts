/**
 * MKT and kinetic shelf life after raw-data retention (docs/rules.md, "After retention"): real SQLite stores, the
 * real retention, custody and rule inputs. Batch B (pharma 2-8 °C, 24 h MKT at most 8 °C, a Q10 shelf life of 60 days
 * at 5 °C) spends 4 days in zone COLD, whose sensor reports every 5 min: 5 °C, but 11-12 °C for 12 h on the second
 * day. Judged before and after retention folds the first 3 days into held hours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteFlagStore } from '../../src/adapters/sqlite/flags/flag-store.js';
import type { SqliteRegistryStore } from '../../src/adapters/sqlite/registry/registry-store.js';
import type { SqliteTelemetryStore } from '../../src/adapters/sqlite/telemetry-store.js';
import type { StoredReading } from '../../src/domain/reading.js';
import type { Finding } from '../../src/domain/flags/types.js';
import type { EvidenceService } from '../../src/services/evidence.js';
import { RuleInputs } from '../../src/services/rule-inputs.js';
import { batchShelfLife } from '../../src/domain/rules/batch-findings.js';
import { SeriesCache } from '../../src/services/series-cache.js';
import { RulesService } from '../../src/services/rules.js';
import { pino } from 'pino';
import { HOUR } from '../support/registry-fixture.js';
import { openOneZone, type OneZone } from '../support/one-zone.js';

const MIN = 60_000;
const DAY = 24 * HOUR;
const t0 = Date.UTC(2026, 10, 2);
const end = t0 + 4 * DAY;

describe('rules after retention: MKT and shelf life from the held hours', () => {
  let zone: OneZone;
  let store: SqliteTelemetryStore;
  let registryStore: SqliteRegistryStore;
  let evidence: EvidenceService;
  let rules: RulesService;
  let flagStore: SqliteFlagStore;
  const inputs = (): RuleInputs => new RuleInputs(registryStore, evidence, new SeriesCache(store));
  const findings = async (): Promise<Finding[]> => inputs().findings({ kind: 'batch', id: 'B' }, end);
  /** The batch's consumed shelf life, a fraction (the finding is there only from a 10 % loss). */
  const consumed = async (): Promise<number> => batchShelfLife((await inputs().batchInput('B', end))!)!.state.consumed;
  const figuresOf = (fs: Finding[], prefix: string) => fs.find((f) => f.rule.startsWith(prefix));

  beforeAll(async () => {
    zone = await openOneZone('retention-rules', { now: () => t0 }, {
      intervalS: 300, product: { preset: 'pharma-2-8', shelfLife: { model: 'q10', refTempC: 5, refLifeDays: 60, q10: 3 } }, sensorFrom: t0 - HOUR, batch: { from: t0, to: end },
    });
    ({ store, registry: registryStore, evidence, flags: flagStore } = zone);
    const scheduler = { after: (ms: number, fn: () => void) => { const t = setTimeout(fn, ms); return { cancel: () => clearTimeout(t) }; } };
    rules = new RulesService({ registry: registryStore, evidence, store, flags: flagStore, custody: zone.custody, clock: { now: () => end }, scheduler, log: pino({ level: 'silent' }) });
    const rows: StoredReading[] = [];
    for (let t = t0 - HOUR, i = 0; t < end; t += 5 * MIN, i++) {
      const warm = t >= t0 + DAY + 6 * HOUR && t < t0 + DAY + 18 * HOUR;
      rows.push({ site: 'wh', node: 'n', device: 'S', metric: 'temperature', time: t, value: warm ? 11 + (i % 3) / 2 : 5, unit: 'Cel', seq: i, receivedAt: t, flags: 0 });
    }
    await store.write(rows);
    // Judged while the readings are raw: the 12 h warm spell and the day's MKT are flagged.
    await rules.judgeNow(['batch:B']);
  });
  afterAll(async () => {
    await rules.close();
    await zone.close();
  });

  it('gives the same MKT finding and, within a thousandth, the same consumed life from the held hours', async () => {
    const before = await findings();
    const mkt = figuresOf(before, 'mkt/24h/8');
    const life = await consumed();
    expect(mkt?.figures['mkt']).toBeGreaterThan(8);
    // 4 days, 12 h of them at 11-12 °C (Q10 3: twice the rate): about 4.5 days' worth of 60.
    expect(life).toBeGreaterThan(0.07);
    expect(figuresOf(before, 'excursion/temperature/upper/8/consecutive/30')).toBeDefined();

    const res = store.retention.apply(t0 + 3 * DAY, undefined, { maxGapMs: () => 15 * MIN });
    expect(res.deleted).toBeGreaterThan(800);
    const after = await findings();
    expect(figuresOf(after, 'mkt/24h/8')?.figures['mkt']).toBeCloseTo(mkt!.figures['mkt'] as number, 1);
    expect(Math.abs(await consumed() / life - 1)).toBeLessThan(0.001);
    // Excursions are judged on raw readings only (the order within a held hour is not known): none is found in them.
    expect(after.filter((f) => f.rule.startsWith('excursion/'))).toEqual([]);
    // No hole in the evidence either: the held hours cover the folded days.
    expect(figuresOf(after, 'data-gap/zone')).toBeUndefined();
  });

  it('keeps the excursion flagged while the readings were raw when the batch is judged again after retention', async () => {
    const flagsNow = async () => (await flagStore.list({ subject: { kind: 'batch', id: 'B' }, withdrawn: true, limit: 100 })).map((f) => ({ rule: f.rule, withdrawn: f.withdrawn, episodes: f.episodes.length, events: f.events.map((e) => e.kind) }));
    const before = await flagsNow();
    expect(before.map((f) => f.rule).sort()).toEqual(['excursion/temperature/upper/8/consecutive/30', 'mkt/24h/8']);
    // Retention ran in the test above; judged again now, the flags are as they were: nothing withdrawn or updated.
    const changes = await rules.judgeNow(['batch:B']);
    expect(changes.map((c) => [c.flag.rule, c.events])).toEqual([]);
    expect(await flagsNow()).toEqual(before);
  });
});
