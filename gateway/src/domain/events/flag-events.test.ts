import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Flag, FlagEvent } from '../flags/types.js';
import { eventKey, fillLink, flagEvents, type FlagChangeLike } from './flag-events.js';

const T = Date.UTC(2026, 0, 10, 8, 0, 0);
const ID = 'excursion/temperature/upper/8/consecutive/30@batch:VAX-2610';

const flag = (events: FlagEvent[], over: Partial<Flag> = {}): Flag => ({
  id: ID, rule: 'excursion/temperature/upper/8/consecutive/30', params: { value: 8 }, subject: { kind: 'batch', id: 'VAX-2610' },
  severity: 'major', title: 'temperature ≥ 8 °C for 30 min (consecutive)', startMs: T - 3_600_000, endMs: T - 600_000, metAtMs: T - 1_800_000,
  active: true, episodes: [], figures: { minutesBeyond: 50 },
  related: { devices: ['S-1'], zones: ['Z-1'], batches: ['VAX-2610'], shipments: [], orders: ['O-1', 'O 2'] },
  state: 'open', withdrawn: false, raisedAt: T, updatedAt: events.at(-1)?.at ?? T, events, ...over,
});
const ev = (kind: FlagEvent['kind'], at: number, by = 'rules', comment?: string): FlagEvent => ({ kind, at, by, ...(comment !== undefined ? { comment } : {}) });
const change = (f: Flag, events: FlagEvent['kind'][]): FlagChangeLike => ({ flag: f, events });

describe('flagEvents', () => {
  const cases: { name: string; changes: FlagChangeLike[]; expected: { type: string; at: number; actor: string; comment?: string }[] }[] = [
    { name: 'gives a raised flag one flag.raised at the moment it was raised',
      changes: [change(flag([ev('raised', T)]), ['raised'])], expected: [{ type: 'flag.raised', at: T, actor: 'rules' }] },
    { name: 'gives a flag raised already cleared two events of the same moment, in order',
      changes: [change(flag([ev('raised', T), ev('cleared', T)], { active: false }), ['raised', 'cleared'])],
      expected: [{ type: 'flag.raised', at: T, actor: 'rules' }, { type: 'flag.cleared', at: T, actor: 'rules' }] },
    { name: 'takes the newest event of each kind (an update after earlier updates)',
      changes: [change(flag([ev('raised', T), ev('updated', T + 1000), ev('updated', T + 2000), ev('reactivated', T + 2000)]), ['updated', 'reactivated'])],
      expected: [{ type: 'flag.updated', at: T + 2000, actor: 'rules' }, { type: 'flag.reactivated', at: T + 2000, actor: 'rules' }] },
    { name: 'carries who moved the flag and the comment',
      changes: [change(flag([ev('raised', T), ev('acknowledged', T + 5000, 'qa@example.com', 'on it')], { state: 'acknowledged' }), ['acknowledged'])],
      expected: [{ type: 'flag.acknowledged', at: T + 5000, actor: 'qa@example.com', comment: 'on it' }] },
    { name: 'gives withdrawn, reopened and resolved their own types',
      changes: [
        change(flag([ev('raised', T), ev('withdrawn', T + 1)], { withdrawn: true }), ['withdrawn']),
        change(flag([ev('raised', T), ev('resolved', T + 2, 'qa')], { state: 'resolved' }), ['resolved']),
        change(flag([ev('raised', T), ev('resolved', T + 2, 'qa'), ev('updated', T + 3), ev('reopened', T + 3)]), ['updated', 'reopened']),
      ],
      expected: [{ type: 'flag.withdrawn', at: T + 1, actor: 'rules' }, { type: 'flag.resolved', at: T + 2, actor: 'qa' },
        { type: 'flag.updated', at: T + 3, actor: 'rules' }, { type: 'flag.reopened', at: T + 3, actor: 'rules' }] },
    { name: 'falls back on the flag\'s last change when its history lacks the event',
      changes: [change(flag([ev('raised', T)], { updatedAt: T + 9 }), ['updated'])], expected: [{ type: 'flag.updated', at: T + 9, actor: 'rules' }] },
    { name: 'gives nothing for a change without events', changes: [change(flag([ev('raised', T)]), [])], expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = flagEvents(c.changes);
      expect(out.map((m) => ({ type: m.type, at: Date.parse(m.occurredAt), actor: m.actor, ...(m.comment !== undefined ? { comment: m.comment } : {}) }))).toEqual(c.expected);
      for (const m of out) expect(m.id).toBe(eventKey(m.flag.id, m.type.slice('flag.'.length) as FlagEvent['kind'], Date.parse(m.occurredAt)));
    });
  }

  it('describes the flag with its times in ms and ISO, its orders and a customer notice with a link per order', () => {
    const [m] = flagEvents([change(flag([ev('raised', T)]), ['raised'])], { linkTemplate: 'https://hub.example.com/o/{order}/flags/{flag}' });
    expect(m).toMatchObject({
      v: 1, type: 'flag.raised', occurredAt: '2026-01-10T08:00:00.000Z', orders: ['O-1', 'O 2'],
      flag: { id: ID, severity: 'major', state: 'open', active: true, startMs: T - 3_600_000, start: '2026-01-10T07:00:00.000Z',
        endMs: T - 600_000, end: '2026-01-10T07:50:00.000Z', metAtMs: T - 1_800_000, metAt: '2026-01-10T07:30:00.000Z', figures: { minutesBeyond: 50 } },
      notice: { orders: ['O-1', 'O 2'], what: 'temperature ≥ 8 °C for 30 min (consecutive)', since: '2026-01-10T07:30:00.000Z',
        links: [
          { order: 'O-1', url: `https://hub.example.com/o/O-1/flags/${encodeURIComponent(ID)}` },
          { order: 'O 2', url: `https://hub.example.com/o/O%202/flags/${encodeURIComponent(ID)}` },
        ] },
    });
    expect(flagEvents([change(flag([ev('raised', T)]), ['raised'])])[0]!.notice.links).toBeUndefined();
  });
});

describe('eventKey', () => {
  const table: { a: [string, FlagEvent['kind'], number]; b: [string, FlagEvent['kind'], number]; same: boolean }[] = [
    { a: [ID, 'raised', T], b: [ID, 'raised', T], same: true },
    { a: [ID, 'raised', T], b: [ID, 'cleared', T], same: false },
    { a: [ID, 'updated', T], b: [ID, 'updated', T + 1], same: false },
    { a: [ID, 'raised', T], b: [`${ID}x`, 'raised', T], same: false },
  ];
  it.each(table)('is the same key ($same) only for the same flag, kind and time: $a vs $b', ({ a, b, same }) => {
    expect(eventKey(...a) === eventKey(...b)).toBe(same);
  });

  it('is the sha256 of flag|kind|at shaped as a version 8 UUID', () => {
    const hex = createHash('sha256').update(`${ID}|raised|${T}`).digest('hex');
    const key = eventKey(ID, 'raised', T);
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(key.slice(0, 8)).toBe(hex.slice(0, 8));
    expect(key.slice(24)).toBe(hex.slice(20, 32));
  });
});

describe('fillLink', () => {
  it.each([
    { template: 'https://x/{order}', order: 'O-1', flag: 'f', url: 'https://x/O-1' },
    { template: 'https://x/{order}?f={flag}&again={order}', order: 'A/B', flag: 'r@batch:B', url: 'https://x/A%2FB?f=r%40batch%3AB&again=A%2FB' },
    { template: 'https://x/static', order: 'O-1', flag: 'f', url: 'https://x/static' },
  ])('fills $template', ({ template, order, flag: f, url }) => expect(fillLink(template, order, f)).toBe(url));
});
