/**
 * Real InfluxDB 1.x and VictoriaMetrics servers for integration tests: free loopback ports, a temp data dir each,
 * torn down by `stop()`. `kill()` is a SIGKILL (crash), `restart()` starts again on the same port and data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** SIGKILL: the server dies without flushing anything. Resolves when the process is gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data dir; resolves when it answers. */
  restart(): Promise<void>;
  /** SIGSTOP: the server keeps its connections and answers nothing (a stalled store) until `resume()`. */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
  /** Stops the server (SIGTERM, SIGKILL after 5 s) and removes its data dir. */
  stop(): Promise<void>;
}

const INFLUXD = '/usr/bin/influxd';
const VICTORIA = '/usr/bin/victoria-metrics';
const START_TIMEOUT_MS = 20_000;

/** InfluxDB 1.x (the Debian package ships 1.6.7) with reporting off and HTTP + RPC bound to loopback. */
export async function startInfluxd(): Promise<TestServer> {
  requireBinary(INFLUXD, 'influxdb');
  const dir = await mkdtemp(join(tmpdir(), 'ct-influxd-'));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const config = join(dir, 'influxdb.conf');
  await writeFile(config, [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    `[meta]\n  dir = "${dir}/meta"`,
    `[data]\n  dir = "${dir}/data"\n  wal-dir = "${dir}/wal"\n  query-log-enabled = false`,
    `[http]\n  bind-address = "127.0.0.1:${httpPort}"\n  log-enabled = false`,
    '[monitor]\n  store-enabled = false',
    '[continuous_queries]\n  enabled = false',
    '',
  ].join('\n'));
  return manage(INFLUXD, ['run', '-config', config], httpPort, dir, '/ping');
}

/** Single-node VictoriaMetrics with 1 ms deduplication (one sample per series and ms: the Influx point identity). */
export async function startVictoriaMetrics(): Promise<TestServer> {
  requireBinary(VICTORIA, 'victoria-metrics');
  const dir = await mkdtemp(join(tmpdir(), 'ct-victoria-'));
  const port = await freePort();
  return manage(VICTORIA, [
    `-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dir}`, '-dedup.minScrapeInterval=1ms', '-loggerLevel=ERROR',
  ], port, dir, '/health');
}

/** VictoriaMetrics makes fresh samples searchable after ~1 s; this makes them searchable now. */
export async function forceFlushVictoria(url: string): Promise<void> {
  const res = await fetch(new URL('/internal/force_flush', url));
  if (!res.ok) throw new Error(`force_flush: HTTP ${res.status}`);
}

function requireBinary(path: string, debianPackage: string): void {
  if (!existsSync(path)) {
    throw new Error(`${path} not found: install the Debian package '${debianPackage}' (apt-get install ${debianPackage})`);
  }
}

/** Starts `bin` with `args`, waits until `readyPath` answers 2xx on `port`; kill, restart on the same port, stop. */
export async function manage(bin: string, args: string[], port: number, dataDir: string, readyPath: string): Promise<TestServer> {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const p = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = p;
    let stderr = '';
    p.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (p.exitCode !== null || p.signalCode !== null) {
        throw new Error(`${bin} exited (${p.exitCode ?? p.signalCode}) before answering ${readyPath}:\n${stderr}`);
      }
      try {
        const res = await fetch(new URL(readyPath, url), { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    p.kill('SIGKILL');
    throw new Error(`${bin} did not answer ${url}${readyPath} within ${START_TIMEOUT_MS} ms:\n${stderr}`);
  };
  const signal = async (sig: NodeJS.Signals, graceMs: number): Promise<void> => {
    const p = child;
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    p.kill(sig);
    const timer = setTimeout(() => p.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    url, port, dataDir,
    kill: () => signal('SIGKILL', 0),
    restart: start,
    pause: () => { child?.kill('SIGSTOP'); },
    resume: () => { child?.kill('SIGCONT'); },
    stop: async () => {
      await signal('SIGTERM', 5000);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A port the OS considers free right now (listen on 0, close). Another process could take it before we bind. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
