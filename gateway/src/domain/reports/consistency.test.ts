import { describe, expect, it } from 'vitest';
import { consistencyCsv, consistencyRows, lagMin, median, monthsIn, weeksIn, type ConsistencyEvent, type ConsistencyFlag, type ConsistencyMilestone, type ConsistencyShipment } from './consistency.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const NOV = Date.UTC(2026, 10, 1);

/** A seeded generator (mulberry32): the same month every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generated November: 200 shipments on 2 carriers x 2 lanes, some shipped early, some claims contradicted. */
function month() {
  const rnd = random(20_261_101);
  const shipments: ConsistencyShipment[] = [];
  const flags: ConsistencyFlag[] = [];
  const events: ConsistencyEvent[] = [];
  const milestones: ConsistencyMilestone[] = [];
  const truth = new Map<string, { shipments: number; orders: number; early: number; claims: number; notCorroborated: number; hub: number; contradicted: number; lags: number[] }>();
  for (let i = 0; i < 200; i++) {
    const carrier = rnd() < 0.5 ? 'coldline' : 'polar';
    const lane = rnd() < 0.5 ? 'AMS-RTM' : 'AMS-LUX';
    const dep = NOV + Math.floor(rnd() * 29) * 24 * HOUR + 6 * HOUR;
    const id = `SH-${i}`;
    const orders = rnd() < 0.3 ? [`O-${i}-a`, `O-${i}-b`] : [`O-${i}`];
    shipments.push({ id, carrier, lane, plannedDepartureMs: dep, orders });
    const key = `${carrier} ${lane}`;
    const t = truth.get(key) ?? { shipments: 0, orders: 0, early: 0, claims: 0, notCorroborated: 0, hub: 0, contradicted: 0, lags: [] };
    truth.set(key, t);
    t.shipments += 1;
    t.orders += orders.length;
    if (rnd() < 0.2) {
      flags.push({ rule: 'claim/shipped-not-departed/30', shipment: id, figures: { orders: orders[0]!, shippedMs: dep - HOUR } });
      t.early += 1;
    }
    const arrive = dep + 5 * HOUR;
    milestones.push({ shipment: id, kind: 'arrived_destination', place: 'DC', atMs: arrive }, { shipment: id, kind: 'arrived_hub', place: 'HUB-1', atMs: dep + 2 * HOUR });
    const deliveredLag = Math.round((rnd() - 0.3) * 240);
    events.push({ shipment: id, timeMs: arrive + deliveredLag * MIN, delivered: true });
    t.claims += 1;
    t.lags.push(deliveredLag);
    if (rnd() < 0.1) {
      flags.push({ rule: 'claim/delivered/30', shipment: id, figures: { claims: 1 } });
      t.notCorroborated += 1;
    }
    if (rnd() < 0.6) {
      const hubLag = Math.round(rnd() * 90);
      events.push({ shipment: id, timeMs: dep + 2 * HOUR + hubLag * MIN, delivered: false, hub: 'HUB-1' });
      t.hub += 1;
      t.lags.push(hubLag);
      if (rnd() < 0.15) {
        flags.push({ rule: 'claim/hub/30', shipment: id, figures: { claims: 1, hub: 'HUB-1' } });
        t.contradicted += 1;
      }
    }
    // An event at no hub: neither counted nor paired.
    events.push({ shipment: id, timeMs: dep, delivered: false });
  }
  // A December shipment, outside the month asked for.
  shipments.push({ id: 'SH-DEC', carrier: 'coldline', lane: 'AMS-RTM', plannedDepartureMs: Date.UTC(2026, 11, 2), orders: ['O-DEC'] });
  flags.push({ rule: 'claim/shipped-not-departed/30', shipment: 'SH-DEC', figures: { orders: 'O-DEC' } });
  return { shipments, flags, events, milestones, truth };
}

describe('the consistency report of a generated month', () => {
  const m = month();
  const rows = consistencyRows({ ...m, periodOf: monthsIn('2026-11', '2026-12') });

  it('matches the numbers counted while the month was made', () => {
    expect(rows.map((r) => `${r.carrier} ${r.lane}`).sort()).toEqual([...m.truth.keys()].sort());
    for (const r of rows) {
      const t = m.truth.get(`${r.carrier} ${r.lane}`)!;
      const sorted = [...t.lags].sort((a, b) => a - b);
      const mid = sorted.length / 2;
      const expectedMedian = sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
      expect(r).toEqual({
        carrier: r.carrier, lane: r.lane, period: '2026-11', shipments: t.shipments, orders: t.orders, ordersShippedEarly: t.early,
        deliveryClaims: t.claims, deliveriesNotCorroborated: t.notCorroborated, hubEvents: t.hub, hubEventsContradicted: t.contradicted,
        lagPairs: t.lags.length, medianLagMin: Math.round(expectedMedian * 10) / 10,
      });
    }
    expect(rows.reduce((n, r) => n + r.shipments, 0)).toBe(200);
  });

  it('writes the same as CSV, one line a row, shares to three decimals', () => {
    const lines = consistencyCsv(rows).trim().split('\r\n');
    expect(lines).toHaveLength(rows.length + 1);
    const first = lines[1]!.split(',');
    const r = rows[0]!;
    expect(first.slice(0, 7)).toEqual([r.period, r.carrier, r.lane, String(r.shipments), String(r.orders), String(r.ordersShippedEarly), String(Math.round((r.ordersShippedEarly / r.orders) * 1000) / 1000)]);
  });
});

describe('the same month by ISO week (the weekly lane report)', () => {
  const m = month();
  const zone = 'Europe/Amsterdam';
  // Monday 26 Oct 2026 00:00 in Amsterdam (CET) to Monday 30 Nov 00:00: weeks 44 to 48, every November departure
  // (the last on the 29th), not the December one.
  const weekly = consistencyRows({ ...m, periodOf: weeksIn(Date.UTC(2026, 9, 25, 23), Date.UTC(2026, 10, 29, 23), zone) });

  it('cuts the month into the weeks of its departures, each counted once: the totals are the month\'s', () => {
    expect(new Set(weekly.map((r) => r.period))).toEqual(new Set(['2026-W44', '2026-W45', '2026-W46', '2026-W47', '2026-W48']));
    const monthly = consistencyRows({ ...m, periodOf: monthsIn('2026-11', '2026-12') });
    const sum = (rows: typeof weekly, k: 'shipments' | 'ordersShippedEarly' | 'deliveryClaims' | 'deliveriesNotCorroborated' | 'hubEvents' | 'hubEventsContradicted' | 'lagPairs') => rows.reduce((n, r) => n + r[k], 0);
    for (const k of ['shipments', 'ordersShippedEarly', 'deliveryClaims', 'deliveriesNotCorroborated', 'hubEvents', 'hubEventsContradicted', 'lagPairs'] as const) {
      expect([k, sum(weekly, k)]).toEqual([k, sum(monthly, k)]);
    }
    // One more week takes in the December shipment (Wednesday 2 Dec), in week 49 with its early-shipped order.
    const more = consistencyRows({ ...m, periodOf: weeksIn(Date.UTC(2026, 9, 25, 23), Date.UTC(2026, 11, 6, 23), zone) });
    expect(more.filter((r) => r.period === '2026-W49').map((r) => [r.carrier, r.shipments, r.ordersShippedEarly])).toEqual([['coldline', 1, 1]]);
  });

  it('cuts weeks in the viewer\'s zone: Sunday 23:30 UTC is Monday in Amsterdam', () => {
    const s = { id: 'S', carrier: 'c', lane: 'l', orders: ['O'], plannedDepartureMs: Date.UTC(2026, 10, 29, 23, 30) };
    const rows = (tz: string) => consistencyRows({ shipments: [s], flags: [], events: [], milestones: [], periodOf: weeksIn(Date.UTC(2026, 10, 1), Date.UTC(2026, 11, 31), tz) });
    expect(rows('UTC').map((r) => r.period)).toEqual(['2026-W48']);
    expect(rows(zone).map((r) => r.period)).toEqual(['2026-W49']);
    expect(consistencyCsv(rows(zone), 'week').split('\r\n')[0]).toMatch(/^week,carrier,lane,shipments,/);
  });
});

describe('pairing and medians', () => {
  it('pairs a carrier event with the nearest matching tracker milestone within a day', () => {
    const ms: ConsistencyMilestone[] = [
      { shipment: 'S', kind: 'arrived_destination', place: 'DC', atMs: 10 * HOUR },
      { shipment: 'S', kind: 'arrived_hub', place: 'H1', atMs: 4 * HOUR },
      { shipment: 'S', kind: 'arrived_hub', place: 'H2', atMs: 5 * HOUR },
    ];
    expect(lagMin({ shipment: 'S', timeMs: 10.5 * HOUR, delivered: true }, ms)).toBe(30);
    expect(lagMin({ shipment: 'S', timeMs: 4.5 * HOUR, delivered: false, hub: 'H2' }, ms)).toBe(-30);
    expect(lagMin({ shipment: 'T', timeMs: 10 * HOUR, delivered: true }, ms)).toBeUndefined();
    expect(lagMin({ shipment: 'S', timeMs: 35 * HOUR, delivered: true }, ms)).toBeUndefined();
    expect(lagMin({ shipment: 'S', timeMs: 4 * HOUR, delivered: false }, ms)).toBeUndefined();
  });

  it.each([[[], undefined], [[5], 5], [[3, 1, 2], 2], [[4, 1, 3, 2], 2.5]] as const)('median of %j is %s', (xs, m) => {
    expect(median(xs)).toBe(m);
  });
});
