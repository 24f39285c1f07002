/**
 * Cameras in the whole agent (issue #21): the agent process takes schedule photos from the IP camera simulator while
 * the gateway is down, is killed (-9), starts again on the same data directory and uploads what it kept, numbers
 * continuing; in-process, a scanner's read reaches a camera's trigger through the agent's own wiring and the photo
 * reaches the gateway's peer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScanRead } from '@coldtrace/contract';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startAgent } from '../../src/agent.js';
import type { AgentConfig } from '../../src/config/types.js';
import type { Source, SourceSink } from '../../src/sources/source.js';
import { startIpCamera } from '../../../simulators/src/devices/index.js';
import { startBroker } from '../helpers/broker.js';
import { startPhotoPeer } from '../helpers/photo-peer.js';
import { MAIN } from './run-cli.js';

const until = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: 30_000, interval: 50 });
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function pendingPhotos(dataDir: string): { seq: number; sha256: string }[] {
  const dir = join(dataDir, 'photos', 'pending');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { seq: number; sha256: string });
}

function spawnAgent(config: string): ChildProcess {
  const child = spawn(process.execPath, [MAIN, '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  cleanup.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

describe('cameras in the agent', () => {
  it('keeps the photos it could not upload through a kill -9 and uploads them after the restart, numbers continuing', async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run \`npx tsc -b edge-agent\` before the integration tests`);
    const dir = mkdtempSync(join(tmpdir(), 'ct-camera-agent-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const broker = await startBroker();
    cleanup.push(() => broker.stop());
    const camera = await startIpCamera({ station: 'Dock 1', device: 'dock-cam-1', width: 160, height: 90 });
    cleanup.push(() => camera.close());
    const peer = await startPhotoPeer({ secret: 'node-secret' });
    cleanup.push(() => peer.close());
    peer.down = true;
    writeFileSync(join(dir, 'secret'), 'node-secret\n');
    const config = join(dir, 'agent.yaml');
    writeFileSync(config, [
      'site: wh1', 'node: dock-1', `mqtt: { url: "${broker.url}", username: wh1/dock-1, passwordFile: secret }`, 'dataDir: data', 'logLevel: warn',
      `photos: { url: "${peer.url}" }`,
      'sources:',
      `  - { kind: camera, device: dock-cam-1, station: Dock 1, intervalMs: 1000, snapshot: { url: "${camera.snapshotUrl}" } }`,
    ].join('\n'));
    const first = spawnAgent(config);
    await until(() => expect(pendingPhotos(join(dir, 'data')).length).toBeGreaterThanOrEqual(3));
    const killed = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await killed;
    const kept = pendingPhotos(join(dir, 'data'));
    expect(peer.stored).toHaveLength(0);
    expect(peer.requests.length).toBeGreaterThanOrEqual(1);

    peer.down = false;
    const second = spawnAgent(config);
    await until(() => expect(peer.stored.map((p) => p.sha256)).toEqual(expect.arrayContaining(kept.map((k) => k.sha256))));
    await until(() => expect(peer.stored.length).toBeGreaterThan(kept.length));
    const seqs = peer.stored.map((p) => Number(p.query['seq']));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(Math.max(...seqs)).toBeGreaterThan(Math.max(...kept.map((k) => k.seq)));
    expect(peer.stored[0]?.authorization).toBe(`Basic ${Buffer.from('wh1/dock-1:node-secret').toString('base64')}`);
    const stopped = new Promise<number | null>((r) => second.once('exit', (code) => r(code)));
    second.kill('SIGTERM');
    expect(await stopped).toBe(0);
  });

  it("takes a photo when a scanner of the same agent reads a code, and the photo reaches the gateway", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-camera-agent-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const broker = await startBroker();
    cleanup.push(() => broker.stop());
    const camera = await startIpCamera({ station: 'Packing 1', device: 'pack-cam-1', width: 160, height: 90 });
    cleanup.push(() => camera.close());
    const peer = await startPhotoPeer();
    cleanup.push(() => peer.close());
    // A scanner stand-in: the real one needs a serial port; this one hands the sink a read when told.
    let scannerSink: SourceSink | undefined;
    const scanner: Source = { name: 'fake-scanner', devices: ['pack-scanner'], start: (s) => { scannerSink = s; return Promise.resolve(); }, stop: () => Promise.resolve() };
    const config: AgentConfig = {
      site: 'wh1', node: 'dock-1', dataDir: join(dir, 'data'), logLevel: 'silent',
      mqtt: { url: broker.url, clientId: 'ct-wh1-dock-1', keepaliveS: 30, protocolVersion: 4 },
      outbox: { maxBytes: 1 << 20, maxAgeMs: 3_600_000, replayRatePerS: 50 },
      photos: { url: peer.url, maxBytes: 1 << 24, maxPhotos: 100, maxRejected: 10, timeoutMs: 5000 },
      sources: [
        { kind: 'scanner', device: 'pack-scanner', mode: 'barcode', path: '/dev/null', baudRate: 9600, reopenDelayMs: 1000, delimiter: '\n', dedupeMs: 0, batchMs: 0, maxBatch: 1000 },
        { kind: 'camera', device: 'pack-cam-1', station: 'Packing 1', intervalMs: 0, triggers: [{ on: 'scan', device: 'pack-scanner' }], minGapMs: 0, input: { kind: 'snapshot', url: camera.snapshotUrl, auth: 'none', timeoutMs: 5000, maxBytes: 1 << 20 } },
      ],
    };
    const agent = await startAgent(config, { log: pino({ level: 'silent' }), factories: { scanner: () => scanner }, statsLogIntervalMs: 0 });
    cleanup.push(() => agent.stop(500));
    scannerSink?.scans?.('pack-scanner', [{ raw: ']C100095060001343520', time: Date.now() } as unknown as ScanRead]);
    await until(() => expect(peer.stored).toHaveLength(1));
    expect(peer.stored[0]?.query).toMatchObject({ device: 'pack-cam-1', trigger: 'scan', station: 'Packing 1', seq: '0', site: 'wh1', node: 'dock-1' });
    await until(() => expect(agent.stats().photos).toMatchObject({ outbox: { depth: 0, uploaded: 1 }, upload: { stored: 1 } }));
  });
});
