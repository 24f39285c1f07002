/** Config of a raw-sample accelerometer on a serial port (protocol: decode/accel.ts). */
import { DEFAULT_ACCEL_REDUCER_OPTIONS as D, type AccelReducerOptions } from '../../decode/accel.js';
import { FieldReader, SERIAL_PORT_KEYS, readSerialPort, type SerialPortConfig } from '../serial/config-fields.js';

export interface AccelSourceConfig extends SerialPortConfig, AccelReducerOptions {
  readonly kind: 'accel';
  /** Device id the summaries are published under. */
  readonly device: string;
  /**
   * The device's ms counter is anchored to the agent clock at the first sample; it is re-anchored when it drifts
   * further than this from the agent clock, or runs backwards (device reset), ms. Default 2000.
   */
  readonly maxDriftMs: number;
}

export const DEFAULT_ACCEL_BAUD_RATE = 115_200;
export const DEFAULT_ACCEL_MAX_DRIFT_MS = 2000;

const REDUCER_KEYS = Object.keys(D) as (keyof AccelReducerOptions)[];

/** Validates `raw` (one entry of the agent's `sources` list); pushes `<path>.<key>: <problem>` for every problem. */
export function validateAccelSource(raw: unknown, path: string, problems: string[]): AccelSourceConfig | undefined {
  const r = new FieldReader(raw, path, problems);
  if (!r.obj) return undefined;
  const before = problems.length;
  r.onlyKeys(['kind', 'device', 'maxDriftMs', ...SERIAL_PORT_KEYS, ...REDUCER_KEYS]);
  const kind = r.literal('kind', 'accel');
  const device = r.id('device');
  const serial = readSerialPort(r, DEFAULT_ACCEL_BAUD_RATE);
  const maxDriftMs = r.number('maxDriftMs', { default: DEFAULT_ACCEL_MAX_DRIFT_MS, min: 0, exclusiveMin: true });
  const pos = { min: 0, exclusiveMin: true } as const;
  const reducer = {
    sampleRateHz: r.number('sampleRateHz', { default: D.sampleRateHz, ...pos, max: 100_000 }),
    shockTriggerG: r.number('shockTriggerG', { default: D.shockTriggerG, min: 1, exclusiveMin: true, max: 1000 }),
    shockThresholdG: r.number('shockThresholdG', { default: D.shockThresholdG, ...pos, max: 1000 }),
    freefallThresholdG: r.number('freefallThresholdG', { default: D.freefallThresholdG, ...pos, max: 1 }),
    freefallMinMs: r.number('freefallMinMs', { default: D.freefallMinMs, ...pos }),
    vibrationWindowMs: r.number('vibrationWindowMs', { default: D.vibrationWindowMs, integer: true, min: 100, max: 86_400_000 }),
    vibrationMinCoverage: r.number('vibrationMinCoverage', { default: D.vibrationMinCoverage, min: 0, max: 1 }),
    maxGapMs: r.number('maxGapMs', { default: D.maxGapMs, ...pos }),
  };
  const { shockTriggerG: trig, shockThresholdG: thr } = reducer;
  if (trig !== undefined && thr !== undefined && thr < trig) r.problem('shockThresholdG', `must be >= shockTriggerG (${trig})`);
  if (problems.length > before || !kind || !device || !serial.path || !serial.baudRate || serial.reopenDelayMs === undefined) return undefined;
  if (maxDriftMs === undefined || Object.values(reducer).some((v) => v === undefined)) return undefined;
  return {
    kind, device, path: serial.path, baudRate: serial.baudRate, reopenDelayMs: serial.reopenDelayMs, maxDriftMs,
    ...(reducer as AccelReducerOptions),
  };
}
