import { describe, expect, it } from 'vitest';
import { ChartBuckets } from './chart-buckets.js';
import { calibrationLine, LegCalibration } from './leg-calibration.js';
import type { Calibration } from '../calibration/calibration.js';
import { csvField, csvHeader, csvRecord, flagNames, jsonHead, jsonRecord, jsonTail, type ExportRow } from './export-format.js';

const row = (over: Partial<ExportRow['reading']> = {}): ExportRow => ({
  reading: { site: 'wh1', node: 'n1', device: 'S-A', metric: 'temperature', time: Date.UTC(2026, 11, 7, 1), value: 4.25, unit: 'Cel', seq: 7, receivedAt: Date.UTC(2026, 11, 7, 1, 0, 1, 5), flags: 0, ...over },
  location: { kind: 'zone', id: 'Z-A' }, batches: ['B-1', 'B-3'], legs: ['P-1', 'P-3'], segment: 0, calibration: { mark: 'uncalibrated' },
});
const certificate: Calibration = {
  certificate: 'K-17', device: 'S-A', laboratory: 'Labor, Köln', calibratedAt: '2026-03-01', dueAt: '2026-12-01T12:00:00+01:00', metrics: { temperature: { correction: -0.3, uncertainty: 0.15 } },
};

describe('evidence export format', () => {
  it.each([
    ['plain', 'plain'], ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['two\nlines', '"two\nlines"'], ['-4.5', '-4.5'],
  ])('writes the CSV field %j as %j', (input, out) => {
    expect(csvField(input)).toBe(out);
  });

  it.each([[0, []], [1, ['clock_skew']], [2, ['late']], [3, ['clock_skew', 'late']]])('names the reading flags %i', (bits, names) => {
    expect(flagNames(bits)).toEqual(names);
  });

  it('writes a reading as one CRLF record in the header order, times in UTC to the millisecond', () => {
    expect(csvHeader()).toBe('device,metric,device_time,received_at,value,unit,flags,location_kind,location_id,batches,legs,site,node,seq,' +
      'corrected_value,correction,slope,uncertainty,calibration,certificate,laboratory,calibrated_at,calibration_due\r\n');
    expect(csvRecord(row({ flags: 2, value: -0.1 }))).toBe('S-A,temperature,2026-12-07T01:00:00.000Z,2026-12-07T01:00:01.005Z,-0.1,Cel,late,zone,Z-A,B-1;B-3,P-1;P-3,wh1,n1,7,,,,,uncalibrated,,,,\r\n');
  });

  it.each([
    ['corrected by the certificate in force', { mark: 'overdue', calibration: certificate, corrected: 3.95, correction: -0.3, uncertainty: 0.15 },
      '3.95,-0.3,,0.15,overdue,K-17,"Labor, Köln",2026-03-01T00:00:00.000Z,2026-12-01T11:00:00.000Z',
      { corrected: 3.95, calibration: { mark: 'overdue', certificate: 'K-17', laboratory: 'Labor, Köln', calibratedAt: '2026-03-01T00:00:00.000Z', dueAt: '2026-12-01T11:00:00.000Z', correction: -0.3, uncertainty: 0.15 } }],
    ['a certificate without a correction for the metric', { mark: 'calibrated', calibration: certificate },
      ',,,,calibrated,K-17,"Labor, Köln",2026-03-01T00:00:00.000Z,2026-12-01T11:00:00.000Z',
      { calibration: { mark: 'calibrated', certificate: 'K-17', laboratory: 'Labor, Köln', calibratedAt: '2026-03-01T00:00:00.000Z', dueAt: '2026-12-01T11:00:00.000Z' } }],
    ['no certificate', { mark: 'uncalibrated' }, ',,,,uncalibrated,,,,', { calibration: { mark: 'uncalibrated' } }],
    ['a linear calibration with its slope', { mark: 'calibrated', calibration: certificate, corrected: 4.16, correction: -0.3, slope: 1.05, uncertainty: 0.15 },
      '4.16,-0.3,1.05,0.15,calibrated,K-17,"Labor, Köln",2026-03-01T00:00:00.000Z,2026-12-01T11:00:00.000Z',
      { corrected: 4.16, calibration: { mark: 'calibrated', certificate: 'K-17', laboratory: 'Labor, Köln', calibratedAt: '2026-03-01T00:00:00.000Z', dueAt: '2026-12-01T11:00:00.000Z', correction: -0.3, slope: 1.05, uncertainty: 0.15 } }],
  ] as const)('writes the calibration of a reading: %s', (_w, calibration, cells, json) => {
    const r = { ...row({ value: 4.25 }), calibration };
    expect(csvRecord(r)).toBe(`S-A,temperature,2026-12-07T01:00:00.000Z,2026-12-07T01:00:01.005Z,4.25,Cel,,zone,Z-A,B-1;B-3,P-1;P-3,wh1,n1,7,${cells}\r\n`);
    const parsed = JSON.parse(jsonRecord(r, true)) as Record<string, unknown>;
    expect({ corrected: parsed['corrected'], calibration: parsed['calibration'] }).toEqual({ corrected: undefined, ...json });
    expect(parsed['value']).toBe(4.25);
  });

  it('writes a JSON document that parses back, empty or not', () => {
    const seg = { device: 'S-A', location: { kind: 'zone' as const, id: 'Z-A' }, fromMs: 0, toMs: Infinity };
    const doc = jsonHead({ kind: 'order', id: 'O-1' }, [seg]) + jsonRecord(row(), true) + jsonRecord(row({ time: 1 }), false) + jsonTail(2);
    const parsed = JSON.parse(doc) as { segments: { to: string | null }[]; readings: { time: number; flags: string[] }[]; count: number };
    expect(parsed.segments[0]?.to).toBeNull();
    expect(parsed.readings.map((r) => r.time)).toEqual([Date.UTC(2026, 11, 7, 1), 1]);
    expect(parsed.count).toBe(2);
    expect(JSON.parse(jsonHead({ kind: 'shipment', id: 'S' }, []) + jsonTail(0))).toMatchObject({ readings: [], count: 0 });
  });
});

describe('chart buckets', () => {
  it('keeps the true min and max of every reading while the width doubles', () => {
    const chart = new ChartBuckets(10, 60_000);
    const values: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const v = i === 777 ? 30 : 4 + (i % 7) / 10;
      values.push(v);
      chart.add(1_000_000 + i * 60_000, v);
    }
    const buckets = chart.result();
    expect(buckets.length).toBeGreaterThanOrEqual(10);
    expect(buckets.length).toBeLessThanOrEqual(20);
    expect(Math.max(...buckets.map((b) => b.max))).toBe(30);
    expect(Math.min(...buckets.map((b) => b.min))).toBe(Math.min(...values));
    // Every bucket's figures are those of the readings inside it.
    for (const b of buckets) {
      const inside = values.filter((_, i) => { const t = 1_000_000 + i * 60_000; return t >= b.start && t < b.start + chart.widthMs; });
      expect([b.min, b.max]).toEqual([Math.min(...inside), Math.max(...inside)]);
    }
  });
});

describe('leg calibration', () => {
  const cal = (mark: 'calibrated' | 'overdue' | 'uncalibrated', c?: Calibration): ExportRow => ({ ...row(), calibration: { mark, ...(c !== undefined ? { calibration: c } : {}) } });
  const k17: Calibration = { certificate: 'K-17', device: 'S-A', laboratory: 'Lab A', calibratedAt: '2025-03-01', dueAt: '2026-03-01', metrics: { temperature: { correction: 0.3, uncertainty: 0.1 } } };
  const k18: Calibration = { ...k17, certificate: 'K-18', calibratedAt: '2026-06-01T00:00:00Z', dueAt: '2027-06-01', metrics: { humidity: { correction: 1, uncertainty: 2 } } };
  const k19: Calibration = { ...k17, certificate: 'K-19', metrics: { temperature: { correction: -0.1, uncertainty: 0.1, slope: 1.002 } } };
  it.each([
    ['no readings', [], 'Calibration: no certificate'],
    ['uncalibrated readings counted', [cal('uncalibrated'), cal('uncalibrated')], 'Calibration: no certificate; 2 readings without a certificate'],
    ['each certificate once, in order, with the charted metric\'s correction; overdue readings counted', [cal('calibrated', k17), cal('overdue', k17), cal('calibrated', k18), cal('uncalibrated')],
      'Calibration: certificate K-17 (Lab A, calibrated 2025-03-01, due 2026-03-01, temperature correction +0.3); certificate K-18 (Lab A, calibrated 2026-06-01, due 2027-06-01); ' +
      '1 readings taken while the calibration was overdue, 1 readings without a certificate'],
    ['a linear calibration with its slope', [cal('calibrated', k19)], 'Calibration: certificate K-19 (Lab A, calibrated 2025-03-01, due 2026-03-01, temperature correction -0.1, slope 1.002)'],
  ])('%s', (_w, rows, line) => {
    const acc = new LegCalibration('temperature');
    for (const r of rows) acc.add(r);
    expect(calibrationLine(acc.result())).toBe(line);
  });
});
