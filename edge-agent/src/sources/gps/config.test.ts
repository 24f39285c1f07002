import { describe, expect, it } from 'vitest';
import { validateGpsSource } from './config.js';

describe('validateGpsSource', () => {
  it('fills defaults', () => {
    const problems: string[] = [];
    expect(validateGpsSource({ kind: 'nmea-gps', device: 'truck-7-gps', path: '/dev/ttyUSB0' }, 'sources[2]', problems)).toEqual({
      kind: 'nmea-gps', device: 'truck-7-gps', path: '/dev/ttyUSB0', baudRate: 9600, reopenDelayMs: 2000, minIntervalMs: 0,
    });
    expect(problems).toEqual([]);
  });

  it('lists every problem as <path>.<key>: <what>', () => {
    const problems: string[] = [];
    const got = validateGpsSource({ kind: 'nmea-gps', device: 'bad id!', baudRate: 96.5, minIntervalMs: -1, baudrate: 4800 }, 'sources[0]', problems);
    expect(got).toBeUndefined();
    expect(problems).toEqual([
      'sources[0].baudrate: unknown key',
      'sources[0].device: must be an id: letters, digits, . _ -, at most 64',
      'sources[0].path: required',
      'sources[0].baudRate: must be an integer',
      'sources[0].minIntervalMs: must be >= 0',
    ]);
  });

  it('rejects a non-mapping', () => {
    const problems: string[] = [];
    expect(validateGpsSource('gps', 'sources[1]', problems)).toBeUndefined();
    expect(problems).toEqual(['sources[1]: must be a mapping']);
  });
});
