/**
 * Calibration due dates as flags of the device (issue #22, docs/calibration.md "Reminders and the overdue flag"): a
 * reminder `calibration/due-in/N` when the certificate in force is due within N days (one rule per configured N, so
 * each crossing raises its own flag and notifies through the policies like any flag), and `calibration/overdue` from
 * the due date until a newer certificate is in force. Each is judged over the device's certificates, so entering
 * the new record clears the flag (condition ended), and a record entered late that shows the device was calibrated
 * in time leaves no overdue flag at all (the data no longer shows it: withdrawn). Pure: times are arguments.
 */
import type { Finding, Related } from '../flags/types.js';
import { timeOf, type Calibration } from './calibration.js';

export const OVERDUE_RULE = 'calibration/overdue';
export const DUE_IN_RULE_PREFIX = 'calibration/due-in/';
/** Reminders before the due date, days (COLDTRACE_CALIBRATION_REMIND_DAYS). */
export const DEFAULT_REMIND_DAYS: readonly number[] = [30, 7];

const DAY_MS = 86_400_000;

/** A certificate with the stretch it is in force: from its calibration to the next one's (Infinity: still). */
interface Period {
  readonly c: Calibration;
  readonly from: number;
  readonly until: number;
}

/** The certificates in the order they came into force; of two calibrated at the same moment the first by id (as inForce). */
function periods(calibrations: readonly Calibration[]): Period[] {
  const sorted = [...calibrations].sort((a, b) => timeOf(a.calibratedAt) - timeOf(b.calibratedAt) || (a.certificate < b.certificate ? -1 : 1));
  const kept = sorted.filter((c, i) => i === 0 || timeOf(c.calibratedAt) !== timeOf(sorted[i - 1]!.calibratedAt));
  return kept.map((c, i) => ({ c, from: timeOf(c.calibratedAt), until: i + 1 < kept.length ? timeOf(kept[i + 1]!.calibratedAt) : Infinity }));
}

interface Window {
  readonly p: Period;
  readonly from: number;
  readonly to: number;
}

/** The latest window that has begun by `nowMs`. */
function latest(windows: readonly Window[], nowMs: number): Window | undefined {
  let best: Window | undefined;
  for (const w of windows) if (w.from < w.to && w.from <= nowMs && (best === undefined || w.from > best.from)) best = w;
  return best;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function finding(device: string, rule: string, params: Record<string, unknown>, w: Window, nowMs: number, o: { severity: Finding['severity']; title: string; related: Related }): Finding {
  const c = w.p.c;
  return {
    rule, params, subject: { kind: 'device', id: device }, severity: o.severity, title: o.title,
    // An open window has no end yet: its start stands for it, so the flag does not change at every judgement.
    startMs: w.from, endMs: Number.isFinite(w.to) ? w.to : w.from, metAtMs: w.from, active: w.to > nowMs, episodes: [],
    figures: { certificate: c.certificate, laboratory: c.laboratory, calibratedAt: iso(timeOf(c.calibratedAt)), dueAt: iso(timeOf(c.dueAt)) },
    related: o.related,
  };
}

/**
 * The device's calibration findings at `nowMs`: for each reminder and for overdue, the latest window begun by then
 * (active while it lasts). `related` is what the device watches now; reminders name only the device, its zones and
 * shipments (a calibration due next month is no news on an order), the overdue flag the goods and orders too.
 */
export function calibrationFindings(device: string, calibrations: readonly Calibration[], nowMs: number, remindDays: readonly number[], related: Related): Finding[] {
  const ps = periods(calibrations);
  const out: Finding[] = [];
  const placeOnly: Related = { ...related, batches: [], orders: [] };
  for (const days of [...new Set(remindDays)].sort((a, b) => b - a)) {
    const w = latest(ps.map((p) => {
      const due = timeOf(p.c.dueAt);
      return { p, from: Math.max(p.from, due - days * DAY_MS), to: Math.min(p.until, due) };
    }), nowMs);
    if (w !== undefined) {
      out.push(finding(device, `${DUE_IN_RULE_PREFIX}${days}`, { days }, w, nowMs, {
        severity: 'warning', title: `calibration due within ${days} days (certificate ${w.p.c.certificate}, due ${w.p.c.dueAt})`, related: placeOnly,
      }));
    }
  }
  const over = latest(ps.map((p) => ({ p, from: timeOf(p.c.dueAt), to: p.until })), nowMs);
  if (over !== undefined) {
    out.push(finding(device, OVERDUE_RULE, {}, over, nowMs, {
      severity: 'major', title: `calibration overdue since ${over.p.c.dueAt} (certificate ${over.p.c.certificate}): its readings carry the mark overdue`, related,
    }));
  }
  return out;
}

/**
 * The next moment after `nowMs` at which the findings may change by time alone (a reminder or the due date is
 * reached, a certificate entered ahead comes into force); undefined when none.
 */
export function nextCalibrationMoment(calibrations: readonly Calibration[], nowMs: number, remindDays: readonly number[]): number | undefined {
  let next: number | undefined;
  for (const c of calibrations) {
    const due = timeOf(c.dueAt);
    for (const t of [timeOf(c.calibratedAt), due, ...remindDays.map((d) => due - d * DAY_MS)]) if (t > nowMs && (next === undefined || t < next)) next = t;
  }
  return next;
}
