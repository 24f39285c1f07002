import { describe, expect, it } from 'vitest';
import { goDurationMs, victoriaPeriodMs } from './chain-source.js';

const H = 3_600_000;
const D = 24 * H;

describe('retention as the store states it', () => {
  it.each([
    ['0s', 0],
    ['168h0m0s', 7 * D],
    ['1h0m0s', H],
    ['24h0m0s', D],
    ['1h30m0s', 1.5 * H],
    ['500ms', 500],
  ])('reads InfluxDB\'s duration %s as %d ms', (text, ms) => {
    expect(goDurationMs(text)).toBe(ms);
  });

  it.each([
    ['1', 31 * D],
    ['3', 93 * D],
    ['30d', 30 * D],
    ['2w', 14 * D],
    ['1y', 365 * D],
    ['48h', 2 * D],
    ['0.5', 15.5 * D],
  ])('reads VictoriaMetrics\' -retentionPeriod=%s as %d ms', (text, ms) => {
    expect(victoriaPeriodMs(text)).toBe(ms);
  });

  it.each(['', '1m', 'forever', '12x'])('refuses %j with a code', (text) => {
    expect(() => victoriaPeriodMs(text)).toThrow(expect.objectContaining({ code: 'E_REMOTE_RESPONSE' }) as Error);
  });

  it('refuses a duration it cannot read', () => {
    expect(() => goDurationMs('7 days')).toThrow(expect.objectContaining({ code: 'E_REMOTE_RESPONSE' }) as Error);
  });
});
