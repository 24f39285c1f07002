/**
 * `npm run bench -- --security` (issue #17): ingest with device identity, topic ACLs and tamper-evidence chaining on
 * against all three off, in the same run, variants interleaved (target: on keeps >= 90 % of off), and 10,000 nodes
 * connecting with issued credentials at once (target: all connected in under 60 s).
 *
 * Both variants run the same load on the same topics: one MQTT connection per node, each with its own credential
 * (an open broker ignores it). "on": COLDTRACE_MQTT_AUTH=credentials and COLDTRACE_INTEGRITY_CHAIN=on; "off": open
 * and chaining off. Throughput is acknowledged readings per second; CPU is the gateway's (all threads) per reading.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runLoad, type LoadOptions } from '../load/index.js';
import { cpuSeconds } from './proc.js';
import { spawnGateway } from './processes.js';
import { shapes, type BenchMode, type ShapeSpec } from './shapes.js';
import { sample } from './prom-text.js';
import { onOffFigures, type OnOffFigures } from './on-off.js';

type Variant = 'on' | 'off';
type Credentials = NonNullable<LoadOptions['credentials']>;

const VARIANT_ENV: Record<Variant, Record<string, string>> = {
  on: { COLDTRACE_MQTT_AUTH: 'credentials', COLDTRACE_INTEGRITY_CHAIN: 'on' },
  off: { COLDTRACE_MQTT_AUTH: 'open', COLDTRACE_INTEGRITY_CHAIN: 'off' },
};

export const SECURITY_SIZES: Record<BenchMode, { durationMs?: number; repetitions: number; stormNodes: number }> = {
  smoke: { repetitions: 1, stormNodes: 50 },
  quick: { repetitions: 2, stormNodes: 10_000 },
  full: { durationMs: 20_000, repetitions: 3, stormNodes: 10_000 },
};

const SHAPES = ['single-qos1', 'batch-50'];
const SITE = 'sec';
const PREFIX = 'dev';

export interface SecurityRun {
  readonly variant: Variant;
  readonly readingsPerS: number;
  readonly cpuUsPerReading: number;
  readonly p99Ms: number;
  readonly countsOk: boolean;
  readonly detail: string;
}

export interface SecurityIngest extends OnOffFigures {
  readonly shape: string;
  readonly title: string;
  readonly durationS: number;
  readonly runs: readonly SecurityRun[];
}

export interface ConnectStorm {
  readonly nodes: number;
  /** Issuing every credential in one call, ms (setup, not the target). */
  readonly issueMs: number;
  /** First CONNECT to the last CONNACK, ms, with credentials on, and the same storm against an open broker. */
  readonly connectMs: number;
  readonly openConnectMs: number;
  readonly connected: number;
  readonly failures: number;
}

export interface SecurityReport {
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string };
  readonly ingest: readonly SecurityIngest[];
  readonly storm: ConnectStorm;
}


/** Credentials issued by the gateway at `httpUrl` for nodes dev-node-0 .. n-1, in one call. */
async function issue(httpUrl: string, n: number): Promise<Credentials> {
  const nodes = Array.from({ length: n }, (_, i) => ({ site: SITE, node: `${PREFIX}-node-${i}` }));
  const res = await fetch(`${httpUrl}/api/v1/credentials/nodes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nodes }) });
  if (res.status !== 201) throw new Error(`credentials not issued: HTTP ${res.status} ${await res.text()}`);
  const { credentials } = (await res.json()) as { credentials: { username: string; password: string; clientId: string }[] };
  return new Map(credentials.map((c) => [c.username.slice(SITE.length + 1), c]));
}

/** The same shape of credentials for an open broker (which ignores them): same client ids, same topics. */
function unissued(n: number): Credentials {
  return new Map(Array.from({ length: n }, (_, i) => {
    const node = `${PREFIX}-node-${i}`;
    return [node, { username: `${SITE}/${node}`, password: randomBytes(8).toString('hex'), clientId: `ct-${SITE}-${node}` }];
  }));
}

async function runOnce(shape: ShapeSpec, variant: Variant): Promise<SecurityRun> {
  const dir = await mkdtemp(join(tmpdir(), `ct-bench-security-${variant}-`));
  try {
    const gw = await spawnGateway({ COLDTRACE_DATA_DIR: dir, COLDTRACE_DURABILITY: shape.durability, ...VARIANT_ENV[variant] });
    try {
      const httpUrl = gw.ready['httpUrl']!;
      const devices = shape.load.devices ?? 100;
      const credentials = variant === 'on' ? await issue(httpUrl, devices) : unissued(devices);
      const before = await (await fetch(`${httpUrl}/metrics`)).text();
      const cpu0 = cpuSeconds(gw.pid);
      const r = await runLoad({ ...shape.load, site: SITE, devicePrefix: PREFIX, credentials, url: gw.ready['mqttUrl']! });
      const cpu = cpuSeconds(gw.pid) - cpu0;
      const after = await (await fetch(`${httpUrl}/metrics`)).text();
      const d = (name: string): number => sample(after, name) - sample(before, name);
      const stored = d('coldtrace_ingest_readings_total') + d('coldtrace_ingest_duplicate_readings_total');
      const acked = r.acked.live.readings;
      const problems: string[] = [];
      if (r.connectFailures > 0) problems.push(`${r.connectFailures} connections refused`);
      if (stored !== acked) problems.push(`stored ${stored} != acked ${acked}`);
      if (r.published.live.readings !== acked) problems.push(`acked ${acked} != published ${r.published.live.readings}`);
      return {
        variant, readingsPerS: r.ackedReadingsPerS, cpuUsPerReading: Math.round((cpu / Math.max(1, acked)) * 1e8) / 100, p99Ms: r.latencySteady.p99,
        countsOk: problems.length === 0, detail: problems.length === 0 ? `acked = stored = ${acked}` : problems.join('; '),
      };
    } finally {
      await gw.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function storm(nodes: number, log: (s: string) => void): Promise<ConnectStorm> {
  const connect = async (variant: Variant): Promise<{ connectMs: number; connected: number; failures: number; issueMs: number }> => {
    const dir = await mkdtemp(join(tmpdir(), `ct-bench-storm-${variant}-`));
    try {
      const gw = await spawnGateway({ COLDTRACE_DATA_DIR: dir, ...VARIANT_ENV[variant] });
      try {
        const t0 = Date.now();
        const credentials = variant === 'on' ? await issue(gw.ready['httpUrl']!, nodes) : unissued(nodes);
        const issueMs = Date.now() - t0;
        // Connect, one reading per node, done: the figure is the connection storm.
        const r = await runLoad({ devices: nodes, ratePerDevice: 0.2, inflightPerDevice: 1, readingsPerMessage: 1, durationMs: 2000, site: SITE, devicePrefix: PREFIX, credentials, url: gw.ready['mqttUrl']! });
        return { connectMs: r.connectMs, connected: r.devicesConnected, failures: r.connectFailures, issueMs };
      } finally {
        await gw.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  const on = await connect('on');
  log(`  ${nodes.toLocaleString('en')} nodes with issued credentials: issued in ${on.issueMs} ms, connected in ${on.connectMs} ms (${on.connected} connected, ${on.failures} refused)`);
  const open = await connect('off');
  log(`  the same storm against an open broker: ${open.connectMs} ms`);
  return { nodes, issueMs: on.issueMs, connectMs: on.connectMs, openConnectMs: open.connectMs, connected: on.connected, failures: on.failures };
}

export async function runSecurityBench(o: { mode: BenchMode; startedAt: Date; log: (s: string) => void }): Promise<SecurityReport> {
  const { mode, log } = o;
  const size = SECURITY_SIZES[mode];
  const ingest: SecurityIngest[] = [];
  for (const spec of shapes(mode).filter((s) => SHAPES.includes(s.name))) {
    const shape: ShapeSpec = size.durationMs === undefined ? spec : { ...spec, load: { ...spec.load, durationMs: size.durationMs } };
    log(`${shape.name}: identity, ACLs and chaining on / all off, ${size.repetitions} of each, interleaved, ${(shape.load.durationMs ?? 10_000) / 1000} s per run`);
    const runs: SecurityRun[] = [];
    for (let rep = 0; rep < size.repetitions; rep++) {
      // Alternate which goes first, so neither always runs on a warmer or busier machine.
      for (const variant of (rep % 2 === 0 ? ['off', 'on'] : ['on', 'off']) as Variant[]) {
        const r = await runOnce(shape, variant);
        runs.push(r);
        log(`  ${variant} (${rep + 1}/${size.repetitions}): ${r.readingsPerS.toLocaleString('en')} readings/s, ${r.cpuUsPerReading} µs CPU/reading, p99 ${r.p99Ms} ms, ${r.detail}`);
      }
    }
    const of = (v: Variant): SecurityRun[] => runs.filter((r) => r.variant === v);
    const x: SecurityIngest = { shape: shape.name, title: shape.title, durationS: (shape.load.durationMs ?? 10_000) / 1000, ...onOffFigures(of('on'), of('off')), runs };
    ingest.push(x);
    log(`  on / off: ${x.onReadingsPerS.toLocaleString('en')} / ${x.offReadingsPerS.toLocaleString('en')} readings/s = ${Math.round(x.ratio * 1000) / 10} % (pairs ${x.pairRatios.map((p) => `${Math.round(p * 1000) / 10} %`).join(', ')}); by CPU per reading ${Math.round(x.cpuRatio * 1000) / 10} %`);
  }
  log(`connection storm: ${size.stormNodes.toLocaleString('en')} nodes at once`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' };
  return { mode, startedAt: o.startedAt.toISOString(), machine, ingest, storm: await storm(size.stormNodes, log) };
}

export function securityMarkdown(r: SecurityReport): string {
  const pct = (x: number): string => `${Math.round(x * 1000) / 10} %`;
  const lines = [
    `# Device identity, ACLs and chaining (#17), ${r.mode}`, '',
    `Embedded broker, SQLite, durability full; ${r.machine.cpus} × ${r.machine.cpuModel}. on: COLDTRACE_MQTT_AUTH=credentials and COLDTRACE_INTEGRITY_CHAIN=on; off: open, chaining off; same load and topics, one node per connection, runs interleaved.`, '',
    '| shape | on readings/s | off readings/s | on / off (>= 90 %) | pairs | by CPU/reading | counts |', '|---|---|---|---|---|---|---|',
    ...r.ingest.map((x) => `| ${x.shape} | ${x.onReadingsPerS.toLocaleString('en')} | ${x.offReadingsPerS.toLocaleString('en')} | ${pct(x.ratio)} | ${x.pairRatios.map(pct).join(', ')} | ${pct(x.cpuRatio)} | ${x.runs.every((u) => u.countsOk) ? 'ok' : x.runs.map((u) => u.detail).join('; ')} |`),
    '', `Connection storm: ${r.storm.nodes.toLocaleString('en')} nodes with issued credentials connected in ${(r.storm.connectMs / 1000).toFixed(1)} s (target < 60 s; ${r.storm.connected} connected, ${r.storm.failures} refused); the same storm against an open broker: ${(r.storm.openConnectMs / 1000).toFixed(1)} s. Issuing the ${r.storm.nodes.toLocaleString('en')} credentials in one call took ${(r.storm.issueMs / 1000).toFixed(1)} s.`,
  ];
  return `${lines.join('\n')}\n`;
}

export async function writeSecurityReport(r: SecurityReport, out: string): Promise<{ stem: string; md: string }> {
  await mkdir(out, { recursive: true });
  const stem = join(out, `${r.startedAt.replace(/[:.]/g, '-')}-security-${r.mode}`);
  const md = securityMarkdown(r);
  await writeFile(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(`${stem}.md`, md);
  return { stem, md };
}
