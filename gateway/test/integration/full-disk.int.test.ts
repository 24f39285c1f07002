/**
 * A full disk under load (issue #23), for real: the gateway's data directory and its log file on a small tmpfs
 * (mounting needs root, as CI runs; this test fails loudly where it cannot mount), the disk filled while devices
 * publish. The gateway must not exit, must acknowledge nothing it did not store, must say so in readiness within
 * 5 s (liveness holding), and must resume on its own within 5 s of space returning; afterwards every acknowledged
 * reading is there. Once with the embedded SQLite store, once with InfluxDB behind the spool (the spool's file on the
 * full disk).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataTopic } from '@coldtrace/contract';
import { GATEWAY_NODE_FLAGS } from '../../src/node-flags.js';
import { storedTimes } from '../support/gateway.js';
import { freePort, startInfluxd, type TestServer } from '../support/influx-servers.js';
import { GATEWAY_MAIN } from '../support/process.js';

const DEVICES = 5;
const READINGS = 20;
let mnt: string;
let gateway: ChildProcess;
let httpUrl: string;
let mqttUrl: string;

/** A 24 MiB tmpfs, to fill. */
function tmpfs(dir: string): string[] {
  return ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', dir];
}

/** A 64 MiB ext4 file system on a loop device, to freeze (fsfreeze: tmpfs cannot be frozen). */
function ext4(dir: string): string[] {
  const image = `${dir}.img`;
  spawnSync('truncate', ['-s', '64M', image]);
  const mk = spawnSync('mkfs.ext4', ['-q', '-F', image], { encoding: 'utf8' });
  if (mk.status !== 0) throw new Error(`mkfs.ext4 failed: ${mk.stderr}`);
  return ['-o', 'loop', image, dir];
}

async function startOnDisk(storeEnv: Record<string, string>, disk: (dir: string) => string[] = tmpfs, logOnDisk = true): Promise<void> {
  mnt = mkdtempSync(join(tmpdir(), 'ct-fulldisk-'));
  const m = spawnSync('mount', disk(mnt), { encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`cannot mount a file system at ${mnt} (this test needs root, as CI has): ${m.stderr}`);
  mkdirSync(join(mnt, 'data'));
  const [http, broker] = [await freePort(), await freePort()];
  httpUrl = `http://127.0.0.1:${http}`;
  mqttUrl = `mqtt://127.0.0.1:${broker}`;
  const logFd = openSync(logOnDisk ? join(mnt, 'gateway.log') : '/dev/null', 'a');
  gateway = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, GATEWAY_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '', COLDTRACE_DATA_DIR: join(mnt, 'data'), COLDTRACE_HTTP_HOST: '127.0.0.1', COLDTRACE_HTTP_PORT: String(http),
      COLDTRACE_MQTT_HOST: '127.0.0.1', COLDTRACE_MQTT_PORT: String(broker), COLDTRACE_LOG_LEVEL: 'debug',
      // The disk is what is tested: devices connect without credentials and the API without keys.
      COLDTRACE_MQTT_AUTH: 'open', COLDTRACE_HTTP_AUTH: 'off', ...storeEnv,
    },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  await waitFor(async () => (await get('/health/live'))?.status === 200, 20_000, 'gateway up');
}

async function stopAndUnmount(): Promise<void> {
  spawnSync('fsfreeze', ['-u', mnt]); // in case a test stopped while it was frozen
  if (gateway !== undefined && gateway.exitCode === null) {
    const exited = new Promise((r) => gateway.once('exit', r));
    gateway.kill('SIGTERM');
    // A gateway that cannot stop (a defect this file tests for) must not outlive the test and hold the mount.
    const kill = setTimeout(() => gateway.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  }
  spawnSync('umount', [mnt]);
  rmSync(mnt, { recursive: true, force: true });
  rmSync(`${mnt}.img`, { force: true });
}

async function get(path: string): Promise<{ status: number; body: { checks?: Record<string, { ok: boolean; detail?: string }> } } | undefined> {
  try {
    // The time budget of a health check: an answer within 2 s or none.
    const res = await fetch(`${httpUrl}${path}`, { signal: AbortSignal.timeout(2000) });
    return { status: res.status, body: (await res.json()) as { checks?: Record<string, { ok: boolean; detail?: string }> } };
  } catch {
    return undefined;
  }
}

async function waitFor(cond: () => Promise<boolean>, ms: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - t0;
}

/** Fills the filesystem with a file until it refuses more; returns its path. */
function fill(): string {
  const path = join(mnt, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(256 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    // Whatever is left below one chunk, too.
    try { for (;;) writeSync(fd, Buffer.alloc(4096, 1)); } catch { /* full */ }
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Devices publishing messages of READINGS readings as fast as they are acknowledged; what was acknowledged, per device. */
function startPublishing(): { acked: Map<string, number[]>; ackedNow: () => number; stop: () => Promise<void>; t0: number } {
  const acked = new Map<string, number[]>();
  const clients: MqttClient[] = [];
  let stopped = false;
  const t0 = Date.now();
  const publishing = Array.from({ length: DEVICES }, async (_, d) => {
    const device = `disk-${d}`;
    const times: number[] = [];
    acked.set(device, times);
    const c = await mqtt.connectAsync(mqttUrl, { clientId: `node-disk-${d}`, reconnectPeriod: 200 });
    clients.push(c);
    c.on('error', () => undefined);
    for (let seq = 0; !stopped; seq++) {
      const time = t0 + seq * READINGS;
      const readings = Array.from({ length: READINGS }, (_, i) => ({ metric: 'temperature', value: 4 + (i % 10) / 10, unit: 'Cel', time: time + i }));
      await c.publishAsync(dataTopic('wh1', `node-disk-${d}`, device), JSON.stringify({ v: 1, seq, time, readings }), { qos: 1 });
      times.push(time);
    }
  });
  return {
    acked, t0,
    ackedNow: () => [...acked.values()].reduce((n, t) => n + t.length, 0),
    stop: async () => {
      stopped = true;
      await Promise.all(publishing);
      await Promise.all(clients.map((c) => c.endAsync()));
    },
  };
}

/** Acknowledged readings the gateway's API does not return. */
async function missingOf(acked: Map<string, number[]>, t0: number): Promise<number> {
  let missing = 0;
  for (const [device, times] of acked) {
    const have = new Set(await storedTimes(httpUrl, device, t0, t0 + (times.length + 1) * READINGS * 10));
    for (const t of times) for (let i = 0; i < READINGS; i++) if (!have.has(t + i)) missing++;
  }
  return missing;
}

let influx: TestServer | undefined;
afterAll(async () => { await influx?.stop(); });

describe.each([
  { store: 'sqlite', env: async (): Promise<Record<string, string>> => ({}), stallRemote: (_stalled: boolean): void => undefined },
  {
    store: 'influx-v1 behind the spool',
    env: async (): Promise<Record<string, string>> => {
      influx = await startInfluxd();
      return { COLDTRACE_STORE: 'influx-v1', COLDTRACE_INFLUX_URL: influx.url, COLDTRACE_INFLUX_DB: 'fulldisk' };
    },
    // A spool that forwards as fast as it takes reuses its freed pages and never needs to grow: a full disk only
    // bites while it must hold more, so InfluxDB is stalled while the disk is full.
    stallRemote: (stalled: boolean): void => { if (stalled) influx?.pause(); else influx?.resume(); },
  },
])('full disk, $store', ({ env, stallRemote }) => {
  beforeAll(async () => { await startOnDisk(await env()); });
  afterAll(stopAndUnmount, 30_000);

  it('fails readiness with the reason while the disk is full, acknowledges nothing unstored, and resumes on its own', async () => {
    const { acked, ackedNow, stop, t0 } = startPublishing();
    await waitFor(async () => ackedNow() >= 200, 20_000, 'first acknowledgements');

    stallRemote(true);
    const filler = fill();
    expect(statfsSync(mnt).bavail).toBeLessThan(2);
    const notReadyAfter = await waitFor(async () => {
      const r = await get('/health/ready');
      return r?.status === 503 && r.body.checks?.['store']?.ok === false;
    }, 5000, 'readiness failing with a full disk');
    const ready = await get('/health/ready');
    console.log(`full disk: readiness failed after ${notReadyAfter} ms: ${ready?.body.checks?.['store']?.detail}`);
    expect(ready?.body.checks?.['store']?.detail).toMatch(/commits failing .*(full|space)/i);
    // Liveness holds, and nothing more is acknowledged while nothing can be stored.
    expect((await get('/health/live'))?.status).toBe(200);
    const stuck = ackedNow();
    await new Promise((r) => setTimeout(r, 1000));
    expect(ackedNow()).toBe(stuck);
    expect(gateway.exitCode).toBeNull();

    rmSync(filler);
    stallRemote(false);
    const resumedAfter = await waitFor(async () => ackedNow() > stuck + 50, 5000, 'ingest resuming');
    // Ready again once commits succeed (and a stalled remote store has taken a write again: its retry backoff).
    await waitFor(async () => (await get('/health/ready'))?.status === 200, 60_000, 'ready again');
    console.log(`full disk: ingest resumed ${resumedAfter} ms after space returned`);
    await stop();
    expect(gateway.exitCode).toBeNull();
    expect(await missingOf(acked, t0)).toBe(0);
    const metrics = await (await fetch(`${httpUrl}/metrics`)).text();
    expect(Number(/^coldtrace_store_commit_failures_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    // The log was on the full disk too: its failed writes were counted, and did not stop the gateway.
    console.log(`full disk: ${/^coldtrace_log_write_failures_total (\d+)/m.exec(metrics)?.[1]} log writes failed, ${/^coldtrace_log_dropped_bytes_total (\d+)/m.exec(metrics)?.[1]} bytes dropped`);
    expect(Number(/^coldtrace_log_write_failures_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  }, 120_000);
});

describe('stalled disk (fsfreeze)', () => {
  beforeAll(async () => { await startOnDisk({}, ext4, false); });
  afterAll(stopAndUnmount, 30_000);

  it('fails readiness while a commit cannot finish, answers liveness, and resumes with nothing lost when the disk thaws', async () => {
    const { acked, ackedNow, stop, t0 } = startPublishing();
    await waitFor(async () => ackedNow() >= 200, 20_000, 'first acknowledgements');
    const frozen = spawnSync('fsfreeze', ['-f', mnt], { encoding: 'utf8' });
    if (frozen.status !== 0) throw new Error(`fsfreeze failed: ${frozen.stderr}`);
    try {
      // A commit blocks in the writer thread; after 10 s readiness says so (bound generous: the verdict is the reason).
      const after = await waitFor(async () => (await get('/health/ready'))?.status === 503, 30_000, 'readiness failing on a frozen disk');
      const ready = await get('/health/ready');
      console.log(`frozen disk: readiness failed after ${after} ms: ${ready?.body.checks?.['store']?.detail}`);
      expect(ready?.body.checks?.['store']?.detail).toMatch(/a commit has been running for \d+ s \(slow or stalled disk\)/);
      expect((await get('/health/live'))?.status).toBe(200);
    } finally {
      spawnSync('fsfreeze', ['-u', mnt]);
    }
    const stuck = ackedNow();
    await waitFor(async () => ackedNow() > stuck + 50 && (await get('/health/ready'))?.status === 200, 10_000, 'ingest resuming after the thaw');
    await stop();
    expect(gateway.exitCode).toBeNull();
    expect(await missingOf(acked, t0)).toBe(0);
  }, 120_000);
});
