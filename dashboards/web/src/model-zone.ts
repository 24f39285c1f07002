/**
 * Times in the viewer's time zone, with the zone named: a flag met at 23:15 means nothing to a reader in another
 * zone unless the page says which 23:15. Pure apart from the zone and locale passed in (defaults: the browser's).
 */

/** The viewer's IANA time zone, e.g. `Europe/Amsterdam`; `UTC` when the browser does not say. */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function formatter(zone: string, locale: string | undefined, withDate: boolean): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    ...(withDate ? { year: 'numeric', month: 'short', day: 'numeric' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
}

/** `6 Dec 2026, 23:15:00 CET` (the order and month name follow the locale): date, time and the zone's short name. */
export function formatZoned(ms: number, zone: string = viewerZone(), locale?: string): string {
  return formatter(zone, locale, true).format(new Date(ms));
}

/** `23:15 CET`: the time of day only, for chart axes. */
export function formatZonedClock(ms: number, zone: string = viewerZone(), locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

/** `Times in Europe/Amsterdam (CET)`: the sentence each view shows once. */
export function zoneNote(ms: number, zone: string = viewerZone(), locale?: string): string {
  const part = formatter(zone, locale, false)
    .formatToParts(new Date(ms))
    .find((p) => p.type === 'timeZoneName');
  return part === undefined || part.value === zone ? `Times in ${zone}` : `Times in ${zone} (${part.value})`;
}
