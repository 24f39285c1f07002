/**
 * Test support: a real S3-protocol server, OpenStack Swift all-in-one (Debian packages `swift-proxy`, `swift-account`,
 * `swift-container`, `swift-object`, installed by scripts/test.sh). The proxy's `s3api` middleware speaks the S3 REST
 * API with SigV4; `tempauth` holds one user, whose S3 access key is `account:user` and secret its password.
 *
 * Everything lives in a temporary directory: swift.conf (found through `swift_dir`), rings of one device with one
 * replica, the device directory (`mount_check = false`; objects need xattrs, which ext4 and tmpfs have), four server
 * processes on free loopback ports, each in the foreground (`workers = 0`). No memcached: tempauth insists on a cache
 * client, so the `cache` filter points at a closed port and every lookup misses (S3 requests are authenticated from
 * their signature each time anyway).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './influx-servers.js';

const SERVERS = ['account', 'container', 'object', 'proxy'] as const;
type Server = (typeof SERVERS)[number];

export interface Swift {
  /** The proxy's URL: the S3 endpoint (path-style, region us-east-1). */
  readonly endpoint: string;
  /** The S3 access key (`test:tester`) and secret. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly dir: string;
  /** SIGSTOP / SIGCONT of the proxy: connections open, no answers. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const ACCOUNT = 'test';
const USER = 'tester';
const PASSWORD = 'testing-secret';

/** Starts Swift and waits (up to `timeoutMs`) until the proxy answers its health check and the backends accept. */
export async function startSwift(timeoutMs = 150_000): Promise<Swift> {
  for (const s of SERVERS) {
    const bin = `/usr/bin/swift-${s}-server`;
    if (!existsSync(bin)) throw new Error(`${bin} not found: install the Debian package 'swift-${s}' (scripts/test.sh does)`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'coldtrace-swift-'));
  const etc = join(dir, 'etc');
  const devices = join(dir, 'srv');
  await mkdir(join(devices, 'd1'), { recursive: true });
  await mkdir(etc);
  const ports: Record<Server, number> = { account: await freePort(), container: await freePort(), object: await freePort(), proxy: await freePort() };
  await writeFile(join(etc, 'swift.conf'), [
    '[swift-hash]', 'swift_hash_path_suffix = coldtrace-test', 'swift_hash_path_prefix = coldtrace-test',
    '[storage-policy:0]', 'name = Policy-0', 'default = yes', '',
  ].join('\n'));
  for (const ring of ['account', 'container', 'object'] as const) {
    const builder = join(etc, `${ring}.builder`);
    // 2^6 partitions, 1 replica, 1 hour between moves: the smallest ring that a single device balances.
    ringBuilder(builder, 'create', '6', '1', '1');
    ringBuilder(builder, 'add', `r1z1-127.0.0.1:${ports[ring]}/d1`, '100');
    ringBuilder(builder, 'rebalance');
  }
  const common = ['bind_ip = 127.0.0.1', 'workers = 0', `swift_dir = ${etc}`, `user = ${userInfo().username}`, 'log_level = WARNING'];
  for (const s of ['account', 'container', 'object'] as const) {
    await writeFile(join(etc, `${s}-server.conf`), [
      '[DEFAULT]', ...common, `bind_port = ${ports[s]}`, `devices = ${devices}`, 'mount_check = false',
      '[pipeline:main]', `pipeline = healthcheck ${s}-server`, `[app:${s}-server]`, `use = egg:swift#${s}`,
      '[filter:healthcheck]', 'use = egg:swift#healthcheck', '',
    ].join('\n'));
  }
  const filters = ['catch_errors', 'gatekeeper', 'healthcheck', 'proxy_logging', 'listing_formats', 'copy', 'dlo', 'slo'];
  await writeFile(join(etc, 'proxy-server.conf'), [
    '[DEFAULT]', ...common, `bind_port = ${ports.proxy}`,
    '[pipeline:main]',
    'pipeline = catch_errors gatekeeper healthcheck proxy_logging cache listing_formats s3api tempauth copy dlo slo proxy_logging proxy-server',
    '[app:proxy-server]', 'use = egg:swift#proxy', 'account_autocreate = true',
    '[filter:tempauth]', 'use = egg:swift#tempauth', `user_${ACCOUNT}_${USER} = ${PASSWORD} .admin`,
    '[filter:s3api]', 'use = egg:swift#s3api', 'location = us-east-1',
    '[filter:cache]', 'use = egg:swift#memcache', 'memcache_servers = 127.0.0.1:1',
    ...filters.flatMap((f) => [`[filter:${f}]`, `use = egg:swift#${f}`]), '',
  ].join('\n'));

  const children = new Map<Server, { child: ChildProcess; stderr: string[] }>();
  for (const s of SERVERS) {
    const child = spawn(`/usr/bin/swift-${s}-server`, [join(etc, `${s}-server.conf`)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const entry = { child, stderr: [] as string[] };
    const keep = (d: Buffer): void => { entry.stderr.push(d.toString()); if (entry.stderr.length > 50) entry.stderr.shift(); };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    children.set(s, entry);
  }
  const stop = async (): Promise<void> => {
    await Promise.all([...children.values()].map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }));
    await rm(dir, { recursive: true, force: true });
  };
  const endpoint = `http://127.0.0.1:${ports.proxy}`;
  try {
    await waitUntilUp(children, ports, endpoint, timeoutMs);
  } catch (e) {
    await stop();
    throw e;
  }
  const proxy = children.get('proxy')!.child;
  return {
    endpoint, accessKeyId: `${ACCOUNT}:${USER}`, secretAccessKey: PASSWORD, dir,
    pause: () => { proxy.kill('SIGSTOP'); },
    resume: () => { proxy.kill('SIGCONT'); },
    stop,
  };
}

function ringBuilder(...args: string[]): void {
  const r = spawnSync('/usr/bin/swift-ring-builder', args, { encoding: 'utf8' });
  // rebalance exits 1 with a warning on a fresh ring that balanced anyway; 2 is an error.
  if (r.status === null || r.status > 1) throw new Error(`swift-ring-builder ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
}

async function waitUntilUp(children: Map<Server, { child: ChildProcess; stderr: string[] }>, ports: Record<Server, number>, endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set<Server>(SERVERS);
  for (;;) {
    for (const [s, { child, stderr }] of children) {
      if (child.exitCode !== null) throw new Error(`swift-${s}-server exited (${child.exitCode}): ${stderr.join('').slice(-3000)}`);
    }
    for (const s of [...pending]) {
      const url = s === 'proxy' ? `${endpoint}/healthcheck` : `http://127.0.0.1:${ports[s]}/healthcheck`;
      const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
      if (ok) pending.delete(s);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) {
      const logs = [...children].map(([s, { stderr }]) => `${s}: ${stderr.join('').slice(-1000)}`).join('\n');
      throw new Error(`Swift did not come up in ${timeoutMs} ms (waiting for ${[...pending].join(', ')}):\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
