/**
 * The edge agent's photo uploader against the real gateway (issue #21, the upload contract of docs/photos.md), with
 * security on: HTTPS verified against the CA the node's `mqtt.caFile` names, and the node's MQTT credential issued
 * by the gateway, read from its password file. A camera picture is stored (201), the same bytes again are a
 * duplicate (200), bytes that are not a JPEG are refused for good (415, kept in the gateway's quarantine: moved to the
 * agent's rejected/ folder with the quarantine id), a wrong secret is retried until the file holds the right one,
 * a picture whose EXIF time is two hours off is stored with a warning (counted as flagged).
 */
import { createHash } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoOutbox } from '../../../edge-agent/src/forward/photo-outbox.js';
import { PhotoUploader } from '../../../edge-agent/src/forward/photo-uploader.js';
import { makeCa, type TestCa } from '../../../gateway/test/support/pki.js';
import { startTestGateway, type TestGateway } from '../../../gateway/test/support/gateway.js';
import { snapshotImage } from '../../src/devices/snapshot-image.js';
import { until } from '../support/until.js';

describe('photo uploads from the edge agent to the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-photo-upload-'));
  const passwordFile = join(dir, 'secret');
  const log = pino({ level: 'silent' });
  let ca: TestCa;
  let gw: TestGateway;
  let outbox: PhotoOutbox;
  let uploader: PhotoUploader;
  /** The secret the gateway issued the node; it goes in the file once the wrong one has been refused. */
  let secret: string;

  const https = (method: string, path: string): Promise<{ status: number; body: Buffer }> => new Promise((resolve, reject) => {
    httpsRequest(`${gw.httpUrl}${path}`, { method, ca: ca.cert }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });

  beforeAll(async () => {
    ca = makeCa(dir);
    const server = ca.issue('server', '127.0.0.1', { server: true });
    gw = await startTestGateway({ COLDTRACE_MQTT_AUTH: 'credentials', COLDTRACE_HTTP_TLS_CERT: server.certFile, COLDTRACE_HTTP_TLS_KEY: server.keyFile });
    const issued = await https('POST', '/api/v1/credentials/nodes/wh1/dock-1');
    expect(issued.status).toBe(201);
    writeFileSync(passwordFile, 'not-the-secret\n');
    outbox = await PhotoOutbox.open(join(dir, 'photos'), {}, log);
    uploader = new PhotoUploader(
      { url: gw.httpUrl, site: 'wh1', node: 'dock-1', files: { passwordFile, caFile: ca.certFile }, backoff: { initialMs: 20, maxMs: 100 } },
      outbox, log,
    );
    uploader.start();
    secret = (JSON.parse(issued.body.toString()) as { password: string }).password;
  });
  afterAll(async () => {
    await uploader?.stop();
    await gw?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('retries a refused secret, then stores a photo, takes the same bytes as a duplicate and sets aside what is not a JPEG', async () => {
    const picture = snapshotImage({ station: 'Packing station 1', device: 'pack-cam-1', time: Date.now(), frame: 1, width: 320, height: 180 });
    const takenAt = Date.now();
    await outbox.put({ device: 'pack-cam-1', bytes: picture, takenAt, trigger: 'scan', station: 'Packing station 1' }, 1);
    await until(async () => (uploader.stats().unauthorized >= 1 ? true : undefined), 10_000, 'the wrong secret refused');
    expect(outbox.stats().depth).toBe(1);
    writeFileSync(passwordFile, `${secret}\n`);
    await until(async () => (outbox.stats().uploaded === 1 ? true : undefined), 10_000, 'the photo uploaded');

    await outbox.put({ device: 'pack-cam-1', bytes: picture, takenAt: takenAt + 1000, trigger: 'schedule' }, 2);
    await outbox.put({ device: 'pack-cam-1', bytes: Buffer.from('<html><body>camera login</body></html>'), takenAt, trigger: 'manual' }, 3);
    // A camera whose clock is two hours behind: stored all the same, with a warning the agent counts.
    const skewed = snapshotImage({ station: 'Packing station 1', device: 'pack-cam-1', time: takenAt - 7_200_000, exifTime: takenAt - 7_200_000, frame: 2, width: 320, height: 180 });
    await outbox.put({ device: 'pack-cam-1', bytes: skewed, takenAt, trigger: 'scan' }, 4);
    await until(async () => (outbox.stats().depth === 0 ? true : undefined), 10_000, 'the outbox emptied');
    expect(uploader.stats()).toMatchObject({ stored: 3, duplicates: 1, rejected: 1, flagged: 1 });
    expect(outbox.stats()).toMatchObject({ uploaded: 3, rejected: 1 });

    const sha = createHash('sha256').update(picture).digest('hex');
    const stored = await https('GET', `/api/v1/photos/${sha}`);
    expect(stored.status).toBe(200);
    expect(stored.body.equals(picture)).toBe(true);
    const rejected = JSON.parse(readFileSync(join(dir, 'photos', 'rejected', 'pack-cam-1-0000000002.json'), 'utf8')) as { answer: { status: number; quarantineId?: string; code?: string } };
    expect(rejected.answer).toMatchObject({ status: 415 });
    expect(rejected.answer.quarantineId).toMatch(/^\d+$/);
    expect(readdirSync(join(dir, 'photos', 'rejected'))).toContain('pack-cam-1-0000000002.jpg');
  });
});
