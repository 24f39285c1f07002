/**
 * Child processes the bench measures: the gateway (`node gateway/dist/main.js`, like gateway/test/support/process.ts),
 * the broker-alone ceiling, the store-alone ceiling and InfluxDB 1.x. All bound to loopback, ephemeral ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_FLAGS } from '@coldtrace/gateway';

export const GATEWAY_MAIN = fileURLToPath(new URL('../../../gateway/dist/main.js', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

export interface Child {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The JSON of the child's ready line. */
  readonly ready: Record<string, string>;
  stop(): Promise<void>;
}

/** Spawns `node [nodeArgs] script` and resolves with the first stdout line containing `readyMarker`. */
export function spawnReady(script: string, nodeArgs: string[], env: Record<string, string>, readyMarker: string, timeoutMs = 30_000): Promise<Child> {
  if (!existsSync(script)) throw new Error(`${script} is missing: run 'npm run build' first`);
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${script} not ready in ${timeoutMs} ms: ${stderr}`)); }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.includes(readyMarker)) continue;
        clearTimeout(timer);
        resolve({ child, pid: child.pid!, ready: JSON.parse(line) as Record<string, string>, stop });
      }
    });
    void exited.then(() => { clearTimeout(timer); reject(new Error(`${script} exited (${child.exitCode ?? child.signalCode}) before it was ready: ${stderr}`)); });
  });
}

/** The gateway with the node flags every launcher gives it (GATEWAY_NODE_FLAGS), then `nodeArgs`. */
export function spawnGateway(env: Record<string, string>, nodeArgs: string[] = []): Promise<Child> {
  return spawnReady(GATEWAY_MAIN, [...GATEWAY_NODE_FLAGS, ...nodeArgs], {
    COLDTRACE_HTTP_HOST: '127.0.0.1', COLDTRACE_MQTT_HOST: '127.0.0.1', COLDTRACE_HTTP_PORT: '0', COLDTRACE_MQTT_PORT: '0',
    // The ingest path alone unless a bench asks for more: the security bench (security.ts) turns device identity,
    // ACLs and chaining on against this.
    COLDTRACE_LOG_LEVEL: 'error', COLDTRACE_MQTT_AUTH: 'open', COLDTRACE_HTTP_AUTH: 'off', ...env,
  }, 'gateway ready');
}

/** The embedded broker with a do-nothing handler (broker-ceiling.ts), with `nodeArgs`. */
export function spawnBrokerCeiling(nodeArgs: readonly string[] = []): Promise<Child> {
  return spawnReady(join(HERE, 'broker-ceiling.js'), [...nodeArgs], {}, 'broker ready');
}

/** Runs the store-alone ceiling to completion and returns its JSON line. */
export function runStoreCeiling(args: string[]): Promise<{ rowsAtStart: number; prefilled: number; prefillMs: number; rows: number; ms: number; rowsPerS: number }> {
  const child = spawn(process.execPath, [join(HERE, 'store-ceiling.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) { reject(new Error(`store ceiling failed (${code}): ${err}`)); return; }
      resolve(JSON.parse(out.trim().split('\n').pop()!) as Awaited<ReturnType<typeof runStoreCeiling>>);
    });
  });
}

/** InfluxDB 1.x (Debian's 1.6.7) with reporting off, loopback only; as gateway/test/support/influx-servers.ts. */
export async function startInfluxd(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const bin = '/usr/bin/influxd';
  if (!existsSync(bin)) throw new Error(`${bin} not found: install the Debian package 'influxdb' (apt-get install influxdb)`);
  const dir = await mkdtemp(join(tmpdir(), 'ct-bench-influxd-'));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const config = join(dir, 'influxdb.conf');
  await writeFile(config, [
    'reporting-disabled = true', `bind-address = "127.0.0.1:${rpcPort}"`, `[meta]\n  dir = "${dir}/meta"`,
    `[data]\n  dir = "${dir}/data"\n  wal-dir = "${dir}/wal"\n  query-log-enabled = false`,
    `[http]\n  bind-address = "127.0.0.1:${httpPort}"\n  log-enabled = false`, '[monitor]\n  store-enabled = false',
    '[continuous_queries]\n  enabled = false', '',
  ].join('\n'));
  const p = spawn(bin, ['run', '-config', config], { stdio: ['ignore', 'ignore', 'ignore'] });
  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || p.exitCode !== null) { p.kill('SIGKILL'); throw new Error(`influxd did not answer ${url}/ping`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  return {
    url, pid: p.pid!,
    stop: async () => {
      p.kill('SIGTERM');
      const t = setTimeout(() => p.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}
