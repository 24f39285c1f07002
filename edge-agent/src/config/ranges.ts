/**
 * Does a register's type, scale and offset fit its metric's catalogue range? The gateway refuses a message with
 * E_VALUE_RANGE when one of its readings is outside the range (the whole message is quarantined, issue #24), so a
 * wrong scale costs every reading of the device, not only its own.
 *
 * Warning whenever the scaled type range reaches outside the catalogue range would fire on nearly every correct
 * register (int16 × 0.1 spans ±3276.8 °C on every XY-MD02), and warnings that always fire teach people to skip
 * them. The checks below fire on the mistakes that do happen: a scale written the wrong way round, an offset that
 * moves every value out of range, an unsigned type for a value that goes negative.
 */
import { metricSpec, type MetricName } from '@coldtrace/contract';
import type { RegisterType } from '../decode/modbus.js';

/** Inclusive interval; an open end is ±Infinity. Empty when min > max. */
export interface Interval {
  readonly min: number;
  readonly max: number;
}

export type IntegerRegisterType = Exclude<RegisterType, 'float32'>;

const RAW_RANGE: Readonly<Record<IntegerRegisterType, Interval>> = {
  int16: { min: -0x8000, max: 0x7fff },
  uint16: { min: 0, max: 0xffff },
  int32: { min: -0x80000000, max: 0x7fffffff },
  uint32: { min: 0, max: 0xffffffff },
};

/**
 * Fewer raw values than this inside the catalogue range means a step coarser than 1/100 of the metric's span:
 * temperature × 10 (31 values across -100..200 °C) or a millivolt register read as volts, never a real sensor.
 */
export const MIN_ACCEPTED_RAW_VALUES = 100;

/** float32 registers carry the value in its unit already; a scale this large is almost certainly a mistake. */
export const FLOAT_SCALE_NOTE_AT = 10;

export function rawRange(type: IntegerRegisterType): Interval {
  return RAW_RANGE[type];
}

/** Engineering values an integer register can produce: its raw range through `raw × scale + offset`. */
export function scaledRange(type: IntegerRegisterType, scale: number, offset: number): Interval {
  const raw = RAW_RANGE[type];
  const a = raw.min * scale + offset;
  const b = raw.max * scale + offset;
  return { min: Math.min(a, b), max: Math.max(a, b) };
}

/** Raw values whose engineering value falls inside `accepted`; empty (min > max) when none does. */
export function acceptedRawWindow(type: IntegerRegisterType, scale: number, offset: number, accepted: Interval): Interval {
  const raw = RAW_RANGE[type];
  const a = (accepted.min - offset) / scale;
  const b = (accepted.max - offset) / scale;
  // Division by a decimal scale is inexact (200 / 0.1 may come out as 1999.9999999999998): allow for it.
  const slack = (x: number): number => 1e-9 * Math.max(1, Math.abs(x));
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  // `+ 0` turns the -0 of Math.ceil(-1e-9) into 0.
  return { min: Math.max(raw.min, Math.ceil(lo - slack(lo)) + 0), max: Math.min(raw.max, Math.floor(hi + slack(hi)) + 0) };
}

function fmt(n: number): string {
  return String(Number(n.toPrecision(12)));
}

export function formatInterval(i: Interval, unit = ''): string {
  const u = unit === '' ? '' : ` ${unit}`;
  if (i.min === -Infinity) return `<= ${fmt(i.max)}${u}`;
  if (i.max === Infinity) return `>= ${fmt(i.min)}${u}`;
  return `${fmt(i.min)}..${fmt(i.max)}${u}`;
}

/** The register fields the range check reads. */
export interface RangeCheckedRegister {
  readonly metric: MetricName;
  readonly type: RegisterType;
  readonly scale: number;
  readonly offset: number;
}

export interface RangeWarning {
  /** The register field to look at. */
  readonly field: 'scale' | 'offset' | 'type';
  readonly message: string;
}

const REFUSED = 'the gateway refuses a message with any value outside it (E_VALUE_RANGE, the whole message is quarantined)';

/** Warnings for one register; empty when the metric has no range or nothing looks wrong. */
export function rangeWarnings(reg: RangeCheckedRegister): RangeWarning[] {
  const spec = metricSpec(reg.metric);
  if (spec?.min === undefined && spec?.max === undefined) return [];
  const catalogue: Interval = { min: spec.min ?? -Infinity, max: spec.max ?? Infinity };
  const range = `${reg.metric} is accepted in ${formatInterval(catalogue, spec.unit)}`;
  if (reg.type === 'float32') {
    if (Math.abs(reg.scale) < FLOAT_SCALE_NOTE_AT) return [];
    return [{ field: 'scale', message: `float32 × ${fmt(reg.scale)}: a float32 register usually holds the value in ${spec.unit} already (a datasheet's "×10" is about integer registers); ${range} and ${REFUSED}` }];
  }
  const scaled = scaledRange(reg.type, reg.scale, reg.offset);
  const what = `${reg.type} × ${fmt(reg.scale)}${reg.offset === 0 ? '' : ` + ${fmt(reg.offset)}`} gives ${formatInterval(scaled, spec.unit)}`;
  const window = acceptedRawWindow(reg.type, reg.scale, reg.offset, catalogue);
  const count = window.max - window.min + 1;
  if (count <= 0) return [{ field: reg.offset === 0 ? 'scale' : 'offset', message: `${what}, none of it inside the catalogue range: ${range}, so every reading would be refused` }];
  const warnings: RangeWarning[] = [];
  if (count < MIN_ACCEPTED_RAW_VALUES) {
    warnings.push({
      field: 'scale',
      message:
        `${what} but ${range}: only raw values ${formatInterval(window)} pass, steps of ${fmt(Math.abs(reg.scale))} ${spec.unit}, and ${REFUSED}; ` +
        'is the scale the wrong way round? (a datasheet\'s "value × 10" means scale: 0.1)',
    });
  }
  const raw = RAW_RANGE[reg.type];
  if (raw.min === 0 && reg.scale > 0 && catalogue.min < 0 && scaled.min >= 0) {
    const signed = reg.type === 'uint16' ? 'int16' : 'int32';
    warnings.push({
      field: 'type',
      message:
        `${reg.type} cannot give values below ${fmt(scaled.min)} ${spec.unit} but ${reg.metric} goes down to ${fmt(catalogue.min)}: ` +
        `if the device reports negative values the register is ${signed}; read as ${reg.type}, ${fmt(reg.offset - reg.scale)} ${spec.unit} arrives as ${fmt(scaled.max)} and is refused by the gateway (E_VALUE_RANGE)`,
    });
  }
  return warnings;
}
