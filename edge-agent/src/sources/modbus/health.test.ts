import { describe, expect, it } from 'vitest';
import { INITIAL_HEALTH, isSuspect, onFailure, onSuccess, shouldSkip } from './health.js';

const T = 1_700_000_000_000;

describe('slave health', () => {
  it('retries at the normal interval for the first failures, then backs off exponentially up to the cap', () => {
    let h = INITIAL_HEALTH;
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      h = onFailure(h, T, 'E_MODBUS_TIMEOUT', 1000, 0);
      delays.push(h.retryAt === 0 ? 0 : h.retryAt - T);
    }
    expect(delays).toEqual([0, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000]);
    expect(h.errorCount).toBe(10);
    expect(isSuspect(h)).toBe(true);
  });

  it('skips polls until retryAt', () => {
    const h = onFailure(onFailure(INITIAL_HEALTH, T, 'x', 1000, 0), T, 'x', 1000, 0);
    expect(shouldSkip(h, T + 1999)).toBe(true);
    expect(shouldSkip(h, T + 2000)).toBe(false);
  });

  it('recovers on one success, keeping the error count and recording the good time', () => {
    const failed = onFailure(onFailure(INITIAL_HEALTH, T, 'x', 1000, 0), T, 'x', 1000, 0);
    const ok = onSuccess(failed, T + 5000);
    expect(ok).toEqual({ consecutiveFailures: 0, errorCount: 2, lastGoodTime: T + 5000, retryAt: 0 });
    expect(isSuspect(ok)).toBe(false);
    expect(onFailure(ok, T + 6000, 'y', 1000, 0)).toMatchObject({ lastGoodTime: T + 5000, lastError: 'y', retryAt: 0 });
  });
});
