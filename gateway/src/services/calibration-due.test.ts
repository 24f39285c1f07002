import { describe, expect, it } from 'vitest';
import type { Calibration } from '../domain/calibration/calibration.js';
import type { RegistryStore } from '../ports/registry.js';
import { ManualTime } from '../../test/support/manual-time.js';
import { CalibrationDue, RECHECK_MS } from './calibration-due.js';
import type { RegistryChangeSet } from './registry.js';

const DAY = 86_400_000;
const T = Date.parse('2026-12-01T00:00:00Z');
const cert = (device: string, dueAt: number): Calibration => ({
  certificate: `C-${device}`, device, laboratory: 'Lab', calibratedAt: new Date(T - 300 * DAY).toISOString(), dueAt: new Date(dueAt).toISOString(),
  metrics: { temperature: { correction: 0.1, uncertainty: 0.2 } },
});

/** Certificates as the service keeps them, with its change listeners. */
function lookup(initial: Calibration[]) {
  const byDevice = new Map<string, Calibration[]>();
  for (const c of initial) byDevice.set(c.device, [...(byDevice.get(c.device) ?? []), c]);
  const listeners: ((d: string) => void)[] = [];
  return {
    of: (d: string) => byDevice.get(d) ?? [],
    devices: () => [...byDevice.keys()],
    onChange: (l: (d: string) => void) => { listeners.push(l); },
    put(c: Calibration) { byDevice.set(c.device, [...(byDevice.get(c.device) ?? []), c]); for (const l of listeners) l(c.device); },
  };
}

function world(certs: Calibration[]) {
  const time = new ManualTime(T);
  const calibrations = lookup(certs);
  const marks: string[] = [];
  const changes: RegistryChangeSet[] = [];
  const registry = { placementsOf: () => Promise.resolve([{ id: 'P-SA', device: 'S-A', zone: 'Z-A', from: '2026-01-01T00:00:00Z' }]) } as unknown as RegistryStore;
  const due = new CalibrationDue({
    calibrations, registry, clock: time, scheduler: time, remindDays: [30, 7],
    mark: (subject, lane) => marks.push(`${new Date(time.now()).toISOString().slice(0, 10)} ${lane} ${subject}`), registryChanged: (c) => changes.push(c),
  });
  /** Moves the hand clock to `t`, running every timer on the way at its own moment. */
  const moveTo = (t: number): void => {
    for (;;) {
      const next = Math.min(...time.tasks.map((x) => x.at));
      if (next > t) break;
      time.t = next;
      time.runDue();
    }
    time.t = t;
  };
  return { time, calibrations, marks, changes, due, moveTo };
}

describe('calibration due dates over time (hand clock)', () => {
  it('judges each device at start, then again on the day of each reminder and on its due date, and at no other moment', () => {
    const w = world([cert('S-A', T + 40 * DAY), cert('S-B', T + 20 * DAY)]);
    w.due.start();
    expect(w.marks.splice(0)).toEqual(['2026-12-01 background device:S-A', '2026-12-01 background device:S-B']);
    w.moveTo(T + 60 * DAY);
    expect(w.marks).toEqual([
      '2026-12-11 live device:S-A', // 30 days before S-A's due date
      '2026-12-14 live device:S-B', // 7 days before S-B's
      '2026-12-21 live device:S-B', // S-B overdue
      '2027-01-03 live device:S-A', // 7 days before S-A's
      '2027-01-10 live device:S-A', // S-A overdue
    ]);
  });

  it('never waits more than a day for its next look, whatever the due dates', () => {
    const w = world([cert('S-A', T + 400 * DAY)]);
    w.due.start();
    expect(w.time.tasks.map((x) => x.at)).toEqual([T + RECHECK_MS]);
    w.moveTo(T + 5 * DAY);
    expect(w.time.tasks.map((x) => x.at)).toEqual([T + 6 * DAY]);
    expect(w.marks).toEqual(['2026-12-01 background device:S-A']);
  });

  it('a certificate entered judges the device at once and everything its readings are evidence of, and re-arms the timer', async () => {
    const w = world([cert('S-A', T + 400 * DAY)]);
    w.due.start();
    w.marks.splice(0);
    w.calibrations.put(cert('S-A', T + DAY / 2));
    await new Promise((r) => setImmediate(r));
    expect(w.marks).toEqual(['2026-12-01 live device:S-A']);
    expect(w.changes.map((c) => c.placements.map((p) => p.id))).toEqual([['P-SA']]);
    expect(w.time.tasks.map((x) => x.at)).toEqual([T + DAY / 2]);
  });

  it('stops looking when closed', () => {
    const w = world([cert('S-A', T + 2 * DAY)]);
    w.due.start();
    w.due.close();
    w.marks.splice(0);
    w.moveTo(T + 10 * DAY);
    expect(w.marks).toEqual([]);
  });
});
