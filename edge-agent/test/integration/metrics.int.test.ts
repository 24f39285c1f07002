/**
 * The Prometheus endpoint over real sockets (issue #3: outbox drops are reported in the status and in metrics).
 * XY-MD02 simulator (Modbus TCP) -> agent -> aedes broker, scraped over HTTP on an ephemeral port; then a tiny outbox
 * with the broker unreachable, where the scraped drop counter must equal the outbox's own count.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Xymd02, startModbusTcpServer, type ModbusSimServer } from '../../../simulators/src/devices/index.js';
import { startAgent, validateConfig, type Agent, type AgentConfig, type AgentStats } from '../../src/index.js';
import { freePort, startBroker, type TestBroker } from '../helpers/broker.js';
import { record, type Recorder } from '../helpers/mqtt.js';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses the Prometheus text exposition format (samples only). */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

interface Scrape {
  readonly samples: Sample[];
  /** The value of the one sample with this name whose labels include `labels`; throws when absent or ambiguous. */
  value(name: string, labels?: Record<string, string>): number;
  has(name: string, labels?: Record<string, string>): boolean;
}

function matching(samples: Sample[], name: string, labels: Record<string, string>): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = parseExposition(await res.text());
  return {
    samples,
    has: (name, labels = {}) => matching(samples, name, labels).length > 0,
    value(name, labels = {}) {
      const found = matching(samples, name, labels);
      if (found.length !== 1) throw new Error(`${name}${JSON.stringify(labels)}: ${found.length} samples`);
      return (found[0] as Sample).value;
    },
  };
}

async function waitUntil(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const registers = [
  { metric: 'temperature', unit: 'Cel', functionCode: 4, address: 1, type: 'int16', scale: 0.1 },
  { metric: 'humidity', unit: '%RH', functionCode: 4, address: 2, type: 'int16', scale: 0.1 },
];

function configOf(raw: unknown): AgentConfig {
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
}

const log = pino({ level: 'silent' });

describe('metrics endpoint, broker up', () => {
  const N = 5;
  let broker: TestBroker | undefined;
  let sim: ModbusSimServer | undefined;
  let rec: Recorder | undefined;
  let agent: Agent | undefined;
  let dir: string | undefined;
  let url = '';
  let source = '';
  const t0 = Date.now();
  const sensor = new Xymd02({ unitId: 1, seed: 11 });
  const silent = new Xymd02({ unitId: 2, seed: 12 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct-metrics-up-'));
    broker = await startBroker();
    silent.setAnswering(false);
    sim = await startModbusTcpServer([sensor, silent]);
    source = `modbus-tcp:127.0.0.1:${sim.port}`;
    rec = await record(broker.url);
    const config = configOf({
      site: 'it-site',
      node: 'edge-metrics',
      mqtt: { url: broker.url },
      dataDir: dir,
      metrics: { port: 0 },
      sources: [
        {
          kind: 'modbus-tcp',
          host: '127.0.0.1',
          port: sim.port,
          devices: [
            { id: 'room-1', unitId: 1, timeoutMs: 300, intervalMs: 100, registers },
            { id: 'room-2', unitId: 2, timeoutMs: 100, intervalMs: 100, registers: registers.slice(0, 1) },
          ],
        },
      ],
    });
    agent = await startAgent(config, { log, version: '9.9.9-test', statsLogIntervalMs: 0 });
    url = agent.metricsUrl ?? '';
  });

  afterAll(async () => {
    await agent?.stop(1000);
    await rec?.close();
    await sim?.close();
    await broker?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('listens on the ephemeral port it reports', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(url).port).not.toBe('0');
  });

  it('counts the acknowledged publishes: acked_total >= N after N polls reached the broker', async () => {
    const a = agent as Agent;
    const dataTopic = 'ct/v1/it-site/edge-metrics/room-1/data';
    await (rec as Recorder).waitFor((m) => m.filter((x) => x.topic === dataTopic).length >= N);
    await waitUntil(() => a.stats().publisher.acked >= N, `${N} PUBACKs`);
    const before = a.stats();
    const s = await scrape(url);
    const after = a.stats();
    const acked = s.value('coldtrace_agent_acked_total');
    expect(acked).toBeGreaterThanOrEqual(N);
    expect(acked).toBeGreaterThanOrEqual(before.publisher.acked);
    expect(acked).toBeLessThanOrEqual(after.publisher.acked);
    expect(s.value('coldtrace_agent_published_total')).toBeGreaterThanOrEqual(acked);
    expect(s.value('coldtrace_agent_readings_total')).toBeGreaterThanOrEqual(2 * N);
    expect(s.value('coldtrace_agent_connected')).toBe(1);
    expect(s.value('coldtrace_agent_reconnects_total')).toBe(0);
    expect(s.value('coldtrace_agent_outbox_dropped_total', { reason: 'full' })).toBe(0);
    expect(s.value('coldtrace_agent_outbox_dropped_total', { reason: 'expired' })).toBe(0);
    expect(s.value('coldtrace_agent_info', { site: 'it-site', node: 'edge-metrics', boot: a.boot, version: '9.9.9-test' })).toBe(1);
  });

  it('reports per-device state, error count and last good read time as the sources report them', async () => {
    await (rec as Recorder).waitFor((m) => m.some((x) => x.topic === 'ct/v1/it-site/edge-metrics/room-2/status'));
    const s = await scrape(url);
    expect(s.value('coldtrace_agent_device_state', { device: 'room-1', state: 'ok' })).toBe(1);
    expect(s.value('coldtrace_agent_device_state', { device: 'room-1', state: 'error' })).toBe(0);
    expect(s.value('coldtrace_agent_device_state', { device: 'room-2', state: 'error' })).toBe(1);
    expect(s.value('coldtrace_agent_device_state', { device: 'room-2', state: 'ok' })).toBe(0);
    expect(s.value('coldtrace_agent_device_errors_total', { device: 'room-1' })).toBe(0);
    expect(s.value('coldtrace_agent_device_errors_total', { device: 'room-2' })).toBeGreaterThanOrEqual(1);
    const lastGood = s.value('coldtrace_agent_device_last_good_read_timestamp_seconds', { device: 'room-1' });
    expect(lastGood).toBeGreaterThanOrEqual(t0 / 1000);
    expect(lastGood).toBeLessThanOrEqual(Date.now() / 1000);
    // A slave that never answered has no last good read: absent, not 0.
    expect(s.has('coldtrace_agent_device_last_good_read_timestamp_seconds', { device: 'room-2' })).toBe(false);
    expect(s.value('coldtrace_agent_modbus_polls_total', { source })).toBeGreaterThanOrEqual(N);
    expect(s.value('coldtrace_agent_modbus_poll_failures_total', { source })).toBeGreaterThanOrEqual(1);
  });

  it('exports process metrics, and every name carries the coldtrace_agent_ prefix', async () => {
    const s = await scrape(url);
    expect(s.has('coldtrace_agent_process_cpu_user_seconds_total')).toBe(true);
    expect(s.has('coldtrace_agent_nodejs_heap_size_used_bytes')).toBe(true);
    expect(s.samples.filter((x) => !x.name.startsWith('coldtrace_agent_')).map((x) => x.name)).toEqual([]);
  });

  it('answers 404 off /metrics and 405 to other methods', async () => {
    expect((await fetch(new URL('/', url))).status).toBe(404);
    const post = await fetch(url, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('refuses to start a second agent on a port already taken, with E_METRICS_LISTEN', async () => {
    const other = await mkdtemp(join(tmpdir(), 'ct-metrics-busy-'));
    try {
      const config = configOf({
        site: 'it-site',
        node: 'edge-busy',
        mqtt: { url: (broker as TestBroker).url },
        dataDir: other,
        metrics: { host: '127.0.0.1', port: Number(new URL(url).port) },
        sources: [{ kind: 'modbus-tcp', host: '127.0.0.1', port: (sim as ModbusSimServer).port, devices: [{ id: 'room-9', unitId: 1, registers }] }],
      });
      await expect(startAgent(config, { log })).rejects.toMatchObject({ code: 'E_METRICS_LISTEN' });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('closes the endpoint when the agent stops', async () => {
    await (agent as Agent).stop(1000);
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe('metrics endpoint, outbox full with the broker unreachable', () => {
  let sim: ModbusSimServer | undefined;
  let agent: Agent | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct-metrics-full-'));
    sim = await startModbusTcpServer([new Xymd02({ unitId: 1, seed: 21 })]);
    const nobody = await freePort();
    const config = configOf({
      site: 'it-site',
      node: 'edge-full',
      mqtt: { url: `mqtt://127.0.0.1:${nobody}` },
      dataDir: dir,
      // The smallest outbox the config allows: about seven data messages.
      outbox: { maxBytes: 1024 },
      metrics: { port: 0 },
      sources: [{ kind: 'modbus-tcp', host: '127.0.0.1', port: sim.port, devices: [{ id: 'room-1', unitId: 1, timeoutMs: 300, intervalMs: 50, registers }] }],
    });
    agent = await startAgent(config, { log, statsLogIntervalMs: 0, publisher: { backoff: { initialMs: 50, maxMs: 200 } } });
  });

  afterAll(async () => {
    await agent?.stop(200);
    await sim?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('reports exactly the outbox’s own drop count, depth and bytes', async () => {
    const a = agent as Agent;
    await waitUntil(() => a.stats().outbox.droppedFull >= 10, '10 rows dropped for lack of room');
    await waitUntil(() => a.stats().publisher.reconnects >= 2, 'two failed connection attempts');
    // Polls keep landing while we scrape: retry until no poll fell between the two snapshots.
    let found: { s: Scrape; stats: AgentStats } | undefined;
    for (let i = 0; i < 20 && !found; i++) {
      const before = a.stats();
      const s = await scrape(a.metricsUrl ?? '');
      const after = a.stats();
      if (JSON.stringify(before.outbox) === JSON.stringify(after.outbox)) found = { s, stats: after };
    }
    if (!found) throw new Error('the outbox never held still for one scrape');
    const { s, stats } = found;
    expect(s.value('coldtrace_agent_outbox_dropped_total', { reason: 'full' })).toBe(stats.outbox.droppedFull);
    expect(s.value('coldtrace_agent_outbox_dropped_total', { reason: 'expired' })).toBe(stats.outbox.droppedExpired);
    expect(s.value('coldtrace_agent_outbox_depth')).toBe(stats.outbox.depth);
    expect(s.value('coldtrace_agent_outbox_bytes')).toBe(stats.outbox.bytes);
    expect(stats.outbox.bytes).toBeLessThanOrEqual(1024);
    expect(s.value('coldtrace_agent_connected')).toBe(0);
    expect(s.value('coldtrace_agent_acked_total')).toBe(0);
    expect(s.value('coldtrace_agent_inflight')).toBe(0);
    expect(s.value('coldtrace_agent_reconnects_total')).toBeGreaterThanOrEqual(2);
    // Everything read went in; what is not in the outbox was dropped, nothing acknowledged.
    expect(s.value('coldtrace_agent_readings_total')).toBeGreaterThan(0);
  });
});
