import { describe, expect, it } from 'vitest';
import type { Incident, ShipmentInfo } from '../rules/escalation.js';
import { incidentsOf } from '../rules/escalation.js';
import type { Flag } from '../flags/types.js';
import { isTimeZone, isoWeekOf, isoWeeksBetween } from './iso-week.js';
import { laneWeeks } from './lane-weeks.js';

const at = (iso: string): number => Date.parse(iso);

describe('isoWeekOf', () => {
  // 2026 starts on a Thursday, so it has 53 ISO weeks; Europe/Amsterdam leaves CET for CEST on Sunday 2026-03-29.
  const TABLE: ReadonlyArray<readonly [string, string, string, string]> = [
    ['a Monday at midnight UTC', '2026-12-07T00:00:00Z', 'UTC', '2026-W50'],
    ['the Sunday before, a millisecond earlier', '2026-12-06T23:59:59.999Z', 'UTC', '2026-W49'],
    ['the Monday of week 1 in the year before', '2025-12-29T00:00:00Z', 'UTC', '2026-W01'],
    ['new year\'s eve in week 53', '2026-12-31T12:00:00Z', 'UTC', '2026-W53'],
    ['new year\'s day still in week 53 of the year before', '2027-01-01T12:00:00Z', 'UTC', '2026-W53'],
    ['the first Monday of 2027 in week 1', '2027-01-04T00:00:00Z', 'UTC', '2027-W01'],
    ['late Sunday in UTC is Monday in Amsterdam: week 1', '2027-01-03T23:30:00Z', 'Europe/Amsterdam', '2027-W01'],
    ['early Monday in UTC is Sunday in New York: week 53', '2027-01-04T03:00:00Z', 'America/New_York', '2026-W53'],
    ['the DST Sunday night in Amsterdam, 23:59 CEST', '2026-03-29T21:59:59.999Z', 'Europe/Amsterdam', '2026-W13'],
    ['the Monday after the DST change, 00:00 CEST', '2026-03-29T22:00:00Z', 'Europe/Amsterdam', '2026-W14'],
    ['the same instant in UTC, still Sunday', '2026-03-29T22:00:00Z', 'UTC', '2026-W13'],
    ['the autumn change (Sunday 25 Oct 2026, 25 hours long), 23:30 CET', '2026-10-25T22:30:00Z', 'Europe/Amsterdam', '2026-W43'],
    ['half an hour later, Monday 00:00 CET', '2026-10-25T23:00:00Z', 'Europe/Amsterdam', '2026-W44'],
    ['a half-hour zone: Monday 00:00 IST', '2026-12-06T18:30:00Z', 'Asia/Kolkata', '2026-W50'],
  ];
  it.each(TABLE)('puts %s (%s in %s) in %s', (_name, instant, zone, week) => {
    expect(isoWeekOf(at(instant), zone).key).toBe(week);
  });

  it('names the local Monday of the week', () => {
    expect(isoWeekOf(at('2027-01-03T12:00:00Z'), 'UTC')).toEqual({ year: 2026, week: 53, key: '2026-W53', monday: '2026-12-28' });
  });

  it('knows IANA zones and refuses others', () => {
    expect(isTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('isoWeeksBetween', () => {
  it('lists every week of a half-open range across the year boundary', () => {
    expect(isoWeeksBetween(at('2026-12-20T00:00:00Z'), at('2027-01-11T00:00:00Z'), 'UTC').map((w) => w.key))
      .toEqual(['2026-W51', '2026-W52', '2026-W53', '2027-W01']);
  });
  it('lists none for an empty range and one for a single instant', () => {
    expect(isoWeeksBetween(5, 5, 'UTC')).toEqual([]);
    expect(isoWeeksBetween(at('2026-12-09T00:00:00Z'), at('2026-12-09T00:00:00Z') + 1, 'UTC').map((w) => w.key)).toEqual(['2026-W50']);
  });
  it('cuts the weeks in the zone given', () => {
    const from = at('2026-03-29T22:00:00Z');
    expect(isoWeeksBetween(from, from + 3 * 3_600_000, 'UTC').map((w) => w.key)).toEqual(['2026-W13', '2026-W14']);
    expect(isoWeeksBetween(from, from + 3 * 3_600_000, 'Europe/Amsterdam').map((w) => w.key)).toEqual(['2026-W14']);
  });
});

const inc = (key: string, shipment: string, iso: string, flag = `f-${key}`): Incident => ({ key, atMs: at(iso), shipment, flag, orders: [], batches: [] });
const SHIPMENTS: ShipmentInfo[] = [
  { id: 'S1', carrier: 'Coldline', lane: 'AMS-MUC', hubs: ['HUB-A'] },
  { id: 'S2', carrier: 'Coldline', lane: 'AMS-PAR', hubs: ['HUB-A', 'HUB-B'] },
  { id: 'S3', carrier: 'Polar', lane: 'AMS-MUC', hubs: [] },
];
const RANGE = { fromMs: at('2026-12-21T00:00:00Z'), toMs: at('2027-01-11T00:00:00Z'), zone: 'UTC' } as const;

describe('laneWeeks', () => {
  const INCIDENTS = [
    inc('S1/shock@1', 'S1', '2026-12-22T10:00:00Z'),
    inc('S1/stop@2', 'S1', '2026-12-31T10:00:00Z'),
    inc('S2/excursion@3', 'S2', '2027-01-01T10:00:00Z'),
    inc('S3/shock@4', 'S3', '2027-01-05T10:00:00Z'),
    inc('S9/shock@5', 'S9', '2027-01-05T10:00:00Z'), // no such shipment
    inc('S1/shock@6', 'S1', '2026-12-20T23:59:59Z'), // before the range
    inc('S1/shock@7', 'S1', '2027-01-11T00:00:00Z'), // at its end: out
  ];
  const cells = (by: 'carrier' | 'lane' | 'hub', zone = 'UTC') =>
    laneWeeks(INCIDENTS, SHIPMENTS, { ...RANGE, by, zone }).rows.map((r) => `${r.key}: ${r.cells.map((c) => `${c.week}=${c.incidents}`).join(' ')}`);

  it('counts incidents per carrier and ISO week, week 53 holding new year\'s day', () => {
    expect(cells('carrier')).toEqual(['Coldline: 2026-W52=1 2026-W53=2', 'Polar: 2027-W01=1']);
  });
  it('counts per lane', () => {
    expect(cells('lane')).toEqual(['AMS-MUC: 2026-W52=1 2026-W53=1 2027-W01=1', 'AMS-PAR: 2026-W53=1']);
  });
  it('counts a shipment through two hubs in each, and none for one through no hub', () => {
    expect(cells('hub')).toEqual(['HUB-A: 2026-W52=1 2026-W53=2', 'HUB-B: 2026-W53=1']);
  });
  it('names the shipments and flags behind a cell, and lists every week of the range as a column', () => {
    const r = laneWeeks(INCIDENTS, SHIPMENTS, { ...RANGE, by: 'carrier' });
    expect(r.weeks.map((w) => w.key)).toEqual(['2026-W52', '2026-W53', '2027-W01']);
    expect(r.rows[0]).toEqual({ key: 'Coldline', total: 3, cells: [
      { week: '2026-W52', incidents: 1, shipments: ['S1'], flags: ['f-S1/shock@1'] },
      { week: '2026-W53', incidents: 2, shipments: ['S1', 'S2'], flags: ['f-S1/stop@2', 'f-S2/excursion@3'] },
    ] });
  });
  it('counts an incident given twice once', () => {
    const twice = [inc('S1/shock@1', 'S1', '2026-12-22T10:00:00Z'), inc('S1/shock@1', 'S1', '2026-12-22T10:00:00Z', 'other')];
    expect(laneWeeks(twice, SHIPMENTS, { ...RANGE, by: 'carrier' }).rows[0]?.total).toBe(1);
  });
  it('moves an incident late on a Sunday in UTC into the next week in Amsterdam', () => {
    const late = [inc('S3/shock@9', 'S3', '2027-01-03T23:30:00Z')];
    expect(laneWeeks(late, SHIPMENTS, { ...RANGE, by: 'carrier' }).rows[0]?.cells[0]?.week).toBe('2026-W53');
    expect(laneWeeks(late, SHIPMENTS, { ...RANGE, by: 'carrier', zone: 'Europe/Amsterdam' }).rows[0]?.cells[0]?.week).toBe('2027-W01');
  });

  it('counts one anomaly seen on two batches and by two shock rules once, as tier 3 does', () => {
    const base = {
      params: {}, severity: 'major', title: '', endMs: 0, active: false, figures: {}, state: 'open', withdrawn: false, raisedAt: 0, updatedAt: 0, events: [],
    } as const;
    const ep = { startMs: at('2026-12-22T10:00:00Z'), metAtMs: at('2026-12-22T10:00:00Z') };
    const rel = (batches: string[]) => ({ devices: [], zones: [], shipments: ['S1'], orders: [], batches });
    const flag = (id: string, rule: string, kind: 'shipment' | 'batch', subject: string, batches: string[]): Flag =>
      ({ ...base, id, rule, subject: { kind, id: subject }, startMs: ep.startMs, metAtMs: ep.metAtMs, episodes: [], related: rel(batches) });
    const flags = [
      flag('a', 'shock/shock.peak/25/instant', 'shipment', 'S1', ['B1', 'B2']),
      flag('b', 'shock/shock.peak/50/instant', 'shipment', 'S1', ['B1', 'B2']),
      flag('c', 'excursion/temperature/upper/8/instant', 'batch', 'B1', ['B1']),
      flag('d', 'excursion/temperature/upper/8/instant', 'batch', 'B2', ['B2']),
    ];
    const r = laneWeeks(incidentsOf(flags), SHIPMENTS, { ...RANGE, by: 'carrier' });
    expect(r.rows[0]?.cells).toEqual([{ week: '2026-W52', incidents: 2, shipments: ['S1'], flags: ['a', 'c'] }]);
  });
});
