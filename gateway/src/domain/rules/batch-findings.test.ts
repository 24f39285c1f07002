import { describe, expect, it } from 'vitest';
import { batchFindings, type LegSeries } from './batch-findings.js';
import type { Product } from '../registry/types.js';

const MIN = 60_000;
const product: Product = {
  id: 'P', name: 'p', storageTempC: 5, ignoreStartMin: 30, mkt: [],
  limits: [{ metric: 'temperature', bound: 'upper', value: 8, alarm: 'consecutive', delayMin: 30 }],
};
/** One reading a minute at `v` over [from, to). */
const held = (from: number, to: number, v: number) => Array.from({ length: (to - from) / MIN }, (_, i) => ({ t: from + i * MIN, v, dt: MIN }));
const leg = (placement: string, kind: 'zone' | 'shipment', h: ReturnType<typeof held>, ignoreBeforeMs?: number): LegSeries => ({
  device: 'logger-1', location: { kind, id: kind === 'zone' ? 'Z' : 'SH' }, placement, metric: 'temperature', held: h, ...(ignoreBeforeMs !== undefined ? { ignoreBeforeMs } : {}),
});
const judge = (series: LegSeries[]) => batchFindings({ batch: 'B', product, series, orders: [], nowMs: 10 * 60 * MIN });

describe('batch findings', () => {
  it("keeps a logger's warehouse excursion when the same logger later rides a shipment with an ignore period", () => {
    const zone = leg('p1', 'zone', held(0, 120 * MIN, 12));
    const truck = leg('p2', 'shipment', held(180 * MIN, 240 * MIN, 5), 180 * MIN + 30 * MIN);
    expect(judge([zone]).map((f) => f.startMs)).toEqual([0]);
    expect(judge([zone, truck]).map((f) => f.startMs)).toEqual([0]);
  });

  it('does not hold the loading minutes of a shipment against the batch, and holds what follows', () => {
    // Warm for the first 40 min on the truck: 30 of them are the ignore period, 10 are not enough for 30 min.
    expect(judge([leg('p2', 'shipment', [...held(0, 40 * MIN, 12), ...held(40 * MIN, 60 * MIN, 5)], 30 * MIN)])).toEqual([]);
    // Warm for 70 min: 40 min after the ignore period, flagged from its end.
    const f = judge([leg('p2', 'shipment', held(0, 70 * MIN, 12), 30 * MIN)]);
    expect(f.map((x) => [x.startMs, x.metAtMs])).toEqual([[30 * MIN, 60 * MIN]]);
  });

  it('judges a week of 5-second readings (more than a call takes arguments)', () => {
    const week = Array.from({ length: 7 * 24 * 720 }, (_, i) => ({ t: i * 5000, v: 5, dt: 5000 }));
    expect(judge([leg('p1', 'zone', week)])).toEqual([]);
  });
});
