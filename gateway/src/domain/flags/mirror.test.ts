import { describe, expect, it } from 'vitest';
import type { Flag, FlagEvent } from './types.js';
import { flagPoints, type FlagPoint } from './mirror.js';

const NOW = Date.UTC(2026, 2, 1, 10, 0, 0);
const MIN = 60_000;

const flag = (over: Partial<Flag> = {}, events: FlagEvent[] = [{ kind: 'raised', at: NOW - 20 * MIN, by: 'rules' }]): Flag => ({
  id: 'excursion/temperature/upper/8/consecutive/30@batch:VAX-2610', rule: 'excursion/temperature/upper/8/consecutive/30', params: {},
  subject: { kind: 'batch', id: 'VAX-2610' }, severity: 'major', title: 'temperature ≥ 8 °C for 30 min (consecutive)',
  startMs: NOW - 60 * MIN, endMs: NOW - 5 * MIN, metAtMs: NOW - 30 * MIN, active: true, episodes: [],
  figures: { totalBeyondMin: 55, max: 9.4 },
  related: { devices: ['S-B'], zones: ['Z-B'], batches: ['VAX-2610'], shipments: [], orders: ['O-1001', 'O-1002'] },
  state: 'open', withdrawn: false, raisedAt: NOW - 20 * MIN, updatedAt: events.at(-1)?.at ?? NOW, events, ...over,
});
const ctx = { sites: ['WH-2', 'WH-1'], publicUrl: 'https://ct.example.com/' };

describe('flagPoints', () => {
  const cases: { name: string; flag: Flag; events: FlagEvent['kind'][]; publicUrl?: string; expected: Partial<FlagPoint>[] }[] = [
    {
      name: 'writes a raised flag at the moment it was raised, with its subject, zone, sites, orders, figures and links',
      flag: flag(), events: ['raised'],
      expected: [{
        at: NOW - 20 * MIN, event: 'raised', flag: 'excursion/temperature/upper/8/consecutive/30@batch:VAX-2610', severity: 'major', tier: '2',
        subjectKind: 'batch', subjectId: 'VAX-2610', site: 'WH-1,WH-2', zone: 'Z-B', shipment: '', state: 'open', active: true,
        orders: 'O-1001,O-1002', batches: 'VAX-2610', devices: 'S-B', startMs: NOW - 60 * MIN, endMs: NOW - 5 * MIN, metAtMs: NOW - 30 * MIN,
        actor: 'rules', figures: { totalBeyondMin: 55, max: 9.4 }, notes: '',
        evidenceUrl: 'https://ct.example.com/#/orders/O-1001',
        flagUrl: 'https://ct.example.com/api/v1/flags/excursion%2Ftemperature%2Fupper%2F8%2Fconsecutive%2F30%40batch%3AVAX-2610',
      }],
    },
    {
      name: 'writes a person\'s acknowledgement at its own moment, with who and why',
      flag: flag({ state: 'acknowledged' }, [{ kind: 'raised', at: NOW - 20 * MIN, by: 'rules' }, { kind: 'acknowledged', at: NOW - 2 * MIN, by: 'qa', comment: 'moved to Z-C' }]),
      events: ['acknowledged'],
      expected: [{ at: NOW - 2 * MIN, event: 'acknowledged', state: 'acknowledged', actor: 'qa', comment: 'moved to Z-C' }],
    },
    {
      name: 'writes one point per event of a change, in order (raised then cleared in one evaluation)',
      flag: flag({ active: false }, [{ kind: 'raised', at: NOW, by: 'rules' }, { kind: 'cleared', at: NOW, by: 'rules' }]), events: ['raised', 'cleared'],
      expected: [{ at: NOW, event: 'raised', active: false }, { at: NOW, event: 'cleared', active: false }],
    },
    {
      name: 'marks a withdrawn flag withdrawn, whatever its lifecycle state',
      flag: flag({ withdrawn: true, state: 'acknowledged' }, [{ kind: 'raised', at: NOW - MIN, by: 'rules' }, { kind: 'withdrawn', at: NOW, by: 'rules' }]), events: ['withdrawn'],
      expected: [{ event: 'withdrawn', state: 'withdrawn', at: NOW }],
    },
    {
      name: 'names a shipment subject as its shipment, puts a tier-3 review in tier 3 and text figures in notes',
      flag: flag({
        id: 'tier3/carrier@carrier:Polar', rule: 'tier3/carrier', subject: { kind: 'shipment', id: 'S-9' }, severity: 'major',
        figures: { incidents: 3, carrier: 'Polar', window: Infinity },
        related: { devices: [], zones: [], batches: [], shipments: ['S-1'], orders: [] },
      }), events: ['raised'], publicUrl: '',
      expected: [{ shipment: 'S-1,S-9', zone: '', site: 'WH-1,WH-2', tier: '3', orders: '', figures: { incidents: 3 }, notes: 'carrier Polar; window Infinity',
        evidenceUrl: '/#/flags', flagUrl: '/api/v1/flags/tier3%2Fcarrier%40carrier%3APolar' }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const points = flagPoints([{ flag: c.flag, events: c.events }], () => ({ ...ctx, ...(c.publicUrl !== undefined ? { publicUrl: c.publicUrl } : {}) }));
      expect(points).toHaveLength(c.expected.length);
      c.expected.forEach((e, i) => expect(points[i]).toMatchObject(e));
      if (c.events.every((k) => c.flag.events.every((e) => e.kind !== k || e.comment === undefined))) for (const p of points) expect(p).not.toHaveProperty('comment');
    });
  }

  it('gives the same points for the same change every time (mirrored twice, stored once)', () => {
    const change = { flag: flag(), events: ['raised' as const] };
    expect(flagPoints([change], () => ctx)).toEqual(flagPoints([change], () => ctx));
  });
});
