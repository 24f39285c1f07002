/**
 * The camera source against the IP camera simulator (simulators/src/devices/ip-camera.ts) over real HTTP, photos
 * kept in a real photo outbox: a camera that answers, asks for Digest (MD5 and SHA-256) or Basic credentials, times
 * out, refuses the credentials, answers an HTML page, cuts the transfer or fails; each failure is counted with its
 * reason and the source keeps taking photos. Triggers come through the same event tap the agent uses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceStatus, ScanRead } from '@coldtrace/contract';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PhotoOutbox } from '../../src/forward/photo-outbox.js';
import { CameraSource } from '../../src/sources/camera/camera-source.js';
import type { CameraSnapshotConfig, CameraSourceConfig } from '../../src/sources/camera/config.js';
import { SourceEventTap } from '../../src/sources/events.js';
import type { SourceSink } from '../../src/sources/source.js';
import { startIpCamera, type IpCamera, type IpCameraOptions } from '../../../simulators/src/devices/index.js';

const log = pino({ level: 'silent' });
const until = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: 15_000, interval: 20 });
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Rig {
  readonly camera: IpCamera;
  readonly source: CameraSource;
  readonly outbox: PhotoOutbox;
  readonly tap: SourceEventTap;
  readonly statuses: Omit<DeviceStatus, 'v'>[];
}

async function rig(cam: Partial<IpCameraOptions>, snapshot: Partial<CameraSnapshotConfig>, extra: Partial<CameraSourceConfig> = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'ct-camera-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const camera = await startIpCamera({ station: 'Packing 1', device: 'pack-cam-1', width: 160, height: 90, ...cam });
  cleanup.push(() => camera.close());
  const outbox = await PhotoOutbox.open(dir, {}, log);
  const statuses: Omit<DeviceStatus, 'v'>[] = [];
  const inner: SourceSink = { readings: () => undefined, status: (_d, s) => void statuses.push(s) };
  const tap = new SourceEventTap(inner, (shot) => outbox.store(shot, Date.now()));
  const config: CameraSourceConfig = {
    kind: 'camera', device: 'pack-cam-1', station: 'Packing 1', intervalMs: 0, triggers: [], minGapMs: 0,
    input: { kind: 'snapshot', url: camera.snapshotUrl, auth: 'none', timeoutMs: 5000, maxBytes: 1 << 20, ...snapshot },
    ...extra,
  };
  const source = new CameraSource(config, { log, events: tap, statusIntervalMs: 0 });
  await source.start(tap);
  cleanup.push(() => source.stop());
  return { camera, source, outbox, tap, statuses };
}

describe('camera source (snapshot)', () => {
  it('keeps a snapshot with its trigger, station and device time', async () => {
    const { source, outbox } = await rig({}, {});
    const before = Date.now();
    await source.shoot('manual');
    const next = await outbox.next();
    expect(next?.photo).toMatchObject({ device: 'pack-cam-1', seq: 0, trigger: 'manual', station: 'Packing 1' });
    expect(Date.parse(next!.photo.takenAt)).toBeGreaterThanOrEqual(before - 1);
    expect(next!.bytes.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(source.stats).toMatchObject({ shots: 1, stored: 1 });
  });

  it.each([
    { name: 'Digest with SHA-256', auth: { scheme: 'digest', username: 'admin', password: 'cam-pw', algorithm: 'SHA-256' }, mode: 'auto' },
    { name: 'Digest with MD5', auth: { scheme: 'digest', username: 'admin', password: 'cam-pw', algorithm: 'MD5' }, mode: 'digest' },
    { name: 'Basic after a challenge', auth: { scheme: 'basic', username: 'admin', password: 'cam-pw' }, mode: 'auto' },
    { name: 'Basic sent first', auth: { scheme: 'basic', username: 'admin', password: 'cam-pw' }, mode: 'basic' },
  ] as const)('answers $name, reusing the nonce for later shots', async ({ auth, mode }) => {
    const { source, camera } = await rig({ auth }, { auth: mode, username: 'admin', password: 'cam-pw' });
    for (let i = 0; i < 3; i++) await source.shoot('manual');
    expect(source.stats).toMatchObject({ shots: 3, stored: 3 });
    expect(camera.stats.served).toBe(3);
    // One challenge at most (the first shot); Basic sent first is never challenged.
    expect(camera.stats.unauthorized).toBe(mode === 'basic' ? 0 : 1);
  });

  it('does not send the password in Basic to a camera that offers only Basic when told digest', async () => {
    const { source, camera } = await rig({ auth: { scheme: 'basic', username: 'admin', password: 'cam-pw' } }, { auth: 'digest', username: 'admin', password: 'cam-pw' });
    await source.shoot('manual');
    expect(source.stats.failures.unauthorized).toBe(1);
    expect(camera.stats).toMatchObject({ requests: 1, served: 0 });
  });

  it('counts each bad answer by its reason and keeps running', async () => {
    const { source, camera, outbox, statuses } = await rig({ auth: { scheme: 'digest', username: 'admin', password: 'right' } }, { auth: 'auto', username: 'admin', password: 'wrong', timeoutMs: 5000 });
    await source.shoot('manual');
    expect(source.stats.failures.unauthorized).toBe(1);
    expect(camera.stats.unauthorized).toBe(2); // the first challenge, then the wrong answer: no third try
    cleanup.pop(); // the camera with the wrong password is done; the rest on an open camera
    await source.stop();
    // 2 s: the hanging camera's shot waits that long; the others answer at once, even on a loaded machine.
    const open = await rig({}, { timeoutMs: 2000 });
    for (const fault of ['hang', 'html', 'truncated', 'error'] as const) {
      open.camera.fault = fault;
      await open.source.shoot('manual');
    }
    open.camera.fault = 'none';
    await open.source.shoot('manual');
    expect(open.source.stats.failures).toMatchObject({ timeout: 1, 'not-jpeg': 1, truncated: 1, 'http-status': 1 });
    expect(open.source.stats).toMatchObject({ shots: 5, stored: 1 });
    expect(open.outbox.stats().depth).toBe(1);
    expect(outbox.stats().depth).toBe(0);
    expect(statuses.at(-1)).toMatchObject({ state: 'error' });
    expect(statuses.at(-1)?.error).toMatch(/^unauthorized: HTTP 401/);
    expect(open.statuses.map((s) => s.error?.split(':')[0] ?? s.state)).toEqual(['timeout', 'not-jpeg', 'truncated', 'http-status', 'ok']);
  });

  it('reads the password file at every shot: missing, the shot fails with its reason; written, the next shot works', async () => {
    const secret = join(mkdtempSync(join(tmpdir(), 'ct-camera-pw-')), 'cam.secret');
    cleanup.push(() => rmSync(join(secret, '..'), { recursive: true, force: true }));
    const { source } = await rig({ auth: { scheme: 'digest', username: 'admin', password: 'rotated', algorithm: 'SHA-256' } }, { auth: 'auto', username: 'admin', passwordFile: secret });
    await source.shoot('manual');
    expect(source.stats.failures['file-unreadable']).toBe(1);
    writeFileSync(secret, 'rotated\n');
    await source.shoot('manual');
    expect(source.stats).toMatchObject({ shots: 2, stored: 1 });
  });

  it('stops at once while a snapshot hangs, counting no failure', async () => {
    const { source, camera } = await rig({}, { timeoutMs: 600_000 });
    camera.fault = 'hang';
    const shot = source.shoot('manual');
    await until(() => expect(camera.stats.requests).toBe(1));
    await source.stop(); // the test's own timeout fails it if this waited for the 10 min snapshot timeout
    await shot;
    expect(source.stats).toMatchObject({ shots: 1, stored: 0, failures: { network: 0, timeout: 0 } });
  });

  it('takes a photo when the scanner it watches reads a code, folding repeats within minGapMs', async () => {
    const { source, tap, outbox } = await rig({}, {}, { triggers: [{ on: 'scan', device: 'pack-scanner' }], minGapMs: 60_000 });
    const read = { raw: ']C100095060001000000011', time: Date.now() } as unknown as ScanRead;
    tap.scans('other-scanner', [read]);
    tap.scans('pack-scanner', [read]);
    tap.scans('pack-scanner', [read]);
    await until(() => expect(source.stats.stored).toBe(1));
    expect(source.stats).toMatchObject({ folded: 1, triggered: { scan: 1 } });
    expect((await outbox.next())?.photo.trigger).toBe('scan');
  });

  it('takes schedule shots every intervalMs', async () => {
    const { source } = await rig({}, {}, { intervalMs: 1000 });
    await until(() => expect(source.stats.triggered.schedule).toBeGreaterThanOrEqual(1));
    await until(() => expect(source.stats.stored).toBeGreaterThanOrEqual(1));
  });
});
