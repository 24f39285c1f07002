import { describe, expect, it } from 'vitest';
import { silenceClaimFinding, type SilenceClaimInput } from './silence-claims.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 8);
const related = { devices: ['T-1'], zones: [], batches: [], shipments: ['SH-1'], orders: ['O-1'] };
const base: SilenceClaimInput = { shipment: 'SH-1', startedMs: T0, onItsWay: true, nowMs: T0 + 30 * H, related };

describe('no tracking update for 24 h', () => {
  it.each([
    ['a reading 23 h 59 min ago', { lastReadingMs: T0 + 6 * H + 60_000 }, false],
    ['a reading exactly 24 h ago (inclusive)', { lastReadingMs: T0 + 6 * H }, true],
    ['a carrier event 2 h ago, the tracker silent for 29 h', { lastReadingMs: T0 + H, lastCarrierEventMs: T0 + 28 * H }, false],
    ['nothing since it left 30 h ago', {}, true],
    ['arrived (nothing open on it)', { onItsWay: false }, false],
  ] as const)('%s: flagged %s', (_, over, flagged) => {
    expect(silenceClaimFinding({ ...base, ...over }) !== undefined).toBe(flagged);
  });

  it('a tier-1 warning from its last update, unchanged while the silence goes on', () => {
    const f = silenceClaimFinding({ ...base, lastReadingMs: T0 + 2 * H, lastCarrierEventMs: T0 + 3 * H });
    expect(f).toMatchObject({ rule: 'claim/no-update/24h', severity: 'warning', startMs: T0 + 3 * H, endMs: T0 + 3 * H, metAtMs: T0 + 27 * H, active: true, figures: { silentSinceMs: T0 + 3 * H } });
    expect(silenceClaimFinding({ ...base, lastReadingMs: T0 + 2 * H, lastCarrierEventMs: T0 + 3 * H, nowMs: T0 + 40 * H })).toEqual(f);
  });
});
