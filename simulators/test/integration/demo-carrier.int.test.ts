/** The demo's carrier feed (scripts/start.mjs posts it with the demo registry): its events land on ORD-1001's story. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCarrierEvents, demoRegistry } from '../../src/demo-registry.js';
import { request, startTestGateway, type Body, type TestGateway } from '../../../gateway/test/support/gateway.js';

describe('demo carrier feed', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ COLDTRACE_RULES: 'off' });
  });
  afterAll(() => gw.destroy());

  it("matches the demo shipment by its tracking number and tells ORD-1001 what the carrier said", async () => {
    const now = Date.now();
    const imported = await request('PUT', `${gw.httpUrl}/api/v1/registry`, demoRegistry(now));
    expect(imported.status, JSON.stringify(imported.json)).toBe(200);
    const posted = await request('POST', `${gw.httpUrl}/api/v1/carrier-events`, demoCarrierEvents(now));
    expect(posted.status, JSON.stringify(posted.json)).toBe(200);
    expect(posted.json.events.map((e: Body) => [e.status, e.milestone, e.shipments])).toEqual([['new', 'info_received', ['SH-7-0001']], ['new', 'picked_up', ['SH-7-0001']], ['new', 'delivered', ['SH-7-0001']]]);
    const timeline = await request('GET', `${gw.httpUrl}/api/v1/orders/ORD-1001/timeline`);
    expect(timeline.json.events.filter((e: Body) => e.kind === 'carrier').map((e: Body) => e.milestone)).toEqual(['info_received', 'delivered', 'picked_up']);
  });

  it('flags its false delivery claim at once: a newcomer sees it within minutes of npm start', async () => {
    const judged = await startTestGateway();
    try {
      const now = Date.now();
      expect((await request('PUT', `${judged.httpUrl}/api/v1/registry`, demoRegistry(now))).status).toBe(200);
      expect((await request('POST', `${judged.httpUrl}/api/v1/carrier-events`, demoCarrierEvents(now))).status).toBe(200);
      await judged.rules.idle();
      const flags = await request('GET', `${judged.httpUrl}/api/v1/flags?subject=shipment:SH-7-0001&rule=claim/`);
      expect(flags.json.flags.map((f: Body) => [f.rule, f.related.orders])).toEqual([['claim/delivered/30', ['ORD-1001']]]);
    } finally {
      await judged.destroy();
    }
  });
});
