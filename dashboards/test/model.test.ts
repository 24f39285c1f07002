import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STALE_AFTER_MS,
  clockOffsetMs,
  effectiveState,
  estimateIntervalMs,
  formatAge,
  formatDeviceTime,
  formatValue,
  orderMetrics,
  sortedCounts,
  sparkline,
  staleAfterMs,
} from '../web/src/model.js';

const T0 = 1_760_000_000_000;

describe('estimateIntervalMs', () => {
  it.each([
    { name: 'regular 10 s series', times: [0, 10_000, 20_000, 30_000], want: 10_000 },
    { name: 'one outage does not move the median', times: [0, 5000, 10_000, 15_000, 300_000], want: 5000 },
    { name: 'unsorted input with duplicates', times: [20_000, 0, 10_000, 10_000], want: 10_000 },
    { name: 'even number of gaps averages the middle two', times: [0, 1000, 3000], want: 1500 },
    { name: 'two readings (one gap) give no estimate', times: [0, 700], want: undefined },
    { name: 'a single reading gives no estimate', times: [0], want: undefined },
    { name: 'no readings give no estimate', times: [], want: undefined },
  ])('$name', ({ times, want }) => {
    expect(estimateIntervalMs(times.map((t) => T0 + t))).toBe(want);
  });
});

describe('staleAfterMs', () => {
  it('is 3 × the interval when known (docs/domain.md §3)', () => expect(staleAfterMs(5000)).toBe(15_000));
  it('falls back to 30 s when the interval is unknown', () => {
    expect(staleAfterMs(undefined)).toBe(DEFAULT_STALE_AFTER_MS);
    expect(DEFAULT_STALE_AFTER_MS).toBe(30_000);
  });
});

describe('effectiveState', () => {
  it.each([
    { name: 'fresh data is ok', server: 'ok', age: 1000, want: 'ok' },
    { name: 'fresh data without a status message is ok', server: 'unknown', age: 1000, want: 'ok' },
    { name: 'silence exactly at the threshold is still ok', server: 'ok', age: 30_000, want: 'ok' },
    { name: 'silence beyond the threshold is stale', server: 'ok', age: 30_001, want: 'stale' },
    { name: 'the agent reporting stale is stale', server: 'stale', age: 1000, want: 'stale' },
    { name: 'an agent error wins over freshness', server: 'error', age: 1000, want: 'error' },
    { name: 'an agent error wins over silence', server: 'error', age: 120_000, want: 'error' },
    { name: 'a device whose messages the gateway refuses is refused, not ok', server: 'refused', age: 1000, want: 'refused' },
    { name: 'a refused device gone silent is stale', server: 'refused', age: 30_001, want: 'stale' },
  ] as const)('$name', ({ server, age, want }) => {
    expect(effectiveState(server, T0, T0 + age, 30_000)).toBe(want);
  });
  it('a device never seen is unknown', () => expect(effectiveState('unknown', 0, T0, 30_000)).toBe('unknown'));
});

describe('formatDeviceTime', () => {
  it('says never for a device the gateway has stored no reading of', () => expect(formatDeviceTime(null, T0)).toBe('never'));
  it('shows the clock time of a stored reading', () => expect(formatDeviceTime(T0 - 1000, T0)).toMatch(/^\d\d:\d\d:\d\d$|^\d{4}-/));
});

describe('formatting', () => {
  it.each([
    [0, 'now'],
    [999, 'now'],
    [12_400, '12 s'],
    [60_000, '1 min'],
    [185_000, '3 min 5 s'],
    [7_440_000, '2 h 4 min'],
    [90_000_000, '1 d 1 h'],
    [-5000, 'in 5 s'],
  ])('formatAge(%d) is %s', (ms, want) => expect(formatAge(ms)).toBe(want));

  it.each([
    [4.2, 'Cel', '4.2 °C'],
    [4.256, 'Cel', '4.26 °C'],
    [55, '%RH', '55 %RH'],
    [12.5, 'deg', '12.5°'],
    [7, '1', '7'],
    [3.1, '[g]', '3.1 g'],
    [12.1, 'V', '12.1 V'],
  ])('formatValue(%d, %s) is %s', (v, unit, want) => expect(formatValue(v, unit)).toBe(want));

  it('orders temperature and humidity first, the rest alphabetically', () => {
    expect(orderMetrics(['gps.lat', 'humidity', 'battery.voltage', 'temperature'])).toEqual([
      'temperature',
      'humidity',
      'battery.voltage',
      'gps.lat',
    ]);
  });

  it('sorts quarantine counts largest first', () => {
    expect(sortedCounts({ E_JSON: 2, E_UNIT: 5, E_TOPIC: 2 })).toEqual([
      { code: 'E_UNIT', count: 5 },
      { code: 'E_JSON', count: 2 },
      { code: 'E_TOPIC', count: 2 },
    ]);
  });
});

describe('clockOffsetMs', () => {
  const date = new Date(T0).toUTCString();
  it('is zero within the Date header resolution', () => expect(clockOffsetMs(date, T0, T0 + 200)).toBe(0));
  it('measures a browser clock running a minute ahead', () => {
    expect(clockOffsetMs(date, T0 + 60_000, T0 + 60_200)).toBeCloseTo(59_600, -2);
  });
  it('is zero without a usable header', () => {
    expect(clockOffsetMs(null, T0, T0)).toBe(0);
    expect(clockOffsetMs('not a date', T0, T0)).toBe(0);
  });
});

describe('sparkline', () => {
  it('draws nothing with fewer than two points', () => {
    expect(sparkline([{ time: T0, value: 1 }], 100, 20).d).toBe('');
  });
  it('scales the series into the box, highest value at the top', () => {
    const g = sparkline(
      [
        { time: T0, value: 2 },
        { time: T0 + 1000, value: 8 },
      ],
      102,
      22,
    );
    expect(g).toEqual({ d: 'M1.0 21.0 L101.0 1.0', min: 2, max: 8 });
  });
  it('draws a flat series through the middle', () => {
    const g = sparkline(
      [
        { time: T0, value: 4 },
        { time: T0 + 1000, value: 4 },
      ],
      102,
      20,
    );
    expect(g.d).toBe('M1.0 10.0 L101.0 10.0');
  });
  it('thins long series but keeps the last point', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ time: T0 + i * 1000, value: i }));
    const g = sparkline(points, 100, 20, 50);
    expect(g.d.split(' L').length).toBeLessThanOrEqual(51);
    expect(g.max).toBe(999);
  });
});
