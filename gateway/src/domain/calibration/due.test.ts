import { describe, expect, it } from 'vitest';
import type { Related } from '../flags/types.js';
import type { Calibration } from './calibration.js';
import { calibrationFindings, nextCalibrationMoment } from './due.js';

const cert = (certificate: string, calibratedAt: string, dueAt: string): Calibration => ({
  certificate, device: 'S-1', laboratory: 'Lab A', calibratedAt, dueAt, metrics: { temperature: { correction: 0.1, uncertainty: 0.2 } },
});
const C1 = cert('C-1', '2026-01-01', '2027-01-01');
const related: Related = { devices: ['S-1'], zones: ['Z-A'], batches: ['B-1'], shipments: [], orders: ['O-1'] };
const t = (iso: string): number => Date.parse(iso);

/** rule -> [active, start, end] of each finding. */
const summary = (certs: Calibration[], now: string, days: number[] = [30, 7]): Record<string, [boolean, string, string]> =>
  Object.fromEntries(calibrationFindings('S-1', certs, t(now), days, related).map((f) => [f.rule, [f.active, new Date(f.startMs).toISOString().slice(0, 10), new Date(f.endMs).toISOString().slice(0, 10)]]));

describe('calibration due dates as findings', () => {
  it.each([
    ['nothing more than 30 days before the due date', [C1], '2026-12-01T23:59:59Z', {}],
    ['the 30-day reminder from 30 days before', [C1], '2026-12-02T00:00:00Z', { 'calibration/due-in/30': [true, '2026-12-02', '2027-01-01'] }],
    ['both reminders from 7 days before', [C1], '2026-12-25T00:00:00Z', {
      'calibration/due-in/30': [true, '2026-12-02', '2027-01-01'], 'calibration/due-in/7': [true, '2026-12-25', '2027-01-01'],
    }],
    ['overdue from the due date, the reminders ended there', [C1], '2027-01-01T00:00:00Z', {
      'calibration/due-in/30': [false, '2026-12-02', '2027-01-01'], 'calibration/due-in/7': [false, '2026-12-25', '2027-01-01'],
      'calibration/overdue': [true, '2027-01-01', '2027-01-01'],
    }],
    ['a new certificate ends the overdue stretch (cleared, kept as evidence)', [C1, cert('C-2', '2027-01-20', '2028-01-20')], '2027-01-21T00:00:00Z', {
      'calibration/due-in/30': [false, '2026-12-02', '2027-01-01'], 'calibration/due-in/7': [false, '2026-12-25', '2027-01-01'],
      'calibration/overdue': [false, '2027-01-01', '2027-01-20'],
    }],
    ['a renewal in time, entered late, leaves no overdue stretch and ends the reminder at the renewal', [C1, cert('C-2', '2026-12-20', '2027-12-20')], '2027-01-05T00:00:00Z', {
      'calibration/due-in/30': [false, '2026-12-02', '2026-12-20'],
    }],
    ['the renewal\'s own reminders come a year later', [C1, cert('C-2', '2026-12-20', '2027-12-20')], '2027-12-14T00:00:00Z', {
      'calibration/due-in/30': [true, '2027-11-20', '2027-12-20'], 'calibration/due-in/7': [true, '2027-12-13', '2027-12-20'],
    }],
    ['the reminders are configurable', [C1], '2026-12-25T00:00:00Z', { 'calibration/due-in/14': [true, '2026-12-18', '2027-01-01'] }, [14]],
    ['no certificate, no finding (the Duty view lists the device as never calibrated)', [], '2027-01-01T00:00:00Z', {}],
  ] as const)('%s', (_w, certs, now, expected, days: readonly number[] = [30, 7]) => {
    expect(summary([...certs], now, [...days])).toEqual(expected);
  });

  it('puts the overdue flag on the goods and orders the device watches, the reminders on its place only', () => {
    const [reminder, overdue] = calibrationFindings('S-1', [C1], t('2027-01-02T00:00:00Z'), [30], related);
    expect(reminder).toMatchObject({ severity: 'warning', subject: { kind: 'device', id: 'S-1' }, related: { devices: ['S-1'], zones: ['Z-A'], batches: [], orders: [] } });
    expect(overdue).toMatchObject({ severity: 'major', related, figures: { certificate: 'C-1', laboratory: 'Lab A', dueAt: '2027-01-01T00:00:00.000Z' } });
  });

  it('does not change while the same window lasts (no update at every judgement)', () => {
    expect(calibrationFindings('S-1', [C1], t('2027-01-02T00:00:00Z'), [30, 7], related)).toEqual(calibrationFindings('S-1', [C1], t('2027-03-02T00:00:00Z'), [30, 7], related));
  });

  it.each([
    ['the 30-day reminder first', '2026-06-01T00:00:00Z', '2026-12-02T00:00:00.000Z'],
    ['then the 7-day one', '2026-12-02T00:00:00Z', '2026-12-25T00:00:00.000Z'],
    ['then the due date', '2026-12-25T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['nothing after it', '2027-01-01T00:00:00Z', undefined],
  ])('the next moment to judge again: %s', (_w, now, next) => {
    const at = nextCalibrationMoment([C1], t(now), [30, 7]);
    expect(at === undefined ? undefined : new Date(at).toISOString()).toBe(next);
  });
});
