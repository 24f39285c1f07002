import { describe, expect, it } from 'vitest';
import type { Episode, Finding } from '../flags/types.js';
import { keepFolded } from './folded.js';

const H = 3_600_000;
const RULE = 'excursion/temperature/upper/8/consecutive/30';
const episode = (fromH: number, toH: number, device = 'S'): Episode => ({
  startMs: fromH * H, endMs: toH * H, metAtMs: fromH * H + 0.5 * H, durationMs: (toH - fromH) * H, device,
  min: 9, max: 10, twa: 9.5, firstOffending: { t: fromH * H, v: 9 }, lastOffending: { t: toH * H - 60_000, v: 10 },
} as unknown as Episode);
const finding = (rule: string, episodes: Episode[], over: Partial<Finding> = {}): Finding => ({
  rule, params: {}, subject: { kind: 'batch', id: 'B' }, severity: 'major', title: rule,
  startMs: episodes[0]?.startMs ?? 0, endMs: episodes.at(-1)?.endMs ?? 0, metAtMs: episodes[0]?.metAtMs ?? 0, active: false, episodes,
  figures: { totalBeyondMin: 1 }, related: { devices: ['S'], zones: ['COLD'], batches: ['B'], shipments: [], orders: ['O-1'] }, ...over,
});

describe('keepFolded: excursions about folded readings stay as judged', () => {
  it('keeps a flag found no more whose episodes all ended before the folded time, unchanged', () => {
    const prev = finding(RULE, [episode(10, 12)]);
    expect(keepFolded([{ ...prev, id: 'x', state: 'open' } as Finding], [], 24 * H)).toEqual([prev]);
  });

  it('lets the raw readings decide a flag whose episodes run past the folded time', () => {
    expect(keepFolded([finding(RULE, [episode(22, 26)])], [], 24 * H)).toEqual([]);
  });

  it('keeps the folded episodes of a flag found again, beside those of the raw readings, with the earlier start and moment met', () => {
    const prev = finding(RULE, [episode(10, 12), episode(30, 31)]);
    const now = finding(RULE, [episode(30, 31), episode(40, 41, 'S-2')], { active: true, figures: { totalBeyondMin: 120 }, related: { devices: ['S', 'S-2'], zones: ['COLD'], batches: ['B'], shipments: [], orders: [] } });
    const [merged] = keepFolded([prev], [now], 24 * H);
    expect(merged).toMatchObject({
      episodes: [episode(10, 12), episode(30, 31), episode(40, 41, 'S-2')], startMs: 10 * H, endMs: 41 * H, metAtMs: 10.5 * H,
      active: true, figures: { totalBeyondMin: 120 }, related: { devices: ['S', 'S-2'], orders: ['O-1'] },
    });
  });

  it('leaves other rules to be judged on the held hours (MKT, shelf life, coverage)', () => {
    const mkt = finding('mkt/24h/8', [], { startMs: 0, endMs: 24 * H });
    expect(keepFolded([mkt], [], 48 * H)).toEqual([]);
  });

  it('changes nothing when nothing was folded before the flag', () => {
    const now = finding(RULE, [episode(30, 31)]);
    expect(keepFolded([finding(RULE, [episode(30, 31)])], [now], 24 * H)).toEqual([now]);
  });
});
