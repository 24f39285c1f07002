/**
 * Small readers for validating one source's raw config (parsed YAML). Each collects every problem as
 * `<path>.<key>: <what is wrong>` instead of stopping at the first (docs/engineering.md 3).
 */
import { isValidId } from '@coldtrace/contract';

export type RawObject = Record<string, unknown>;

export class FieldReader {
  readonly obj: RawObject | undefined;

  constructor(
    raw: unknown,
    readonly path: string,
    readonly problems: string[],
  ) {
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) this.obj = raw as RawObject;
    else problems.push(`${path}: must be a mapping`);
  }

  problem(key: string, what: string): void {
    this.problems.push(`${this.path}.${key}: ${what}`);
  }

  has(key: string): boolean {
    return this.obj !== undefined && Object.hasOwn(this.obj, key) && this.obj[key] !== undefined;
  }

  /** Reports keys not in `allowed`, so a typo (`baudrate`) is not silently ignored. */
  onlyKeys(allowed: readonly string[]): void {
    if (!this.obj) return;
    for (const key of Object.keys(this.obj)) if (!allowed.includes(key)) this.problem(key, 'unknown key');
  }

  literal<T extends string>(key: string, expected: T): T | undefined {
    const v = this.obj?.[key];
    if (v === expected) return expected;
    if (this.obj) this.problem(key, `must be "${expected}"`);
    return undefined;
  }

  id(key: string): string | undefined {
    const v = this.obj?.[key];
    if (typeof v === 'string' && isValidId(v)) return v;
    if (this.obj) this.problem(key, v === undefined ? 'required' : 'must be an id: letters, digits, . _ -, at most 64');
    return undefined;
  }

  string(key: string, opts: { default?: string; allowEmpty?: boolean } = {}): string | undefined {
    if (!this.has(key)) {
      if (opts.default !== undefined) return opts.default;
      if (this.obj) this.problem(key, 'required');
      return undefined;
    }
    const v = this.obj?.[key];
    if (typeof v === 'string' && (opts.allowEmpty || v.length > 0)) return v;
    this.problem(key, 'must be a non-empty string');
    return undefined;
  }

  number(key: string, opts: { default?: number; min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean }): number | undefined {
    if (!this.has(key)) {
      if (opts.default !== undefined) return opts.default;
      if (this.obj) this.problem(key, 'required');
      return undefined;
    }
    const v = this.obj?.[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.problem(key, 'must be a number');
      return undefined;
    }
    if (opts.integer && !Number.isInteger(v)) return this.bad(key, 'must be an integer');
    if (opts.min !== undefined && (opts.exclusiveMin ? v <= opts.min : v < opts.min)) {
      return this.bad(key, `must be ${opts.exclusiveMin ? '>' : '>='} ${opts.min}`);
    }
    if (opts.max !== undefined && v > opts.max) return this.bad(key, `must be <= ${opts.max}`);
    return v;
  }

  private bad(key: string, what: string): undefined {
    this.problem(key, what);
    return undefined;
  }
}

/** Serial settings every serial source shares. */
export interface SerialPortConfig {
  /** Device path, e.g. `/dev/ttyUSB0`. */
  readonly path: string;
  /** Line speed, baud. */
  readonly baudRate: number;
  /** Wait before reopening a port that failed or closed, ms. Default 2000. */
  readonly reopenDelayMs: number;
}

export const SERIAL_PORT_KEYS = ['path', 'baudRate', 'reopenDelayMs'] as const;

export function readSerialPort(r: FieldReader, defaultBaudRate: number): Partial<SerialPortConfig> {
  return {
    path: r.string('path'),
    baudRate: r.number('baudRate', { default: defaultBaudRate, integer: true, min: 50, max: 4_000_000 }),
    reopenDelayMs: r.number('reopenDelayMs', { default: 2000, integer: true, min: 10, max: 3_600_000 }),
  };
}
