/**
 * The photo uploader against a real HTTP server speaking the upload contract (test/helpers/photo-peer.ts): what
 * each answer does to the photo, the node's credentials read from its password file at every upload.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PhotoOutbox } from '../../src/forward/photo-outbox.js';
import { PhotoUploader } from '../../src/forward/photo-uploader.js';
import { jpegWithComment } from '../helpers/jpeg.js';
import { startPhotoPeer } from '../helpers/photo-peer.js';

const log = pino({ level: 'silent' });
/** Waits for a condition (not a time): generous, so a loaded machine only makes it slower. */
const until = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: 15_000, interval: 20 });
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(peerOpts: { secret?: string } = {}, secret?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'ct-photo-up-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const peer = await startPhotoPeer(peerOpts);
  cleanup.push(() => peer.close());
  const passwordFile = join(dir, 'secret');
  if (secret !== undefined) writeFileSync(passwordFile, `${secret}\n`);
  const outbox = await PhotoOutbox.open(join(dir, 'photos'), {}, log);
  const uploader = new PhotoUploader(
    { url: peer.url, site: 'wh1', node: 'dock-1', files: secret !== undefined ? { passwordFile } : {}, timeoutMs: 5000, backoff: { initialMs: 5, maxMs: 20 } },
    outbox, log, { random: () => 0 },
  );
  uploader.start();
  cleanup.push(() => uploader.stop());
  return { dir, peer, outbox, uploader, passwordFile };
}

const shot = (text: string, trigger: 'scan' | 'schedule' = 'scan') => ({ device: 'pack-cam-1', bytes: jpegWithComment(text), takenAt: Date.UTC(2026, 11, 7, 8, 0, 0), trigger, station: 'Packing 1' });

describe('photo uploader', () => {
  it('uploads each photo with its hash, device, device time, sequence, trigger, station, site and node', async () => {
    const { peer, outbox } = await setup();
    await outbox.put(shot('a'), 1);
    await outbox.put(shot('b', 'schedule'), 2);
    await until(() => expect(peer.stored).toHaveLength(2));
    expect(peer.stored.map((p) => p.query)).toEqual([
      { device: 'pack-cam-1', takenAt: '2026-12-07T08:00:00.000Z', seq: '0', trigger: 'scan', site: 'wh1', node: 'dock-1', station: 'Packing 1' },
      { device: 'pack-cam-1', takenAt: '2026-12-07T08:00:00.000Z', seq: '1', trigger: 'schedule', site: 'wh1', node: 'dock-1', station: 'Packing 1' },
    ]);
    await until(() => expect(outbox.stats()).toMatchObject({ depth: 0, uploaded: 2 }));
  });

  it('keeps a photo through 503, 429 and network-level failures and sends it once the gateway takes it', async () => {
    const { peer, outbox, uploader } = await setup();
    peer.script(503, 429, 500);
    await outbox.put(shot('kept'), 1);
    // The outbox is emptied after the uploader has counted the answer: wait for that, not for the peer's copy.
    await until(() => expect(outbox.stats()).toMatchObject({ depth: 0, uploaded: 1 }));
    expect(peer.requests.map((r) => r.status)).toEqual([503, 429, 500, 201]);
    expect(uploader.stats()).toMatchObject({ attempts: 4, retries: 3, stored: 1, failingFor: 0 });
  });

  it('retries through a gateway that is not listening yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-photo-up-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const outbox = await PhotoOutbox.open(dir, {}, log);
    const uploader = new PhotoUploader({ url: 'http://127.0.0.1:1', site: 'wh1', node: 'dock-1', files: {}, backoff: { initialMs: 5, maxMs: 10 } }, outbox, log);
    uploader.start();
    cleanup.push(() => uploader.stop());
    await outbox.put(shot('x'), 1);
    await until(() => expect(uploader.stats().retries).toBeGreaterThanOrEqual(2));
    expect(outbox.stats()).toMatchObject({ depth: 1, uploaded: 0, rejected: 0 });
  });

  it('counts a duplicate as delivered', async () => {
    const { peer, outbox, uploader } = await setup();
    await outbox.put(shot('same'), 1);
    await until(() => expect(outbox.stats().uploaded).toBe(1));
    await outbox.put(shot('same'), 2);
    await until(() => expect(outbox.stats().uploaded).toBe(2));
    expect(peer.stored).toHaveLength(1);
    expect(uploader.stats()).toMatchObject({ stored: 2, duplicates: 1 });
  });

  it('moves a photo the gateway refuses for good to rejected/ with its reason, and goes on with the next', async () => {
    const { dir, peer, outbox, uploader } = await setup();
    await outbox.put({ ...shot('x'), bytes: Buffer.from('<html>not a picture</html>') }, 1);
    await outbox.put(shot('good'), 2);
    await until(() => expect(peer.stored).toHaveLength(1));
    await until(() => expect(outbox.stats()).toMatchObject({ depth: 0, rejected: 1, uploaded: 1 }));
    expect(uploader.stats()).toMatchObject({ rejected: 1, stored: 1 });
    expect(readdirSync(join(dir, 'photos', 'rejected')).sort()).toEqual(['pack-cam-1-0000000000.jpg', 'pack-cam-1-0000000000.json']);
  });

  it('signs in as {site}/{node} with the secret of the password file, read again after a 401 (a rotated secret)', async () => {
    const { peer, outbox, uploader, passwordFile } = await setup({ secret: 'new-secret' }, 'old-secret');
    await outbox.put(shot('auth'), 1);
    await until(() => expect(uploader.stats().unauthorized).toBeGreaterThanOrEqual(1));
    expect(outbox.stats().depth).toBe(1);
    writeFileSync(passwordFile, 'new-secret\n');
    await until(() => expect(peer.stored).toHaveLength(1));
    expect(peer.stored[0]?.authorization).toBe(`Basic ${Buffer.from('wh1/dock-1:new-secret').toString('base64')}`);
  });

  it('stops at once with an upload in flight, the photo kept for the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-photo-up-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    let received = 0;
    const silent = createServer(() => void received++); // takes the request, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => { silent.closeAllConnections(); silent.close(() => r()); }));
    const outbox = await PhotoOutbox.open(dir, {}, log);
    const uploader = new PhotoUploader({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, site: 'wh1', node: 'dock-1', files: {}, timeoutMs: 600_000 }, outbox, log);
    uploader.start();
    await outbox.put(shot('in flight'), 1);
    await until(() => expect(received).toBe(1));
    await uploader.stop(); // the test's own timeout fails it if this waited for the 10 min upload timeout
    expect(outbox.stats()).toMatchObject({ depth: 1, uploaded: 0, rejected: 0 });
  });
});
