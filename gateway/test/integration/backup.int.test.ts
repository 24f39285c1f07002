/** `npm run backup` copies a running gateway's databases consistently, its signing key and its photos. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { dataTopic } from '@coldtrace/contract';
import { connect, startTestGateway } from '../support/gateway.js';
import { SqliteTelemetryStore } from '../../src/adapters/sqlite/telemetry-store.js';
import { DiskPhotoBlobs } from '../../src/adapters/photos/disk-store.js';
import { blob } from '../photo-blobs-contract.js';

const SCRIPT = fileURLToPath(new URL('../../../scripts/backup.mjs', import.meta.url));

describe('backup', () => {
  const dest = mkdtempSync(join(tmpdir(), 'coldtrace-backup-'));
  afterAll(() => rmSync(dest, { recursive: true, force: true }));

  it('copies readings and quarantine of a running gateway', async () => {
    const gw = await startTestGateway();
    try {
      const c = await connect(gw.mqttUrl, 'node-bk');
      const time = Date.now();
      for (let i = 0; i < 50; i++) {
        await c.publishAsync(dataTopic('wh1', 'node-bk', 'bk-1'), JSON.stringify({ v: 1, seq: i, time: time + i, readings: [{ metric: 'temperature', value: i, unit: 'Cel' }] }), { qos: 1 });
      }
      await c.publishAsync(dataTopic('wh1', 'node-bk', 'bk-1'), 'not json', { qos: 1 });
      await c.endAsync();
      // A photo and its thumbnail where the gateway's disk store keeps them, and the temp file of an interrupted write.
      const photos = await DiskPhotoBlobs.open(gw.dataDir);
      const photo = blob(50_000);
      await photos.put(photo.key, photo.bytes, 'image/jpeg');
      await photos.put(`${photo.key}.thumb.jpg`, photo.bytes.subarray(0, 100), 'image/jpeg');
      const leftover = join(dirname(photos.pathOf(photo.key)), `.tmp-${photo.key}-000000000000`);
      writeFileSync(leftover, 'half a photo');
      const r = spawnSync(process.execPath, [SCRIPT, gw.dataDir, dest], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      // Read the copy through the store itself: it knows its own layout.
      const tele = SqliteTelemetryStore.open(join(dest, 'telemetry.db'), { writer: 'inline' });
      expect(tele.count()).toBe(50);
      expect((await tele.query({ device: 'bk-1', from: time, to: time + 50, limit: 100 })).map((r) => r.value)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      await tele.close();
      const meta = new Database(join(dest, 'gateway.db'), { readonly: true });
      expect(meta.prepare("SELECT code FROM quarantine").pluck().all()).toEqual(['E_JSON']);
      meta.close();
      // The checkpoints' signing key, byte for byte, private.
      const key = join(dest, 'integrity', 'signing-key.pem');
      expect(readFileSync(key)).toEqual(readFileSync(join(gw.dataDir, 'integrity', 'signing-key.pem')));
      expect(statSync(key).mode & 0o777).toBe(0o600);
      // The photos in the same layout, byte for byte, without the temp file.
      const copies = await DiskPhotoBlobs.open(dest);
      expect(Buffer.from((await copies.get(photo.key))!).equals(Buffer.from(photo.bytes))).toBe(true);
      expect(await copies.has(`${photo.key}.thumb.jpg`)).toBe(true);
      expect(existsSync(join(dest, leftover.slice(gw.dataDir.length + 1)))).toBe(false);
      expect(r.stdout).toContain('(2 files)');
    } finally {
      await gw.destroy();
    }
  });
});
