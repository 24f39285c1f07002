import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCEL_REDUCER_OPTIONS } from '../../decode/accel.js';
import { validateAccelSource } from './config.js';

describe('validateAccelSource', () => {
  it('fills the docs/domain.md §2 defaults', () => {
    const problems: string[] = [];
    expect(validateAccelSource({ kind: 'accel', device: 'pallet-9-acc', path: '/dev/ttyACM0' }, 'sources[4]', problems)).toEqual({
      kind: 'accel', device: 'pallet-9-acc', path: '/dev/ttyACM0', baudRate: 115200, reopenDelayMs: 2000, maxDriftMs: 2000,
      ...DEFAULT_ACCEL_REDUCER_OPTIONS,
    });
    expect(problems).toEqual([]);
  });

  it('lists every problem', () => {
    const problems: string[] = [];
    const raw = { kind: 'gps', device: 'a', path: '/dev/x', sampleRateHz: 0, shockTriggerG: 5, shockThresholdG: 4, freefallThresholdG: 2 };
    expect(validateAccelSource(raw, 'src', problems)).toBeUndefined();
    expect(problems).toEqual([
      'src.kind: must be "accel"',
      'src.sampleRateHz: must be > 0',
      'src.freefallThresholdG: must be <= 1',
      'src.shockThresholdG: must be >= shockTriggerG (5)',
    ]);
  });
});
