/**
 * Small validation primitives for the config: each takes the raw value, its path (`sources[0].host`) and the list
 * of problems, appends `<path>: <what was expected>` on failure and returns undefined. Callers collect every
 * problem instead of stopping at the first (docs/engineering.md 3).
 */

export type Problems = string[];

export function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

export function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'an array';
  if (typeof raw === 'string') return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}...` : raw);
  if (typeof raw === 'object') return 'an object';
  return String(raw);
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** Checks that `raw` is an object and flags every key not in `allowed`. */
export function object(raw: unknown, path: string, problems: Problems, allowed: readonly string[]): Record<string, unknown> | undefined {
  if (!isRecord(raw)) {
    problems.push(`${path || '(root)'}: expected an object, got ${describe(raw)}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) problems.push(`${join(path, key)}: unknown key (allowed: ${allowed.join(', ')})`);
  }
  return raw;
}

export function string(raw: unknown, path: string, problems: Problems, opts: { pattern?: RegExp; patternText?: string } = {}): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0) {
    problems.push(`${path}: expected a non-empty string, got ${describe(raw)}`);
    return undefined;
  }
  if (opts.pattern && !opts.pattern.test(raw)) {
    problems.push(`${path}: ${describe(raw)} does not match ${opts.patternText ?? String(opts.pattern)}`);
    return undefined;
  }
  return raw;
}

export function number(raw: unknown, path: string, problems: Problems, opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): number | undefined {
  const what = opts.integer ? 'an integer' : 'a number';
  const range =
    opts.min !== undefined && opts.max !== undefined
      ? ` in ${opts.min}..${opts.max}`
      : opts.min !== undefined
        ? opts.exclusiveMin
          ? ` > ${opts.min}`
          : ` >= ${opts.min}`
        : opts.max !== undefined
          ? ` <= ${opts.max}`
          : '';
  const bad = (): undefined => {
    problems.push(`${path}: expected ${what}${range}, got ${describe(raw)}`);
    return undefined;
  };
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return bad();
  if (opts.integer && !Number.isInteger(raw)) return bad();
  if (opts.min !== undefined && (opts.exclusiveMin ? raw <= opts.min : raw < opts.min)) return bad();
  if (opts.max !== undefined && raw > opts.max) return bad();
  return raw;
}

export function boolean(raw: unknown, path: string, problems: Problems): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  problems.push(`${path}: expected true or false, got ${describe(raw)}`);
  return undefined;
}

export function oneOf<T extends string | number>(raw: unknown, path: string, problems: Problems, values: readonly T[]): T | undefined {
  if ((values as readonly unknown[]).includes(raw)) return raw as T;
  problems.push(`${path}: expected one of ${values.join(',')}, got ${describe(raw)}`);
  return undefined;
}

export function array(raw: unknown, path: string, problems: Problems, opts: { minItems?: number } = {}): unknown[] | undefined {
  if (!Array.isArray(raw)) {
    problems.push(`${path}: expected an array, got ${describe(raw)}`);
    return undefined;
  }
  if (opts.minItems !== undefined && raw.length < opts.minItems) {
    problems.push(`${path}: expected at least ${opts.minItems} item(s), got ${raw.length}`);
    return undefined;
  }
  return raw;
}

/** Runs `check` only when the value is present; returns `fallback` when it is absent. */
export function optional<T>(raw: unknown, fallback: T, check: (raw: unknown) => T | undefined): T | undefined {
  return raw === undefined ? fallback : check(raw);
}
