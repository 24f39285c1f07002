import { describe, expect, it } from 'vitest';
import type { DeviceStatus } from '@coldtrace/contract';
import type { SourceSink } from '../source.js';
import { StatusReporter } from './status.js';

function setup() {
  const clock = { t: 1_700_000_000_000, now() { return this.t; } };
  const sent: Omit<DeviceStatus, 'v'>[] = [];
  const sink: SourceSink = { readings: () => undefined, status: (_d, s) => sent.push(s) };
  return { clock, sent, reporter: new StatusReporter('dev', sink, clock, 10_000) };
}

describe('StatusReporter', () => {
  it('reports the first error at once, then at most one per interval, with a running count', () => {
    const { clock, sent, reporter } = setup();
    reporter.error('bad line 1');
    clock.t += 1000;
    reporter.error('bad line 2');
    clock.t += 9000;
    reporter.error('bad line 3');
    expect(sent.map((s) => [s.state, s.error, s.errorCount])).toEqual([
      ['error', 'bad line 1', 1],
      ['error', 'bad line 3', 3],
    ]);
  });

  it('goes back to ok only after an interval without errors', () => {
    const { clock, sent, reporter } = setup();
    reporter.good(clock.t);
    reporter.error('x');
    clock.t += 5000;
    reporter.good(clock.t);
    clock.t += 5000;
    reporter.good(clock.t);
    expect(sent.map((s) => s.state)).toEqual(['ok', 'error', 'ok']);
    expect(sent[2]?.lastGoodTime).toBe(clock.t);
  });

  it('truncates long errors to the contract limit', () => {
    const { sent, reporter } = setup();
    reporter.error('x'.repeat(2000));
    expect(sent[0]?.error).toHaveLength(512);
  });
});
