/**
 * Key/value text lines from simple serial sensors, e.g. `T=4.2;H=61.0`. Pure: the receive time is passed in.
 *
 * A line is all or nothing: if any mapped field fails to parse, the line is malformed and yields no reading, because
 * a line garbled by a serial glitch must never become a plausible-looking wrong value (docs/domain.md §5: failed reads
 * are reported, never stored).
 */
import { METRICS, type MetricName } from '@coldtrace/contract';
import type { SourceReading } from '../sources/source.js';

/** How one key of the line becomes a catalogue metric: value = raw × scale + offset, in the metric's unit. */
export interface LineField {
  readonly metric: MetricName;
  /** Multiplier applied to the raw number. Default 1. */
  readonly scale: number;
  /** Added after scaling, in the metric's unit. Default 0. */
  readonly offset: number;
}

export interface LineFormat {
  /** Between `key=value` pairs. Default `;`. */
  readonly pairSeparator: string;
  /** Between a key and its value. Default `=`. */
  readonly keyValueSeparator: string;
  /** Keys (case-sensitive) to metrics. Keys not listed are ignored. */
  readonly fields: Readonly<Record<string, LineField>>;
}

export const DEFAULT_LINE_FORMAT: Omit<LineFormat, 'fields'> = { pairSeparator: ';', keyValueSeparator: '=' };

export type LineParseResult =
  | { readonly ok: true; readonly readings: SourceReading[] }
  | { readonly ok: false; readonly error: string };

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseBool(raw: string): boolean | undefined {
  switch (raw.toLowerCase()) {
    case '1':
    case 'true':
    case 'on':
    case 'open':
      return true;
    case '0':
    case 'false':
    case 'off':
    case 'closed':
      return false;
    default:
      return undefined;
  }
}

/** Parses one line (CR/LF already stripped or not) into readings stamped `time` (ms since the epoch). */
export function parseLine(line: string, format: LineFormat, time: number): LineParseResult {
  const text = line.trim();
  if (text === '') return { ok: false, error: 'empty line' };
  const readings: SourceReading[] = [];
  const seen = new Set<string>();
  for (const pair of text.split(format.pairSeparator)) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf(format.keyValueSeparator);
    if (at <= 0) return { ok: false, error: `no key${format.keyValueSeparator}value in "${pair}"` };
    const key = pair.slice(0, at).trim();
    const raw = pair.slice(at + format.keyValueSeparator.length).trim();
    const field = Object.hasOwn(format.fields, key) ? format.fields[key] : undefined;
    if (!field) continue;
    if (seen.has(key)) return { ok: false, error: `key "${key}" repeated` };
    seen.add(key);
    const spec = METRICS[field.metric];
    if (spec.type === 'bool') {
      const b = parseBool(raw);
      if (b === undefined) return { ok: false, error: `"${key}" is not a boolean: "${raw}"` };
      readings.push({ metric: field.metric, value: b, unit: spec.unit, time });
      continue;
    }
    if (!NUMBER_RE.test(raw)) return { ok: false, error: `"${key}" is not a number: "${raw}"` };
    let value = Number(raw) * field.scale + field.offset;
    if (spec.type === 'int') value = Math.round(value);
    if (!Number.isFinite(value)) return { ok: false, error: `"${key}" is not finite` };
    readings.push({ metric: field.metric, value, unit: spec.unit, time });
  }
  if (readings.length === 0) return { ok: false, error: 'no configured key in line' };
  return { ok: true, readings };
}
