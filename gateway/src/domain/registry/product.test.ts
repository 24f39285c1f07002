import { describe, expect, it } from 'vitest';
import { productProblems } from './product.js';

const at = 'products[1]';
const valid = {
  id: 'VAX-10',
  name: 'Vaccine, 10 doses',
  storageTempC: 5,
  limits: [
    { metric: 'temperature', bound: 'upper', value: 8, alarm: 'consecutive', delayMin: 30 },
    { metric: 'temperature', bound: 'upper', value: 30, alarm: 'cumulative', budgetMin: 600 },
    { metric: 'temperature', bound: 'lower', value: 2, alarm: 'instant' },
  ],
  mkt: [{ windowH: 24, limitC: 8 }, { windowH: 720, limitC: 25, activationK: 10_000 }],
  shelfLife: { model: 'q10', refTempC: 5, refLifeDays: 365, q10: 2 },
  ignoreStartMin: 0,
};
/** The valid product with fields replaced (undefined removes one). */
const withFields = (fields: Record<string, unknown>): Record<string, unknown> => {
  const p: Record<string, unknown> = { ...valid, ...fields };
  for (const [k, v] of Object.entries(fields)) if (v === undefined) delete p[k];
  return p;
};
const limit = (fields: Record<string, unknown>) => withFields({ limits: [{ metric: 'temperature', bound: 'upper', value: 8, ...fields }] });
const NEEDS_DELAY = 'a consecutive limit needs a delay greater than 0 minutes';
const NEEDS_BUDGET = 'a cumulative limit needs a budget greater than 0 minutes';

describe('productProblems', () => {
  it.each([
    { name: 'a full product', p: valid },
    { name: 'a product with no limits, no MKT and no shelf-life model', p: withFields({ limits: [], mkt: [], shelfLife: undefined }) },
    { name: 'an id of 128 characters', p: withFields({ id: 'x'.repeat(128) }) },
    { name: 'an empty name', p: withFields({ name: '' }) },
    { name: 'an Arrhenius model', p: withFields({ shelfLife: { model: 'arrhenius', refTempC: 5, refLifeDays: 21, eaKJPerMol: 100 } }) },
    { name: 'a square-root model', p: withFields({ shelfLife: { model: 'sqrt', refTempC: 5, refLifeDays: 21, tMinC: -10 } }) },
    { name: 'a start period', p: withFields({ ignoreStartMin: 45 }) },
  ])('accepts $name', ({ p }) => {
    expect(productProblems(p, at)).toEqual([]);
  });

  it.each([
    { name: 'null', p: null, problems: [[at, 'must be an object']] },
    { name: 'an array', p: [valid], problems: [[at, 'must be an object']] },
    { name: 'an unknown field', p: withFields({ colour: 'blue' }), problems: [[`${at}.colour`, "unknown field 'colour'"]] },
    { name: 'an empty id', p: withFields({ id: '' }), problems: [[`${at}.id`, 'must be a non-empty string of at most 128 characters']] },
    { name: 'an id of 129 characters', p: withFields({ id: 'x'.repeat(129) }), problems: [[`${at}.id`, 'must be a non-empty string of at most 128 characters']] },
    { name: 'a numeric id', p: withFields({ id: 10 }), problems: [[`${at}.id`, 'must be a non-empty string of at most 128 characters']] },
    { name: 'no name', p: withFields({ name: undefined }), problems: [[`${at}.name`, 'must be a string']] },
    { name: 'an infinite storage temperature', p: withFields({ storageTempC: Infinity }), problems: [[`${at}.storageTempC`, 'must be a number (°C)']] },
    { name: 'limits that are not an array', p: withFields({ limits: {} }), problems: [[`${at}.limits`, 'must be an array']] },
    { name: 'no MKT list', p: withFields({ mkt: undefined }), problems: [[`${at}.mkt`, 'must be an array']] },
    { name: 'a negative start period', p: withFields({ ignoreStartMin: -1 }), problems: [[`${at}.ignoreStartMin`, 'must be a number of minutes, 0 or more']] },
    { name: 'no start period', p: withFields({ ignoreStartMin: undefined }), problems: [[`${at}.ignoreStartMin`, 'must be a number of minutes, 0 or more']] },
    // Limits
    { name: 'a limit that is not an object', p: withFields({ limits: [valid.limits[0], 'upper 8'] }), problems: [[`${at}.limits[1]`, 'must be an object']] },
    {
      name: 'a limit with an empty metric, an unknown bound and a string value',
      p: limit({ metric: '', bound: 'above', value: '8', alarm: 'instant' }),
      problems: [[`${at}.limits[0].metric`, 'must be a non-empty string'], [`${at}.limits[0].bound`, "must be 'upper' or 'lower'"], [`${at}.limits[0].value`, 'must be a number']],
    },
    { name: 'an unknown alarm type', p: limit({ alarm: 'sustained' }), problems: [[`${at}.limits[0].alarm`, "must be one of 'instant', 'consecutive', 'cumulative'"]] },
    { name: 'a consecutive limit without a delay', p: limit({ alarm: 'consecutive' }), problems: [[`${at}.limits[0].delayMin`, NEEDS_DELAY]] },
    { name: 'a consecutive limit with a zero delay', p: limit({ alarm: 'consecutive', delayMin: 0 }), problems: [[`${at}.limits[0].delayMin`, NEEDS_DELAY]] },
    {
      name: 'a consecutive limit with a budget instead of a delay', p: limit({ alarm: 'consecutive', budgetMin: 30 }),
      problems: [[`${at}.limits[0].delayMin`, NEEDS_DELAY], [`${at}.limits[0].budgetMin`, 'only a cumulative limit takes budgetMin']],
    },
    { name: 'a cumulative limit without a budget', p: limit({ alarm: 'cumulative' }), problems: [[`${at}.limits[0].budgetMin`, NEEDS_BUDGET]] },
    { name: 'a cumulative limit with a negative budget', p: limit({ alarm: 'cumulative', budgetMin: -600 }), problems: [[`${at}.limits[0].budgetMin`, NEEDS_BUDGET]] },
    {
      name: 'a cumulative limit with a delay as well', p: limit({ alarm: 'cumulative', budgetMin: 600, delayMin: 10 }),
      problems: [[`${at}.limits[0].delayMin`, 'only a consecutive limit takes delayMin']],
    },
    {
      name: 'an instant limit with a delay and a budget', p: limit({ alarm: 'instant', delayMin: 10, budgetMin: 60 }),
      problems: [[`${at}.limits[0].delayMin`, 'only a consecutive limit takes delayMin'], [`${at}.limits[0].budgetMin`, 'only a cumulative limit takes budgetMin']],
    },
    { name: 'an unknown field in a limit', p: limit({ alarm: 'instant', hysteresis: 0.5 }), problems: [[`${at}.limits[0].hysteresis`, "unknown field 'hysteresis'"]] },
    // MKT windows
    {
      name: 'an MKT window of no length and no limit', p: withFields({ mkt: [{ windowH: 0 }] }),
      problems: [[`${at}.mkt[0].windowH`, 'must be a number of hours greater than 0'], [`${at}.mkt[0].limitC`, 'must be a number (°C)']],
    },
    {
      name: 'a negative activation energy', p: withFields({ mkt: [valid.mkt[0], { windowH: 24, limitC: 8, activationK: -10_000 }] }),
      problems: [[`${at}.mkt[1].activationK`, 'must be a number of kelvin greater than 0 (ΔH/R)']],
    },
    { name: 'an unknown field in an MKT window', p: withFields({ mkt: [{ windowH: 24, limitC: 8, deltaH: 83.144 }] }), problems: [[`${at}.mkt[0].deltaH`, "unknown field 'deltaH'"]] },
    // Shelf life
    { name: 'a shelf life that is not an object', p: withFields({ shelfLife: 365 }), problems: [[`${at}.shelfLife`, 'must be an object']] },
    {
      name: 'an unknown shelf-life model', p: withFields({ shelfLife: { model: 'weibull', refTempC: 5, refLifeDays: 21 } }),
      problems: [[`${at}.shelfLife.model`, "must be 'q10', 'arrhenius' or 'sqrt'"]],
    },
    {
      name: 'a Q10 of 1 and no reference life', p: withFields({ shelfLife: { model: 'q10', refTempC: 5, q10: 1 } }),
      problems: [[`${at}.shelfLife.refLifeDays`, 'must be a number of days greater than 0'], [`${at}.shelfLife.q10`, 'must be a number greater than 1 (life shortens as it warms)']],
    },
    {
      name: 'an Arrhenius model with a Q10 and no activation energy', p: withFields({ shelfLife: { model: 'arrhenius', refTempC: 5, refLifeDays: 21, q10: 2 } }),
      problems: [[`${at}.shelfLife.q10`, "unknown field 'q10'"], [`${at}.shelfLife.eaKJPerMol`, 'must be a number of kJ/mol greater than 0']],
    },
    {
      name: 'a zero activation energy and no reference temperature', p: withFields({ shelfLife: { model: 'arrhenius', refLifeDays: 21, eaKJPerMol: 0 } }),
      problems: [[`${at}.shelfLife.refTempC`, 'must be a number (°C)'], [`${at}.shelfLife.eaKJPerMol`, 'must be a number of kJ/mol greater than 0']],
    },
    {
      name: 'a minimum temperature at the reference temperature', p: withFields({ shelfLife: { model: 'sqrt', refTempC: 5, refLifeDays: 21, tMinC: 5 } }),
      problems: [
        [`${at}.shelfLife.tMinC`, 'must be below refTempC'],
        [`${at}.storageTempC`, 'must be above shelfLife.tMinC: the square-root model has no finite life at or below it'],
      ],
    },
    {
      name: 'a storage temperature at the minimum temperature',
      p: withFields({ storageTempC: -10, shelfLife: { model: 'sqrt', refTempC: 5, refLifeDays: 21, tMinC: -10 } }),
      problems: [[`${at}.storageTempC`, 'must be above shelfLife.tMinC: the square-root model has no finite life at or below it']],
    },
  ])('names $name', ({ p, problems }) => {
    expect(productProblems(p, at)).toEqual(problems.map(([path, message]) => ({ path, message })));
  });
});
