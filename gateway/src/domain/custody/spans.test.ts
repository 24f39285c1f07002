import { describe, expect, it } from 'vitest';
import { intersect, locate, mergeSegments, type LocatedSpan, type Segment } from './spans.js';

const zone = (id: string) => ({ kind: 'zone' as const, id });
const span = (fromMs: number, toMs: number, id: string): LocatedSpan => ({ fromMs, toMs, location: zone(id), placement: `p-${id}` });

describe('locate', () => {
  const spans = [span(0, 10, 'A'), span(10, 20, 'B'), span(30, Infinity, 'C')];
  it.each([
    [-1, undefined], [0, 'A'], [9, 'A'], [10, 'B'], [19, 'B'], [20, undefined], [29, undefined], [30, 'C'], [1e15, 'C'],
  ])('time %d is in %s (starts inclusive, ends exclusive, gaps in none)', (t, id) => {
    expect(locate(spans, t)?.location.id).toBe(id);
  });
  it('finds the span among many', () => {
    const many = Array.from({ length: 1001 }, (_, i) => span(i * 10, i * 10 + 5, `Z${i}`));
    expect(locate(many, 7_773)?.location.id).toBe('Z777');
    expect(locate(many, 7_776)).toBeUndefined();
    expect(locate([], 1)).toBeUndefined();
  });
});

describe('intersect', () => {
  it.each([
    [{ fromMs: 0, toMs: 10 }, { fromMs: 5, toMs: 20 }, { fromMs: 5, toMs: 10 }],
    [{ fromMs: 0, toMs: Infinity }, { fromMs: 5, toMs: 20 }, { fromMs: 5, toMs: 20 }],
    [{ fromMs: 0, toMs: 10 }, { fromMs: 10, toMs: 20 }, undefined],
  ])('%o and %o overlap in %o', (a, b, x) => {
    expect(intersect(a, b)).toEqual(x);
  });
});

describe('mergeSegments', () => {
  const seg = (device: string, fromMs: number, toMs: number, id = 'A'): Segment => ({ device, fromMs, toMs, location: zone(id) });
  it('merges overlapping and touching segments of one device at one location, and nothing else', () => {
    expect(mergeSegments([seg('d2', 0, 5), seg('d1', 10, 20), seg('d1', 0, 12), seg('d1', 20, 25), seg('d1', 30, 40), seg('d1', 40, 50, 'B')])).toEqual([
      seg('d1', 0, 25), seg('d1', 30, 40), seg('d1', 40, 50, 'B'), seg('d2', 0, 5),
    ]);
  });
  it('keeps a segment inside another once', () => {
    expect(mergeSegments([seg('d', 0, 100), seg('d', 10, 20)])).toEqual([seg('d', 0, 100)]);
  });
});
