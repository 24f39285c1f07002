/**
 * Validation of an untrusted product profile (docs/domain.md §6, §7, §8). Pure. Every problem names its full path
 * (`products[1].limits[0].delayMin`), so a document with many mistakes is fixed in one pass.
 */
import { ALARM_TYPES, type Problem } from './types.js';
import { isFiniteNumber, isObject as isRecord, unknownFields } from './fields.js';

/** Longest product id, characters. */
export const MAX_PRODUCT_ID_LENGTH = 128;

const PRODUCT_FIELDS = ['id', 'name', 'storageTempC', 'limits', 'mkt', 'shelfLife', 'ignoreStartMin'] as const;
const LIMIT_FIELDS = ['metric', 'bound', 'value', 'alarm', 'delayMin', 'budgetMin'] as const;
const MKT_FIELDS = ['windowH', 'limitC', 'activationK'] as const;
/** The parameter each shelf-life model takes besides refTempC and refLifeDays (docs/domain.md §7). */
const MODEL_PARAMETER = { q10: 'q10', arrhenius: 'eaKJPerMol', sqrt: 'tMinC' } as const;

/** Problems with an untrusted value as a Product; empty when it is valid. */
export function productProblems(p: unknown, path: string): Problem[] {
  if (!isRecord(p)) return [{ path, message: 'must be an object' }];
  const problems = unknownFields(p, PRODUCT_FIELDS, path);
  const { id, name, storageTempC, ignoreStartMin } = p;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_PRODUCT_ID_LENGTH) {
    problems.push({ path: `${path}.id`, message: `must be a non-empty string of at most ${MAX_PRODUCT_ID_LENGTH} characters` });
  }
  if (typeof name !== 'string') problems.push({ path: `${path}.name`, message: 'must be a string' });
  if (!isFiniteNumber(storageTempC)) problems.push({ path: `${path}.storageTempC`, message: 'must be a number (°C)' });
  problems.push(...listProblems(p['limits'], `${path}.limits`, limitProblems));
  problems.push(...listProblems(p['mkt'], `${path}.mkt`, mktProblems));
  if (p['shelfLife'] !== undefined) {
    problems.push(...shelfLifeProblems(p['shelfLife'], `${path}.shelfLife`));
    const life = p['shelfLife'];
    // The square-root model gives no finite life at or below T_min (docs/domain.md §7), and remaining life is
    // stated at the storage temperature.
    if (isRecord(life) && life['model'] === 'sqrt' && isFiniteNumber(life['tMinC']) && isFiniteNumber(storageTempC) && storageTempC <= life['tMinC']) {
      problems.push({ path: `${path}.storageTempC`, message: 'must be above shelfLife.tMinC: the square-root model has no finite life at or below it' });
    }
  }
  if (!isFiniteNumber(ignoreStartMin) || ignoreStartMin < 0) {
    problems.push({ path: `${path}.ignoreStartMin`, message: 'must be a number of minutes, 0 or more' });
  }
  return problems;
}

/** One bound of a range (docs/domain.md §8): the alarm type decides which of delayMin and budgetMin it takes. */
function limitProblems(l: unknown, path: string): Problem[] {
  if (!isRecord(l)) return [{ path, message: 'must be an object' }];
  const problems = unknownFields(l, LIMIT_FIELDS, path);
  const { metric, bound, value, alarm, delayMin, budgetMin } = l;
  if (typeof metric !== 'string' || metric.length === 0) problems.push({ path: `${path}.metric`, message: 'must be a non-empty string' });
  if (bound !== 'upper' && bound !== 'lower') problems.push({ path: `${path}.bound`, message: "must be 'upper' or 'lower'" });
  if (!isFiniteNumber(value)) problems.push({ path: `${path}.value`, message: 'must be a number' });
  if (!(ALARM_TYPES as readonly unknown[]).includes(alarm)) {
    problems.push({ path: `${path}.alarm`, message: `must be one of ${ALARM_TYPES.map((a) => `'${a}'`).join(', ')}` });
    return problems;
  }
  const needs = alarm === 'consecutive' ? 'delayMin' : alarm === 'cumulative' ? 'budgetMin' : undefined;
  for (const [field, v] of [['delayMin', delayMin], ['budgetMin', budgetMin]] as const) {
    if (field === needs) {
      if (!isFiniteNumber(v) || v <= 0) {
        problems.push({ path: `${path}.${field}`, message: `a ${alarm} limit needs ${field === 'delayMin' ? 'a delay' : 'a budget'} greater than 0 minutes` });
      }
    } else if (v !== undefined) {
      problems.push({ path: `${path}.${field}`, message: `only a ${field === 'delayMin' ? 'consecutive' : 'cumulative'} limit takes ${field}` });
    }
  }
  return problems;
}

/** A mean kinetic temperature window (docs/domain.md §6). */
function mktProblems(w: unknown, path: string): Problem[] {
  if (!isRecord(w)) return [{ path, message: 'must be an object' }];
  const problems = unknownFields(w, MKT_FIELDS, path);
  const { windowH, limitC, activationK } = w;
  if (!isFiniteNumber(windowH) || windowH <= 0) problems.push({ path: `${path}.windowH`, message: 'must be a number of hours greater than 0' });
  if (!isFiniteNumber(limitC)) problems.push({ path: `${path}.limitC`, message: 'must be a number (°C)' });
  if (activationK !== undefined && (!isFiniteNumber(activationK) || activationK <= 0)) {
    problems.push({ path: `${path}.activationK`, message: 'must be a number of kelvin greater than 0 (ΔH/R)' });
  }
  return problems;
}

/** A kinetic shelf-life model (docs/domain.md §7). */
function shelfLifeProblems(s: unknown, path: string): Problem[] {
  if (!isRecord(s)) return [{ path, message: 'must be an object' }];
  const model = s['model'];
  if (model !== 'q10' && model !== 'arrhenius' && model !== 'sqrt') {
    return [{ path: `${path}.model`, message: "must be 'q10', 'arrhenius' or 'sqrt'" }];
  }
  const parameter = MODEL_PARAMETER[model];
  const problems = unknownFields(s, ['model', 'refTempC', 'refLifeDays', parameter], path);
  const { refTempC, refLifeDays } = s;
  const v = s[parameter];
  if (!isFiniteNumber(refTempC)) problems.push({ path: `${path}.refTempC`, message: 'must be a number (°C)' });
  if (!isFiniteNumber(refLifeDays) || refLifeDays <= 0) problems.push({ path: `${path}.refLifeDays`, message: 'must be a number of days greater than 0' });
  if (model === 'q10' && (!isFiniteNumber(v) || v <= 1)) {
    problems.push({ path: `${path}.q10`, message: 'must be a number greater than 1 (life shortens as it warms)' });
  } else if (model === 'arrhenius' && (!isFiniteNumber(v) || v <= 0)) {
    problems.push({ path: `${path}.eaKJPerMol`, message: 'must be a number of kJ/mol greater than 0' });
  } else if (model === 'sqrt') {
    if (!isFiniteNumber(v)) problems.push({ path: `${path}.tMinC`, message: 'must be a number (°C)' });
    else if (isFiniteNumber(refTempC) && v >= refTempC) problems.push({ path: `${path}.tMinC`, message: 'must be below refTempC' });
  }
  return problems;
}

function listProblems(v: unknown, path: string, each: (item: unknown, path: string) => Problem[]): Problem[] {
  if (!Array.isArray(v)) return [{ path, message: 'must be an array' }];
  return v.flatMap((item: unknown, i) => each(item, `${path}[${i}]`));
}
