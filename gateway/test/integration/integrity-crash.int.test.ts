/**
 * A crash in the middle of commits leaves a chain that verifies (docs/security.md "Tamper evidence"): devices stream
 * QoS 1 readings, the gateway process is killed with SIGKILL under load, and its data directory verifies clean with
 * coldtrace-verify as it was left (no restart to tidy it) and, after a restart and more readings, over HTTP. A commit
 * and its link share one transaction: there is no state in between to heal.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import type { VerifyReport } from '../../src/domain/integrity/report.js';
import { spawnGateway } from '../support/process.js';
import { getJson } from '../support/gateway.js';
import { builtCli } from '../support/cli.js';

const verifyCli = builtCli('verify');
const DEVICES = 10;
/** Killed once this many readings are acknowledged (not after a fixed time: the machine's speed decides nothing). */
const KILL_AFTER_READINGS = 5_000;

async function stream(url: string, base: number, until: () => boolean): Promise<{ acked: () => number; done: Promise<void> }> {
  let acked = 0;
  const clients = await Promise.all(Array.from({ length: DEVICES }, (_, d) => mqtt.connectAsync(url, { clientId: `node-ic-${d}`, reconnectPeriod: 0 })));
  const done = Promise.all(clients.map(async (c, d) => {
    c.on('error', () => undefined);
    const closed = new Promise<never>((_, reject) => c.once('close', () => reject(new Error('closed'))));
    closed.catch(() => undefined);
    try {
      for (let seq = 1; !until(); seq += 10) {
        const batch = Array.from({ length: 10 }, (_, k) => {
          const t = base + (seq + k) * 1000;
          const readings = [{ metric: 'temperature', value: d + k / 10, unit: 'Cel', time: t }, { metric: 'humidity', value: 50, unit: '%RH', time: t }];
          return c.publishAsync(dataTopic('wh1', `node-ic-${d}`, `ic-${d}`), JSON.stringify({ v: 1, seq: seq + k, time: t, readings }), { qos: 1 }).then(() => { acked += 2; });
        });
        await Promise.race([Promise.all(batch), closed]);
      }
    } catch {
      // the gateway died: what was not acknowledged may be lost
    } finally {
      c.end(true);
    }
  })).then(() => undefined);
  return { acked: () => acked, done };
}

describe('chain after kill -9', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coldtrace-integrity-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('verifies clean as the crash left it, and after a restart with more readings', async () => {
    const gw = await spawnGateway({ COLDTRACE_DATA_DIR: dataDir, COLDTRACE_LOG_LEVEL: 'warn' });
    const base = Date.now() - 3_600_000;
    let stop = false;
    const load = await stream(gw.mqttUrl, base, () => stop);
    for (const deadline = Date.now() + 60_000; load.acked() < KILL_AFTER_READINGS;) {
      if (Date.now() > deadline) throw new Error(`only ${load.acked()} readings acknowledged in 60 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    gw.child.kill('SIGKILL');
    expect(await gw.exited).toBe('SIGKILL');
    stop = true;
    await load.done;

    const offline = await verifyCli(['--data-dir', dataDir, '--json']);
    const report = JSON.parse(offline.stdout) as VerifyReport;
    expect(offline.code, offline.stdout + offline.stderr).toBe(0);
    expect('length' in report.readings && report.readings.length).toBeGreaterThan(0);

    const again = await spawnGateway({ COLDTRACE_DATA_DIR: dataDir, COLDTRACE_LOG_LEVEL: 'warn' });
    try {
      let more = false;
      const after = await stream(again.mqttUrl, base + 10_000_000, () => more);
      for (const deadline = Date.now() + 60_000; after.acked() < 1000;) {
        if (Date.now() > deadline) throw new Error('no readings acknowledged after the restart');
        await new Promise((r) => setTimeout(r, 10));
      }
      more = true;
      await after.done;
      const http = await getJson<VerifyReport>(`${again.httpUrl}/api/v1/integrity/verify`);
      expect(http.ok, JSON.stringify(http)).toBe(true);
      if ('unavailable' in http.readings) throw new Error(http.readings.unavailable);
      expect(http.readings.broken).toBeUndefined();
      expect(http.readings.verified).toBe(http.readings.length);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });
});
