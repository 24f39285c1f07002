import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it.each([
    [0, 500],
    [1, 1000],
    [2, 2000],
    [5, 16000],
    [6, 30000],
    [1000, 30000],
  ])('grows exponentially and caps: attempt %d without jitter waits %d ms', (attempt, ms) => {
    expect(backoffDelay(attempt, 0)).toBe(ms);
  });

  it('takes up to the jitter fraction off the delay', () => {
    expect(backoffDelay(2, 0.999999, { jitter: 0.5 })).toBe(1000);
    expect(backoffDelay(2, 0.5, { jitter: 0.5 })).toBe(1500);
    expect(backoffDelay(2, 0.5, { jitter: 0 })).toBe(2000);
  });

  it('never exceeds maxMs whatever the options', () => {
    for (let a = 0; a < 100; a++) expect(backoffDelay(a, Math.random(), { initialMs: 100, maxMs: 5000, factor: 3 })).toBeLessThanOrEqual(5000);
  });

  it('treats negative attempts as the first', () => {
    expect(backoffDelay(-3, 0)).toBe(500);
  });
});
