/**
 * Times, durations and temperatures as a customer reads them in a language and a time zone (Intl; the zone is an
 * IANA name). Calendar days ("today", "tomorrow") are compared in the zone, so a day of 23 or 25 hours around a
 * daylight-saving change is still one day.
 */

export type Lang = 'en' | 'zh';

const LOCALE: Record<Lang, string> = { en: 'en-GB', zh: 'zh-CN' };
const DAY_MS = 86_400_000;

export interface Formats {
  readonly lang: Lang;
  readonly tz: string;
  /** 24-hour clock time: `09:05`. */
  clock(ms: number): string;
  /** The day and the time: `7 Dec, 09:05` / `12月7日 09:05` (the year when it is not this year). */
  when(ms: number): string;
  /** `today`, `tomorrow`, `yesterday`, else the weekday and date: `Wed 9 Dec` / `12月9日（星期三）`. */
  day(ms: number): string;
  /** From one moment to another: `7 Dec, 05:00–07:00`, or with both days when they differ. */
  span(fromMs: number, toMs: number): string;
  /** Whole minutes: `45 min`, `2 h`, `2 h 5 min` / `45 分钟`, `2 小时 5 分钟`; undefined under a minute. */
  duration(ms: number): string | undefined;
  /** One decimal, the unit left to the sentence: `3.1`. */
  celsius(c: number): string;
  /** Calendar days from now to `ms` in the zone (0 today, 1 tomorrow, -1 yesterday). */
  daysFromNow(ms: number): number;
}

export function formats(lang: Lang, tz: string, nowMs: number): Formats {
  const locale = LOCALE[lang];
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  const hm = new Intl.DateTimeFormat(locale, { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const md = new Intl.DateTimeFormat(locale, { timeZone: tz, month: lang === 'en' ? 'short' : 'long', day: 'numeric' });
  const ymdLong = new Intl.DateTimeFormat(locale, { timeZone: tz, year: 'numeric', month: lang === 'en' ? 'short' : 'long', day: 'numeric' });
  const wd = new Intl.DateTimeFormat(locale, { timeZone: tz, weekday: lang === 'en' ? 'short' : 'long' });
  const num = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const dayIndex = (ms: number): number => Date.parse(`${ymd.format(ms)}T00:00:00Z`) / DAY_MS;
  const yearOf = (ms: number): string => ymd.format(ms).slice(0, 4);
  const date = (ms: number): string => (yearOf(ms) === yearOf(nowMs) ? md : ymdLong).format(ms);
  const f: Formats = {
    lang, tz,
    clock: (ms) => hm.format(ms),
    when: (ms) => (lang === 'en' ? `${date(ms)}, ${hm.format(ms)}` : `${date(ms)} ${hm.format(ms)}`),
    daysFromNow: (ms) => dayIndex(ms) - dayIndex(nowMs),
    day: (ms) => {
      const d = f.daysFromNow(ms);
      if (lang === 'en') return d === 0 ? 'today' : d === 1 ? 'tomorrow' : d === -1 ? 'yesterday' : `${wd.format(ms)} ${date(ms)}`;
      return d === 0 ? '今天' : d === 1 ? '明天' : d === -1 ? '昨天' : `${date(ms)}（${wd.format(ms)}）`;
    },
    span: (a, b) => {
      if (dayIndex(a) === dayIndex(b)) return `${f.when(a)}–${hm.format(b)}`;
      return lang === 'en' ? `${f.when(a)} – ${f.when(b)}` : `${f.when(a)} 至 ${f.when(b)}`;
    },
    duration: (ms) => {
      const total = Math.round(ms / 60_000);
      if (total < 1) return undefined;
      const h = Math.floor(total / 60);
      const m = total % 60;
      const [hu, mu] = lang === 'en' ? [' h', ' min'] : [' 小时', ' 分钟'];
      return [h > 0 ? `${h}${hu}` : '', m > 0 ? `${m}${mu}` : ''].filter((s) => s !== '').join(' ');
    },
    celsius: (c) => num.format(c),
  };
  return f;
}
