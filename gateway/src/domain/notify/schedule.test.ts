import { describe, expect, it } from 'vitest';
import type { Schedule } from './policy.js';
import { isTimeZone, localTime, onDuty } from './schedule.js';

/** Berlin: day 06:00-14:00 (ana), late 14:00-22:00 (ben), night 22:00-06:00 (cai); weekend nights dan. */
const berlin: Schedule = {
  id: 'wh1', timeZone: 'Europe/Berlin',
  shifts: [
    { from: '06:00', to: '14:00', people: ['ana'] },
    { from: '14:00', to: '22:00', people: ['ben'] },
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '22:00', to: '06:00', people: ['cai'] },
    { days: ['sat', 'sun'], from: '22:00', to: '06:00', people: ['dan'] },
  ],
};
/** Shanghai: no daylight saving; a midnight hand-over between two 12-hour shifts. */
const shanghai: Schedule = {
  id: 'sh', timeZone: 'Asia/Shanghai',
  shifts: [{ from: '00:00', to: '12:00', people: ['li'] }, { from: '12:00', to: '00:00', people: ['wang'] }],
};

describe('onDuty', () => {
  it.each([
    // [what, schedule, UTC instant, on duty]
    ['a winter weekday morning (UTC+1)', berlin, '2026-01-14T05:00:00Z', ['ana']],
    ['the last minute of the day shift', berlin, '2026-01-14T12:59:00Z', ['ana']],
    ['the hand-over at 14:00 local', berlin, '2026-01-14T13:00:00Z', ['ben']],
    ['a weekday night after midnight belongs to the night that started the day before', berlin, '2026-01-15T00:30:00Z', ['cai']],
    ['Friday night past midnight is still the weekday night shift (it started on Friday)', berlin, '2026-01-17T03:00:00Z', ['cai']],
    ['Saturday night is the weekend night', berlin, '2026-01-17T22:30:00Z', ['dan']],
    ['Sunday night past midnight (Monday morning) is the weekend night', berlin, '2026-01-19T04:59:00Z', ['dan']],
    ['Monday 06:00 local hands over to the day shift', berlin, '2026-01-19T05:00:00Z', ['ana']],
    // Spring forward, Sunday 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC).
    ['spring change: 00:59 UTC is 01:59 CET, the weekend night', berlin, '2026-03-29T00:59:00Z', ['dan']],
    ['spring change: 01:00 UTC is 03:00 CEST, still the night', berlin, '2026-03-29T01:00:00Z', ['dan']],
    ['spring change: the day shift starts at 06:00 CEST = 04:00 UTC', berlin, '2026-03-29T04:00:00Z', ['ana']],
    ['spring change: 03:59 UTC is 05:59 CEST, the night', berlin, '2026-03-29T03:59:00Z', ['dan']],
    // Fall back, Sunday 2026-10-25: 03:00 CEST becomes 02:00 CET (01:00 UTC); 02:00-03:00 local happens twice.
    ['autumn change: the first 02:30 (CEST, 00:30 UTC) is the night', berlin, '2026-10-25T00:30:00Z', ['dan']],
    ['autumn change: the second 02:30 (CET, 01:30 UTC) is the night', berlin, '2026-10-25T01:30:00Z', ['dan']],
    ['autumn change: the day shift starts at 06:00 CET = 05:00 UTC', berlin, '2026-10-25T05:00:00Z', ['ana']],
    ['autumn change: 04:59 UTC is 05:59 CET, the night', berlin, '2026-10-25T04:59:00Z', ['dan']],
    ['summer: 22:00 CEST = 20:00 UTC on a Wednesday is the weekday night', berlin, '2026-07-15T20:00:00Z', ['cai']],
    ['midnight hand-over in Shanghai: 23:59 local (15:59 UTC)', shanghai, '2026-03-29T15:59:00Z', ['wang']],
    ['midnight hand-over in Shanghai: 00:00 local (16:00 UTC)', shanghai, '2026-03-29T16:00:00Z', ['li']],
  ] as const)('%s', (_what, schedule, at, expected) => {
    expect(onDuty(schedule, Date.parse(at))).toEqual(expected);
  });

  it('finds nobody outside every shift', () => {
    const s: Schedule = { id: 'x', timeZone: 'UTC', shifts: [{ days: ['mon'], from: '08:00', to: '09:00', people: ['a'] }] };
    expect(onDuty(s, Date.parse('2026-01-13T08:30:00Z'))).toEqual([]);
    expect(onDuty(s, Date.parse('2026-01-12T08:30:00Z'))).toEqual(['a']);
  });
});

describe('localTime', () => {
  it.each([
    ['2026-03-29T00:59:00Z', 'Europe/Berlin', 'sun', 1 * 60 + 59],
    ['2026-03-29T01:00:00Z', 'Europe/Berlin', 'sun', 3 * 60],
    ['2026-10-25T00:30:00Z', 'Europe/Berlin', 'sun', 2 * 60 + 30],
    ['2026-10-25T01:30:00Z', 'Europe/Berlin', 'sun', 2 * 60 + 30],
    ['2026-03-08T10:00:00Z', 'America/New_York', 'sun', 6 * 60],
    ['2026-01-01T00:00:00Z', 'Asia/Kolkata', 'thu', 5 * 60 + 30],
  ] as const)('%s in %s is %s minute %i', (at, tz, weekday, minute) => {
    expect(localTime(Date.parse(at), tz)).toEqual({ weekday, minute });
  });

  it('knows IANA zones and refuses others', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
