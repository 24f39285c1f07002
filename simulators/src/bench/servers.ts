/**
 * The production shape's servers for the bench: Mosquitto (Debian's `mosquitto`) with the broker settings of
 * deploy/mosquitto/mosquitto.conf that matter for throughput, and VictoriaMetrics (Debian's `victoria-metrics`).
 * Loopback only, ephemeral ports, a private temp dir each (InfluxDB: processes.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes.js';

export interface Server {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

function requireBinary(path: string, debianPackage: string): void {
  if (!existsSync(path)) throw new Error(`${path} not found: install the Debian package '${debianPackage}' (apt-get install ${debianPackage})`);
}

/** Mosquitto as deployed (deploy/mosquitto/mosquitto.conf: queue and in-flight limits), anonymous, no persistence. */
export async function startMosquitto(): Promise<Server> {
  const bin = '/usr/sbin/mosquitto';
  requireBinary(bin, 'mosquitto');
  const dir = await mkdtemp(join(tmpdir(), 'ct-bench-mosquitto-'));
  // Started as root, Mosquitto reads its config before it drops to the `mosquitto` user: the file may stay private.
  await chmod(dir, 0o700);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(conf, [
    `listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false',
    'max_queued_messages 1000000', 'max_inflight_messages 1000', 'log_dest stderr', 'log_type error', 'log_type warning', '',
  ].join('\n'));
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  await waitUntil(() => canConnect(port), child, `mosquitto on ${port}`, () => stderr);
  return { url: `mqtt://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopChild(child, () => rm(dir, { recursive: true, force: true })) };
}

/** VictoriaMetrics with 1 ms deduplication (the Influx point identity) and fresh samples searchable at once. */
export async function startVictoriaMetrics(): Promise<Server> {
  const bin = '/usr/bin/victoria-metrics';
  requireBinary(bin, 'victoria-metrics');
  const dir = await mkdtemp(join(tmpdir(), 'ct-bench-victoria-'));
  const port = await freePort();
  const child = spawn(bin, [
    `-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dir}`, '-dedup.minScrapeInterval=1ms', '-loggerLevel=ERROR',
    '-search.latencyOffset=0s', '-search.disableCache',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.ok === true, child, url, () => stderr);
  return { url, pid: child.pid!, stop: () => stopChild(child, () => rm(dir, { recursive: true, force: true })) };
}

async function waitUntil(ready: () => Promise<boolean>, child: ChildProcess, what: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what}: exited (${child.exitCode}): ${stderr()}`);
    if (await ready()) return;
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`${what}: not ready in 20 s: ${stderr()}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopChild(child: ChildProcess, cleanUp: () => Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
  await cleanUp();
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}
