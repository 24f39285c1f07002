import { describe, expect, it } from 'vitest';
import type { LaneConsistency, LaneReport } from '../web/src/api-lanes.js';
import { consistencyLines, heatLevel, rangeOf, heatmapOf, lanesHash, lanesQueryOf, lanesSummary, lastWeeks, mondayText } from '../web/src/model-lanes.js';
import { viewOf } from '../web/src/views.js';

const NOW = Date.parse('2027-01-08T12:00:00Z');

describe('lanes query', () => {
  it.each([
    ['#/lanes', { by: 'carrier', from: '2026-11-14', to: '2027-01-09' }],
    ['#/lanes?by=hub', { by: 'hub', from: '2026-11-14', to: '2027-01-09' }],
    ['#/lanes?by=lane&from=2026-12-21&to=2027-01-11', { by: 'lane', from: '2026-12-21', to: '2027-01-11' }],
    ['#/lanes?by=driver&from=2027-02-01&to=2027-01-11', { by: 'carrier', from: '2026-11-16', to: '2027-01-11' }],
    ['#/lanes?to=yesterday', { by: 'carrier', from: '2026-11-14', to: '2027-01-09' }],
  ])('reads %s', (hash, q) => {
    expect(lanesQueryOf(hash, NOW)).toEqual(q);
  });
  it('writes a hash it reads back, and routes it to the Lanes view', () => {
    const q = { by: 'hub', from: '2026-12-21', to: '2027-01-11' } as const;
    expect(lanesQueryOf(lanesHash(q), NOW)).toEqual(q);
    expect(viewOf(lanesHash(q), '')).toEqual({ kind: 'lanes' });
    expect(viewOf('#/lanes', '')).toEqual({ kind: 'lanes' });
    expect(viewOf('#/lanesX', '')).toEqual({ kind: 'live' });
  });
  it('sends the dates as midnight in the viewer\'s zone', () => {
    expect(rangeOf({ by: 'lane', from: '2026-12-21', to: '2027-01-11' })).toEqual({ from: new Date(2026, 11, 21).toISOString(), to: new Date(2027, 0, 11).toISOString() });
  });
  it('covers the last weeks up to today', () => {
    expect(lastWeeks('lane', 4, NOW)).toEqual({ by: 'lane', from: '2026-12-12', to: '2027-01-09' });
  });
});

describe('heatmap', () => {
  it.each([[0, 4, 0], [1, 4, 1], [2, 4, 2], [3, 4, 3], [4, 4, 4], [1, 10, 1], [6, 10, 3], [1, 1, 4], [3, 0, 0]] as const)('puts %i of a busiest %i at level %i', (n, max, level) => {
    expect(heatLevel(n, max)).toBe(level);
  });

  const REPORT: LaneReport = {
    by: 'carrier', tz: 'UTC', from: '2026-12-21T00:00:00.000Z', to: '2027-01-11T00:00:00.000Z',
    weeks: [{ key: '2026-W52', monday: '2026-12-21' }, { key: '2026-W53', monday: '2026-12-28' }, { key: '2027-W01', monday: '2027-01-04' }],
    rows: [
      { key: 'Coldline', total: 4, cells: [{ week: '2026-W53', incidents: 4, shipments: ['S1', 'S2'], flags: ['a', 'b'] }] },
      { key: 'Polar', total: 1, cells: [{ week: '2027-W01', incidents: 1, shipments: ['S4'], flags: ['c'] }] },
    ],
    reviews: [], consistency: [],
  };

  it('draws every week of every row, empty weeks as 0, in a grid', () => {
    const m = heatmapOf(REPORT, { cellW: 10, cellH: 5, labelW: 100, headH: 20, totalW: 30 });
    expect(m.columns.map((c) => `${c.short}@${c.x}`)).toEqual(['W52@100', 'W53@110', 'W01@120']);
    expect(m.rows.map((r) => r.cells.map((c) => `${c.count}/${c.level}@${c.x},${c.y}`))).toEqual([
      ['0/0@100,20', '4/4@110,20', '0/0@120,20'],
      ['0/0@100,25', '0/0@110,25', '1/1@120,25'],
    ]);
    expect([m.width, m.height]).toEqual([160, 30]);
    expect(m.rows[0]?.cells[1]?.label).toBe('Coldline, 2026-W53: 4 incidents (S1, S2)');
    expect(m.rows[1]?.cells[0]?.label).toBe('Polar, 2026-W52: 0 incidents');
  });

  it('names a week by its Monday and sums the report up', () => {
    expect(mondayText('2026-12-28')).toBe('28 Dec');
    expect(lanesSummary(REPORT)).toBe('2 carriers with incidents over 3 weeks, 0 tier 3 reviews.');
  });
});

describe('claims against evidence by week', () => {
  const row: LaneConsistency = { week: '2027-W01', carrier: 'Coldline', lane: 'AMS-MUC', shipments: 3, orders: 7, ordersShippedEarly: 2, deliveryClaims: 3, deliveriesNotCorroborated: 0, hubEvents: 0, hubEventsContradicted: 0, lagPairs: 2, medianLagMin: 12.5 };
  it.each<[string, LaneConsistency, string[], boolean]>([
    ['shares out of what was judged, a dash where nothing was, the lag signed', row, ['2027-W01', 'Coldline', 'AMS-MUC', '3', '2 of 7 (29 %)', '0 of 3 (0 %)', '–', '+12.5 min (2 events)'], true],
    ['all corroborated, the carrier early, one pairing', { ...row, ordersShippedEarly: 0, medianLagMin: -4, lagPairs: 1 }, ['2027-W01', 'Coldline', 'AMS-MUC', '3', '0 of 7 (0 %)', '0 of 3 (0 %)', '–', '-4 min (1 event)'], false],
    ['nothing paired', { week: '2027-W01', carrier: 'Coldline', lane: 'AMS-MUC', shipments: 3, orders: 7, ordersShippedEarly: 0, deliveryClaims: 3, deliveriesNotCorroborated: 0, hubEvents: 2, hubEventsContradicted: 1, lagPairs: 0 }, ['2027-W01', 'Coldline', 'AMS-MUC', '3', '0 of 7 (0 %)', '0 of 3 (0 %)', '1 of 2 (50 %)', '–'], true],
  ])('%s', (_name, r, cells, disagreed) => {
    expect(consistencyLines([r])).toEqual([{ key: '2027-W01 Coldline AMS-MUC', cells, disagreed }]);
  });
});
