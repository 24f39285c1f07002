import { describe, expect, it } from 'vitest';
import { trackerCoverage } from './shipment-findings.js';

const MIN = 60_000;
const cov = (heartbeats: number[], legs: [number, number][], nowMin: number) =>
  trackerCoverage({ heartbeats: heartbeats.map((m) => m * MIN), legs: legs.map(([a, b]) => ({ fromMs: a * MIN, toMs: b * MIN })), gapThresholdMin: 30, nowMs: nowMin * MIN });
const inMin = (c: ReturnType<typeof trackerCoverage>) => ({ covered: c.coveredMs / MIN, total: c.totalMs / MIN, gaps: c.gaps.map((g) => [g.fromMs / MIN, g.toMs / MIN]) });

describe('tracker coverage of a shipment (gap threshold 30 min)', () => {
  it.each([
    ['readings every 10 min over a 2 h leg: all covered', [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], [[0, 120]], 200, { covered: 120, total: 120, gaps: [] }],
    ['a 30 min silence is covered (the threshold is not exceeded), a 40 min one is a gap', [0, 30, 70, 100], [[0, 120]], 200, { covered: 80, total: 120, gaps: [[30, 70]] }],
    ['an open leg counts up to now; the silence since the last reading is a gap once longer than the threshold', [0, 10], [[0, Infinity]], 60, { covered: 10, total: 60, gaps: [[10, 60]] }],
    ['no reading at all on a leg: one gap over all of it', [], [[0, 45]], 200, { covered: 0, total: 45, gaps: [[0, 45]] }],
    ['readings outside the legs count for nothing; two legs add up', [5, 95, 300], [[0, 20], [80, 100]], 200, { covered: 40, total: 40, gaps: [] }],
    ['no tracker on it yet', [], [], 200, { covered: 0, total: 0, gaps: [] }],
  ] as const)('%s', (_, hb, legs, now, expected) => {
    expect(inMin(cov([...hb], legs.map(([a, b]) => [a, b] as [number, number]), now))).toEqual(expected);
  });
});
