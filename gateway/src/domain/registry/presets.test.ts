import { describe, expect, it } from 'vitest';
import { PRODUCT_PRESETS, productPreset } from './presets.js';
import { productProblems } from './product.js';

describe('PRODUCT_PRESETS', () => {
  it.each(PRODUCT_PRESETS.map((p) => ({ name: p.preset, preset: p })))('holds $name as a valid product', ({ preset }) => {
    expect(productProblems({ id: preset.preset, name: preset.description, ...preset.profile }, 'preset')).toEqual([]);
  });

  it('names each preset once', () => {
    const names = PRODUCT_PRESETS.map((p) => p.preset);
    expect(names).toEqual(['pharma-2-8', 'crt', 'frozen', 'usp-freezer', 'who-pqs-type-1', 'who-pqs-type-2']);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([
    {
      name: 'pharma-2-8', storageTempC: 5, mkt: [{ windowH: 24, limitC: 8 }],
      limits: [['upper', 8, 'consecutive', 30], ['lower', 2, 'consecutive', 15]],
    },
    {
      name: 'crt', storageTempC: 25, mkt: [{ windowH: 720, limitC: 25 }],
      limits: [['upper', 30, 'instant', undefined], ['lower', 15, 'instant', undefined]],
    },
    { name: 'frozen', storageTempC: -18, mkt: [], limits: [['upper', -15, 'instant', undefined], ['upper', -18, 'consecutive', 60]] },
    { name: 'usp-freezer', storageTempC: -20, mkt: [], limits: [['upper', -10, 'consecutive', 30], ['lower', -25, 'consecutive', 30]] },
    {
      name: 'who-pqs-type-1', storageTempC: 5, mkt: [],
      limits: [['upper', 45, 'consecutive', 60], ['upper', 30, 'cumulative', 600], ['lower', -0.5, 'consecutive', 60]],
    },
    {
      name: 'who-pqs-type-2', storageTempC: 5, mkt: [],
      limits: [['upper', 45, 'consecutive', 60], ['upper', 30, 'cumulative', 600], ['lower', -0.5, 'consecutive', 60], ['upper', 10, 'cumulative', 1200]],
    },
  ])('gives $name the limits of docs/domain.md §8', ({ name, storageTempC, mkt, limits }) => {
    const profile = productPreset(name)?.profile;
    expect(profile?.storageTempC).toBe(storageTempC);
    expect(profile?.mkt).toEqual(mkt);
    expect(profile?.ignoreStartMin).toBe(0);
    expect(profile?.limits.map((l) => [l.bound, l.value, l.alarm, l.delayMin ?? l.budgetMin])).toEqual(limits);
    expect(profile?.limits.every((l) => l.metric === 'temperature')).toBe(true);
  });

  it('finds no preset by an unknown name', () => {
    expect(productPreset('ambient')).toBeUndefined();
  });
});
