/**
 * "Warehouse day": a distribution centre's last 12 hours. Two cold rooms (2-8 °C) and an ambient store follow a
 * daily curve; doors open now and then (the air at the sensor passes 8 °C for minutes, shorter than the 30 min
 * delay of the pharma 2-8 °C preset: no flag); cold room B's HVAC fails for 100 minutes (beyond 8 °C for much
 * longer than the delay: a flag on every batch in the room, on their orders). A batch moved out of room B before the
 * failure is not flagged (custody in time). docs/scenarios.md.
 */
import { seededRandom } from '../random.js';
import { firstConsecutive, grid, jitter, rounded, type TimedValue } from './series.js';
import { HOUR_MS, iso, MINUTE_MS, minuteAligned, type ExpectedFlag, type LiveSeries, type Scenario, type ScenarioOptions, type ScenarioReading } from './types.js';

const WINDOW_MS = 12 * HOUR_MS;
const INTERVAL_MS = MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** pharma-2-8 (docs/domain.md §8): upper 8 °C, consecutive 30 min; max gap 3 × the 60 s interval. */
const UPPER_C = 8;
const DELAY_MS = 30 * MINUTE_MS;
const MAX_GAP_MS = 3 * INTERVAL_MS;
export const WAREHOUSE_RULE = `excursion/temperature/upper/${UPPER_C}/consecutive/30`;

interface Room {
  readonly zone: string;
  readonly sensor: string;
  readonly door?: string;
  readonly baseC: number;
  readonly ampC: number;
  readonly baseRH: number;
  readonly seed: number;
}

const ROOMS: readonly Room[] = [
  { zone: 'wd-cold-a', sensor: 'wd-cold-a-1', door: 'wd-door-a', baseC: 5, ampC: 0.8, baseRH: 80, seed: 11 },
  { zone: 'wd-cold-b', sensor: 'wd-cold-b-1', door: 'wd-door-b', baseC: 5, ampC: 0.6, baseRH: 82, seed: 12 },
  { zone: 'wd-ambient', sensor: 'wd-ambient-1', baseC: 21, ampC: 2.5, baseRH: 45, seed: 13 },
];

/** Door openings: room, start after the window's start, minutes open. */
const DOORS: readonly { zone: string; afterMs: number; minutes: number }[] = [
  { zone: 'wd-cold-b', afterMs: 1.5 * HOUR_MS, minutes: 8 },
  { zone: 'wd-cold-a', afterMs: 2 * HOUR_MS, minutes: 7 },
  { zone: 'wd-cold-a', afterMs: 5.5 * HOUR_MS, minutes: 10 },
  { zone: 'wd-cold-a', afterMs: 9 * HOUR_MS, minutes: 12 },
];
/** Room B's HVAC fails this long after the window's start and is repaired after `minutes`. */
const HVAC = { zone: 'wd-cold-b', afterMs: 6 * HOUR_MS, minutes: 100, riseC: 7 };
/** Batch WD-VAX-B3 leaves room B for room A this long after the start: two hours before the failure. */
const MOVE_AFTER_MS = 4 * HOUR_MS;

/** The room's undisturbed air: warmest at 15:00 UTC (afternoon picking), plus the sensor's noise at that minute. */
function curve(room: Room, t: number): number {
  const hour = (t % DAY_MS) / HOUR_MS;
  return room.baseC + room.ampC * Math.sin((2 * Math.PI * (hour - 9)) / 24) + jitter(seededRandom(room.seed * 1_000_003 + Math.floor(t / 1000)), 0.15);
}

function humidity(room: Room, t: number, disturbed: number): number {
  return Math.min(99, room.baseRH - 3 * Math.sin((2 * Math.PI * ((t % DAY_MS) / HOUR_MS - 9)) / 24) + disturbed);
}

/** Extra warmth at the sensor from door openings and the HVAC failure, °C. */
function disturbance(room: Room, startMs: number, t: number): number {
  let rise = 0;
  for (const d of DOORS) {
    if (d.zone !== room.zone) continue;
    rise += pulse(t - (startMs + d.afterMs), d.minutes * MINUTE_MS, 4.5, 3 * MINUTE_MS, 4 * MINUTE_MS);
  }
  if (HVAC.zone === room.zone) rise += pulse(t - (startMs + HVAC.afterMs), HVAC.minutes * MINUTE_MS, HVAC.riseC, 25 * MINUTE_MS, 15 * MINUTE_MS);
  return rise;
}

/** A first-order rise towards `peak` for `lengthMs` (time constant `upMs`), then a decay (time constant `downMs`). */
function pulse(dt: number, lengthMs: number, peak: number, upMs: number, downMs: number): number {
  if (dt < 0) return 0;
  const at = (x: number): number => peak * (1 - Math.exp(-x / upMs));
  return dt < lengthMs ? at(dt) : at(lengthMs) * Math.exp(-(dt - lengthMs) / downMs);
}

export function warehouseDay(opts: ScenarioOptions = {}): Scenario {
  const nowMs = minuteAligned(opts.nowMs ?? Date.now());
  const startMs = nowMs - WINDOW_MS;
  const seed = opts.seed ?? 1;
  const readings: ScenarioReading[] = [];
  const temps = new Map<string, TimedValue[]>();
  for (const room of ROOMS) {
    const shifted = { ...room, seed: room.seed * seed };
    const series: TimedValue[] = [];
    for (const t of grid(startMs, nowMs, INTERVAL_MS)) {
      const rise = disturbance(room, startMs, t);
      const value = rounded(curve(shifted, t) + rise);
      series.push({ time: t, value });
      readings.push({ device: room.sensor, metric: 'temperature', unit: 'Cel', time: t, value });
      readings.push({ device: room.sensor, metric: 'humidity', unit: '%RH', time: t, value: rounded(humidity(room, t, rise)) });
    }
    temps.set(room.zone, series);
    if (room.door !== undefined) {
      readings.push({ device: room.door, metric: 'door.open', unit: '1', time: startMs, value: false });
      for (const d of DOORS.filter((x) => x.zone === room.zone)) {
        readings.push({ device: room.door, metric: 'door.open', unit: '1', time: startMs + d.afterMs, value: true });
        readings.push({ device: room.door, metric: 'door.open', unit: '1', time: startMs + d.afterMs + d.minutes * MINUTE_MS, value: false });
      }
    }
  }
  readings.sort((a, b) => a.time - b.time || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));

  // What the script makes of room B: its first run at or above 8 °C lasting the delay (the HVAC failure).
  const failure = firstConsecutive(temps.get(HVAC.zone) ?? [], (v) => v >= UPPER_C, DELAY_MS, MAX_GAP_MS);
  if (failure === undefined) throw new Error('warehouse-day: the HVAC failure does not reach the alarm delay (scripting error)');
  const inRoomB = [
    { batch: 'WD-VAX-B1', orders: ['ORD-WD-102'] },
    { batch: 'WD-INS-B2', orders: ['ORD-WD-103', 'ORD-WD-104'] },
  ];
  const expected: ExpectedFlag[] = inRoomB.map(({ batch, orders }) => ({
    rule: WAREHOUSE_RULE, subject: { kind: 'batch', id: batch }, orders, metAtMs: failure.metAtMs, toleranceMs: INTERVAL_MS,
    why: `cold room B's HVAC fails at ${iso(startMs + HVAC.afterMs)}; its sensor reads ≥ 8 °C from ${iso(failure.startMs)}, for 30 min without a break by ${iso(failure.metAtMs)}`,
  }));

  const live: LiveSeries[] = ROOMS.flatMap((room) => {
    const shifted = { ...room, seed: room.seed * seed };
    return [
      { device: room.sensor, metric: 'temperature', unit: 'Cel', intervalMs: INTERVAL_MS, value: (t: number) => rounded(curve(shifted, t)) },
      { device: room.sensor, metric: 'humidity', unit: '%RH', intervalMs: INTERVAL_MS, value: (t: number) => rounded(humidity(room, t, 0)) },
    ];
  });

  return {
    name: 'warehouse-day', title: 'Warehouse day: daily curve, door openings, an HVAC failure in cold room B',
    nowMs, startMs, readings, registry: registry(startMs), marker: { kind: 'sites', id: 'wd-dc' }, expected, live,
    sources: [...ROOMS.flatMap((r) => [r.sensor, ...(r.door !== undefined ? [r.door] : [])])].map((device) => ({ device, site: 'wd-dc', node: 'wd-edge-1' })),
  };
}

function registry(startMs: number): Record<string, unknown> {
  const at = (offsetMs: number): string => iso(startMs + offsetMs);
  const day = (days: number): string => iso(startMs + days * DAY_MS).slice(0, 10);
  const sensor = (id: string, metrics: string[]) => ({ id, kind: 'zone_sensor', model: 'XY-MD02', intervalS: INTERVAL_MS / 1000, metrics });
  const door = (id: string) => ({ id, kind: 'door_sensor', model: 'Reed switch', intervalS: 300, metrics: ['door.open'] });
  const batch = (id: string, product: string, quantity: number) => ({ id, product, quantity, producedAt: day(-40), expiresAt: day(500) });
  const order = (id: string, customer: string, lines: { batch: string; quantity: number }[]) => ({
    id, customer, lines, shipments: [], promisedDelivery: at(WINDOW_MS + 2 * DAY_MS), minRemainingShelfLifeDays: 180,
    statuses: [{ status: 'allocated', at: at(HOUR_MS), operator: 'wms', source: 'order-hub' }],
  });
  const place = (id: string, what: { device?: string; batch?: string }, zone: string, fromMs = 0, toMs?: number) => ({
    id, ...what, zone, from: at(fromMs), ...(toMs !== undefined ? { to: at(toMs) } : {}),
  });
  return {
    format: 'coldtrace-registry/1',
    sites: [{ id: 'wd-dc', name: 'Tilburg cold-chain DC (scenario)', geofence: { kind: 'circle', center: { lat: 51.5606, lon: 5.0919 }, radiusM: 400 } }],
    zones: [
      { id: 'wd-cold-a', site: 'wd-dc', name: 'Cold room A 2-8 °C' },
      { id: 'wd-cold-b', site: 'wd-dc', name: 'Cold room B 2-8 °C' },
      { id: 'wd-ambient', site: 'wd-dc', name: 'Ambient store 15-25 °C' },
    ],
    devices: [
      sensor('wd-cold-a-1', ['temperature', 'humidity']), sensor('wd-cold-b-1', ['temperature', 'humidity']), sensor('wd-ambient-1', ['temperature', 'humidity']),
      door('wd-door-a'), door('wd-door-b'),
    ],
    products: [
      { id: 'wd-vaccine', name: 'Vaccine, 10-dose vial', preset: 'pharma-2-8' },
      { id: 'wd-insulin', name: 'Insulin pens', preset: 'pharma-2-8' },
      { id: 'wd-tablets', name: 'Tablets, blister pack', preset: 'crt' },
    ],
    batches: [batch('WD-VAX-A1', 'wd-vaccine', 3000), batch('WD-VAX-B1', 'wd-vaccine', 2000), batch('WD-INS-B2', 'wd-insulin', 5000), batch('WD-VAX-B3', 'wd-vaccine', 1500), batch('WD-TAB-C1', 'wd-tablets', 20000)],
    orders: [
      order('ORD-WD-101', 'Breda hospital pharmacy', [{ batch: 'WD-VAX-A1', quantity: 600 }]),
      order('ORD-WD-102', 'Tilburg GP cooperative', [{ batch: 'WD-VAX-B1', quantity: 400 }]),
      order('ORD-WD-103', 'Eindhoven diabetes clinic', [{ batch: 'WD-INS-B2', quantity: 1200 }]),
      order('ORD-WD-104', 'Den Bosch pharmacy group', [{ batch: 'WD-INS-B2', quantity: 800 }, { batch: 'WD-TAB-C1', quantity: 5000 }]),
      order('ORD-WD-105', 'Oss vaccination centre', [{ batch: 'WD-VAX-B3', quantity: 1500 }]),
      order('ORD-WD-106', 'Waalwijk pharmacy', [{ batch: 'WD-TAB-C1', quantity: 2000 }]),
    ],
    placements: [
      ...ROOMS.map((r) => place(`pl-${r.sensor}`, { device: r.sensor }, r.zone)),
      place('pl-wd-door-a', { device: 'wd-door-a' }, 'wd-cold-a'), place('pl-wd-door-b', { device: 'wd-door-b' }, 'wd-cold-b'),
      place('pl-WD-VAX-A1', { batch: 'WD-VAX-A1' }, 'wd-cold-a'),
      place('pl-WD-VAX-B1', { batch: 'WD-VAX-B1' }, 'wd-cold-b'),
      place('pl-WD-INS-B2', { batch: 'WD-INS-B2' }, 'wd-cold-b'),
      place('pl-WD-VAX-B3-b', { batch: 'WD-VAX-B3' }, 'wd-cold-b', 0, MOVE_AFTER_MS),
      place('pl-WD-VAX-B3-a', { batch: 'WD-VAX-B3' }, 'wd-cold-a', MOVE_AFTER_MS),
      place('pl-WD-TAB-C1', { batch: 'WD-TAB-C1' }, 'wd-ambient'),
    ],
  };
}
