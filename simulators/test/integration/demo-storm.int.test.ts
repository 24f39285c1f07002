/**
 * The demo's storm warning (scripts/start.mjs posts it with the demo registry): a CAP alert over the region the demo
 * truck drives (and its planned route ends in), that marks SH-7-0001 at risk once the truck's first fixes are judged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataTopic } from '@coldtrace/contract';
import { demoRegistry, demoStormAlert } from '../../src/demo-registry.js';
import { DEMO_ROUTE } from '../../src/truck.js';
import { connect, request, startTestGateway, type Body, type TestGateway } from '../../../gateway/test/support/gateway.js';

describe('demo storm alert', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.destroy());

  it('is accepted, and flags the demo truck at risk once it reports where it is', async () => {
    const now = Date.now();
    expect((await request('PUT', `${gw.httpUrl}/api/v1/registry`, demoRegistry(now))).status).toBe(200);
    const res = await fetch(`${gw.httpUrl}/api/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/cap+xml' }, body: demoStormAlert(now) });
    expect(((await res.json()) as Body).outcome).toBe('stored');
    // The truck's first two fixes, where its simulated route starts (truck.ts), half a minute and 70 m apart.
    const client = await connect(gw.mqttUrl, 'demo-storm-test');
    const a = DEMO_ROUTE[0]!;
    const fixes = [{ t: now - 30_000, lat: a.lat, lon: a.lon }, { t: now - 1000, lat: a.lat, lon: a.lon + 0.001 }];
    const readings = fixes.flatMap((f) => [{ metric: 'gps.lat', value: f.lat, unit: 'deg', time: f.t }, { metric: 'gps.lon', value: f.lon, unit: 'deg', time: f.t }]);
    await client.publishAsync(dataTopic('demo-fleet', 'truck-7', 'truck-7-gps'), JSON.stringify({ v: 1, seq: 1, time: now - 30_000, readings }), { qos: 1 });
    await client.endAsync();
    await gw.rules.idle();
    const flags = await request('GET', `${gw.httpUrl}/api/v1/flags?subject=shipment:SH-7-0001&rule=weather/`);
    expect(flags.json.flags.map((f: Body) => [f.rule, f.active, f.figures.event, f.related.orders])).toEqual([['weather/at-risk', true, 'Severe thunderstorms', ['ORD-1001']]]);
  });
});
