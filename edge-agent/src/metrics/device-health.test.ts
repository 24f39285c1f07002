import type { DeviceStatus } from '@coldtrace/contract';
import { describe, expect, it } from 'vitest';
import type { SourceReading, SourceSink } from '../sources/source.js';
import { DeviceHealthTracker } from './device-health.js';

class RecordingSink implements SourceSink {
  readonly calls: string[] = [];
  readings(device: string, readings: readonly SourceReading[]): void {
    this.calls.push(`readings ${device} ${readings.length}`);
  }
  status(device: string, status: Omit<DeviceStatus, 'v'>): void {
    this.calls.push(`status ${device} ${status.state}`);
  }
}

const reading = (value: number): SourceReading => ({ metric: 'temperature', value, unit: 'Cel', time: 1_000 });

describe('DeviceHealthTracker', () => {
  it('lists configured devices before they report, with no state and no good read', () => {
    const t = new DeviceHealthTracker(new RecordingSink(), { now: () => 5_000 }, ['a', 'b']);
    expect([...t.snapshot()]).toEqual([['a', { errorCount: 0 }], ['b', { errorCount: 0 }]]);
  });

  it('stamps a good read with the agent clock, not the device time, and forwards every call', () => {
    const inner = new RecordingSink();
    let now = 7_000;
    const t = new DeviceHealthTracker(inner, { now: () => now }, ['a']);
    t.readings('a', [reading(4.2)]);
    now = 8_000;
    t.readings('a', [reading(Number.NaN)]);
    t.status('a', { time: now, state: 'error', errorCount: 3 });
    expect(t.snapshot().get('a')).toEqual({ lastGoodReadAt: 7_000, errorCount: 3, state: 'error' });
    expect(inner.calls).toEqual(['readings a 1', 'readings a 1', 'status a error']);
  });

  it('keeps the last error count when a status omits it', () => {
    const t = new DeviceHealthTracker(new RecordingSink(), { now: () => 0 });
    t.status('gps', { time: 0, state: 'error', errorCount: 2 });
    t.status('gps', { time: 1, state: 'ok' });
    expect(t.snapshot().get('gps')).toEqual({ errorCount: 2, state: 'ok' });
  });
});
