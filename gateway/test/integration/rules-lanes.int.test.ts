/**
 * Which readings are judged at once and which at a steadier pace (docs/rules.md, "When the rules run"): real SQLite
 * stores, the real custody index and rules service, readings through its commit hook, time on a hand-driven clock
 * and scheduler. Zone COLD holds batch B (controlled room temperature: 30 °C and 15 °C are instant limits, MKT
 * 30 days at most 25 °C); sensor S reports every minute.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteTelemetryStore } from '../../src/adapters/sqlite/telemetry-store.js';
import { ReadingFlag, type StoredReading } from '../../src/domain/reading.js';
import type { FlagChange, FlagStore } from '../../src/ports/flags.js';
import { RulesService } from '../../src/services/rules.js';
import { HOUR } from '../support/registry-fixture.js';
import { openOneZone, type OneZone } from '../support/one-zone.js';
import { ManualTime } from '../support/manual-time.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 2, 8);

/** Lets the work a due task starts (promises, SQLite reads) finish before time moves on. */
async function turns(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('rules lanes: readings that may change a flag are judged at once, the others at a steadier pace', () => {
  let zone: OneZone;
  let store: SqliteTelemetryStore;
  let rules: RulesService;
  const time = new ManualTime(T0);
  /** Subjects whose flags were reconciled, in order. */
  const judged: string[] = [];
  const changes: FlagChange[] = [];
  const latencies: number[] = [];
  let seq = 0;
  /** The flag store refuses this many more reconciles (a full disk). */
  let refuse = 0;
  /**
   * One reading of S received now, committed and handed to the rules as the ingest path does; its device clock
   * `leadMs` ahead (beyond 5 min the ingest flags it clock_skew).
   */
  const reading = async (value: number, leadMs = 0): Promise<void> => {
    const flags = leadMs > 5 * MIN ? ReadingFlag.CLOCK_SKEW : 0;
    const r: StoredReading = { site: 'wh', node: 'n', device: 'S', metric: 'temperature', time: time.t + leadMs, value, unit: 'Cel', seq: ++seq, receivedAt: time.t, flags };
    await store.write([r]);
    rules.committed([r]);
  };

  beforeAll(async () => {
    zone = await openOneZone('lanes', time, { intervalS: 60, product: { preset: 'crt' }, sensorFrom: T0 - HOUR, batch: { from: T0 - HOUR } });
    ({ store } = zone);
    const sqliteFlags = zone.flags;
    // The real flag store, noting which subjects each reconcile wrote (what the rules judged, and when).
    const flags: FlagStore = Object.assign(Object.create(sqliteFlags) as FlagStore, {
      reconcile: (subjects: Parameters<FlagStore['reconcile']>[0], ...rest: [Parameters<FlagStore['reconcile']>[1], number]) => {
        if (refuse > 0) {
          refuse--;
          return Promise.reject(new Error('SQLITE_FULL: database or disk is full'));
        }
        for (const s of subjects) judged.push(s.id);
        return sqliteFlags.reconcile(subjects, ...rest);
      },
    });
    rules = new RulesService({
      registry: zone.registry, evidence: zone.evidence, store, flags, custody: zone.custody,
      clock: time, scheduler: time, log: pino({ level: 'silent' }), observeLatency: (s) => latencies.push(s),
    });
    rules.onFlags((c) => changes.push(...c));
    // An hour of readings at 20 °C before T0: the batch's first judgement.
    const before: StoredReading[] = [];
    for (let t = T0 - HOUR; t < T0; t += MIN) before.push({ site: 'wh', node: 'n', device: 'S', metric: 'temperature', time: t, value: 20, unit: 'Cel', seq: ++seq, receivedAt: t, flags: 0 });
    await store.write(before);
    rules.committed(before);
    await time.advance(200, turns, 10);
  });
  afterAll(async () => {
    await rules.close();
    await zone.close();
  });

  it('judges a batch at its first readings, then within-range readings no more than every 30 s', async () => {
    expect(judged).toEqual(['B']);
    await time.advance(1_000, turns, 10);
    await reading(21);
    await time.advance(5_000, turns, 10);
    expect(judged).toEqual(['B']);
    // 30 s after the first judgement (at T0 + 100 ms): due.
    await time.advance(24_000, turns, 10);
    expect(judged).toEqual(['B', 'B']);
    expect(changes).toEqual([]);
  });

  it('judges a reading beyond a limit at the next round, however recently the batch was judged, and flags it', async () => {
    await time.advance(1_000, turns, 10);
    await reading(31);
    await time.advance(200, turns, 10);
    expect(judged).toEqual(['B', 'B', 'B']);
    expect(changes.map((c) => [c.flag.rule, c.events])).toEqual([['excursion/temperature/upper/30/instant', ['raised']]]);
    // From the commit that marked it to the flag written: one round delay (100 ms); the round itself takes no time here.
    expect(latencies.at(-1)).toBeLessThanOrEqual(0.11);
  });

  it('judges a reading that continues an excursion already flagged at the steady pace, and one back within the limit at once', async () => {
    await time.advance(1_000, turns, 10);
    await reading(31.5);
    await time.advance(5_000, turns, 10);
    expect(judged).toHaveLength(3);
    await reading(24);
    await time.advance(200, turns, 10);
    expect(judged).toHaveLength(4);
    expect(changes.at(-1)?.events).toContain('cleared');
  });

  it('flags a device whose clock runs ahead at its first skewed reading, on the batch it watches, and clears it when corrected', async () => {
    changes.length = 0;
    await time.advance(MIN, turns, 10);
    await reading(35, 62 * MIN);
    await time.advance(200, turns, 10);
    // The skewed reading is kept but judged by no rule: no excursion for B, a flag for the device.
    expect(changes.map((c) => [c.flag.id, c.events])).toEqual([['clock-skew/5@device:S', ['raised']]]);
    expect(changes[0]!.flag).toMatchObject({ active: true, metAtMs: time.t - 200, related: { devices: ['S'], zones: ['COLD'], batches: ['B'] }, figures: { skewedReadings: 1, lastLeadMin: 62 } });
    await time.advance(MIN, turns, 10);
    await reading(22);
    await time.advance(200, turns, 10);
    expect(changes.at(-1)?.flag).toMatchObject({ id: 'clock-skew/5@device:S', active: false });
    expect(changes.at(-1)?.events).toContain('cleared');
  });

  it('judges a batch again when the store refused to write its flags, without waiting for another reading', async () => {
    changes.length = 0;
    await time.advance(MIN, turns, 10);
    refuse = 1;
    await reading(36);
    await time.advance(200, turns, 10);
    expect(changes).toEqual([]);
    // Marked again in the background lane: judged once its 500 ms have passed.
    await time.advance(600, turns, 10);
    expect(changes.find((c) => c.flag.rule === 'excursion/temperature/upper/30/instant')?.events).toContain('reactivated');
  });
});
