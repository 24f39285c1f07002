/** Runs one load shape against a freshly spawned gateway process and collects what the bench reports. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LatencyHistogram, runLoad, type LatencySummary, type LoadResult } from '../load/index.js';
import type { BrokerAtLoad } from './broker-at-load.js';
import { ProcessSampler, diskWriteBytes, ownCpuMeter, type ProcessUsage } from './proc.js';
import { runStoreCeiling, spawnGateway, startInfluxd } from './processes.js';
import type { ShapeSpec } from './shapes.js';
import { bucketQuantile, sample } from './prom-text.js';

export interface GatewayCounts {
  readonly storedReadings: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly heldBack: number;
}

/** Where the gateway spent the run, from its own /metrics and /proc: evidence for "what limits each figure". */
export interface GatewayInternals {
  readonly commits: number;
  readonly commitMeanMs: number;
  /** Upper bound of the histogram bucket holding the 99th percentile commit, ms. */
  readonly commitP99Ms: number;
  /**
   * Gateway receive to durable ack of live messages (lane="live": a replayed backlog waits on purpose), from the
   * gateway's own histogram, after the warm-up (upper bounds of the buckets holding p50 and p99), ms: the part of
   * the live latency spent inside the gateway.
   */
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  /** Event-loop delay p99 of the gateway's main thread since it started, ms. */
  readonly eventLoopP99Ms: number;
  /** Main-thread garbage collection pauses summed over the run, seconds. */
  readonly gcSeconds: number;
  /** Bytes written to storage (database, WAL, checkpoints) per acknowledged reading. */
  readonly diskBytesPerReading: number;
}

/** Closed-loop throughput at one window (messages in flight per device). */
export interface WindowPoint {
  readonly inflight: number;
  readonly messagesPerS: number;
  /** Gateway runs: every published reading acknowledged and stored, nothing lost (ShapeResult.countsOk). */
  readonly countsOk?: boolean;
}

export interface ShapeResult {
  readonly name: string;
  readonly title: string;
  readonly store: string;
  readonly durability: string;
  /** Acknowledged (durable) readings per second over the run. */
  readonly readingsPerS: number;
  readonly messagesPerS: number;
  /** Live latency of the sustained run (messages created after the warm-up), ms. */
  readonly latency: LatencySummary;
  /** Live latency over the whole run, warm-up included, ms. */
  readonly latencyWholeRun: LatencySummary;
  readonly replayLatency?: LatencySummary;
  readonly replayMs?: number;
  readonly gateway: ProcessUsage;
  /** CPU of the load generator (this process) over the run, percent of one core. */
  readonly generatorCpuPercent: number;
  readonly gatewayCounts: GatewayCounts;
  readonly internals: GatewayInternals;
  /** Every acknowledged reading is stored, every malformed message quarantined, nothing lost. */
  readonly countsOk: boolean;
  readonly countsDetail: string;
  readonly query?: { count: number; rowsPerQuery: number; p50: number; p99: number };
  readonly prefill?: { readings: number; ms: number };
  /** InfluxDB: time for the spool to forward everything after the run, ms. */
  readonly forwardMs?: number;
  readonly ceiling?: { kind: string; readingsPerS: number; ratio: number };
  readonly target?: { text: string; met: boolean };
  /** Window sweep before the sustained run (ShapeSpec.window 'sweep'): msg/s of a short run at each window. */
  readonly windowSweep?: readonly WindowPoint[];
  /** ShapeSpec.latencyReference: the broker alone under the same load, right after the shape's run. */
  readonly brokerAlone?: BrokerAtLoad;
  readonly load: LoadResult;
}

export interface ShapeContext {
  /** Peak single-reading message rate measured earlier in this run (for fractionOfPeak shapes). */
  readonly peakMessagesPerS: number;
  /** Gateway node flags, e.g. --cpu-prof. */
  readonly nodeArgs: string[];
  readonly queries: number;
  readonly ceilingMs: number;
}

export async function runShape(shape: ShapeSpec, ctx: ShapeContext): Promise<ShapeResult> {
  const dataDir = await mkdtemp(join(tmpdir(), `ct-bench-${shape.name}-`));
  const influx = shape.store === 'influx-v1' ? await startInfluxd() : undefined;
  let prefill: ShapeResult['prefill'];
  let retainedCeiling: number | undefined;
  try {
    if (shape.prefill !== undefined && shape.prefill > 0) {
      // Pre-fill the gateway's own database file, then measure the store alone on it (same table size).
      const r = await runStoreCeiling(['--dir', dataDir, '--prefill', String(shape.prefill), '--seconds', String(ctx.ceilingMs / 1000), '--durability', shape.durability]);
      prefill = { readings: r.prefilled, ms: r.prefillMs };
      retainedCeiling = r.rowsPerS;
    }
    const env: Record<string, string> = { COLDTRACE_DATA_DIR: dataDir, COLDTRACE_DURABILITY: shape.durability };
    if (influx !== undefined) Object.assign(env, { COLDTRACE_STORE: 'influx-v1', COLDTRACE_INFLUX_URL: influx.url, COLDTRACE_INFLUX_DB: 'coldtrace_bench' });
    const gw = await spawnGateway(env, ctx.nodeArgs);
    const httpUrl = gw.ready['httpUrl']!;
    try {
      const load = { ...shape.load };
      if (shape.fractionOfPeak !== undefined) {
        const devices = load.devices ?? 100;
        load.ratePerDevice = Math.max(0.01, (ctx.peakMessagesPerS * shape.fractionOfPeak) / devices);
      }
      const before = await scrape(httpUrl);
      // The gateway's side of the latency is read from after the warm-up, like the generator's.
      const warmupMs = load.warmupMs ?? 0;
      const warm = warmupMs === 0 ? Promise.resolve(before) : new Promise<string>((resolve) => {
        setTimeout(() => scrape(httpUrl).then(resolve, () => resolve(before)), warmupMs);
      });
      const disk0 = diskWriteBytes(gw.pid);
      const sampler = new ProcessSampler(gw.pid);
      const generatorCpu = ownCpuMeter();
      const result = await runLoad({ ...load, url: gw.ready['mqttUrl']! });
      const genCpuPercent = generatorCpu();
      const usage = sampler.stop();
      const diskBytes = diskWriteBytes(gw.pid) - disk0;
      let forwardMs: number | undefined;
      if (influx !== undefined) forwardMs = await waitForSpool(httpUrl, 120_000);
      const after = await scrape(httpUrl);
      const counts = gatewayCounts(after);
      const query = shape.query === true ? await measureQueries(httpUrl, ctx.queries, load.devices ?? 100) : undefined;
      const ackedReadings = result.acked.live.readings + result.acked.replay.readings;
      const publishedReadings = result.published.live.readings + result.published.replay.readings;
      const problems: string[] = [];
      if (counts.storedReadings + counts.duplicates !== ackedReadings) problems.push(`stored ${counts.storedReadings} + duplicates ${counts.duplicates} != acked ${ackedReadings}`);
      if (ackedReadings !== publishedReadings) problems.push(`acked ${ackedReadings} != published ${publishedReadings}`);
      if (counts.quarantined !== result.acked.live.malformed) problems.push(`quarantined ${counts.quarantined} != acked malformed ${result.acked.live.malformed}`);
      if (result.lost.messages + result.dropped + result.unfinished > 0) problems.push(`lost ${result.lost.messages}, dropped ${result.dropped}, unfinished ${result.unfinished}`);
      return {
        name: shape.name, title: shape.title, store: shape.store, durability: shape.durability,
        readingsPerS: result.ackedReadingsPerS, messagesPerS: result.ackedMessagesPerS,
        latency: result.latencySteady, latencyWholeRun: result.latency.live,
        ...(shape.load.replay !== undefined ? { replayLatency: result.latency.replay, ...(result.replayMs !== undefined ? { replayMs: result.replayMs } : {}) } : {}),
        gateway: usage, generatorCpuPercent: genCpuPercent, gatewayCounts: counts, internals: internals(before, await warm, after, diskBytes, ackedReadings),
        countsOk: problems.length === 0, countsDetail: problems.length === 0 ? `published = acked = stored = ${ackedReadings} readings; ${counts.quarantined} malformed quarantined` : problems.join('; '),
        ...(query !== undefined ? { query } : {}), ...(prefill !== undefined ? { prefill } : {}), ...(forwardMs !== undefined ? { forwardMs } : {}),
        ...(retainedCeiling !== undefined ? { ceiling: { kind: 'store (same table)', readingsPerS: retainedCeiling, ratio: 0 } } : {}),
        load: result,
      };
    } finally {
      await gw.stop();
    }
  } finally {
    await influx?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function scrape(httpUrl: string): Promise<string> {
  return (await fetch(`${httpUrl}/metrics`)).text();
}

function internals(before: string, warm: string, after: string, diskBytes: number, readings: number): GatewayInternals {
  const d = (name: string): number => sample(after, name) - sample(before, name);
  const commits = d('coldtrace_store_write_seconds_count');
  const r = (x: number): number => Math.round(x * 100) / 100;
  return {
    commits, commitMeanMs: r((d('coldtrace_store_write_seconds_sum') / Math.max(1, commits)) * 1000),
    commitP99Ms: bucketQuantile(before, after, 'coldtrace_store_write_seconds', 0.99),
    ackP50Ms: bucketQuantile(warm, after, 'coldtrace_ingest_ack_seconds', 0.5, 'lane="live"'),
    ackP99Ms: bucketQuantile(warm, after, 'coldtrace_ingest_ack_seconds', 0.99, 'lane="live"'),
    eventLoopP99Ms: r(sample(after, 'coldtrace_nodejs_eventloop_lag_p99_seconds') * 1000), gcSeconds: r(d('coldtrace_nodejs_gc_duration_seconds_sum')),
    diskBytesPerReading: Math.round(diskBytes / Math.max(1, readings)),
  };
}

/** The gateway's own counters, from /metrics text (Prometheus). */
function gatewayCounts(text: string): GatewayCounts {
  return {
    storedReadings: sample(text, 'coldtrace_ingest_readings_total'), duplicates: sample(text, 'coldtrace_ingest_duplicate_readings_total'),
    quarantined: sample(text, 'coldtrace_ingest_messages_total', 'outcome="quarantined"'), heldBack: sample(text, 'coldtrace_write_queue_held_back_total'),
  };
}

/** Waits until the spool of a remote store is empty (every reading forwarded); returns how long that took, ms. */
async function waitForSpool(httpUrl: string, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const body = await (await fetch(`${httpUrl}/health`)).text();
    const m = /(\d+) readings spooled/.exec(body);
    if (m !== null && m[1] === '0') return Math.round(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`spool did not drain in ${timeoutMs} ms`);
}

/** Device + 1 h device-time range queries over the HTTP API, on devices the load and the pre-fill wrote. */
async function measureQueries(httpUrl: string, count: number, devices: number): Promise<{ count: number; rowsPerQuery: number; p50: number; p99: number }> {
  const h = new LatencyHistogram();
  let rows = 0;
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const device = `dev-${(i * 7919) % devices}`;
    // Alternate between the pre-filled history (a day and more ago) and the rows the run just wrote.
    const to = i % 2 === 0 ? now - 86_400_000 - ((i * 3_600_000) % 36_000_000) : now + 1000;
    const t = performance.now();
    const res = await fetch(`${httpUrl}/api/v1/readings?device=${device}&from=${to - 3_600_000}&to=${to}&limit=100000`);
    const body = (await res.json()) as { readings?: unknown[] };
    h.record(performance.now() - t);
    rows += body.readings?.length ?? 0;
  }
  const s = h.summary();
  return { count, rowsPerQuery: Math.round(rows / Math.max(1, count)), p50: s.p50, p99: s.p99 };
}
