import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF_OPTIONS, backoffDelay } from './backoff.js';

const fixed = { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0 };

describe('backoffDelay', () => {
  it.each([
    [1, 100], [2, 200], [3, 400], [4, 800], [5, 1000], [50, 1000], [0, 100], [-3, 100],
  ])('grows exponentially and caps: attempt %i -> %i ms', (attempt, expected) => {
    expect(backoffDelay(attempt, fixed, () => 0.7)).toBe(expected);
  });

  it.each([
    [0, 400], [0.5, 300], [1, 200], [2, 200], [-1, 400], [Number.NaN, 400],
  ])('removes up to the jitter share of the delay: random %f -> %i ms', (r, expected) => {
    expect(backoffDelay(3, { ...fixed, jitter: 0.5 }, () => r)).toBe(expected);
  });

  it('uses Retry-After as a floor, never above the cap', () => {
    expect(backoffDelay(1, fixed, () => 0, 700)).toBe(700);
    expect(backoffDelay(4, fixed, () => 0, 10)).toBe(800);
    expect(backoffDelay(1, fixed, () => 0, 60_000)).toBe(1000);
  });

  it('stays within [base * (1 - jitter), base] for the defaults', () => {
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(3, DEFAULT_BACKOFF_OPTIONS);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});
