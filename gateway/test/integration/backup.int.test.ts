/** `npm run backup` copies a running gateway's databases consistently. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { dataTopic } from '@coldtrace/contract';
import { connect, startTestGateway } from '../support/gateway.js';
import { SqliteTelemetryStore } from '../../src/adapters/sqlite/telemetry-store.js';

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
    } finally {
      await gw.destroy();
    }
  });
});
