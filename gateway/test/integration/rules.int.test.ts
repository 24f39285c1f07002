/**
 * Rules end to end: readings through MQTT into the gateway, custody from the registry, flags on the orders through
 * the API. Batch B-1 (pharma 2-8 °C: upper 8 °C for 30 min without a break) sits in zone B from t0+1h to t0+3h.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { connect, getJson, request as send, startTestGateway, type Body, type TestGateway } from '../support/gateway.js';
import { custodyDocument, HOUR, iso } from '../support/registry-fixture.js';

const MIN = 60_000;
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;

/** A temperature every minute over [from, to): `hot` °C inside [hotFrom, hotTo), 5 °C elsewhere. */
function series(from: number, to: number, hot?: { from: number; to: number; c: number }): { time: number; value: number }[] {
  const out: { time: number; value: number }[] = [];
  for (let t = from; t < to; t += MIN) out.push({ time: t, value: hot !== undefined && t >= hot.from && t < hot.to ? hot.c : 5 });
  return out;
}

describe('rules: excursions flagged on the orders of the batches exposed', () => {
  let gw: TestGateway;
  let client: MqttClient;
  let api: string;
  let seq = 0;
  const publish = async (device: string, readings: { time: number; value: number }[]): Promise<void> => {
    const body = { v: 1, seq: ++seq, time: readings[0]!.time, readings: readings.map((r) => ({ metric: 'temperature', value: r.value, unit: 'Cel', time: r.time })) };
    await client.publishAsync(dataTopic('wh1', 'node-r', device), JSON.stringify(body), { qos: 1 });
  };
  beforeAll(async () => {
    gw = await startTestGateway();
    api = `${gw.httpUrl}/api/v1`;
    client = await connect(gw.mqttUrl, 'node-r');
    const r = await send('PUT', `${api}/registry`, custodyDocument(t0));
    expect(r.status, JSON.stringify(r.json)).toBe(200);
  });
  afterAll(async () => {
    await client.endAsync();
    await gw.destroy();
  });

  it('flags a 45 min warm spell in zone B on B-1 and its order, with the moment the condition was met and the evidence', async () => {
    // Zone B: 9 °C from t0+1.5h for 45 min while B-1 is there; zone A warm after B-1 left it (not B-1's business).
    // The minutes from t0+2.25h to t0+2.5h are still in the sensor's outbox (they arrive late, below).
    // One message: judged once, so the flag is raised already cleared (the readings after the spell are in range).
    await publish('S-B', [...series(t0 + HOUR, t0 + 2.25 * HOUR, { from: t0 + 1.5 * HOUR, to: t0 + 2.25 * HOUR, c: 9 }), ...series(t0 + 2.5 * HOUR, t0 + 3 * HOUR)]);
    await publish('S-A', series(t0, t0 + 3 * HOUR, { from: t0 + 2 * HOUR, to: t0 + 3 * HOUR, c: 12 }));
    await gw.rules.idle();
    const all = (await getJson<{ flags: Body[] }>(`${api}/flags?order=O-1&subject=batch:B-1`)).flags;
    expect(all.map((f) => f.rule).sort()).toEqual(['data-gap/zone', 'excursion/temperature/upper/8/consecutive/30']);
    // The minutes still in the outbox are a hole in B-1's evidence (zone B's only sensor covers 3 min after its last
    // reading), and so is its stay at the destination, whose sensor has sent nothing yet: silent since B-1 arrived.
    expect(all.find((f) => f.rule === 'data-gap/zone')).toMatchObject({
      severity: 'warning', active: true, startMs: t0 + 2.25 * HOUR + 2 * MIN, metAtMs: t0 + 2.25 * HOUR + 2 * MIN,
      figures: { holes: 2, longestClosedMin: 13, zones: 'Z-B,Z-DEST', silentSinceMs: t0 + 5 * HOUR },
      related: { devices: ['S-B'], zones: ['Z-B', 'Z-DEST'], batches: ['B-1'], shipments: [], orders: ['O-1'] },
    });
    const flags = all.filter((f) => f.rule.startsWith('excursion/'));
    const f = flags[0]!;
    expect(f).toMatchObject({
      subject: { kind: 'batch', id: 'B-1' }, severity: 'major', state: 'open', active: false,
      // The last warm reading holds until the max gap (3 × the 60 s interval): the next minutes are not there yet.
      startMs: t0 + 1.5 * HOUR, endMs: t0 + 2.25 * HOUR + 2 * MIN, metAtMs: t0 + 1.5 * HOUR + 30 * MIN,
      related: { devices: ['S-B'], zones: ['Z-B'], batches: ['B-1'], shipments: [], orders: ['O-1'] },
    });
    expect(f.episodes).toEqual([expect.objectContaining({ device: 'S-B', min: 9, max: 9, twa: 9, durationMs: 47 * MIN, firstOffending: { t: t0 + 1.5 * HOUR, v: 9 }, lastOffending: { t: t0 + 2.25 * HOUR - MIN, v: 9 } })]);
    expect(f.events.map((e: { kind: string }) => e.kind)).toEqual(['raised', 'cleared']);
    // No other batch or order is flagged for temperature: B-2 arrived in zone B after the warm spell, zone A was warm
    // after B-1 left. (Shipment SH-1 has a flag of its own: its tracker has sent nothing; see the last test.)
    expect((await getJson<{ flags: unknown[] }>(`${api}/flags?rule=excursion/`)).flags).toHaveLength(1);
    // The order's timeline shows it.
    const timeline = await getJson<{ events: { kind: string; at: string }[] }>(`${api}/orders/O-1/timeline`);
    expect(timeline.events).toContainEqual(expect.objectContaining({ kind: 'flag', at: iso(t0 + 1.5 * HOUR + 30 * MIN) }));
    const metrics = await (await fetch(`${gw.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^coldtrace_flags\{state="open",severity="major",active="false"\} 1$/m);
  });

  it('gives the same flag when the same readings come again, late and out of order', async () => {
    const before = await getJson<Body>(`${api}/flags/${encodeURIComponent('excursion/temperature/upper/8/consecutive/30@batch:B-1')}`);
    const again = series(t0 + HOUR, t0 + 2.25 * HOUR, { from: t0 + 1.5 * HOUR, to: t0 + 2.25 * HOUR, c: 9 }).reverse();
    await publish('S-B', again.slice(0, 40));
    await publish('S-B', again.slice(30));
    await gw.rules.idle();
    const after = await getJson<Body>(`${api}/flags/${encodeURIComponent(before.id)}`);
    expect(after).toEqual(before);
  });

  it('updates the one flag when a late reading extends the excursion, never a second flag', async () => {
    // The sensor's outbox delivers the minutes after t0+2.25h late: they were 9 °C too.
    await publish('S-B', series(t0 + 2.25 * HOUR, t0 + 2.5 * HOUR, { from: t0, to: t0 + 3 * HOUR, c: 9 }));
    await gw.rules.idle();
    const { flags } = await getJson<{ flags: Body[] }>(`${api}/flags?subject=batch:B-1&rule=excursion/`);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ endMs: t0 + 2.5 * HOUR, metAtMs: t0 + 1.5 * HOUR + 30 * MIN });
    // Its end moved; when it was met, its severity and its episodes did not: kept without an event for the order hub.
    expect(flags[0].events.map((e: { kind: string }) => e.kind)).toEqual(['raised', 'cleared']);
    // The late minutes filled zone B's hole: only the destination's silence is left in B-1's evidence gap.
    const gap = await getJson<Body>(`${api}/flags/${encodeURIComponent('data-gap/zone@batch:B-1')}`);
    expect(gap).toMatchObject({ startMs: t0 + 5 * HOUR, active: true, figures: { holes: 1, zones: 'Z-DEST', silentSinceMs: t0 + 5 * HOUR } });
  });

  it('withdraws the flag when a late custody record shows the batch was elsewhere, and keeps it as history', async () => {
    // The WMS corrects: B-1 stayed in zone A until t0+2.4h (zone A at 12 °C from t0+2h: 24 min, under the delay),
    // then zone B (9 °C until t0+2.5h: 6 min).
    const fix = await send('PUT', `${api}/registry`, { placements: [
      { id: 'P-B1-A', batch: 'B-1', zone: 'Z-A', from: iso(t0), to: iso(t0 + 2.4 * HOUR) },
      { id: 'P-B1-B', batch: 'B-1', zone: 'Z-B', from: iso(t0 + 2.4 * HOUR), to: iso(t0 + 3 * HOUR) },
    ] });
    expect(fix.status, JSON.stringify(fix.json)).toBe(200);
    await gw.rules.idle();
    expect((await getJson<{ flags: unknown[] }>(`${api}/flags?order=O-1&subject=batch:B-1&rule=excursion/`)).flags).toEqual([]);
    const { flags } = await getJson<{ flags: Body[] }>(`${api}/flags?order=O-1&subject=batch:B-1&withdrawn=true&rule=excursion/`);
    expect(flags.map((f) => [f.rule, f.withdrawn, f.events.at(-1).kind])).toEqual([['excursion/temperature/upper/8/consecutive/30', true, 'withdrawn']]);
  });

  it('moves a flag along its lifecycle with who, when and why, refusing a move that is not allowed', async () => {
    // The destination's cold room runs at 10 °C for the hour after B-1 arrived, and still is at the last reading.
    await publish('S-DEST', series(t0 + 5 * HOUR, t0 + 6 * HOUR, { from: t0 + 5 * HOUR, to: t0 + 6 * HOUR, c: 10 }));
    await gw.rules.idle();
    const [flag] = (await getJson<{ flags: Body[] }>(`${api}/flags?order=O-1&subject=batch:B-1&rule=excursion/`)).flags;
    expect(flag).toMatchObject({ startMs: t0 + 5 * HOUR, metAtMs: t0 + 5.5 * HOUR, state: 'open', related: expect.objectContaining({ zones: ['Z-DEST'] }) });
    const id = encodeURIComponent(flag.id);
    const ack = await send('POST', `${api}/flags/${id}/acknowledge`, { comment: 'QA looking' }, { 'x-coldtrace-actor': 'qa.anna' });
    expect(ack.json.state).toBe('acknowledged');
    const resolved = await send('POST', `${api}/flags/${id}/resolve`, { comment: 'stability data covers it' }, { 'x-coldtrace-actor': 'qa.anna' });
    expect(resolved.json.events.slice(-2).map((e: Body) => [e.kind, e.by, e.comment])).toEqual([['acknowledged', 'qa.anna', 'QA looking'], ['resolved', 'qa.anna', 'stability data covers it']]);
    const wrong = await send('POST', `${api}/flags/${id}/acknowledge`, {});
    expect(wrong.status).toBe(409);
  });

  it('judges the batches of a product again when its profile changes, and says what a profile would find without writing', async () => {
    const dry = await send('POST', `${api}/rules/evaluate`, { batches: ['B-1'], dryRun: true });
    expect(dry.json.findings.map((f: Body) => f.rule)).toEqual(['excursion/temperature/upper/8/consecutive/30', 'data-gap/zone']);
    // The product's limit moves to 12 °C: the destination room's 10 °C is no excursion any more.
    const product = await getJson<Body>(`${api}/registry/products/P-VAX`);
    const relaxed = { ...product, limits: product.limits.map((l: Body) => (l.bound === 'upper' ? { ...l, value: 12 } : l)) };
    expect((await send('PUT', `${api}/registry/products/P-VAX`, relaxed)).status).toBe(200);
    await gw.rules.idle();
    expect((await getJson<{ flags: unknown[] }>(`${api}/flags?order=O-1&subject=batch:B-1&rule=excursion/`)).flags).toEqual([]);
    expect((await send('POST', `${api}/rules/evaluate`, { batches: ['B-1'], dryRun: true })).json.findings.map((f: Body) => f.rule)).toEqual(['data-gap/zone']);
  });

  it('flags shocks and a tracker silence on the shipment and the orders it serves', async () => {
    // T-1 rides SH-1 from t0+3h to t0+5h: a reading every 5 min, silent from t0+3.5h to t0+4h (threshold 20 min),
    // and a 60 g shock at t0+4h.
    const temps = [];
    for (let t = t0 + 3 * HOUR; t < t0 + 5 * HOUR; t += 5 * MIN) if (t < t0 + 3.5 * HOUR || t >= t0 + 4 * HOUR) temps.push({ metric: 'temperature', value: 5, unit: 'Cel', time: t });
    const readings = [...temps, { metric: 'shock.peak', value: 60, unit: '[g]', time: t0 + 4 * HOUR + 1000 }];
    await client.publishAsync(dataTopic('fleet', 'truck-1', 'T-1'), JSON.stringify({ v: 1, seq: 1, time: t0 + 3 * HOUR, readings }), { qos: 1 });
    await gw.rules.idle();
    const { flags } = await getJson<{ flags: Body[] }>(`${api}/flags?subject=shipment:SH-1`);
    expect(flags.map((f) => [f.rule, f.severity, f.metAtMs]).sort()).toEqual([
      ['data-gap/20', 'warning', t0 + 3.5 * HOUR - 5 * MIN + 20 * MIN],
      ['shock/shock.peak/25/instant', 'warning', t0 + 4 * HOUR + 1000],
      ['shock/shock.peak/50/instant', 'major', t0 + 4 * HOUR + 1000],
    ]);
    for (const f of flags) expect(f.related).toMatchObject({ shipments: ['SH-1'], batches: ['B-1'], orders: ['O-1'] });
    const gap = flags.find((f) => f.rule === 'data-gap/20');
    expect(gap).toMatchObject({ active: false, startMs: t0 + 3.5 * HOUR - 5 * MIN, endMs: t0 + 4 * HOUR, figures: { gaps: 1, longestClosedMin: 35 } });
  });

  it('flags a route deviation and an unplanned stop from the tracker positions, never a stop at a hub', async () => {
    // 40 min parked 25 km off the planned route (far from any site or hub), then 34 min at the Utrecht hub, 56 km
    // and 30 min later (112 km/h: a plausible drive; faster would have its fixes dropped as implausible).
    const fixes = [];
    for (let t = t0 + 3.25 * HOUR; t < t0 + 3.25 * HOUR + 40 * MIN; t += MIN) fixes.push({ t, lat: 52.55, lon: 5.45 });
    for (let t = t0 + 4.4 * HOUR; t < t0 + 4.4 * HOUR + 34 * MIN; t += MIN) fixes.push({ t, lat: 52.09, lon: 5.12 });
    const readings = fixes.flatMap((f) => [{ metric: 'gps.lat', value: f.lat, unit: 'deg', time: f.t }, { metric: 'gps.lon', value: f.lon, unit: 'deg', time: f.t }]);
    await client.publishAsync(dataTopic('fleet', 'truck-1', 'T-1'), JSON.stringify({ v: 1, seq: 2, time: fixes[0]!.t, readings }), { qos: 1 });
    await gw.rules.idle();
    const flags = [
      ...(await getJson<{ flags: Body[] }>(`${api}/flags?subject=shipment:SH-1&rule=route-deviation/`)).flags,
      ...(await getJson<{ flags: Body[] }>(`${api}/flags?subject=shipment:SH-1&rule=unplanned-stop/`)).flags,
      ...(await getJson<{ flags: Body[] }>(`${api}/flags?subject=shipment:SH-1&rule=prolonged-stop/`)).flags,
    ];
    expect(flags.map((f) => [f.rule, f.severity, f.startMs, f.metAtMs, f.related.orders])).toEqual([
      ['route-deviation/3000/10', 'major', t0 + 3.25 * HOUR, t0 + 3.25 * HOUR + 10 * MIN, ['O-1']],
      ['unplanned-stop/200/30', 'warning', t0 + 3.25 * HOUR, t0 + 3.25 * HOUR + 30 * MIN, ['O-1']],
    ]);
    // The hub stop is planned: one stop episode only, the one off the route.
    expect(flags[1].episodes).toHaveLength(1);
  });

  it("shows the track as the rules see it: invalid fixes dropped and counted, the hub visit on the shipment's track and the order's timeline", async () => {
    // T-1 leaves the hub: two fixes on the route 1.5 km on, 72 s after its last fix at the hub (75 km/h; the exit
    // needs 2 fixes outside), then a fix 80 km away 54 s later (dropped as implausible) and a (0, 0) fix (dropped).
    const fixes = [
      { t: t0 + 4.97 * HOUR, lat: 52.0857, lon: 5.0993 }, { t: t0 + 4.97 * HOUR + MIN, lat: 52.0857, lon: 5.0993 },
      { t: t0 + 4.985 * HOUR, lat: 51.5, lon: 4.0 }, { t: t0 + 4.99 * HOUR, lat: 0, lon: 0 },
    ];
    const readings = fixes.flatMap((f) => [{ metric: 'gps.lat', value: f.lat, unit: 'deg', time: f.t }, { metric: 'gps.lon', value: f.lon, unit: 'deg', time: f.t }]);
    await client.publishAsync(dataTopic('fleet', 'truck-1', 'T-1'), JSON.stringify({ v: 1, seq: 3, time: fixes[0]!.t, readings }), { qos: 1 });
    await gw.rules.idle();
    const track = await getJson<Body>(`${api}/shipments/SH-1/track?at=${t0 + 10 * HOUR}`);
    expect(track).toEqual({
      shipment: 'SH-1', at: iso(t0 + 10 * HOUR), fixes: 78,
      dropped: [{ reason: 'zero-position', count: 1 }, { reason: 'speed', count: 1 }],
      visits: [{ place: 'HUB-1', placeKind: 'hub', device: 'T-1', arrived: iso(t0 + 4.4 * HOUR), departed: iso(t0 + 4.97 * HOUR) }],
      // T-1 rode SH-1 for its 2 h, its readings closer together than the 30 min gap threshold throughout.
      coverage: { percent: 100, coveredMin: 120, onShipmentMin: 120, gaps: [] },
    });
    const { events } = await getJson<{ events: Body[] }>(`${api}/orders/O-1/timeline`);
    expect(events.filter((e) => e.kind === 'place')).toEqual([
      { at: iso(t0 + 4.4 * HOUR), kind: 'place', change: 'arrived', place: 'HUB-1', placeKind: 'hub', device: 'T-1', shipment: 'SH-1' },
      { at: iso(t0 + 4.97 * HOUR), kind: 'place', change: 'departed', place: 'HUB-1', placeKind: 'hub', device: 'T-1', shipment: 'SH-1' },
    ]);
    expect((await send('GET', `${api}/shipments/NOPE/track`)).status).toBe(404);
    // The same visits are SH-1's milestones from evidence, recorded once judged (after the round: polled).
    let ms: Body[] = [];
    for (let i = 0; i < 100 && ms.length < 4; i++) {
      ms = (await getJson<{ milestones: Body[] }>(`${api}/shipments/SH-1/milestones`)).milestones;
      if (ms.length < 4) await new Promise((r) => setTimeout(r, 50));
    }
    // The tracker saw the hub; custody (B-1 boarded, then placed at DC2) tells the departure and the arrival.
    expect(ms.map(({ recorded: _r, ...m }) => m)).toEqual([
      { kind: 'departed_origin', place: 'WH1', at: iso(t0 + 3 * HOUR), source: 'custody', placement: 'P-B1-SH' },
      { kind: 'arrived_hub', place: 'HUB-1', at: iso(t0 + 4.4 * HOUR), source: 'tracker', device: 'T-1', fix: { lat: 52.09, lon: 5.12 } },
      { kind: 'departed_hub', place: 'HUB-1', at: iso(t0 + 4.97 * HOUR), source: 'tracker', device: 'T-1', fix: { lat: 52.0857, lon: 5.0993 } },
      { kind: 'arrived_destination', place: 'DC2', at: iso(t0 + 5 * HOUR), source: 'custody', placement: 'P-B1-SH' },
    ]);
    expect((await send('GET', `${api}/shipments/NOPE/milestones`)).status).toBe(404);
    // Counted in /metrics once each, however often SH-1 is judged: a fix further on the route has it judged again.
    const on = { metric: 'gps.lat', value: 52.087, unit: 'deg', time: t0 + 4.995 * HOUR };
    await client.publishAsync(dataTopic('fleet', 'truck-1', 'T-1'), JSON.stringify({ v: 1, seq: 4, time: on.time, readings: [on, { ...on, metric: 'gps.lon', value: 5.0993 }] }), { qos: 1 });
    await gw.rules.idle();
    const metrics = await (await fetch(`${gw.httpUrl}/metrics`)).text();
    expect(metrics.split('\n').filter((l) => l.startsWith('coldtrace_rules_gps_fixes_dropped_total{'))).toEqual([
      'coldtrace_rules_gps_fixes_dropped_total{reason="zero-position"} 1', 'coldtrace_rules_gps_fixes_dropped_total{reason="speed"} 1',
    ]);
  });

  it('escalates the carrier, lane and hub of a shipment with three incidents or more within seven days (tier 3)', async () => {
    // SH-1 now has a shock (25 g and 50 g: one incident), a route deviation and an unplanned stop; its tracker silence
    // is gone (the positions of the last test filled it: that flag was withdrawn).
    await gw.rules.idle();
    const tier3 = (await getJson<{ flags: Body[] }>(`${api}/flags?rule=tier3/`)).flags;
    expect(tier3.map((f) => `${f.subject.kind}:${f.subject.id} ${f.figures.incidents}`).sort()).toEqual(['carrier:Coldline 3', 'hub:HUB-1 3', 'lane:AMS-RTM 3']);
    expect(tier3[0].related).toMatchObject({ shipments: ['SH-1'], orders: ['O-1'] });
  });

  it("flags a carrier's delivery claim no tracker confirms: T-1 never entered DC2's geofence (a claim the track confirms is not flagged)", async () => {
    const claim = (time: number, code: string) => ({ shipment: 'SH-1', carrier: 'Coldline', events: [{ time: iso(time), code, text: 'Delivered, signed' }] });
    expect((await send('POST', `${api}/carrier-events`, claim(t0 + 5 * HOUR, 'delivered'))).status).toBe(200);
    await gw.rules.idle();
    const flag = (await getJson<{ flags: Body[] }>(`${api}/flags?subject=shipment:SH-1&rule=claim/`)).flags;
    expect(flag.map((f) => [f.rule, f.severity, f.startMs])).toEqual([['claim/delivered/30', 'major', t0 + 5 * HOUR]]);
    // T-1's fix nearest the claim: its last one on SH-1 (t0 + 4.995 h, by the hub), 47 km from DC2's centre.
    expect(flag[0]!.figures).toMatchObject({ claims: 1, claimText: 'Delivered, signed', nearestFixMs: t0 + 4.995 * HOUR, nearestFixKm: 47, nearestFixMinFromClaim: 0 });
    expect(flag[0]!.related).toMatchObject({ devices: ['T-1'], shipments: ['SH-1'], orders: ['O-1'] });
  });

  it("flags a carrier's event at the hub the tracker was 56 km from, not the one it was at; sent twice and out of order, the same flag", async () => {
    const at = (time: number, code: string, text: string) => ({ time: iso(time), code, text, place: 'Carrier hub Utrecht (NL)' });
    // 3.5 h: T-1 parked off the route at (52.55, 5.45); 4.5 h: T-1 at the hub (its visit 4.4-4.97 h).
    const events = [at(t0 + 3.5 * HOUR, 'in_transit', 'Arrived at facility'), at(t0 + 4.5 * HOUR, 'in_transit', 'Departed facility')];
    const post = async (list: typeof events): Promise<void> => {
      expect((await send('POST', `${api}/carrier-events`, { shipment: 'SH-1', carrier: 'Coldline', events: list })).status).toBe(200);
      await gw.rules.idle();
    };
    const hubFlags = async (): Promise<Body[]> => (await getJson<{ flags: Body[] }>(`${api}/flags?subject=shipment:SH-1&rule=claim/hub/`)).flags;
    await post([...events].reverse());
    const first = await hubFlags();
    expect(first.map((f) => [f.rule, f.severity, f.startMs])).toEqual([['claim/hub/30', 'warning', t0 + 3.5 * HOUR]]);
    expect(first[0]!.figures).toMatchObject({ claims: 1, hub: 'HUB-1', claimText: 'Arrived at facility', nearestFixMinFromClaim: 0 });
    expect(first[0]!.figures.nearestFixKm).toBeGreaterThan(50);
    await post(events);
    await post([events[1]!]);
    const again = await hubFlags();
    expect(again.map((f) => ({ id: f.id, figures: f.figures, startMs: f.startMs, events: f.events.length }))).toEqual(first.map((f) => ({ id: f.id, figures: f.figures, startMs: f.startMs, events: f.events.length })));
  });

  it("reports the month's consistency of the carrier and lane: the uncorroborated delivery, the contradicted hub event, the lag behind the tracker", async () => {
    const sh = await getJson<Body>(`${api}/registry/shipments/SH-1`);
    const month = String(sh.plannedDeparture).slice(0, 7);
    const [y, m] = month.split('-').map(Number) as [number, number];
    const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
    const report = await getJson<{ rows: Body[] }>(`${api}/reports/consistency?from=${month}&to=${next}`);
    const row = report.rows.find((r) => r.carrier === 'Coldline' && r.lane === 'AMS-RTM');
    // The hub events at 3.5 h and 4.5 h against T-1's arrival at the hub at 4.4 h: -54 and +6 min, median -24.
    expect(row).toMatchObject({ month, deliveryClaims: 1, deliveriesNotCorroborated: 1, hubEvents: 2, hubEventsContradicted: 1, lagPairs: 2, medianLagMin: -24 });
    const csv = await (await fetch(`${api}/reports/consistency?from=${month}&to=${next}&format=csv`)).text();
    expect(csv.split('\r\n')[0]).toMatch(/^month,carrier,lane,shipments,orders,/);
    expect(csv).toContain(`${month},Coldline,AMS-RTM,${row.shipments},${row.orders},`);
    expect((await send('GET', `${api}/reports/consistency?from=${next}&to=${month}`)).status).toBe(400);
  });

  it("tells the customer plainly that the carrier's delivery is not what the tracker saw", async () => {
    const s = await getJson<Body>(`${api}/orders/O-1/summary?lang=en&tz=UTC&at=${t0 + 10 * HOUR}`);
    expect(s.facts.carrier).toMatchObject({ milestone: 'delivered', evidence: { kind: 'contradicted', trackerKm: 47 } });
    expect(s.sentences.find((x: Body) => x.kind === 'carrier').text).toMatch(/delivered\. Our tracker does not confirm it: it was 47 km away at the time; we are checking\.$/);
    // Earlier, the carrier's latest word was the hub event at 4.5 h: T-1 had arrived there at 4.4 h.
    const before = await getJson<Body>(`${api}/orders/O-1/summary?lang=en&tz=UTC&at=${t0 + 4.6 * HOUR}`);
    expect(before.facts.carrier).toMatchObject({ at: iso(t0 + 4.5 * HOUR), evidence: { kind: 'confirmed', trackerAt: iso(t0 + 4.4 * HOUR) } });
  });
});

describe('rules: a custody correction re-judges what it moved away from', () => {
  it("withdraws a batch's flag when the sensor that showed it is corrected out of the zone", async () => {
    const gw = await startTestGateway();
    const api = `${gw.httpUrl}/api/v1`;
    const client = await connect(gw.mqttUrl, 'node-c2');
    try {
      expect((await send('PUT', `${api}/registry`, custodyDocument(t0))).status).toBe(200);
      const readings = series(t0 + HOUR, t0 + 3 * HOUR, { from: t0 + 1.5 * HOUR, to: t0 + 2.25 * HOUR, c: 9 }).map((r) => ({ metric: 'temperature', value: r.value, unit: 'Cel', time: r.time }));
      await client.publishAsync(dataTopic('wh1', 'node-c2', 'S-B'), JSON.stringify({ v: 1, seq: 1, time: t0 + HOUR, readings }), { qos: 1 });
      await gw.rules.idle();
      expect((await getJson<{ flags: Body[] }>(`${api}/flags?subject=batch:B-1&rule=excursion/`)).flags.map((f) => f.rule)).toEqual(['excursion/temperature/upper/8/consecutive/30']);
      // The WMS corrects: sensor S-B was taken out of zone B at t0+1h (before B-1 arrived there).
      const fix = await send('PUT', `${api}/registry/placements/P-SB`, { device: 'S-B', zone: 'Z-B', from: iso(t0 - 2 * HOUR), to: iso(t0 + HOUR) });
      expect(fix.status, JSON.stringify(fix.json)).toBe(200);
      await gw.rules.idle();
      // No excursion any more; instead zone B had no sensor at all while B-1 was there: a blind spot in its evidence.
      const flags = (await getJson<{ flags: Body[] }>(`${api}/flags?subject=batch:B-1`)).flags;
      expect(flags.map((f) => f.rule)).toEqual(['data-gap/zone']);
      expect(flags[0]!.figures).toMatchObject({ zones: 'Z-A,Z-B,Z-DEST', holes: 3 });
    } finally {
      await client.endAsync();
      await gw.destroy();
    }
  });
});
