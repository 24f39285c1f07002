import { describe, expect, it } from 'vitest';
import { applyCalibration, correct, correctedValue, inForce, markAt, parseCalibration, type Calibration } from './calibration.js';

const cert = (certificate: string, calibratedAt: string, dueAt: string, correction = 0.2): Calibration => ({
  certificate, device: 'S-1', laboratory: 'DAkkS D-K-12345', calibratedAt, dueAt, metrics: { temperature: { correction, uncertainty: 0.15 } },
});
const certs = [cert('C-2025', '2025-03-01', '2026-03-01', 0.2), cert('C-2026', '2026-03-01', '2027-03-01', -0.1)];
const t = (iso: string): number => Date.parse(iso);

describe('calibration', () => {
  it.each([
    ['before any certificate', '2025-02-28T23:59:59Z', undefined, 'uncalibrated'],
    ['on the day of the first calibration', '2025-03-01T00:00:00Z', 'C-2025', 'calibrated'],
    ['more than 30 days before the due date', '2026-01-29T00:00:00Z', 'C-2025', 'calibrated'],
    ['30 days before the due date: warned', '2026-01-30T00:00:00Z', 'C-2025', 'due-soon'],
    ['the new certificate from its calibration date', '2026-03-01T00:00:00Z', 'C-2026', 'calibrated'],
    ['past the new one\'s due date: overdue', '2027-03-01T00:00:00Z', 'C-2026', 'overdue'],
  ] as const)('%s', (_w, at, certificate, mark) => {
    expect(inForce(certs, t(at))?.certificate).toBe(certificate);
    expect(markAt(certs, t(at)).mark).toBe(mark);
  });

  it.each([
    ['adds the correction of the certificate in force', 'temperature', 9.1, '2025-06-01T00:00:00Z', { measured: 9.1, corrected: 9.3, uncertainty: 0.15, certificate: 'C-2025', mark: 'calibrated' }],
    ['uses the newer certificate after it', 'temperature', 9.1, '2026-06-01T00:00:00Z', { measured: 9.1, corrected: 9, uncertainty: 0.15, certificate: 'C-2026', mark: 'calibrated' }],
    ['leaves a metric the certificate does not cover uncorrected', 'humidity', 55, '2025-06-01T00:00:00Z', { measured: 55, certificate: 'C-2025', mark: 'calibrated' }],
    ['leaves readings before any certificate uncorrected and marked', 'temperature', 5, '2024-01-01T00:00:00Z', { measured: 5, mark: 'uncalibrated' }],
    ['corrects an overdue reading but marks it', 'temperature', 5, '2027-06-01T00:00:00Z', { measured: 5, corrected: 4.9, uncertainty: 0.15, certificate: 'C-2026', mark: 'overdue' }],
  ] as const)('%s', (_w, metric, value, at, expected) => {
    expect(correct(certs, metric, value, t(at))).toEqual(expected);
  });

  it.each([
    ['the certificate in force at the time corrects the value the rules judge', 'temperature', 7.9, '2025-06-01T00:00:00Z', certs, 8.1],
    ['the newer certificate from its calibration date', 'temperature', 8.05, '2026-03-01T00:00:00Z', certs, 7.95],
    ['a metric the certificate does not cover is judged as measured', 'humidity', 55, '2025-06-01T00:00:00Z', certs, 55],
    ['a reading before any certificate is judged as measured', 'temperature', 7.9, '2024-01-01T00:00:00Z', certs, 7.9],
    ['an overdue certificate still corrects', 'temperature', 7.9, '2027-06-01T00:00:00Z', certs, 7.8],
    ['a device without certificates is judged as measured', 'temperature', 7.9, '2025-06-01T00:00:00Z', [], 7.9],
    ['a linear calibration: measured times the slope plus the correction', 'temperature', 8, '2025-06-01T00:00:00Z',
      [{ ...certs[0]!, metrics: { temperature: { correction: -0.1, uncertainty: 0.1, slope: 1.05 } } }], 8.3],
  ] as const)('correctedValue: %s', (_w, metric, value, at, list, expected) => {
    expect(correctedValue(list, metric, value, t(at))).toBe(expected);
  });

  it.each([
    ['the certificate in force with its correction', 'temperature', '2025-06-01T00:00:00Z', { mark: 'calibrated', calibration: certs[0], corrected: 9.3, correction: 0.2, uncertainty: 0.15 }],
    ['the certificate without a correction for the metric', 'humidity', '2025-06-01T00:00:00Z', { mark: 'calibrated', calibration: certs[0] }],
    ['overdue, still corrected', 'temperature', '2027-06-01T00:00:00Z', { mark: 'overdue', calibration: certs[1], corrected: 9, correction: -0.1, uncertainty: 0.15 }],
    ['uncalibrated', 'temperature', '2024-06-01T00:00:00Z', { mark: 'uncalibrated' }],
  ] as const)('applyCalibration: %s', (_w, metric, at, expected) => {
    expect(applyCalibration(certs, metric, 9.1, t(at))).toEqual(expected);
  });

  it('applyCalibration gives the slope of a linear calibration with its correction', () => {
    const linear: Calibration = { ...certs[0]!, metrics: { temperature: { correction: -0.1, uncertainty: 0.1, slope: 1.05 } } };
    expect(applyCalibration([linear], 'temperature', 8, t('2025-06-01T00:00:00Z'))).toEqual({ mark: 'calibrated', calibration: linear, corrected: 8.3, correction: -0.1, slope: 1.05, uncertainty: 0.1 });
  });

  it('reads a certificate and lists every problem of a bad one', () => {
    const ok = parseCalibration({ certificate: 'C-1', laboratory: 'Lab', calibratedAt: '2026-01-01', dueAt: '2027-01-01', metrics: { temperature: { correction: 0.1, uncertainty: 0.2 } }, traceability: 'PTB' }, 'S-1');
    expect(ok).toEqual({ ok: true, calibration: { certificate: 'C-1', device: 'S-1', laboratory: 'Lab', calibratedAt: '2026-01-01', dueAt: '2027-01-01', metrics: { temperature: { correction: 0.1, uncertainty: 0.2 } }, traceability: 'PTB' } });
    const bad = parseCalibration({ laboratory: '', calibratedAt: 'yesterday', dueAt: '2027-01-01', metrics: { temperature: { correction: 'x', uncertainty: -1 } } }, 'S-1');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems).toEqual([
        'certificate: expected a non-empty string', 'laboratory: expected a non-empty string', "calibratedAt: not an ISO 8601 date: 'yesterday'",
        'metrics.temperature.correction: expected a number', 'metrics.temperature.uncertainty: expected a number ≥ 0',
      ]);
    }
    const slopes = parseCalibration({ certificate: 'C', laboratory: 'L', calibratedAt: '2026-01-01', dueAt: '2027-01-01', metrics: { t: { correction: 0, uncertainty: 0, slope: 1.01 }, h: { correction: 0, uncertainty: 0, slope: 0 } } }, 'S-1');
    expect(slopes).toEqual({ ok: false, problems: ['metrics.h.slope: expected a number > 0'] });
    const order = parseCalibration({ certificate: 'C', laboratory: 'L', calibratedAt: '2026-01-01', dueAt: '2025-01-01', metrics: { t: { correction: 0, uncertainty: 0 } } }, 'S-1');
    expect(order).toEqual({ ok: false, problems: ['dueAt: must be after calibratedAt'] });
  });
});
