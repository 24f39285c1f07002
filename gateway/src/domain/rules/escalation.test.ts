import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Episode, Flag, Subject } from '../flags/types.js';
import { incidentsOf, tier3Findings, type ShipmentInfo } from './escalation.js';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 10, 2);

const episode = (startMs: number, metAtMs = startMs, device = 'trk-1'): Episode => ({
  startMs, endMs: startMs + 10 * MIN, metAtMs, durationMs: 10 * MIN, device,
  firstOffending: { t: startMs, v: 9 }, lastOffending: { t: startMs + 5 * MIN, v: 9 }, min: 9, max: 9, twa: 9, mkt: 9,
});

interface FlagOpts {
  readonly episodes?: readonly Episode[];
  readonly startMs?: number;
  readonly metAtMs?: number;
  readonly batches?: readonly string[];
  readonly shipments?: readonly string[];
  readonly orders?: readonly string[];
  readonly withdrawn?: boolean;
}

function flag(rule: string, subject: Subject, o: FlagOpts = {}): Flag {
  const episodes = o.episodes ?? [];
  const startMs = o.startMs ?? episodes[0]?.startMs ?? T0;
  return {
    id: `${rule}@${subject.kind}:${subject.id}`, rule, params: {}, subject, severity: 'major', title: rule,
    startMs, endMs: startMs + 10 * MIN, metAtMs: o.metAtMs ?? episodes[0]?.metAtMs ?? startMs, active: false, episodes, figures: {},
    related: {
      devices: [], zones: [], batches: [...(o.batches ?? (subject.kind === 'batch' ? [subject.id] : []))],
      shipments: [...(o.shipments ?? (subject.kind === 'shipment' ? [subject.id] : []))], orders: [...(o.orders ?? [])],
    },
    state: 'open', withdrawn: o.withdrawn ?? false, raisedAt: 0, updatedAt: 0, events: [],
  };
}

const SHOCK = 'shock/shock.peak/50/instant';
const shock = (shipment: string, atMs: number, o: FlagOpts = {}): Flag => flag(SHOCK, { kind: 'shipment', id: shipment }, { episodes: [episode(atMs)], ...o });
const EXC = 'excursion/temperature/upper/8/instant';
const excursion = (batch: string, shipment: string, startMs: number, order: string): Flag =>
  flag(EXC, { kind: 'batch', id: batch }, { episodes: [episode(startMs, startMs, 'trk-7')], shipments: [shipment], orders: [order] });

const info = (id: string, carrier: string, lane = `L-${id}`, hubs: readonly string[] = []): ShipmentInfo => ({ id, carrier, lane, hubs });
/** Three shipments of one carrier, each on a lane and hub of its own. */
const COLDLINE = [info('S1', 'Coldline', 'L1', ['H1']), info('S2', 'Coldline', 'L2', ['H2']), info('S3', 'Coldline', 'L3', ['H3'])];

const tier3 = (flags: readonly Flag[], shipments: readonly ShipmentInfo[] = COLDLINE) => tier3Findings(incidentsOf(flags), shipments);

describe('incidentsOf', () => {
  it('counts the same excursion on 4 batches of one truck once, with all their batches and orders', () => {
    const flags = ['B1', 'B2', 'B3', 'B4'].map((b, i) => excursion(b, 'S1', T0, `O${i}`));
    const incidents = incidentsOf(flags);
    expect(incidents).toEqual([{
      key: `S1/excursion@${T0}`, atMs: T0, shipment: 'S1', flag: `${EXC}@batch:B1`, orders: ['O0', 'O1', 'O2', 'O3'], batches: ['B1', 'B2', 'B3', 'B4'],
    }]);
    // ... and the same warm spell judged as consecutive is the same incident, met at the earlier instant.
    const consecutive = flag('excursion/temperature/upper/8/consecutive/30', { kind: 'batch', id: 'B5' }, { episodes: [episode(T0, T0 + 30 * MIN)], shipments: ['S1'] });
    expect(incidentsOf([consecutive, ...flags])).toHaveLength(1);
  });

  it('counts a stop that is both unplanned and prolonged once, met when it became unplanned', () => {
    const s = { kind: 'shipment', id: 'S1' } as const;
    const unplanned = flag('unplanned-stop/200/30', s, { episodes: [episode(T0, T0 + 30 * MIN)] });
    const prolonged = flag('prolonged-stop/4h', s, { episodes: [episode(T0, T0 + 4 * H)] });
    expect(incidentsOf([prolonged, unplanned])).toEqual([{ key: `S1/stop@${T0}`, atMs: T0 + 30 * MIN, shipment: 'S1', flag: unplanned.id, orders: [], batches: [] }]);
    // A second stop later on is another incident.
    const two = flag('unplanned-stop/200/30', s, { episodes: [episode(T0, T0 + 30 * MIN), episode(T0 + DAY, T0 + DAY + 30 * MIN)] });
    expect(incidentsOf([two, prolonged]).map((i) => i.atMs)).toEqual([T0 + 30 * MIN, T0 + DAY + 30 * MIN]);
  });

  it('ignores withdrawn flags, shelf life, batches off any shipment and other subjects', () => {
    expect(incidentsOf([
      shock('S1', T0, { withdrawn: true }),
      flag('shelf-life/q10', { kind: 'batch', id: 'B1' }, { shipments: ['S1'] }),
      flag(EXC, { kind: 'batch', id: 'B2' }, { episodes: [episode(T0)], shipments: [] }),
      flag('tier3/carrier', { kind: 'carrier', id: 'Coldline' }, { shipments: ['S1'] }),
    ])).toEqual([]);
  });

  it('makes a batch event an incident of each of its shipments, and a flag without episodes one incident', () => {
    const f = flag('mkt/24h/8', { kind: 'batch', id: 'B1' }, { startMs: T0, metAtMs: T0 + DAY, shipments: ['S1', 'S2'] });
    const gap = flag('data-gap/1440', { kind: 'shipment', id: 'S3' }, { startMs: T0, metAtMs: T0 + DAY });
    expect(incidentsOf([f, gap]).map((i) => [i.key, i.atMs])).toEqual([
      [`S1/mkt@${T0}`, T0 + DAY], [`S2/mkt@${T0}`, T0 + DAY], [`S3/data-gap@${T0}`, T0 + DAY],
    ]);
  });
});

describe('tier3Findings', () => {
  it('finds nothing in 2 incidents', () => {
    expect(tier3([shock('S1', T0), shock('S2', T0 + DAY)])).toEqual([]);
  });

  it('flags a carrier with 3 incidents within 7 days, met at the third', () => {
    const found = tier3([shock('S1', T0, { orders: ['O1'], batches: ['B1'] }), shock('S2', T0 + DAY), shock('S3', T0 + 5 * DAY, { orders: ['O3'] })]);
    expect(found).toEqual([{
      rule: 'tier3/carrier', params: { minIncidents: 3, windowMs: 7 * DAY }, subject: { kind: 'carrier', id: 'Coldline' }, severity: 'major',
      title: 'carrier Coldline: 3 incidents within 7 days', startMs: T0, endMs: T0 + 5 * DAY, metAtMs: T0 + 5 * DAY, active: true, episodes: [],
      figures: { incidents: 3, shipments: 3 },
      related: { devices: [], zones: [], shipments: ['S1', 'S2', 'S3'], orders: ['O1', 'O3'], batches: ['B1'] },
    }]);
  });

  it('finds nothing in 3 incidents spread over 8 days, and counts exactly 7 days as within', () => {
    expect(tier3([shock('S1', T0), shock('S2', T0 + 4 * DAY), shock('S3', T0 + 8 * DAY)])).toEqual([]);
    expect(tier3([shock('S1', T0), shock('S2', T0 + 4 * DAY), shock('S3', T0 + 7 * DAY)])).toHaveLength(1);
    expect(tier3([shock('S1', T0), shock('S2', T0 + 4 * DAY), shock('S3', T0 + 7 * DAY + 1)])).toEqual([]);
  });

  it('counts the same excursion on 4 batches of one truck once', () => {
    const flags = [...['B1', 'B2', 'B3', 'B4'].map((b) => excursion(b, 'S1', T0, `O-${b}`)), shock('S2', T0 + DAY)];
    expect(tier3(flags)).toEqual([]);
    const found = tier3([...flags, shock('S3', T0 + 2 * DAY)]);
    expect(found.map((f) => [f.rule, f.figures.incidents])).toEqual([['tier3/carrier', 3]]);
    expect(found[0]!.related.batches).toEqual(['B1', 'B2', 'B3', 'B4']);
  });

  it('counts an unplanned and prolonged stop once', () => {
    const s = { kind: 'shipment', id: 'S1' } as const;
    const stop = [flag('unplanned-stop/200/30', s, { episodes: [episode(T0, T0 + 30 * MIN)] }), flag('prolonged-stop/4h', s, { episodes: [episode(T0, T0 + 4 * H)] })];
    expect(tier3([...stop, shock('S2', T0 + DAY)])).toEqual([]);
    expect(tier3([...stop, shock('S2', T0 + DAY), shock('S3', T0 + DAY)])[0]).toMatchObject({ metAtMs: T0 + DAY, startMs: T0 + 30 * MIN });
  });

  it('flags a hub shared by shipments of two carriers, not either carrier', () => {
    const shipments = [info('A1', 'Coldline', 'L1', ['HUB-X']), info('A2', 'Coldline', 'L2', ['HUB-X', 'H2']), info('B1', 'Frostway', 'L3', ['H3', 'HUB-X'])];
    const found = tier3([shock('A1', T0), shock('A2', T0 + DAY), shock('B1', T0 + 2 * DAY)], shipments);
    expect(found.map((f) => [f.rule, f.subject.id, f.title])).toEqual([['tier3/hub', 'HUB-X', 'hub HUB-X: 3 incidents within 7 days']]);
  });

  it('ignores withdrawn flags', () => {
    expect(tier3([shock('S1', T0), shock('S2', T0 + DAY), shock('S3', T0 + 2 * DAY, { withdrawn: true })])).toEqual([]);
  });

  it('spans the qualifying windows, counts the densest, and is cleared once the latest window is thin', () => {
    const times = [0, 1, 2, 3, 20, 21, 22, 40].map((d) => T0 + d * DAY);
    const found = tier3(times.map((t, i) => shock(`S${(i % 3) + 1}`, t)));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ startMs: T0, metAtMs: T0 + 2 * DAY, endMs: T0 + 22 * DAY, active: false, figures: { incidents: 4, shipments: 3 } });
    expect(tier3(times.slice(0, -1).map((t, i) => shock(`S${(i % 3) + 1}`, t)))[0]!.active).toBe(true);
  });

  it('takes its options and ignores incidents of unknown shipments', () => {
    const incidents = incidentsOf([shock('S1', T0), shock('S2', T0 + 2 * H), shock('S9', T0 + 3 * H)]);
    expect(tier3Findings(incidents, COLDLINE, { minIncidents: 2, windowMs: 2 * H })[0]).toMatchObject({ title: 'carrier Coldline: 2 incidents within 2 h', metAtMs: T0 + 2 * H });
    expect(tier3Findings(incidents, COLDLINE, { minIncidents: 2, windowMs: 2 * H - 1 })).toEqual([]);
    expect(() => tier3Findings(incidents, COLDLINE, { minIncidents: 0 })).toThrow(RangeError);
  });

  it('gives the same incidents and findings for the flags, incidents and shipments in any order', () => {
    const shipments = [...COLDLINE, info('S4', 'Frostway', 'L1', ['H1'])];
    const s1 = { kind: 'shipment', id: 'S1' } as const;
    const flags = [
      ...['B1', 'B2', 'B3'].map((b) => excursion(b, 'S1', T0, `O-${b}`)), shock('S2', T0 + DAY), shock('S4', T0 + DAY, { orders: ['O-4'] }),
      flag('unplanned-stop/200/30', s1, { episodes: [episode(T0 + 2 * DAY, T0 + 2 * DAY)] }), flag('prolonged-stop/4h', s1, { episodes: [episode(T0 + 2 * DAY, T0 + 2 * DAY)] }),
      shock('S3', T0 + 3 * DAY), shock('S4', T0 + 4 * DAY), shock('S4', T0 + 4 * DAY, { withdrawn: true }),
    ];
    const incidents = incidentsOf(flags);
    const expected = tier3Findings(incidents, shipments);
    expect(expected.map((f) => `${f.rule}:${f.subject.id}`)).toEqual(['tier3/carrier:Coldline', 'tier3/lane:L1', 'tier3/hub:H1']);
    const perm = <T>(xs: readonly T[]) => fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length });
    fc.assert(fc.property(perm(flags), perm(shipments), fc.nat({ max: 3 }), (fs, ss, dups) => {
      const again = incidentsOf(fs);
      expect(again).toEqual(incidents);
      // Incidents given in any order, some twice, count the same.
      expect(tier3Findings([...again, ...again.slice(0, dups)].reverse(), ss)).toEqual(expected);
    }), { numRuns: 100 });
  });
});
