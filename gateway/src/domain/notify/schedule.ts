/**
 * Who is on duty at an instant (issue #22): shifts are written in the site's wall-clock time, so the instant is
 * turned into local weekday and minute of day through Intl with the schedule's IANA zone. A daylight-saving change
 * moves the instants of a shift, not its wall-clock times: an 8-hour night shift over the spring change lasts 7 real
 * hours, over the autumn change 9. A shift whose end is at or before its start runs past midnight and belongs to the
 * day it started (the hand-over at midnight is its end, not a new day's shift).
 */
import { WEEKDAYS, type Schedule, type Shift, type Weekday } from './policy.js';

export { isTimeZone } from '../reports/iso-week.js';

export interface LocalTime {
  readonly weekday: Weekday;
  /** Minutes since local midnight, 0..1439. */
  readonly minute: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Weekday and minute of day at `ms` in `timeZone` (IANA). */
export function localTime(ms: number, timeZone: string): LocalTime {
  let f = formats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(ms));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  const weekday = get('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { weekday, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** The people on duty at `ms`, each once, in the schedule's order. */
export function onDuty(schedule: Schedule, ms: number): string[] {
  const t = localTime(ms, schedule.timeZone);
  const out: string[] = [];
  for (const s of schedule.shifts) {
    if (!covers(s, t)) continue;
    for (const p of s.people) if (!out.includes(p)) out.push(p);
  }
  return out;
}

function covers(s: Shift, t: LocalTime): boolean {
  const from = minutes(s.from);
  const to = minutes(s.to);
  const startsOn = (d: Weekday): boolean => s.days === undefined || s.days.includes(d);
  if (from < to) return startsOn(t.weekday) && t.minute >= from && t.minute < to;
  // Overnight (or a whole day when from == to): the evening part on its own day, the morning part the day after.
  return (startsOn(t.weekday) && t.minute >= from) || (startsOn(previousDay(t.weekday)) && t.minute < to);
}

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function previousDay(d: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(d) + 6) % 7]!;
}
