/**
 * Each scenario end to end (docs/scenarios.md): its readings through MQTT into a running gateway, then its registry
 * through the API; the flags the rules raise must be exactly the ones the scenario declares, on exactly its orders,
 * met within one reading interval of the moment the script makes them, with no other flag (none withdrawn either:
 * the runner publishes before it registers, so nothing is judged half-delivered).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFlags, buildScenario, checkFlags, expectedId, replay, runLive, type Scenario } from '../../src/scenarios/index.js';
import { startTestGateway, type TestGateway } from '../../../gateway/test/support/gateway.js';
import { until } from '../support/until.js';


function ordersOf(s: Scenario): string[] {
  return ((s.registry.orders ?? []) as { id: string }[]).map((o) => o.id);
}

/** Replays the scenario and waits until every expected flag is shown and the rules have nothing left to judge. */
async function replayAndSettle(gw: TestGateway, s: Scenario, speed?: number): Promise<void> {
  const report = await replay(s, { httpUrl: gw.httpUrl, mqttUrl: gw.mqttUrl, ...(speed !== undefined ? { speed } : {}) });
  expect(report.readings).toBe(s.readings.length);
  await until(async () => (checkFlags(s.expected, await allFlags(gw.httpUrl)).missing.length === 0 ? true : undefined), 60_000, `${s.name}'s flags`);
  await gw.rules.idle();
}

async function expectExactly(gw: TestGateway, s: Scenario): Promise<void> {
  expect(checkFlags(s.expected, await allFlags(gw.httpUrl))).toEqual({ missing: [], unexpected: [], mismatched: [] });
  // On the orders: each order shows the expected flags that name it, and nothing else.
  for (const order of ordersOf(s)) {
    const shown = (await allFlags(gw.httpUrl, order)).map((f) => f.id).sort();
    expect({ order, flags: shown }).toEqual({ order, flags: s.expected.filter((e) => e.orders.includes(order)).map(expectedId).sort() });
  }
}

/** A gateway of the describe block's own (ephemeral ports, temp dir), started before its tests and removed after. */
function ownGateway(): { readonly gw: TestGateway } {
  const box = {} as { gw: TestGateway };
  beforeAll(async () => {
    box.gw = await startTestGateway();
  });
  afterAll(async () => {
    await box.gw.destroy();
  });
  return box;
}

describe('scenario warehouse-day, end to end through MQTT', () => {
  const world = ownGateway();
  const s = buildScenario('warehouse-day');

  it('flags the HVAC failure on the batches of cold room B and their orders, not the door openings, and nothing else', async () => {
    const { gw } = world;
    await replayAndSettle(gw, s);
    await expectExactly(gw, s);
    // Three orders untouched: room A's doors, the batch moved out of room B before the failure, the ambient store.
    for (const order of ['ORD-WD-101', 'ORD-WD-105', 'ORD-WD-106']) expect(await allFlags(gw.httpUrl, order)).toEqual([]);
  }, 120_000);

  it('goes on live at 1x: the zones follow their curve, linked to their batches, and no flag changes', async () => {
    const { gw } = world;
    const before = await allFlags(gw.httpUrl);
    const abort = new AbortController();
    const live = runLive(s, { httpUrl: gw.httpUrl, mqttUrl: gw.mqttUrl, afterMs: s.nowMs - 60_000, signal: abort.signal });
    try {
      // The first round catches up from the end of the past to the wall clock: at least the reading at "now".
      const linked = await until(async () => {
        const res = await fetch(`${gw.httpUrl}/api/v1/custody/resolve?device=wd-cold-b-1&time=${s.nowMs}`);
        const stored = await (await fetch(`${gw.httpUrl}/api/v1/readings?device=wd-cold-b-1&metric=temperature&from=${s.nowMs}&to=${s.nowMs + 1}`)).json() as { readings: unknown[] };
        return res.ok && stored.readings.length === 1 ? ((await res.json()) as { batches: unknown[] }) : undefined;
      }, 30_000, 'the first live reading');
      expect(JSON.stringify(linked)).toContain('WD-INS-B2');
    } finally {
      abort.abort();
      await live;
    }
    await gw.rules.idle();
    expect(await allFlags(gw.httpUrl)).toEqual(before);
  }, 60_000);
});

describe('scenario reefer-trip, end to end through MQTT, replayed at 3000x', () => {
  const world = ownGateway();
  const s = buildScenario('reefer-trip');

  it('flags the rest stop, the shock, the detour, the reefer failure and the tier-3 review, not the hub stop, and nothing else', async () => {
    const { gw } = world;
    await replayAndSettle(gw, s, 3000);
    await expectExactly(gw, s);
  }, 120_000);
});
