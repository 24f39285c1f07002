/**
 * Part 4's input: a registry document and a JSON-lines readings file for `coldtrace-rules replay` (docs/rules.md,
 * "Replay and backtest"): zone sensors every 60 s (temperature, humidity) in the cold rooms, freezers and ambient
 * stores of 4 sites, trackers every 30 s (temperature, GPS) on the shipments between them, batches in the zones and on
 * the shipments, their orders. Custody starts within the readings' window (a replay of 48 h judges 48 h). Some sensors have a warm spell. Deterministic for a size.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeDocumentParts } from '../registry/document-file.js';
import type { Entity, RegistryEntities } from '../registry/generate.js';
import { DAY, HOUR, MIN, coldRoomTemperature, truckTrack } from './signals.js';
import type { LatLon, Sample } from './gateway-domain.js';

export interface ReplaySize {
  readonly zoneSensors: number;
  readonly trackers: number;
  readonly hours: number;
}

/** The end of the scenario and the replay's evaluation time: 2026-12-01T00:00:00Z. */
export const REPLAY_AT = Date.UTC(2026, 11, 1);

const SITES: readonly LatLon[] = [{ lat: 51.9225, lon: 4.4792 }, { lat: 50.9375, lon: 6.9603 }, { lat: 48.1351, lon: 11.582 }, { lat: 52.52, lon: 13.405 }];
/** Zone kinds of every site: set point and the product kept there. */
const ZONES = [
  { name: 'Cold room 1', setC: 5, product: 'vaccine' }, { name: 'Cold room 2', setC: 5, product: 'insulin' },
  { name: 'Freezer', setC: -20, product: 'fish' }, { name: 'Ambient store', setC: 21, product: 'tablets' },
];
const BATCHES_PER_ZONE = 20;
const BATCHES_PER_SHIPMENT = 8;

export interface ReplayFiles {
  readonly registry: string;
  readonly readings: string;
  readonly readingCount: number;
  readonly batches: number;
  readonly devices: number;
}

export function writeReplayScenario(size: ReplaySize, dir: string): ReplayFiles {
  const end = REPLAY_AT;
  const start = end - size.hours * HOUR;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const e: RegistryEntities = { sites: [], zones: [], places: [], devices: [], products: [], batches: [], shipments: [], orders: [], placements: [] };
  const arrhenius = { model: 'arrhenius', refTempC: 5, refLifeDays: 730, eaKJPerMol: 83.144 };
  e.products.push({ id: 'vaccine', name: 'Vaccine, 10-dose vial', preset: 'pharma-2-8', shelfLife: arrhenius }, { id: 'insulin', name: 'Insulin pens', preset: 'pharma-2-8' },
    { id: 'fish', name: 'Frozen fish', preset: 'frozen' }, { id: 'tablets', name: 'Tablets', preset: 'crt' });
  const batch = (id: string, product: string): Entity => ({ id, product, quantity: 1000, producedAt: iso(start - 40 * DAY).slice(0, 10), expiresAt: iso(start + 700 * DAY).slice(0, 10) });
  const zoneId = (s: number, z: number): string => `S-${s}-Z${z}`;
  SITES.forEach((center, s) => {
    e.sites.push({ id: `S-${s}`, name: `Site ${s}`, geofence: { kind: 'circle', center, radiusM: 600 } });
    ZONES.forEach((z, k) => {
      e.zones.push({ id: zoneId(s, k), site: `S-${s}`, name: z.name });
      for (let b = 0; b < BATCHES_PER_ZONE; b++) {
        const id = `B-${s}-${k}-${b}`;
        e.batches.push(batch(id, z.product));
        e.placements.push({ id: `PL-${id}`, batch: id, zone: zoneId(s, k), from: iso(start + Math.floor((b * size.hours * HOUR) / (2 * BATCHES_PER_ZONE) / MIN) * MIN) });
      }
    });
  });
  const out = openSync(join(dir, 'readings.jsonl'), 'w');
  let lines: string[] = [];
  let readingCount = 0;
  const emit = (device: string, metric: string, unit: string, xs: readonly Sample[]): void => {
    for (const x of xs) lines.push(`{"device":"${device}","metric":"${metric}","time":${x.t},"value":${x.v},"unit":"${unit}"}\n`);
    readingCount += xs.length;
    if (lines.length > 50_000) {
      writeSync(out, lines.join(''));
      lines = [];
    }
  };
  for (let i = 0; i < size.zoneSensors; i++) {
    const s = i % SITES.length;
    const k = Math.floor(i / SITES.length) % ZONES.length;
    const id = `zs-${i}`;
    e.devices.push({ id, kind: 'zone_sensor', model: 'XY-MD02', intervalS: 60, metrics: ['temperature', 'humidity'] });
    e.placements.push({ id: `PL-${id}`, device: id, zone: zoneId(s, k), from: iso(start - 60 * DAY) });
    // One sensor in seven sees a 40 min warm spell (a door left open, a compressor trip).
    const spells = i % 7 === 3 ? [{ fromMs: start + ((i * 5) % size.hours) * HOUR, toMs: start + ((i * 5) % size.hours) * HOUR + 40 * MIN, value: ZONES[k]!.setC + 6 }] : [];
    emit(id, 'temperature', 'Cel', coldRoomTemperature({ fromMs: start, toMs: end, stepMs: MIN, setC: ZONES[k]!.setC, seed: 1000 + i, spells }));
    emit(id, 'humidity', '%RH', coldRoomTemperature({ fromMs: start, toMs: end, stepMs: MIN, setC: 45, seed: 5000 + i }));
  }
  for (let j = 0; j < size.trackers; j++) {
    const [o, d] = [j % SITES.length, (j + 1) % SITES.length];
    const dep = start + Math.floor((j * size.hours * HOUR) / Math.max(1, size.trackers) / MIN) * MIN;
    const arr = dep + 20 * HOUR;
    const sh = `SH-${j}`;
    const trk = `trk-${j}`;
    const frozen = j % 3 === 2;
    e.shipments.push({
      id: sh, carrier: 'Coldline', lane: `S-${o}>S-${d}`, mode: 'road', origin: `S-${o}`, destination: `S-${d}`, route: [SITES[o]!, SITES[d]!], corridorM: 5000,
      plannedDeparture: iso(dep), promisedDelivery: iso(arr + 4 * HOUR), gapThresholdMin: 30,
    });
    e.devices.push({ id: trk, kind: 'tracker', model: 'LTE-M cold-chain tracker', intervalS: 30, metrics: ['temperature', 'gps.lat', 'gps.lon'] });
    e.placements.push({ id: `PL-${trk}`, device: trk, shipment: sh, from: iso(dep), to: iso(arr) });
    const onBoard: string[] = [];
    for (let b = 0; b < BATCHES_PER_SHIPMENT; b++) {
      const id = `B-${sh}-${b}`;
      e.batches.push(batch(id, frozen ? 'fish' : b % 2 === 0 ? 'vaccine' : 'insulin'));
      if (dep > start) e.placements.push({ id: `PL-${id}-0`, batch: id, zone: zoneId(o, frozen ? 2 : b % 2), from: iso(start), to: iso(dep) });
      e.placements.push({ id: `PL-${id}-1`, batch: id, shipment: sh, from: iso(dep), to: iso(arr) });
      e.placements.push({ id: `PL-${id}-2`, batch: id, zone: zoneId(d, frozen ? 2 : b % 2), from: iso(arr) });
      onBoard.push(id);
    }
    e.orders.push({ id: `ORD-${j}`, customer: `Customer ${j}`, lines: onBoard.map((b) => ({ batch: b, quantity: 100 })), shipments: [sh], promisedDelivery: iso(arr + 4 * HOUR), minRemainingShelfLifeDays: 180 });
    const to = Math.min(arr, end);
    if (to <= dep) continue;
    const { lat, lon } = truckTrack({ departMs: dep, toMs: to, stepMs: 30_000, route: [SITES[o]!, SITES[d]!], speedKmh: 70, stops: [[5 * HOUR, 40 * MIN]], hubWaitMs: 0, seed: 300 + j });
    emit(trk, 'temperature', 'Cel', coldRoomTemperature({ fromMs: dep, toMs: to, stepMs: 30_000, setC: frozen ? -20 : 5, seed: 2000 + j, lossShare: 0 }));
    emit(trk, 'gps.lat', 'deg', lat);
    emit(trk, 'gps.lon', 'deg', lon);
  }
  writeSync(out, lines.join(''));
  closeSync(out);
  const [part] = writeDocumentParts(e, dir, 'registry');
  return { registry: part!.path, readings: join(dir, 'readings.jsonl'), readingCount, batches: e.batches.length, devices: e.devices.length };
}
