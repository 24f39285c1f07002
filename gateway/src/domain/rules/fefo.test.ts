import { describe, expect, it } from 'vitest';
import { fefoOrder, type FefoCandidate } from './fefo.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);

const batch = (id: string, labelDays: number, dynamicDays?: number): FefoCandidate => ({
  batch: id,
  product: 'P',
  zone: 'Z',
  quantity: 10,
  labelExpiryMs: NOW + labelDays * DAY,
  ...(dynamicDays !== undefined ? { shelfLife: { dynamicExpiryMs: NOW + dynamicDays * DAY, remainingDays: dynamicDays, consumed: 0.5, level: 'ok', asOfMs: NOW } } : {}),
});

describe('FEFO order', () => {
  const cases: { name: string; batches: FefoCandidate[]; order: string[]; basis?: string[]; daysBeforeLabel?: number[] }[] = [
    { name: 'label order when nothing aged early', batches: [batch('B', 20, 25), batch('A', 10, 12)], order: ['A', 'B'], basis: ['label', 'label'] },
    { name: 'a batch that aged in a warm zone goes before one with an earlier label', batches: [batch('early-label', 10, 10), batch('warm', 30, 4)], order: ['warm', 'early-label'], basis: ['dynamic', 'label'], daysBeforeLabel: [26, 0] },
    { name: 'the label caps a dynamic expiry later than it', batches: [batch('cold', 5, 40), batch('other', 6)], order: ['cold', 'other'], basis: ['label', 'label'] },
    { name: 'a batch without a kinetic state is ranked by its label', batches: [batch('no-model', 3), batch('aged', 30, 2)], order: ['aged', 'no-model'], basis: ['dynamic', 'label'] },
    { name: 'equal pick-by dates: the earlier label first, then the batch id', batches: [batch('b', 9, 5), batch('a', 9, 5), batch('c', 8, 5)], order: ['c', 'a', 'b'] },
    { name: 'equal dynamic and label: the label decides (not earlier than it)', batches: [batch('x', 7, 7)], order: ['x'], basis: ['label'], daysBeforeLabel: [0] },
    { name: 'no batches', batches: [], order: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = fefoOrder(c.batches, NOW);
      expect(out.map((e) => e.batch)).toEqual(c.order);
      expect(out.map((e) => e.rank)).toEqual(c.order.map((_, i) => i + 1));
      if (c.basis) expect(out.map((e) => e.basis)).toEqual(c.basis);
      if (c.daysBeforeLabel) expect(out.map((e) => e.daysBeforeLabel)).toEqual(c.daysBeforeLabel);
    });
  }

  it('marks as expired a batch whose pick-by is at or before now (inclusive), whatever decided it', () => {
    const out = fefoOrder([batch('spent', 30, 0), batch('label-past', -1), batch('fine', 3, 2)], NOW);
    expect(out.map((e) => [e.batch, e.expired])).toEqual([
      ['label-past', true],
      ['spent', true],
      ['fine', false],
    ]);
  });
});
