/**
 * The weather rule through the rules service over real SQLite stores, on a hand-moved clock (issue #20): tracker T-1
 * drives north from AMS at 0.5° an hour, reaches a storm square around 52.5° N at T0 + 1 h and stops there until
 * T0 + 6 h, a fix every 5 min. A storm alert on its route marks it at risk; a stop of more than 4 h inside it raises
 * the predicted delay, whose flag event to the order hub carries the widened delivery window; a Cancel or the
 * alert's expiry clears them; a storm square off the route does nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteCapAlertStore } from '../../src/adapters/sqlite/alerts/cap-store.js';
import { SqliteFlagStore } from '../../src/adapters/sqlite/flags/flag-store.js';
import { SqliteRegistryStore } from '../../src/adapters/sqlite/registry/registry-store.js';
import { SqliteTelemetryStore } from '../../src/adapters/sqlite/telemetry-store.js';
import { flagEvents } from '../../src/domain/events/flag-events.js';
import type { StoredReading } from '../../src/domain/reading.js';
import type { FlagChange } from '../../src/ports/flags.js';
import { CustodyIndex } from '../../src/services/custody.js';
import { DeliveryWindowService } from '../../src/services/delivery-windows.js';
import { ShipmentListService } from '../../src/services/shipments.js';
import { EvidenceService } from '../../src/services/evidence.js';
import { RegistryService } from '../../src/services/registry.js';
import { RulesService } from '../../src/services/rules.js';
import { WeatherAlertService } from '../../src/services/weather-alerts.js';
import { HOUR, iso } from '../support/registry-fixture.js';
import { ManualTime } from '../support/manual-time.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 6);
const capTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ON_ROUTE = '52.45,4.9 52.55,4.9 52.55,5.1 52.45,5.1 52.45,4.9';
const OFF_ROUTE = '52.45,5.9 52.55,5.9 52.55,6.1 52.45,6.1 52.45,5.9';

function storm(id: string, polygon: string, expiresMs: number, head = '<msgType>Alert</msgType>'): string {
  return `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>${id}</identifier><sender>knmi@example.org</sender><sent>${capTime(T0)}</sent>
<status>Actual</status>${head}<scope>Public</scope><info><event>Storm</event><urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>
<onset>${capTime(T0)}</onset><expires>${capTime(expiresMs)}</expires><area><areaDesc>Storm square</areaDesc><polygon>${polygon}</polygon></area></info></alert>`;
}

async function world(dir: string) {
  const time = new ManualTime(T0);
  const store = SqliteTelemetryStore.open(join(dir, 't.db'), { writer: 'inline' });
  const db = openDatabase(join(dir, 'r.db'));
  const registry = new SqliteRegistryStore(db);
  await new RegistryService(registry, { now: () => T0 }).importDocument({
    format: 'coldtrace-registry/1',
    sites: [
      { id: 'AMS', name: 'Origin', geofence: { kind: 'circle', center: { lat: 52.0, lon: 5.0 }, radiusM: 500 } },
      { id: 'GRQ', name: 'Destination', geofence: { kind: 'circle', center: { lat: 53.0, lon: 5.0 }, radiusM: 800 } },
    ],
    zones: [], places: [], products: [{ id: 'P', name: 'Vaccine', preset: 'pharma-2-8' }],
    batches: [{ id: 'B-1', product: 'P', quantity: 10, producedAt: '2026-10-01', expiresAt: '2027-10-01' }],
    devices: [{ id: 'T-1', kind: 'tracker', model: 'GPS', intervalS: 300, metrics: ['gps.lat', 'gps.lon'] }],
    shipments: [{ id: 'SH-1', carrier: 'Coldline', lane: 'AMS-GRQ', mode: 'road', origin: 'AMS', destination: 'GRQ', hubs: [], route: [{ lat: 52.0, lon: 5.0 }, { lat: 53.0, lon: 5.0 }],
      corridorM: 5000, plannedDeparture: iso(T0), promisedDelivery: iso(T0 + 2 * HOUR), gapThresholdMin: 30 }],
    orders: [{ id: 'O-1', customer: 'Clinic', lines: [{ batch: 'B-1', quantity: 10 }], shipments: ['SH-1'], promisedDelivery: iso(T0 + 2 * HOUR), minRemainingShelfLifeDays: 0, statuses: [] }],
    placements: [{ id: 'P-T1', device: 'T-1', shipment: 'SH-1', from: iso(T0) }, { id: 'P-B1', batch: 'B-1', shipment: 'SH-1', from: iso(T0) }],
  }, { actor: 'test', source: 'test' });
  const rows: StoredReading[] = [];
  for (let m = 0; m <= 6 * 60; m += 5) {
    const lat = Math.min(52.5, 52.0 + (m / 60) * 0.5);
    const base = { site: 's', node: 'n', device: 'T-1', time: T0 + m * MIN, unit: 'deg', seq: m, receivedAt: T0 + m * MIN, flags: 0 };
    rows.push({ ...base, metric: 'gps.lat', value: lat }, { ...base, metric: 'gps.lon', value: 5.0 });
  }
  await store.write(rows);
  const custody = new CustodyIndex(registry, { linked: () => undefined, unlinked: () => undefined });
  await custody.load();
  const flags = new SqliteFlagStore(db);
  const alertStore = new SqliteCapAlertStore(openDatabase(join(dir, 'alerts.db')));
  const log = pino({ level: 'silent' });
  const weatherAlerts = new WeatherAlertService(alertStore, time, log);
  const rules = new RulesService({ registry, evidence: new EvidenceService(registry, custody, store, flags), store, flags, custody, clock: time, scheduler: time, log, weatherAlerts });
  const judgeAt = async (t: number): Promise<FlagChange[]> => {
    time.t = t;
    return rules.judgeNow(['shipment:SH-1']);
  };
  const weather = async () => Object.fromEntries((await flags.list({ rule: 'weather/', limit: 10 })).map((f) => [f.rule, f]));
  const windows = new DeliveryWindowService(registry, new ShipmentListService(registry, store, flags), flags);
  return {
    weatherAlerts, judgeAt, weather, windows,
    close: async () => {
      await rules.close();
      await alertStore.close();
      await store.close();
      await registry.close();
    },
  };
}

describe('weather alerts against a shipment, over real stores', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'coldtrace-weather-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('marks the truck at risk, raises the predicted delay after 4 h stopped in the storm with the new window, and clears both on a Cancel', async () => {
    const w = await world(join(dir, 'on-route'));
    expect((await w.weatherAlerts.ingest(storm('STORM-1', ON_ROUTE, T0 + 10 * HOUR), 1000, 'http')).accepted).toBe(true);
    await w.judgeAt(T0 + 30 * MIN);
    expect((await w.weather())['weather/at-risk']).toMatchObject({ active: true, severity: 'warning', figures: { alert: 'STORM-1', on: 'route' }, related: { orders: ['O-1'] } });
    await w.judgeAt(T0 + 60 * MIN + 235 * MIN);
    expect((await w.weather())['weather/stopped/4h']).toBeUndefined();
    // Fixes before the evaluation time count: the last at T0 + 5 h 5 min, 245 min after the stop began.
    const raised = await w.judgeAt(T0 + 60 * MIN + 250 * MIN);
    const delay = flagEvents(raised).find((m) => m.flag.rule === 'weather/stopped/4h' && m.type === 'flag.raised');
    expect(delay?.orders).toEqual(['O-1']);
    // No basis for a window from 1 h of track: the promised delivery (T0 + 2 h) moved by the 4 h 5 min stopped; the
    // late end held to the storm's end (T0 + 10 h) plus the 1 h still to go from the stop at the promise.
    expect(delay?.flag.figures).toMatchObject({
      windowBasis: 'promised delivery', stoppedMin: 245, windowP10Ms: T0 + 2 * HOUR + 245 * MIN, windowP50Ms: T0 + 2 * HOUR + 245 * MIN, windowP90Ms: T0 + 11 * HOUR,
    });
    expect((await w.weather())['weather/at-risk']).toMatchObject({ active: true, figures: { on: 'position' } });
    // The shipment's delivery window (GET .../delivery-window, the order view and summary) is held by the flag.
    const held = await w.windows.of('SH-1', T0 + 5 * HOUR + 10 * MIN);
    expect(held?.delay).toMatchObject({ flag: 'weather/stopped/4h@shipment:SH-1', alert: 'STORM-1', event: 'Storm', stoppedMin: 245, p10Ms: T0 + 2 * HOUR + 245 * MIN, p90Ms: T0 + 11 * HOUR });
    expect(held?.window === undefined || held.window.p90Ms >= T0 + 11 * HOUR).toBe(true);
    const cancel = storm('STORM-C', ON_ROUTE, T0 + 10 * HOUR, `<msgType>Cancel</msgType><references>knmi@example.org,STORM-1,${capTime(T0)}</references>`)
      .replace(`<sent>${capTime(T0)}</sent>`, `<sent>${capTime(T0 + 5 * HOUR + 10 * MIN)}</sent>`);
    expect(await w.weatherAlerts.ingest(cancel, 1000, 'http')).toMatchObject({ accepted: true, ended: [`knmi@example.org,STORM-1,${capTime(T0)}`] });
    const cleared = await w.judgeAt(T0 + 5 * HOUR + 20 * MIN);
    expect(flagEvents(cleared).filter((m) => m.type === 'flag.cleared').map((m) => m.flag.rule).sort()).toEqual(['weather/at-risk', 'weather/stopped/4h']);
    expect((await w.windows.of('SH-1', T0 + 5 * HOUR + 20 * MIN))?.delay).toBeUndefined();
    await w.close();
  });

  it('does nothing for a storm square that misses the truck and its route', async () => {
    const w = await world(join(dir, 'off-route'));
    await w.weatherAlerts.ingest(storm('STORM-2', OFF_ROUTE, T0 + 10 * HOUR), 1000, 'http');
    await w.judgeAt(T0 + 30 * MIN);
    await w.judgeAt(T0 + 5 * HOUR + 10 * MIN);
    expect(await w.weather()).toEqual({});
    await w.close();
  });

  it('clears the risk once the alert expires, and a stop mostly after it is no delay', async () => {
    const w = await world(join(dir, 'expired'));
    await w.weatherAlerts.ingest(storm('STORM-3', ON_ROUTE, T0 + 3 * HOUR), 1000, 'http');
    await w.judgeAt(T0 + 2 * HOUR);
    expect((await w.weather())['weather/at-risk']?.active).toBe(true);
    await w.judgeAt(T0 + 3 * HOUR + MIN);
    await w.judgeAt(T0 + 5 * HOUR + 10 * MIN);
    const f = await w.weather();
    expect([f['weather/at-risk']?.active, f['weather/stopped/4h']]).toEqual([false, undefined]);
    await w.close();
  });
});
