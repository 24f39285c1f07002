/**
 * The two subjects the throughput part judges, as the gateway's rule inputs (services/rule-inputs.ts builds the same
 * from the store): a batch of a pharma-2-8 product with a shelf-life model, 7 days of 60 s readings over 3 custody legs
 * (a cold room with 2 sensors, a truck with its tracker, the destination's cold room with 2 sensors), and a shipment
 * with 2 days of 30 s tracker readings (temperature, shock, vibration, free fall, GPS). Both hold what happens on real
 * runs: defrost bumps and door openings, a warm spell in transit, a cold dip, shocks, stops, a detour, a silence.
 */
import { DAY, HOUR, MIN, coldRoomTemperature, motion, truckTrack, type Spell } from './signals.js';
import { hold, maxGapMs, productPreset, type BatchInput, type KnownPlace, type LatLon, type LegSeries, type Product, type Sample, type ShipmentInput } from './gateway-domain.js';

/** 2026-11-01T00:00:00Z: the scenarios' first instant (a fixed time: the same series on every run). */
export const T0 = Date.UTC(2026, 10, 1);

/** One sensor's raw readings of one metric over one custody leg: what the store returns for it. */
export interface RawSeries {
  readonly device: string;
  readonly metric: string;
  readonly location: { readonly kind: 'zone' | 'shipment'; readonly id: string };
  readonly placement: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly intervalS: number;
  readonly samples: readonly Sample[];
}

/** pharma-2-8 with an Arrhenius shelf-life model (2 years at 5 °C), as docs/registry.md's example product. */
export function pharmaProduct(): Product {
  const preset = productPreset('pharma-2-8');
  if (preset === undefined) throw new Error('the gateway has no pharma-2-8 preset');
  return { id: 'vaccine-10', name: 'Vaccine, 10-dose vial', ...preset.profile, shelfLife: { model: 'arrhenius', refTempC: 5, refLifeDays: 730, eaKJPerMol: 83.144 } };
}

export const ROUTE: readonly LatLon[] = [{ lat: 51.9225, lon: 4.4792 }, { lat: 50.9375, lon: 6.9603 }, { lat: 48.1351, lon: 11.582 }];
const circle = (c: LatLon, radiusM: number) => ({ kind: 'circle' as const, center: c, radiusM });
export const KNOWN: readonly KnownPlace[] = [
  { id: 'SITE-RTM', kind: 'origin', geofence: circle(ROUTE[0]!, 600) },
  { id: 'HUB-CGN', kind: 'hub', geofence: circle(ROUTE[1]!, 1000) },
  { id: 'SITE-MUC', kind: 'destination', geofence: circle(ROUTE[2]!, 600) },
];

/** The batch: raw series per sensor and leg (temperature: the only metric pharma-2-8's rules read). */
export function batchScenario(): RawSeries[] {
  const legs = [
    { placement: 'PL-B-0', location: { kind: 'zone' as const, id: 'SITE-RTM-COLD-1' }, fromMs: T0, toMs: T0 + 3 * DAY, devices: ['zs-rtm-1', 'zs-rtm-2'] },
    { placement: 'PL-B-1', location: { kind: 'shipment' as const, id: 'SH-1' }, fromMs: T0 + 3 * DAY, toMs: T0 + 4 * DAY, devices: ['trk-1'] },
    { placement: 'PL-B-2', location: { kind: 'zone' as const, id: 'SITE-MUC-COLD-2' }, fromMs: T0 + 4 * DAY, toMs: T0 + 7 * DAY, devices: ['zs-muc-1', 'zs-muc-2'] },
  ];
  // A reefer unit failing for 45 min in transit (a consecutive-30 min excursion) and a cold dip at the coil.
  const spells: Record<string, Spell[]> = {
    'trk-1': [{ fromMs: T0 + 3 * DAY + 8 * HOUR, toMs: T0 + 3 * DAY + 8 * HOUR + 45 * MIN, value: 9.6 }],
    'zs-muc-2': [{ fromMs: T0 + 5 * DAY + 2 * HOUR, toMs: T0 + 5 * DAY + 2 * HOUR + 20 * MIN, value: 1.4 }],
  };
  return legs.flatMap((leg, i) => leg.devices.map((device, j) => ({
    device, metric: 'temperature', location: leg.location, placement: leg.placement, fromMs: leg.fromMs, toMs: leg.toMs, intervalS: 60,
    samples: coldRoomTemperature({ fromMs: leg.fromMs, toMs: leg.toMs, stepMs: MIN, setC: 5, seed: 100 + 10 * i + j, spells: spells[device] ?? [] }),
  })));
}

export interface ShipmentScenario {
  readonly transit: RawSeries[];
  readonly lat: RawSeries;
  readonly lon: RawSeries;
  readonly fromMs: number;
  readonly toMs: number;
}

/** The shipment: one tracker, 30 s, 2 days from Rotterdam via a Cologne hub to Munich. */
export function shipmentScenario(): ShipmentScenario {
  const [fromMs, toMs] = [T0 + 3 * DAY, T0 + 5 * DAY];
  const step = 30_000;
  const { lat, lon } = truckTrack({
    departMs: fromMs, toMs, stepMs: step, route: ROUTE, speedKmh: 75, seed: 7, hubWaitMs: 8 * HOUR,
    stops: [[2 * HOUR, 45 * MIN], [13 * HOUR, 5 * HOUR]], detour: [1 * HOUR, 15 * MIN],
  });
  const shocks: [number, number][] = [[fromMs + 5 * MIN, 31], [fromMs + 4 * HOUR, 27], [fromMs + 17 * HOUR, 56], [toMs - 30 * MIN, 29]];
  const { shock, vibration } = motion(lat, lon, 8, shocks);
  // A rough road: 8 min above 0.73 Grms.
  const rough = vibration.map((s) => (s.t >= fromMs + 90 * MIN && s.t < fromMs + 98 * MIN ? { t: s.t, v: 0.95 } : s));
  const temperature = coldRoomTemperature({ fromMs, toMs, stepMs: step, setC: 5, seed: 9, lossShare: 0 });
  const freefall = [{ t: fromMs + 26 * HOUR, v: 180 }, { t: fromMs + 40 * HOUR, v: 60 }];
  // 40 min without coverage: nothing arrives (a data gap).
  const silent = (s: Sample): boolean => s.t < fromMs + 30 * HOUR || s.t >= fromMs + 30 * HOUR + 40 * MIN;
  const series = (metric: string, samples: readonly Sample[]): RawSeries => ({
    device: 'trk-1', metric, location: { kind: 'shipment', id: 'SH-1' }, placement: 'PL-trk-1', fromMs, toMs, intervalS: 30, samples: samples.filter(silent),
  });
  return {
    transit: [series('temperature', temperature), series('shock.peak', shock), series('vibration.grms', rough), series('freefall.duration', freefall)],
    lat: series('gps.lat', lat), lon: series('gps.lon', lon), fromMs, toMs,
  };
}

/** A raw series held (step-hold, max gap 3 × the interval) as the rules take it. */
export function held(r: RawSeries): LegSeries {
  return { device: r.device, location: r.location, placement: r.placement, metric: r.metric, held: hold(r.samples, r.fromMs, r.toMs, maxGapMs(r.intervalS)).held };
}

export function batchInput(raw: readonly RawSeries[], product: Product): BatchInput {
  return {
    batch: 'B-1', product, series: raw.map(held), nowMs: T0 + 7 * DAY,
    orders: [{ id: 'ORD-1', promisedDeliveryMs: T0 + 8 * DAY, minRemainingShelfLifeDays: 180 }, { id: 'ORD-2', promisedDeliveryMs: T0 + 9 * DAY, minRemainingShelfLifeDays: 365 }],
  };
}

export function shipmentInput(s: ShipmentScenario): ShipmentInput {
  const transit = s.transit.filter((r) => r.metric !== 'temperature');
  const heartbeats: number[] = [];
  for (const r of [...s.transit, s.lat, s.lon]) for (const x of r.samples) heartbeats.push(x.t);
  return {
    shipment: 'SH-1', series: transit.map(held), heartbeats, legs: [{ fromMs: s.fromMs, toMs: s.toMs }], gapThresholdMin: 30,
    orders: ['ORD-1', 'ORD-2'], batches: ['B-1'], nowMs: s.toMs,
  };
}

export const RELATED = { devices: ['trk-1'], zones: [], batches: ['B-1'], shipments: ['SH-1'], orders: ['ORD-1', 'ORD-2'] };
