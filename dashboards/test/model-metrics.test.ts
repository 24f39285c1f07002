import { describe, expect, it } from 'vitest';
import type { MetricValue } from '../web/src/api.js';
import { formatNumber, metricLines, trendMetric } from '../web/src/model-metrics.js';

const T0 = 1_760_000_000_000;
const mv = (value: number, unit: string, time = T0): MetricValue => ({ value, unit, time });

/** Lines as `label text` strings, the way the cell reads. */
const read = (metrics: Record<string, MetricValue>): string[] => metricLines(metrics).map((l) => `${l.label} ${l.text}`);

describe('formatNumber', () => {
  it.each([
    { value: 52.520008, decimals: 5, fixed: true, signed: false, want: '52.52001' },
    { value: 4.9, decimals: 5, fixed: true, signed: false, want: '4.90000' },
    { value: -0.000001, decimals: 5, fixed: true, signed: false, want: '0.00000' },
    { value: 3.14159, decimals: 2, fixed: false, signed: false, want: '3.14' },
    { value: 3.1, decimals: 2, fixed: false, signed: false, want: '3.1' },
    { value: 120.4, decimals: 0, fixed: false, signed: true, want: '+120' },
    { value: -35.6, decimals: 0, fixed: false, signed: true, want: '-36' },
    { value: 0.2, decimals: 0, fixed: false, signed: true, want: '0' },
    { value: Number.NaN, decimals: 2, fixed: false, signed: false, want: '—' },
  ])('$value to $decimals decimals is $want', ({ value, decimals, fixed, signed, want }) => {
    expect(formatNumber(value, decimals, fixed, signed)).toBe(want);
  });
});

describe('metricLines', () => {
  it('shows a GPS fix as one position line (5 decimals) then speed, course, altitude, satellites, HDOP', () => {
    expect(
      read({
        'gps.sats': mv(9, '1'),
        'gps.lon': mv(4.8896912, 'deg'),
        'gps.speed': mv(72.04, 'km/h'),
        'gps.lat': mv(52.3740301, 'deg'),
        'gps.hdop': mv(0.9, '1'),
        'gps.course': mv(271.3, 'deg'),
        'gps.alt': mv(12.4, 'm'),
        'clock.offset': mv(120.4, 'ms'),
      }),
    ).toEqual([
      'position 52.37403, 4.88969',
      'speed 72.0 km/h',
      'course 271°',
      'altitude 12 m',
      'satellites 9',
      'HDOP 0.9',
      'clock offset +120 ms',
    ]);
  });

  it('keys the position line gps.position and the others by metric name', () => {
    const keys = metricLines({ 'gps.lat': mv(-33.8688, 'deg'), 'gps.lon': mv(151.2093, 'deg'), 'gps.speed': mv(0, 'km/h') }).map((l) => l.key);
    expect(keys).toEqual(['gps.position', 'gps.speed']);
  });

  it('shows south and west as negative coordinates', () => {
    expect(read({ 'gps.lat': mv(-33.8688, 'deg'), 'gps.lon': mv(-70.6693, 'deg') })).toEqual(['position -33.86880, -70.66930']);
  });

  it('shows a lone latitude on its own line rather than half a position', () => {
    expect(read({ 'gps.lat': mv(52.37403, 'deg') })).toEqual(['latitude 52.37403°']);
  });

  it('shows shock, free fall and vibration with the units they were sent in', () => {
    expect(
      read({
        'vibration.grms': mv(0.4237, '[g]'),
        'freefall.height': mv(0.784, 'm'),
        'shock.peak': mv(6.254, '[g]'),
        'shock.duration': mv(11.6, 'ms'),
        'freefall.duration': mv(400, 'ms'),
      }),
    ).toEqual([
      'shock peak 6.25 g',
      'shock duration 12 ms',
      'free-fall height 0.78 m',
      'free-fall duration 400 ms',
      'vibration 0.424 g rms',
    ]);
  });

  it('gives shock and free-fall lines the device time of the event, and continuous metrics none', () => {
    const lines = metricLines({ 'shock.peak': mv(6, '[g]', T0 - 60_000), 'vibration.grms': mv(0.4, '[g]', T0) });
    expect(lines.map((l) => [l.key, l.eventTime])).toEqual([
      ['shock.peak', T0 - 60_000],
      ['vibration.grms', undefined],
    ]);
  });

  it('leaves temperature and humidity to their columns and shows other metrics as name and value', () => {
    expect(read({ temperature: mv(4.2, 'Cel'), humidity: mv(55, '%RH'), 'battery.voltage': mv(3.61, 'V'), 'door.open': mv(1, '1') })).toEqual([
      'battery.voltage 3.61 V',
      'door.open 1',
    ]);
  });

  it('puts transit metrics before the rest', () => {
    expect(metricLines({ 'battery.voltage': mv(12.1, 'V'), 'shock.peak': mv(3, '[g]') }).map((l) => l.key)).toEqual([
      'shock.peak',
      'battery.voltage',
    ]);
  });

  it('has no lines for a device with only temperature and humidity', () => {
    expect(metricLines({ temperature: mv(4.2, 'Cel'), humidity: mv(55, '%RH') })).toEqual([]);
  });
});

describe('trendMetric', () => {
  it.each([
    { names: ['humidity', 'temperature'], want: 'temperature' },
    { names: ['gps.lat', 'clock.offset', 'gps.speed'], want: 'gps.speed' },
    { names: ['shock.peak', 'freefall.height', 'vibration.grms'], want: 'vibration.grms' },
    { names: ['door.open', 'battery.voltage'], want: 'battery.voltage' },
    { names: [], want: undefined },
  ])('draws $want from $names', ({ names, want }) => expect(trendMetric(names)).toBe(want));
});
