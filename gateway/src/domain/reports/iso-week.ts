/**
 * ISO 8601 weeks (Monday start; week 1 holds the year's first Thursday) of instants in an IANA time zone: the
 * weekly lane report's columns (#16). Pure: the zone's rules come from Intl, no clock is read.
 */

const DAY_MS = 86_400_000;

export interface IsoWeek {
  /** The ISO week-numbering year (2026-12-31 is in 2026-W53, 2027-01-01 too). */
  readonly year: number;
  /** 1..53. */
  readonly week: number;
  /** `2026-W53`: sorts in time order. */
  readonly key: string;
  /** The week's Monday as a local date, `2026-12-28`. */
  readonly monday: string;
}

/** Whether `zone` is an IANA time zone this runtime knows (`Europe/Amsterdam`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The local calendar date of instants in `zone`, as days since 1970-01-01 (a day count, not an instant). One
 * formatter per call of this, reused for every instant (making one costs far more than using it).
 */
export function localDays(zone: string): (ms: number) => number {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric' });
  return (ms) => {
    const parts = f.formatToParts(new Date(ms));
    const part = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
    return Date.UTC(part('year'), part('month') - 1, part('day')) / DAY_MS;
  };
}

/** The ISO week of a local day (days since 1970-01-01, which was a Thursday). */
export function isoWeekOfDay(day: number): IsoWeek {
  const weekday = (((day + 3) % 7) + 7) % 7; // Monday 0 .. Sunday 6
  const monday = day - weekday;
  const thursday = monday + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / DAY_MS) / 7) + 1;
  return { year, week, key: `${year}-W${String(week).padStart(2, '0')}`, monday: new Date(monday * DAY_MS).toISOString().slice(0, 10) };
}

/** The ISO week `ms` falls in, in `zone`. */
export function isoWeekOf(ms: number, zone: string): IsoWeek {
  return isoWeekOfDay(localDays(zone)(ms));
}

/** Every ISO week from the one of `fromMs` to the one of `toMs - 1` (the range is half-open), in order. */
export function isoWeeksBetween(fromMs: number, toMs: number, zone: string): IsoWeek[] {
  if (toMs <= fromMs) return [];
  const dayOf = localDays(zone);
  const last = dayOf(toMs - 1);
  const out: IsoWeek[] = [];
  for (let day = dayOf(fromMs); ; day += 7) {
    const w = isoWeekOfDay(day);
    if (Date.parse(w.monday) / DAY_MS > last) break;
    out.push(w);
  }
  return out;
}
