/**
 * The demo's dock (scripts/start.mjs, docs/scans.md, docs/photos.md) end to end: the dock simulator's scanners on
 * socat ptys and its RFID portal speaking LLRP over TCP -> the edge agent's scanner and llrp sources -> contract v1
 * scan messages over MQTT -> the
 * gateway's custody; the packing scan and the portal's read trigger the agent's cameras (the IP camera simulator,
 * Digest auth) -> the photo outbox -> PUT /api/v1/photos on the real gateway -> photos on the order's timeline.
 * The story's outcomes land in the scan log and on ORD-1004's timeline, as `npm start` shows them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { demoRegistry } from '../../src/demo-registry.js';
import { startDock, type RunningDock } from '../../src/dock.js';
import { startIpCamera, type IpCamera } from '../../src/devices/index.js';
import { request, startTestGateway, type Body, type TestGateway } from '../../../gateway/test/support/gateway.js';
import { startAgent, type Agent } from '../../../edge-agent/src/agent.js';
import { validateConfig } from '../../../edge-agent/src/config/validate.js';
import { until } from '../support/until.js';

describe('demo dock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-dock-'));
  let gw: TestGateway;
  let dock: RunningDock;
  let agent: Agent;
  const cameras: IpCamera[] = [];

  beforeAll(async () => {
    gw = await startTestGateway({ COLDTRACE_RULES: 'off' });
    const imported = await request('PUT', `${gw.httpUrl}/api/v1/registry`, demoRegistry(Date.now()));
    expect(imported.status, JSON.stringify(imported.json)).toBe(200);
    const auth = { scheme: 'digest', username: 'admin', password: 'demo-camera' } as const;
    for (const [device, station] of [['pack-cam-1', 'Packing station 1'], ['dock-cam-1', 'Loading dock 1']] as const) {
      cameras.push(await startIpCamera({ device, station, auth, width: 320, height: 180 }));
    }
    const camera = (device: string, station: string, url: string, trigger: string, minGapMs: number) => ({
      kind: 'camera', device, station, snapshot: { url, username: 'admin', password: 'demo-camera' }, triggers: [{ on: 'scan', device: trigger }], minGapMs,
    });
    // The story waits a second: the agent (cameras, photo outbox) opens the scanners' ports before the first scan.
    dock = await startDock({ dir: join(dir, 'pty'), stepMs: 150, delayMs: 1000 });
    const checked = validateConfig({
      site: 'demo-site', node: 'dock-1', mqtt: { url: gw.mqttUrl }, dataDir: join(dir, 'agent'), metrics: { host: '127.0.0.1', port: 0 },
      photos: { url: gw.httpUrl },
      sources: [
        { kind: 'scanner', device: 'cold-door-1', mode: 'barcode', path: dock.coldDoorPath, refusedReply: '\u0007' },
        { kind: 'llrp', host: '127.0.0.1', port: dock.portalPort, antennas: [{ id: 1, device: 'dock-portal-1' }, { id: 2, device: 'dock-portal-1' }], batchMs: 0 },
        { kind: 'scanner', device: 'pack-scanner-1', mode: 'barcode', path: dock.packPath },
        camera('pack-cam-1', 'Packing station 1', cameras[0]!.snapshotUrl, 'pack-scanner-1', 2000),
        camera('dock-cam-1', 'Loading dock 1', cameras[1]!.snapshotUrl, 'dock-portal-1', 300_000),
      ],
    });
    if (!checked.ok) throw new Error(checked.problems.join('; '));
    agent = await startAgent(checked.config, { log: pino({ level: 'silent' }), statsLogIntervalMs: 0 });
  });
  afterAll(async () => {
    await agent?.stop(1000);
    await dock?.close();
    for (const c of cameras) await c.close();
    await gw?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scans pallets into the cold room, creates a lot from its label, refuses an expired one, keeps a scuffed label and loads the first pallet through the portal', async () => {
    const scans = await until(async () => {
      const r = await request('GET', `${gw.httpUrl}/api/v1/scans?limit=20`);
      const list = r.json.scans as Body[];
      return list.some((s) => s.device === 'dock-portal-1') ? list : undefined;
    }, 20_000, 'the portal read the loaded pallet');
    // The portal reads the loaded pallet again now and then: repeats, however many a slow machine sees by now.
    expect(scans.reverse().filter((s: Body) => s.outcome !== 'repeat').map((s: Body) => `${s.device} ${s.batch ?? '-'} ${s.outcome}${s.createdBatch === true ? ' created' : ''}${s.reasonCode !== undefined ? ` ${s.reasonCode}` : ''}`)).toEqual([
      'cold-door-1 VAX-2612 moved',
      'cold-door-1 VAX-2613 moved created',
      'cold-door-1 VAX-2501 refused created E_SCAN_EXPIRED',
      'cold-door-1 - bad-code E_GS1_CHECK_DIGIT',
      'pack-scanner-1 VAX-2612 moved',
      'dock-portal-1 VAX-2612 moved',
    ]);
    // The agent counts what its scanners read: the scuffed label was sent as undecoded.
    const agentMetrics = await (await fetch(agent.metricsUrl!)).text();
    expect(agentMetrics).toMatch(/^coldtrace_agent_scan_reads_total\{source="scanner:[^"]+cold-door",outcome="undecoded"\} 1$/m);
    // The expired pallet's refusal came back from the gateway and was written to the door's scanner (its beep).
    await until(async () => /^coldtrace_agent_scan_refusals_total\{source="scanner:[^"]+cold-door",told="yes"\} 1$/m.test(await (await fetch(agent.metricsUrl!)).text()) || undefined, 10_000, 'the refusal told to the scanner');
    const timeline = await request('GET', `${gw.httpUrl}/api/v1/orders/ORD-1004/timeline`);
    expect(timeline.json.events.filter((e: Body) => e.kind === 'custody').map((e: Body) => `${e.change} ${e.location.id}`)).toEqual([
      'arrived cold-room', 'left cold-room', 'arrived packing', 'left packing', 'arrived SH-7-0002',
    ]);
  });

  it('photographs the pallet at the packing station and at the loading door, and the photos reach the order timeline', async () => {
    const photos = await until(async () => {
      const t = await request('GET', `${gw.httpUrl}/api/v1/orders/ORD-1004/timeline`);
      const list = (t.json.events as Body[]).filter((e) => e.kind === 'photo');
      return list.length >= 2 ? list : undefined;
    }, 20_000, 'both photos on the timeline');
    expect(photos.map((p: Body) => `${p.device} ${p.trigger} ${p.location.id} ${p.batches.join(',')} ${p.station}`)).toEqual([
      'pack-cam-1 scan packing VAX-2612 Packing station 1',
      'dock-cam-1 scan SH-7-0002 VAX-2612 Loading dock 1',
    ]);
    // The bytes the gateway keeps are the camera's JPEG, under its hash.
    const original = await fetch(`${gw.httpUrl}${photos[0].original as string}`);
    expect(original.status).toBe(200);
    const bytes = Buffer.from(await original.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(photos[0].sha256);
    // Digest answered once per camera, then its nonce reused; nothing left in the agent's photo outbox.
    expect(cameras.map((c) => c.stats.unauthorized)).toEqual([1, 1]);
    await until(async () => agent.stats().photos?.outbox.depth === 0 || undefined, 10_000, 'the photo outbox emptied');
    expect(agent.stats().photos?.upload).toMatchObject({ stored: 2, rejected: 0 });
  });
});
