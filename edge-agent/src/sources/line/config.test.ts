import { describe, expect, it } from 'vitest';
import { validateLineSource } from './config.js';

describe('validateLineSource', () => {
  it('reads fields in long and short form and fills defaults', () => {
    const problems: string[] = [];
    const got = validateLineSource(
      { kind: 'line', device: 'room-1-th', path: '/dev/ttyUSB1', fields: { T: { metric: 'temperature', scale: 0.1 }, H: 'humidity' } },
      'sources[1]',
      problems,
    );
    expect(problems).toEqual([]);
    expect(got).toEqual({
      kind: 'line', device: 'room-1-th', path: '/dev/ttyUSB1', baudRate: 9600, reopenDelayMs: 2000,
      delimiter: '\n', pairSeparator: ';', keyValueSeparator: '=',
      fields: { T: { metric: 'temperature', scale: 0.1, offset: 0 }, H: { metric: 'humidity', scale: 1, offset: 0 } },
    });
  });

  it('lists every problem', () => {
    const problems: string[] = [];
    const got = validateLineSource(
      { kind: 'line', device: 'd', path: '/dev/x', pairSeparator: '=', fields: { T: { metric: 'temp' }, H: { metric: 'humidity', scale: 0, gain: 2 } } },
      'sources[3]',
      problems,
    );
    expect(got).toBeUndefined();
    expect(problems).toEqual([
      'sources[3].keyValueSeparator: must differ from pairSeparator',
      'sources[3].fields.T.metric: "temp" is not in the metric catalogue',
      'sources[3].fields.H.gain: unknown key',
      'sources[3].fields.H.scale: must not be 0',
    ]);
  });

  it('requires at least one field', () => {
    const problems: string[] = [];
    validateLineSource({ kind: 'line', device: 'd', path: '/dev/x', fields: {} }, 's', problems);
    validateLineSource({ kind: 'line', device: 'd', path: '/dev/x' }, 't', problems);
    expect(problems).toEqual(['s.fields: must map at least one key to a metric', 't.fields: must be a mapping']);
  });
});
