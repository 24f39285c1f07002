/**
 * Scans become custody end to end (issue #21, docs/scans.md): the registry knows the doors, the scanners publish
 * contract v1 scan messages over MQTT, and the readings of each leg resolve to the pallet's batch and order with no
 * custody call to the API. A late scan re-links, a repeat changes nothing, a contradiction is kept and flagged, an
 * expired batch is refused at the door (flag, command to the node) and a bad code is kept with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { dataTopic, FLAG_EVENT_FILTER, scanCommandTopic, scanTopic, type ScanCommand, type ScanRead } from '@coldtrace/contract';
import { connect, getJson, request, startTestGateway, type TestGateway } from '../support/gateway.js';
import { HOUR, iso } from '../support/registry-fixture.js';

const STEP = 10 * 60_000;
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;
const GTIN = '09506000134352';
const day = (ms: number): string => iso(ms).slice(0, 10);

function scanDocument(): Record<string, unknown> {
  const circle = (lat: number, lon: number) => ({ kind: 'circle', center: { lat, lon }, radiusM: 400 });
  const sensor = (id: string) => ({ id, kind: 'zone_sensor', model: 'XY-MD02', intervalS: 600, metrics: ['temperature'] });
  const scanner = (id: string, door: Record<string, string>) => ({ id, kind: 'scanner', model: 'DS3608', intervalS: 3600, scanner: door });
  return {
    format: 'coldtrace-registry/1',
    sites: [{ id: 'AMS', name: 'Amsterdam DC', geofence: circle(52.31, 4.77) }, { id: 'UTR', name: 'Utrecht pharmacy', geofence: circle(52.09, 5.12), minRemainingShelfLifeDays: 30 }],
    zones: [{ id: 'Z-COLD', site: 'AMS', name: 'Cold room' }, { id: 'Z-RX', site: 'UTR', name: 'Receiving cold room' }],
    devices: [
      sensor('S-COLD'), sensor('S-RX'), { id: 'T-1', kind: 'tracker', model: 'GPS', intervalS: 600, metrics: ['temperature'] },
      scanner('SC-COLD', { zone: 'Z-COLD', direction: 'in' }), scanner('SC-LOAD', { shipment: 'SH-1', direction: 'in' }), scanner('SC-RX', { zone: 'Z-RX', direction: 'in' }),
    ],
    products: [{ id: 'P-VAX', name: 'Vaccine', storageTempC: 5, gtins: [GTIN] }],
    batches: [{ id: 'LOT-1', product: 'P-VAX', quantity: 48, producedAt: '2026-10-01', expiresAt: '2028-10-01' }, { id: 'LOT-2', product: 'P-VAX', quantity: 48, producedAt: '2026-10-01', expiresAt: '2028-10-01' }],
    shipments: [{ id: 'SH-1', carrier: 'Coldline', lane: 'AMS-UTR', mode: 'road', origin: 'AMS', destination: 'UTR', plannedDeparture: iso(t0 + 2 * HOUR), promisedDelivery: iso(t0 + 5 * HOUR) }],
    orders: [
      { id: 'O-1', customer: 'Pharmacy North', lines: [{ batch: 'LOT-1', quantity: 48 }], shipments: ['SH-1'], promisedDelivery: iso(t0 + 5 * HOUR) },
      { id: 'O-2', customer: 'Clinic South', lines: [{ batch: 'LOT-2', quantity: 48 }], promisedDelivery: iso(t0 + 9 * HOUR) },
    ],
    placements: [
      { id: 'P-S-COLD', device: 'S-COLD', zone: 'Z-COLD', from: iso(t0 - 2 * HOUR) },
      { id: 'P-S-RX', device: 'S-RX', zone: 'Z-RX', from: iso(t0 - 2 * HOUR) },
      { id: 'P-T-1', device: 'T-1', shipment: 'SH-1', from: iso(t0 - 2 * HOUR) },
    ],
  };
}

/** A pallet label as the edge decodes it: SSCC, content GTIN, count, lot, expiry. */
const label = (lot: string, expiresOn = '2028-10-01', extra: Partial<ScanRead['code']> = {}): Omit<ScanRead, 'time'> => ({
  via: 'barcode', raw: `]C100106141411234567897${'02'}${GTIN}3748\u001d10${lot}\u001d17${expiresOn.slice(2).replace(/-/g, '')}`,
  code: { sscc: '106141411234567897', content: GTIN, count: 48, batch: lot, expiresOn, ...extra },
});

interface EvidenceReading { device: string; time: number }
interface ScanRow { device: string; batch?: string; outcome: string; reasonCode?: string; createdBatch?: boolean }

describe('scans become custody', () => {
  let gw: TestGateway;
  let node: MqttClient;
  let api: string;
  const seqs = new Map<string, number>();
  const commands: ScanCommand[] = [];
  /** Flag events as the order hub receives them on MQTT. */
  const flagEvents: { type: string; flag: { rule: string; subject: { id: string } } }[] = [];

  /** One scan message of `device` with the reads; resolves once the gateway acknowledged it (after it is durable). */
  async function scan(device: string, time: number, reads: Omit<ScanRead, 'time'>[], seq?: number): Promise<number> {
    const s = seq ?? (seqs.get(device) ?? 0) + 1;
    seqs.set(device, Math.max(s, seqs.get(device) ?? 0));
    await node.publishAsync(scanTopic('wh', 'node-1', device), JSON.stringify({ v: 1, seq: s, time, reads }), { qos: 1 });
    return s;
  }
  const evidence = async (batch: string): Promise<string[]> =>
    (await getJson<{ readings: EvidenceReading[] }>(`${api}/evidence/batches/${batch}`)).readings.map((r) => `${r.device}@${(r.time - t0) / 60_000}`);
  const leg = (device: string, fromH: number, toH: number): string[] => {
    const out: string[] = [];
    for (let t = t0 + fromH * HOUR; t < t0 + toH * HOUR; t += STEP) out.push(`${device}@${(t - t0) / 60_000}`);
    return out;
  };

  beforeAll(async () => {
    gw = await startTestGateway();
    api = `${gw.httpUrl}/api/v1`;
    const put = await request('PUT', `${api}/registry`, scanDocument());
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    node = await connect(gw.mqttUrl, 'node-1');
    await node.subscribeAsync([scanCommandTopic('wh', 'node-1'), FLAG_EVENT_FILTER], { qos: 1 });
    node.on('message', (topic, payload) => {
      if (topic === scanCommandTopic('wh', 'node-1')) commands.push(JSON.parse(payload.toString()) as ScanCommand);
      else flagEvents.push(JSON.parse(payload.toString()) as (typeof flagEvents)[number]);
    });
    for (const d of ['S-COLD', 'S-RX', 'T-1']) {
      const readings = [];
      for (let t = t0 - HOUR; t < t0 + 8 * HOUR; t += STEP) readings.push({ metric: 'temperature', value: 5, unit: 'Cel', time: t });
      await node.publishAsync(dataTopic('wh', 'node-1', d), JSON.stringify({ v: 1, seq: 1, time: t0 - HOUR, readings }), { qos: 1 });
    }
  });
  afterAll(async () => {
    await node?.endAsync();
    await gw?.destroy();
  });

  it('resolves the readings of each leg of a pallet scanned at the cold room, the loading door and the destination to its batch and order', async () => {
    await scan('SC-COLD', t0, [label('LOT-1')]);
    await scan('SC-LOAD', t0 + 2 * HOUR, [label('LOT-1')]);
    await scan('SC-RX', t0 + 4 * HOUR, [label('LOT-1')]);
    expect(await evidence('LOT-1')).toEqual([...leg('S-COLD', 0, 2), ...leg('T-1', 2, 4), ...leg('S-RX', 4, 8)]);
    const at = (device: string, h: number) => getJson<{ batches: string[]; orders: string[] }>(`${api}/custody/resolve?device=${device}&time=${t0 + h * HOUR}`);
    expect(await at('S-COLD', 1)).toMatchObject({ batches: ['LOT-1'], orders: ['O-1'] });
    expect(await at('T-1', 3)).toMatchObject({ batches: ['LOT-1'], orders: ['O-1'] });
    expect(await at('S-RX', 5)).toMatchObject({ batches: ['LOT-1'], orders: ['O-1'] });
    expect(await at('S-COLD', 3)).toMatchObject({ batches: [] });
    // The moves are the scanners' in the registry's history.
    const { entries } = await getJson<{ entries: { actor: string; source: string }[] }>(`${api}/registry/placements/scan-SC-LOAD-1-0/history`);
    expect(entries[0]).toMatchObject({ actor: 'scanner:SC-LOAD', source: 'scan' });
  });

  it('changes nothing for a re-sent message or a repeated scan', async () => {
    const before = await evidence('LOT-1');
    await scan('SC-RX', t0 + 4 * HOUR, [label('LOT-1')], 1); // the same message again
    await scan('SC-RX', t0 + 4.5 * HOUR, [label('LOT-1'), label('LOT-1')]);
    expect(await evidence('LOT-1')).toEqual(before);
    const { scans } = await getJson<{ scans: ScanRow[] }>(`${api}/scans?device=SC-RX`);
    expect(scans.map((s) => s.outcome)).toEqual(['repeat', 'repeat', 'moved']);
  });

  it('re-links the readings a late scan covers (the scanner was offline)', async () => {
    await scan('SC-LOAD', t0 + 3 * HOUR, [label('LOT-2')]);
    expect((await evidence('LOT-2')).filter((r) => r.startsWith('S-COLD'))).toEqual([]);
    // The cold room door's scanner comes back online and sends the scan it took at t0 + 1 h.
    await scan('SC-COLD', t0 + HOUR, [label('LOT-2')]);
    expect(await evidence('LOT-2')).toEqual([...leg('S-COLD', 1, 3), ...leg('T-1', 3, 8)]);
    const resolved = await getJson<{ orders: string[] }>(`${api}/custody/resolve?device=S-COLD&time=${t0 + 2 * HOUR}`);
    expect(resolved.orders).toEqual(['O-2']);
  });

  it('creates a batch the registry lacks from its label, and resolves a later RFID read of the pallet\'s SSCC to it', async () => {
    const sscc = '106141410000000019';
    await scan('SC-COLD', t0 + 5 * HOUR, [label('LOT-3', '2028-01-31', { sscc, producedOn: '2026-11-01' })]);
    await scan('SC-LOAD', t0 + 6 * HOUR, [{ via: 'rfid', raw: '3174257BF4000000000001B2', code: { sscc } }]);
    const { scans } = await getJson<{ scans: ScanRow[] }>(`${api}/scans?batch=LOT-3`);
    expect(scans.map((x) => `${x.device} ${x.outcome}${x.createdBatch === true ? ' created' : ''}`)).toEqual(['SC-LOAD moved', 'SC-COLD moved created']);
    expect(await evidence('LOT-3')).toEqual([...leg('S-COLD', 5, 6), ...leg('T-1', 6, 8)]);
  });

  it('keeps and flags a scan that contradicts custody, without applying it', async () => {
    const before = await evidence('LOT-1');
    await scan('SC-COLD', t0 + 6 * HOUR, [label('LOT-1')]); // LOT-1 is at Utrecht by then
    expect(await evidence('LOT-1')).toEqual(before);
    const { scans } = await getJson<{ scans: ScanRow[] }>(`${api}/scans?batch=LOT-1&outcome=contradiction`);
    expect(scans).toEqual([expect.objectContaining({ device: 'SC-COLD', reasonCode: 'E_SCAN_CONTRADICTS_CUSTODY' })]);
    await gw.rules.idle();
    const flags = await getJson<{ flags: { rule: string; orders?: string[]; related: { orders: string[] } }[] }>(`${api}/flags?rule=scan/`);
    expect(flags.flags.map((f) => f.rule)).toContain('scan/contradicts-custody');
    // The order's story shows the scans behind its batch's moves, and the one that changed nothing.
    const { events } = await getJson<{ events: { kind: string; device?: string; outcome?: string; change?: string }[] }>(`${api}/orders/O-1/timeline`);
    expect(events.filter((e) => e.kind === 'scan' && e.outcome !== 'repeat').map((e) => `${e.device} ${e.outcome}`)).toEqual([
      'SC-COLD moved', 'SC-LOAD moved', 'SC-RX moved', 'SC-COLD contradiction',
    ]);
  });

  it('refuses an expired batch at the door: a flag with its orders, a command to the node, no custody', async () => {
    const expired = day(t0 + 3 * HOUR - 2 * 86_400_000);
    await scan('SC-RX', t0 + 3 * HOUR, [label('LOT-OLD', expired, { producedOn: '2026-01-10', gtin: undefined })]);
    const { scans } = await getJson<{ scans: ScanRow[] }>(`${api}/scans?batch=LOT-OLD`);
    expect(scans).toEqual([expect.objectContaining({ outcome: 'refused', reasonCode: 'E_SCAN_EXPIRED', createdBatch: true })]);
    expect(await evidence('LOT-OLD')).toEqual([]);
    await gw.rules.idle();
    const flag = await getJson<{ rule: string; subject: { id: string }; severity: string }>(`${api}/flags/${encodeURIComponent('scan/refused-at-door@batch:LOT-OLD')}`);
    expect(flag).toMatchObject({ rule: 'scan/refused-at-door', subject: { id: 'LOT-OLD' }, severity: 'major' });
    // The order hub hears of it as any flag.
    await expect.poll(() => flagEvents.some((e) => e.type === 'flag.raised' && e.flag.rule === 'scan/refused-at-door' && e.flag.subject.id === 'LOT-OLD')).toBe(true);
    await expect.poll(() => commands.length).toBeGreaterThan(0);
    expect(commands[0]).toMatchObject({ kind: 'scan.refused', device: 'SC-RX', batch: 'LOT-OLD', code: 'E_SCAN_EXPIRED' });
    // Created from the code, and marked so in its history.
    const { entries } = await getJson<{ entries: { source: string }[] }>(`${api}/registry/batches/LOT-OLD/history`);
    expect(entries[0]!.source).toBe('scan');
  });

  it('refuses a batch with less life left than the receiving site asks', async () => {
    const soon = day(t0 + 5 * HOUR + 10 * 86_400_000);
    await scan('SC-RX', t0 + 5 * HOUR, [label('LOT-SHORT', soon, { producedOn: '2026-06-01' })]);
    const { scans } = await getJson<{ scans: ScanRow[] }>(`${api}/scans?batch=LOT-SHORT`);
    expect(scans).toEqual([expect.objectContaining({ outcome: 'refused', reasonCode: 'E_SCAN_SHORT_DATED' })]);
  });

  it('never passes a command a client forged on a node\'s command topic', async () => {
    const forger = await connect(gw.mqttUrl, 'forger');
    await forger.publishAsync(scanCommandTopic('wh', 'node-1'), JSON.stringify({ ...commands[0], batch: 'FORGED' }), { qos: 1 });
    await forger.endAsync();
    const before = commands.length;
    // A real refusal after the forged one: once it has arrived, the forged one would have too.
    await scan('SC-RX', t0 + 6 * HOUR, [label('LOT-OLD', day(t0 + 6 * HOUR - 2 * 86_400_000), { producedOn: '2026-01-10' })]);
    await expect.poll(() => commands.length).toBeGreaterThan(before);
    expect(commands.map((c) => c.batch)).not.toContain('FORGED');
  });

  it('keeps a code the edge could not decode, and a code that names no batch, each with its reason', async () => {
    await scan('SC-COLD', t0 + 7 * HOUR, [
      { via: 'barcode', raw: '(01)09506000134353', error: { code: 'E_GS1_CHECK_DIGIT', reason: '(01) GTIN 09506000134353: check digit is 3, should be 2' } },
      { via: 'rfid', raw: '3074257BF7194E4000001A85', code: { gtin: '80614141123458', serial: '6789' } },
    ]);
    const { scans } = await getJson<{ scans: ScanRow[] }>(`${api}/scans?device=SC-COLD&limit=2`);
    expect(scans.map((s) => `${s.outcome} ${s.reasonCode ?? ''}`).sort()).toEqual(['bad-code E_GS1_CHECK_DIGIT', 'unresolved E_SCAN_NO_BATCH']);
    const metrics = await (await fetch(`${gw.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^coldtrace_scan_reads_total\{outcome="bad-code"\} 1$/m);
  });

  it('keeps and flags a receipt of a batch whose truck\'s tracker was 300 km away, without applying it', async () => {
    // T-1 rides SH-1 (LOT-2 is on it) and its fixes put it near Paris, not at the Utrecht pharmacy.
    const readings = [];
    for (let t = t0 + 7 * HOUR; t < t0 + 8 * HOUR; t += 5 * 60_000) readings.push({ metric: 'gps.lat', value: 48.86, unit: 'deg', time: t }, { metric: 'gps.lon', value: 2.35, unit: 'deg', time: t });
    await node.publishAsync(dataTopic('wh', 'node-1', 'T-1'), JSON.stringify({ v: 1, seq: 2, time: t0 + 7 * HOUR, readings }), { qos: 1 });
    await scan('SC-RX', t0 + 7.5 * HOUR, [label('LOT-2')]);
    const { scans } = await getJson<{ scans: (ScanRow & { reason?: string })[] }>(`${api}/scans?batch=LOT-2&limit=1`);
    expect(scans[0]).toMatchObject({ device: 'SC-RX', outcome: 'contradiction', reasonCode: 'E_SCAN_CONTRADICTS_CUSTODY' });
    expect(scans[0]!.reason).toMatch(/tracker T-1 was \d{3} km from site UTR/);
  });

  it('quarantines a read that carries neither a code nor an error', async () => {
    await scan('SC-COLD', t0 + 7 * HOUR, [{ via: 'barcode', raw: 'X' }]);
    const q = await getJson<{ entries: { code: string; detail: string }[] }>(`${api}/quarantine?limit=5`);
    expect(q.entries.find((e) => e.detail.includes('/reads/0'))).toMatchObject({ code: 'E_FIELD_TYPE' });
  });

  it("takes a number an agent reuses after its numbering started again as a new message, never as a re-send", async () => {
    const lotA = label('LOT-RA', '2028-10-01', { sscc: '106141410000000026', producedOn: '2026-11-01' });
    const lotB = label('LOT-RB', '2028-10-01', { sscc: '106141410000000033', producedOn: '2026-11-01' });
    await scan('SC-COLD', t0 + HOUR, [lotA, lotB], 2000);
    await scan('SC-LOAD', t0 + 2 * HOUR, [lotA], 2000);
    // The loading door's agent gets a new data directory: its numbers start again and meet 2000 once more.
    await scan('SC-LOAD', t0 + 2.5 * HOUR, [lotB], 2000);
    await scan('SC-LOAD', t0 + 2.5 * HOUR, [lotB], 2000); // and that message is re-sent
    const { scans } = await getJson<{ scans: (ScanRow & { seq: number })[] }>(`${api}/scans?device=SC-LOAD&limit=2`);
    expect(scans.map((x) => `${x.seq} ${x.batch ?? ''} ${x.outcome}`), JSON.stringify(scans)).toEqual(['2000 LOT-RB moved', '2000 LOT-RA moved']);
    // Each move has its own placement: the reused number did not replace the first one.
    const first = await getJson<{ batch: string; shipment: string; from: string }>(`${api}/registry/placements/scan-SC-LOAD-2000-0`);
    expect(first).toMatchObject({ batch: 'LOT-RA', shipment: 'SH-1', from: iso(t0 + 2 * HOUR) });
    // On the truck from their own loading scans: the truck's readings from 2 h (LOT-RA) and from 2.5 h (LOT-RB) on.
    expect((await evidence('LOT-RA')).find((r) => r.startsWith('T-1'))).toBe('T-1@120');
    expect((await evidence('LOT-RB')).find((r) => r.startsWith('T-1'))).toBe('T-1@150');
  });
});
