import { describe, expect, it } from 'vitest';
import type { Flag, FlagEvent } from '../flags/types.js';
import { alertName, alertOf, fingerprint, isFiring, resolvedAlert, tierOf, type AlertContext } from './alertmanager.js';

const NOW = Date.UTC(2026, 2, 1, 10, 0, 0);
const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

const flag = (over: Partial<Flag> = {}, events: FlagEvent[] = [{ kind: 'raised', at: NOW - 20 * MIN, by: 'rules' }]): Flag => ({
  id: 'excursion/temperature/upper/8/consecutive/30@batch:VAX-2610', rule: 'excursion/temperature/upper/8/consecutive/30', params: {},
  subject: { kind: 'batch', id: 'VAX-2610' }, severity: 'major', title: 'temperature ≥ 8 °C for 30 min (consecutive)',
  startMs: NOW - 60 * MIN, endMs: NOW - 5 * MIN, metAtMs: NOW - 30 * MIN, active: true, episodes: [],
  figures: { totalBeyondMin: 55, max: 9.4 },
  related: { devices: ['S-B'], zones: ['Z-B'], batches: ['VAX-2610'], shipments: [], orders: ['O-1001', 'O 1002'] },
  state: 'open', withdrawn: false, raisedAt: NOW - 20 * MIN, updatedAt: events.at(-1)?.at ?? NOW, events, ...over,
});
const ctx: AlertContext = { now: NOW, validForMs: 4 * MIN, sites: ['WH-1'], publicUrl: 'https://ct.example.com/' };

describe('alertOf', () => {
  const cases: { name: string; flag: Flag; ctx?: Partial<AlertContext>; startsAt: number; endsAt: number; firing: boolean; state: string }[] = [
    { name: 'fires an open flag from the moment its condition was met, valid for the re-send window',
      flag: flag(), startsAt: NOW - 30 * MIN, endsAt: NOW + 4 * MIN, firing: true, state: 'open' },
    { name: 'keeps an acknowledged flag firing (a person knows; the condition still holds)',
      flag: flag({ state: 'acknowledged' }), startsAt: NOW - 30 * MIN, endsAt: NOW + 4 * MIN, firing: true, state: 'acknowledged' },
    { name: 'resolves a cleared flag at the end of its last offending stretch',
      flag: flag({ active: false }), startsAt: NOW - 30 * MIN, endsAt: NOW - 5 * MIN, firing: false, state: 'open' },
    { name: 'resolves a flag a person resolved at the moment they did',
      flag: flag({ state: 'resolved' }, [{ kind: 'raised', at: NOW - 20 * MIN, by: 'rules' }, { kind: 'resolved', at: NOW - 2 * MIN, by: 'qa' }]),
      startsAt: NOW - 30 * MIN, endsAt: NOW - 2 * MIN, firing: false, state: 'resolved' },
    { name: 'resolves a withdrawn flag at its withdrawal',
      flag: flag({ withdrawn: true }, [{ kind: 'raised', at: NOW - 20 * MIN, by: 'rules' }, { kind: 'withdrawn', at: NOW - MIN, by: 'rules' }]),
      startsAt: NOW - 30 * MIN, endsAt: NOW - MIN, firing: false, state: 'withdrawn' },
    { name: 'never ends an alert before it starts (Alertmanager refuses that)',
      flag: flag({ active: false, endMs: NOW - 40 * MIN }), startsAt: NOW - 30 * MIN, endsAt: NOW - 30 * MIN, firing: false, state: 'open' },
    { name: 'never starts or ends an alert after now (a device clock ahead)',
      flag: flag({ active: false, metAtMs: NOW + 10 * MIN, endMs: NOW + 20 * MIN }), startsAt: NOW, endsAt: NOW, firing: false, state: 'open' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = alertOf(c.flag, { ...ctx, ...c.ctx });
      expect(isFiring(c.flag)).toBe(c.firing);
      expect({ startsAt: a.startsAt, endsAt: a.endsAt, state: a.annotations['state'] }).toEqual({ startsAt: iso(c.startsAt), endsAt: iso(c.endsAt), state: c.state });
    });
  }

  it('labels what a team routes on, and only what stays the same while the flag lives', () => {
    expect(alertOf(flag(), ctx).labels).toEqual({
      alertname: 'ColdtraceExcursion', source: 'coldtrace', rule: 'excursion/temperature/upper/8/consecutive/30', severity: 'major', tier: '2',
      subject_kind: 'batch', subject_id: 'VAX-2610', zone: 'Z-B', site: 'WH-1',
    });
    // Figures, state and times change at every evaluation: they are annotations, so the alert keeps its identity.
    expect(alertOf(flag({ figures: { totalBeyondMin: 70 }, state: 'acknowledged', endMs: NOW }), ctx).labels).toEqual(alertOf(flag(), ctx).labels);
  });

  it('leaves out the place when none is known', () => {
    const labels = alertOf(flag({ subject: { kind: 'shipment', id: 'SH-1' }, related: { devices: [], zones: [], batches: [], shipments: ['SH-1'], orders: [] } }), { ...ctx, sites: [] }).labels;
    expect(labels).not.toHaveProperty('zone');
    expect(labels).not.toHaveProperty('site');
    expect(labels['subject_kind']).toBe('shipment');
  });

  it('names the zone of a zone subject', () => {
    expect(alertOf(flag({ subject: { kind: 'zone', id: 'Z-A' }, related: { devices: [], zones: [], batches: [], shipments: [], orders: [] } }), ctx).labels['zone']).toBe('Z-A');
  });

  it('annotates the title, the numbers, the orders at risk and the evidence links', () => {
    const a = alertOf(flag(), ctx);
    expect(a.annotations).toMatchObject({
      summary: 'temperature ≥ 8 °C for 30 min (consecutive) (batch VAX-2610)',
      flag_id: 'excursion/temperature/upper/8/consecutive/30@batch:VAX-2610',
      orders: 'O-1001, O 1002', batches: 'VAX-2610', devices: 'S-B', active: 'true',
      evidence_url: 'https://ct.example.com/api/v1/flags/excursion%2Ftemperature%2Fupper%2F8%2Fconsecutive%2F30%40batch%3AVAX-2610',
      dashboard_url: 'https://ct.example.com/#/orders/O-1001',
      order_urls: 'https://ct.example.com/#/orders/O-1001\nhttps://ct.example.com/#/orders/O%201002',
    });
    expect(a.annotations['description']).toContain('totalBeyondMin 55, max 9.4');
    expect(a.annotations['description']).toContain(`Condition met at ${iso(NOW - 30 * MIN)}`);
    expect(a.annotations['description']).toContain('Orders at risk: O-1001, O 1002.');
    expect(a.generatorURL).toBe(a.annotations['evidence_url']);
  });

  it('gives no links without a public URL', () => {
    const a = alertOf(flag(), { now: NOW, validForMs: MIN, sites: [] });
    expect(a).not.toHaveProperty('generatorURL');
    expect(a.annotations).not.toHaveProperty('evidence_url');
  });
});

describe('alertName and tierOf', () => {
  const cases: [string, Flag['severity'], string, string][] = [
    ['excursion/temperature/upper/8/instant', 'major', 'ColdtraceExcursion', '2'],
    ['shelf-life/q10', 'warning', 'ColdtraceShelfLife', '1'],
    ['shelf-life/q10', 'critical', 'ColdtraceShelfLife', '2'],
    ['data-gap/zone', 'warning', 'ColdtraceDataGap', '1'],
    ['mkt/24h/8', 'major', 'ColdtraceMkt', '2'],
    ['free-fall/freefall.duration/100/instant', 'major', 'ColdtraceFreeFall', '2'],
    ['vibration/vibration.grms/0.73/consecutive/5', 'warning', 'ColdtraceVibration', '1'],
    ['clock-skew/5', 'warning', 'ColdtraceClockSkew', '1'],
    ['tier3/carrier', 'major', 'ColdtraceTier3', '3'],
  ];
  for (const [rule, severity, name, tier] of cases) {
    it(`names ${rule} (${severity}) ${name}, tier ${tier}`, () => {
      expect(alertName(rule)).toBe(name);
      expect(tierOf({ rule, severity })).toBe(tier);
    });
  }
});

describe('resolvedAlert and fingerprint', () => {
  it('ends an alert known by its labels now, never before it started', () => {
    expect(resolvedAlert({ a: '1' }, iso(NOW - MIN), NOW)).toEqual({ labels: { a: '1' }, annotations: {}, startsAt: iso(NOW - MIN), endsAt: iso(NOW) });
    expect(resolvedAlert({ a: '1' }, iso(NOW + MIN), NOW).endsAt).toBe(iso(NOW + MIN));
  });
  it('gives the same labels in any order the same fingerprint, and other labels another', () => {
    expect(fingerprint({ a: '1', b: '2' })).toBe(fingerprint({ b: '2', a: '1' }));
    expect(fingerprint({ a: '1', b: '2' })).not.toBe(fingerprint({ a: '1', b: '3' }));
  });
});
