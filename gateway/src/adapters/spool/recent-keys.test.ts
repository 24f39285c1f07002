import { describe, expect, it } from 'vitest';
import { RecentKeys } from './recent-keys.js';

const T = 1_790_000_000_000;

describe('RecentKeys', () => {
  it('recognises an identity seen before, and only that identity', () => {
    const k = new RecentKeys(100);
    expect(k.add('d1', 'temperature', T)).toBe(true);
    expect(k.add('d1', 'temperature', T)).toBe(false);
    expect(k.add('d1', 'temperature', T + 1)).toBe(true);
    expect(k.add('d1', 'humidity', T)).toBe(true);
    expect(k.add('d2', 'temperature', T)).toBe(true);
    // Times far from the first one (beyond small-integer range) are still told apart.
    expect(k.add('d1', 'temperature', T - 90 * 86_400_000)).toBe(true);
    expect(k.add('d1', 'temperature', T - 90 * 86_400_000)).toBe(false);
    expect(k.size).toBe(5);
  });

  it('remembers at least half its capacity and at most all of it', () => {
    const k = new RecentKeys(10);
    for (let i = 0; i < 23; i++) k.add('d', 'm', T + i);
    expect(k.size).toBeLessThanOrEqual(10);
    // The newest 5 are always remembered; the oldest are forgotten.
    for (let i = 18; i < 23; i++) expect(k.add('d', 'm', T + i)).toBe(false);
    expect(k.add('d', 'm', T)).toBe(true);
  });

  it('forgets an identity on delete (a write that failed), in either generation', () => {
    const k = new RecentKeys(4);
    k.add('d', 'm', T);
    k.add('d', 'm', T + 1);
    k.add('d', 'm', T + 2); // T and T+1 are now the old generation
    k.delete('d', 'm', T);
    k.delete('d', 'm', T + 2);
    expect(k.add('d', 'm', T)).toBe(true);
    expect(k.add('d', 'm', T + 2)).toBe(true);
    expect(k.add('d', 'm', T + 1)).toBe(false);
  });
});
