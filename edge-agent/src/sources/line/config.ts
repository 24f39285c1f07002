/** Config of a key/value line sensor on a serial port (e.g. `T=4.2;H=61.0`). */
import { metricSpec, type MetricName } from '@coldtrace/contract';
import { DEFAULT_LINE_FORMAT, type LineField } from '../../decode/line.js';
import { FieldReader, SERIAL_PORT_KEYS, readSerialPort, type SerialPortConfig } from '../serial/config-fields.js';

export interface LineSourceConfig extends SerialPortConfig {
  readonly kind: 'line';
  /** Device id the readings are published under. */
  readonly device: string;
  /** Line delimiter; a trailing CR is stripped. Default `\n`. */
  readonly delimiter: string;
  /** Between `key=value` pairs. Default `;`. */
  readonly pairSeparator: string;
  /** Between a key and its value. Default `=`. */
  readonly keyValueSeparator: string;
  /** Line keys to catalogue metrics, value = raw × scale + offset. `T: temperature` is short for `T: {metric: temperature}`. */
  readonly fields: Readonly<Record<string, LineField>>;
}

export const DEFAULT_LINE_BAUD_RATE = 9600;

function readField(raw: unknown, path: string, problems: string[]): LineField | undefined {
  const r = new FieldReader(typeof raw === 'string' ? { metric: raw } : raw, path, problems);
  if (!r.obj) return undefined;
  const before = problems.length;
  r.onlyKeys(['metric', 'scale', 'offset']);
  const metric = r.string('metric');
  if (metric !== undefined && !metricSpec(metric)) r.problem('metric', `"${metric}" is not in the metric catalogue`);
  const scale = r.number('scale', { default: 1 });
  const offset = r.number('offset', { default: 0 });
  if (scale === 0) r.problem('scale', 'must not be 0');
  if (problems.length > before || metric === undefined || scale === undefined || offset === undefined) return undefined;
  return { metric: metric as MetricName, scale, offset };
}

/** Validates `raw` (one entry of the agent's `sources` list); pushes `<path>.<key>: <problem>` for every problem. */
export function validateLineSource(raw: unknown, path: string, problems: string[]): LineSourceConfig | undefined {
  const r = new FieldReader(raw, path, problems);
  if (!r.obj) return undefined;
  const before = problems.length;
  r.onlyKeys(['kind', 'device', 'delimiter', 'pairSeparator', 'keyValueSeparator', 'fields', ...SERIAL_PORT_KEYS]);
  const kind = r.literal('kind', 'line');
  const device = r.id('device');
  const serial = readSerialPort(r, DEFAULT_LINE_BAUD_RATE);
  const delimiter = r.string('delimiter', { default: '\n' });
  const pairSeparator = r.string('pairSeparator', { default: DEFAULT_LINE_FORMAT.pairSeparator });
  const keyValueSeparator = r.string('keyValueSeparator', { default: DEFAULT_LINE_FORMAT.keyValueSeparator });
  if (pairSeparator !== undefined && pairSeparator === keyValueSeparator) r.problem('keyValueSeparator', 'must differ from pairSeparator');
  if (delimiter !== undefined && (delimiter === pairSeparator || delimiter === keyValueSeparator)) r.problem('delimiter', 'must differ from the separators');

  const fields: Record<string, LineField> = {};
  const rawFields = r.obj['fields'];
  const fr = new FieldReader(rawFields, `${path}.fields`, problems);
  if (fr.obj) {
    const keys = Object.keys(fr.obj);
    if (keys.length === 0) r.problem('fields', 'must map at least one key to a metric');
    for (const key of keys) {
      if (key.trim() === '' || key !== key.trim()) fr.problem(key, 'key must be non-empty without surrounding spaces');
      const f = readField(fr.obj[key], `${path}.fields.${key}`, problems);
      if (f) fields[key] = f;
    }
  }
  if (problems.length > before || !kind || !device || !serial.path || !serial.baudRate || serial.reopenDelayMs === undefined) return undefined;
  if (delimiter === undefined || pairSeparator === undefined || keyValueSeparator === undefined) return undefined;
  return {
    kind, device, path: serial.path, baudRate: serial.baudRate, reopenDelayMs: serial.reopenDelayMs,
    delimiter, pairSeparator, keyValueSeparator, fields,
  };
}
