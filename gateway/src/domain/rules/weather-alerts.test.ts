import { describe, expect, it } from 'vitest';
import type { CapAlert, CapCertainty, CapSeverity, CapUrgency } from '../alerts/cap.js';
import type { Fix } from './gps.js';
import { boxesMeet } from '../alerts/cap-area.js';
import { indexZones, remainingRoute, riskZones, weatherFindings, zonesNear, type AlertOnRecord, type RiskZone, type WeatherInput } from './weather-alerts.js';

const H = 3_600_000;
const M = 60_000;
const T0 = Date.parse('2026-12-07T00:00:00Z');
const related = { devices: ['trk-1'], zones: [], batches: [], shipments: ['S1'], orders: ['O1'] };
/** A route east along latitude 50 from longitude 10 to 12 (about 143 km). */
const route = [{ lat: 50, lon: 10 }, { lat: 50, lon: 11 }, { lat: 50, lon: 12 }];
/** A storm square around (50, 11), about 14 km a side. */
const ON_ROUTE = '49.95,10.9 50.05,10.9 50.05,11.1 49.95,11.1 49.95,10.9';
/** The same square 1 degree north: misses the route and the truck. */
const OFF_ROUTE = '50.95,10.9 51.05,10.9 51.05,11.1 50.95,11.1 50.95,10.9';

function alert(polygon: string, opts: { severity?: CapSeverity; urgency?: CapUrgency; certainty?: CapCertainty; from?: number; to?: number; status?: CapAlert['status']; id?: string } = {}): CapAlert {
  const ring = polygon.split(' ').map((p) => ({ lat: Number(p.split(',')[0]), lon: Number(p.split(',')[1]) }));
  return {
    identifier: opts.id ?? 'STORM-1', sender: 'met@example.org', sent: '2026-12-07T00:00:00Z', sentMs: T0, status: opts.status ?? 'Actual', msgType: 'Alert', references: [],
    infos: [{ event: 'Storm', urgency: opts.urgency ?? 'Immediate', severity: opts.severity ?? 'Severe', certainty: opts.certainty ?? 'Observed', onsetMs: opts.from ?? T0, expiresMs: opts.to ?? T0 + 12 * H, areas: [{ areaDesc: 'Storm square', polygons: [ring], circles: [] }] }],
  };
}

/** A truck driving east at about 60 km/h from lon 10 at T0, fixes every 10 min, until `stopAt` where it stays. */
function drive(untilMs: number, stopAt?: { lon: number; atMs: number }): Fix[] {
  const out: Fix[] = [];
  for (let t = T0; t <= untilMs; t += 10 * M) {
    const moving = 10 + ((t - T0) / H) * (60 / 71.7);
    const lon = stopAt !== undefined && t >= stopAt.atMs ? stopAt.lon : moving;
    out.push({ t, lat: 50, lon, device: 'trk-1' });
  }
  return out;
}

function judge(alerts: readonly AlertOnRecord[], kept: readonly Fix[], nowMs: number, extra: Partial<WeatherInput> = {}) {
  return weatherFindings({
    shipment: 'S1', kept, route, zones: riskZones(alerts), onItsWay: true, nowMs, related,
    windowBefore: () => ({ p10Ms: T0 + 3 * H, p50Ms: T0 + 4 * H, p90Ms: T0 + 5 * H, basis: 'this shipment' }), ...extra,
  });
}
const byRule = (fs: ReturnType<typeof judge>) => Object.fromEntries(fs.map((f) => [f.rule, f]));

describe('at risk', () => {
  it.each([
    ['a storm on the remaining route, truck not yet there', [{ alert: alert(ON_ROUTE) }], T0 + 30 * M, true, 'route'],
    ['a storm around the truck', [{ alert: alert(ON_ROUTE) }], T0 + 70 * M, true, 'position'],
    ['a storm the truck has passed', [{ alert: alert(ON_ROUTE) }], T0 + 100 * M, false, 'route'],
    ['a storm off the route', [{ alert: alert(OFF_ROUTE) }], T0 + 30 * M, undefined, undefined],
    ['a moderate storm on the route', [{ alert: alert(ON_ROUTE, { severity: 'Moderate' }) }], T0 + 30 * M, undefined, undefined],
    ['an extreme storm on the route', [{ alert: alert(ON_ROUTE, { severity: 'Extreme' }) }], T0 + 30 * M, true, 'route'],
    ['a severe storm only possible, expected in hours', [{ alert: alert(ON_ROUTE, { certainty: 'Possible', urgency: 'Expected' }) }], T0 + 30 * M, true, 'route'],
    ['a severe storm its issuer calls unlikely', [{ alert: alert(ON_ROUTE, { certainty: 'Unlikely' }) }], T0 + 30 * M, undefined, undefined],
    ['a severe storm past (no action needed any more)', [{ alert: alert(ON_ROUTE, { urgency: 'Past' }) }], T0 + 30 * M, undefined, undefined],
    ['an exercise on the route', [{ alert: alert(ON_ROUTE, { status: 'Exercise' }) }], T0 + 30 * M, undefined, undefined],
    ['a storm not yet in force', [{ alert: alert(ON_ROUTE, { from: T0 + 2 * H }) }], T0 + 30 * M, undefined, undefined],
    ['a storm that expired while ahead of the truck', [{ alert: alert(ON_ROUTE, { to: T0 + 20 * M }) }], T0 + 30 * M, false, 'route'],
    ['a storm cancelled while ahead of the truck', [{ alert: alert(ON_ROUTE), endedMs: T0 + 20 * M }], T0 + 30 * M, false, 'route'],
  ] as const)('%s', (_name, alerts, nowMs, active, on) => {
    const f = byRule(judge(alerts, drive(nowMs), nowMs))['weather/at-risk'];
    expect(f?.active).toBe(active);
    expect(f?.figures.on).toBe(on);
    if (f !== undefined) expect([f.severity, f.figures.alert, f.related.orders]).toEqual(['warning', 'STORM-1', ['O1']]);
  });

  it('states the urgency and certainty of the alert it names', () => {
    const f = byRule(judge([{ alert: alert(ON_ROUTE, { certainty: 'Possible', urgency: 'Expected' }) }], drive(T0 + 30 * M), T0 + 30 * M))['weather/at-risk'];
    expect([f?.figures.alertSeverity, f?.figures.alertUrgency, f?.figures.alertCertainty]).toEqual(['Severe', 'Expected', 'Possible']);
  });

  it('is not active for a shipment no longer on its way', () => {
    expect(byRule(judge([{ alert: alert(ON_ROUTE) }], drive(T0 + 30 * M), T0 + 30 * M, { onItsWay: false }))['weather/at-risk']?.active).toBe(false);
  });

  it('changes nothing while the storm goes on (its end is the alert\'s)', () => {
    const a = byRule(judge([{ alert: alert(ON_ROUTE) }], drive(T0 + 30 * M), T0 + 30 * M))['weather/at-risk']!;
    const b = byRule(judge([{ alert: alert(ON_ROUTE) }], drive(T0 + 40 * M), T0 + 40 * M))['weather/at-risk']!;
    expect(b).toEqual(a);
  });
});

describe('stopped inside the alert', () => {
  const stop = { lon: 11, atMs: T0 + 80 * M };
  it.each([
    ['stopped inside for 3 h 50 min', ON_ROUTE, T0 + 80 * M + 230 * M, undefined],
    ['stopped inside for 4 h 10 min', ON_ROUTE, T0 + 80 * M + 250 * M, true],
    ['stopped in the same place, the storm elsewhere', OFF_ROUTE, T0 + 80 * M + 300 * M, undefined],
  ] as const)('%s', (_name, polygon, nowMs, active) => {
    const f = byRule(judge([{ alert: alert(polygon) }], drive(nowMs, stop), nowMs))['weather/stopped/4h'];
    expect(f?.active).toBe(active);
  });

  it('counts only the alert\'s time: a stop of 6 h with 3 h of it under the alert is no delay', () => {
    const nowMs = T0 + 80 * M + 6 * H;
    expect(byRule(judge([{ alert: alert(ON_ROUTE, { from: T0 + 80 * M + 3 * H }) }], drive(nowMs, stop), nowMs))['weather/stopped/4h']).toBeUndefined();
  });

  it('carries the window widened by the stop, the late end at least the alert\'s end plus the time to go', () => {
    const nowMs = T0 + 80 * M + 250 * M;
    const f = byRule(judge([{ alert: alert(ON_ROUTE) }], drive(nowMs, stop), nowMs))['weather/stopped/4h']!;
    const stopped = 250 * M;
    expect([f.severity, f.figures.stoppedMin, f.metAtMs, f.startMs]).toEqual(['major', 250, T0 + 80 * M + 4 * H, T0 + 80 * M]);
    expect([f.figures.windowP10Ms, f.figures.windowP50Ms]).toEqual([T0 + 3 * H + stopped, T0 + 4 * H + stopped]);
    // The storm ends at T0 + 12 h; at the late end 5 h - 80 min were still to go from the stop.
    expect(f.figures.windowP90Ms).toBe(T0 + 12 * H + 5 * H - 80 * M);
  });

  it('is cleared once the truck drives on, and once the alert is cancelled', () => {
    const moved = [...drive(T0 + 80 * M + 250 * M, stop), { t: T0 + 80 * M + 260 * M, lat: 50, lon: 11.5, device: 'trk-1' }];
    expect(byRule(judge([{ alert: alert(ON_ROUTE) }], moved, T0 + 80 * M + 261 * M))['weather/stopped/4h']?.active).toBe(false);
    const nowMs = T0 + 80 * M + 300 * M;
    const cancelled = byRule(judge([{ alert: alert(ON_ROUTE), endedMs: T0 + 80 * M + 270 * M }], drive(nowMs, stop), nowMs));
    expect([cancelled['weather/stopped/4h']?.active, cancelled['weather/at-risk']?.active]).toEqual([false, false]);
  });
});

describe('remainingRoute', () => {
  it.each([
    ['at the start', { lat: 50, lon: 10 }, [11, 12]],
    ['past the middle point', { lat: 50.01, lon: 11.2 }, [12]],
    ['at the end', { lat: 50, lon: 12 }, []],
  ])('%s', (_name, p, lons) => {
    expect(remainingRoute(route, p)).toEqual([p, ...lons.map((lon) => ({ lat: 50, lon }))]);
  });
});

describe('the zone index', () => {
  /** Zones of every size, from a 0.01° cell to one spanning the globe in longitude (kept aside as wide). */
  const zones: RiskZone[] = Array.from({ length: 400 }, (_v, i) => {
    const lat = -80 + ((i * 37) % 160), lon = -170 + ((i * 53) % 340), size = [0.01, 0.3, 2.5, 7, 400][i % 5]!;
    const box = { minLat: lat, maxLat: Math.min(90, lat + Math.min(size, 10)), minLon: size > 360 ? -180 : lon, maxLon: size > 360 ? 180 : lon + size };
    return { identifier: `Z${i}`, event: 'Storm', severity: 'Severe', urgency: 'Immediate', certainty: 'Observed', area: { areaDesc: '', polygons: [], circles: [] }, box, fromMs: 0, toMs: 1 };
  });
  const index = indexZones(zones);
  it.each([
    ['a small box', { minLat: 10, maxLat: 10.5, minLon: 20, maxLon: 21 }],
    ['a box on cell edges', { minLat: -3, maxLat: 4, minLon: -1, maxLon: 0 }],
    ['a box wider than the index looks up by cell', { minLat: -80, maxLat: 80, minLon: -170, maxLon: 170 }],
    ['a point', { minLat: 45.2, maxLat: 45.2, minLon: 7.7, maxLon: 7.7 }],
  ])('finds exactly the zones whose boxes meet %s', (_name, b) => {
    const want = zones.filter((z) => boxesMeet(z.box, b)).map((z) => z.identifier).sort();
    expect(zonesNear(index, b).map((z) => z.identifier).sort()).toEqual(want);
  });
});
