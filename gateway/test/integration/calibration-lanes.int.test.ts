/**
 * A calibrated sensor in the rules' lanes (docs/calibration.md, docs/rules.md "When the rules run"): real SQLite
 * stores, custody index and rules service, readings through the commit hook, time on a hand clock. Zone COLD holds
 * batch B (controlled room temperature: 30 °C is an instant limit); sensor S's certificate corrects +2 °C, so 29 °C
 * measured is 31 °C: judged at the next round like any reading beyond a limit, and flagged on the corrected value.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Calibration } from '../../src/domain/calibration/calibration.js';
import type { StoredReading } from '../../src/domain/reading.js';
import type { FlagChange, FlagStore } from '../../src/ports/flags.js';
import { RulesService } from '../../src/services/rules.js';
import { HOUR } from '../support/registry-fixture.js';
import { openOneZone, type OneZone } from '../support/one-zone.js';
import { ManualTime } from '../support/manual-time.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 2, 8);
const CERT: Calibration = {
  certificate: 'C-S', device: 'S', laboratory: 'Lab', calibratedAt: '2026-01-01', dueAt: '2027-01-01', metrics: { temperature: { correction: 2, uncertainty: 0.2 } },
};

async function turns(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('a calibrated sensor in the rules lanes', () => {
  let zone: OneZone;
  let rules: RulesService;
  const time = new ManualTime(T0);
  const judged: string[] = [];
  const changes: FlagChange[] = [];
  let seq = 0;
  const reading = (value: number, t = time.t): StoredReading => ({ site: 'wh', node: 'n', device: 'S', metric: 'temperature', time: t, value, unit: 'Cel', seq: ++seq, receivedAt: time.t, flags: 0 });

  beforeAll(async () => {
    zone = await openOneZone('cal-lanes', time, { intervalS: 60, product: { preset: 'crt' }, sensorFrom: T0 - HOUR, batch: { from: T0 - HOUR } });
    const flags: FlagStore = Object.assign(Object.create(zone.flags) as FlagStore, {
      reconcile: (subjects: Parameters<FlagStore['reconcile']>[0], ...rest: [Parameters<FlagStore['reconcile']>[1], number]) => {
        for (const s of subjects) judged.push(s.id);
        return zone.flags.reconcile(subjects, ...rest);
      },
    });
    rules = new RulesService({
      registry: zone.registry, evidence: zone.evidence, store: zone.store, flags, custody: zone.custody, clock: time, scheduler: time,
      log: pino({ level: 'silent' }), calibrations: { of: (d) => (d === 'S' ? [CERT] : []) },
    });
    rules.onFlags((c) => changes.push(...c));
    const before: StoredReading[] = [];
    for (let t = T0 - HOUR; t < T0; t += MIN) before.push(reading(20, t));
    await zone.store.write(before);
    rules.committed(before);
    await time.advance(200, turns, 10);
  });
  afterAll(async () => {
    await rules.close();
    await zone.close();
  });

  it('judges 29 °C measured (31 °C corrected) at the next round, and raises the instant excursion on the corrected value', async () => {
    expect(judged).toEqual(['B']);
    expect(changes).toEqual([]);
    await time.advance(1_000, turns, 10);
    const r = reading(29);
    await zone.store.write([r]);
    rules.committed([r]);
    await time.advance(200, turns, 10);
    expect(judged).toEqual(['B', 'B']);
    expect(changes.map((c) => [c.flag.rule, c.events])).toEqual([['excursion/temperature/upper/30/instant', ['raised']]]);
    expect(changes[0]!.flag.episodes[0]).toMatchObject({ max: 31, device: 'S' });
  });
});
