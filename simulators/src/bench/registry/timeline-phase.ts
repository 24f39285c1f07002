/**
 * Custody queries with history stored: the registry's data directory gets `readings` readings of the registered
 * devices (prefill.ts, its own process, no gateway running), then a gateway starts on it and answers order timelines
 * (random orders) and order evidence (orders whose custody falls in the pre-filled history) one at a time.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { rssMiB } from '../proc.js';
import { spawnGateway } from '../processes.js';
import { SENSOR_PREFIX, TRACKER_PREFIX, type RegistrySize } from './generate.js';
import { dataDirWithRegistry } from './ingest.js';
import { dbBytes, waitIdle } from './import-phase.js';
import { evidenceLatency, pick, timelineLatency, type EvidenceResult, type TimelineResult } from './queries.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

export interface QueryCounts {
  /** Readings pre-filled into telemetry.db. */
  readonly readings: number;
  readonly timelineWarmup: number;
  readonly timelines: number;
  readonly evidenceWarmup: number;
  readonly evidence: number;
  readonly evidenceLimit: number;
}

export interface Prefill {
  readonly readings: number;
  readonly ms: number;
  /** Device time of the first pre-filled reading, ms (the last is just before the registry's end). */
  readonly from: number;
  readonly end: number;
  readonly devices: number;
  readonly dbBytes: number;
}

export interface TimelinePhase {
  readonly prefill: Prefill;
  readonly telemetryDbBytes: number;
  /** Gateway start to ready on the pre-filled directory, ms, and its RSS once idle, MiB. */
  readonly startMs: number;
  readonly rssMiB: number;
  readonly timeline: TimelineResult;
  /** Orders the evidence was asked for: departed within the pre-filled history (or the latest ones). */
  readonly evidenceCandidates: number;
  /** False when too few orders departed within the history and the latest orders were taken instead. */
  readonly evidenceInHistory: boolean;
  readonly evidence: EvidenceResult;
}

export interface OrderIndex {
  readonly end: number;
  readonly orderIds: readonly string[];
  /** Per order: departure of its first batch's shipment, ms (rising with the index). */
  readonly orderTimes: Float64Array;
}

export async function runTimelinePhase(template: string, size: RegistrySize, orders: OrderIndex, q: QueryCounts, log: (s: string) => void): Promise<TimelinePhase> {
  const dir = await dataDirWithRegistry(template, 'timeline');
  try {
    log(`pre-filling ${q.readings.toLocaleString('en')} readings of ${size.zoneSensors + size.trackers} devices`);
    const prefill = await runPrefill([
      '--dir', dir, '--readings', String(q.readings), '--end', String(orders.end), '--interval-s', '300',
      '--devices', `${SENSOR_PREFIX}:${size.zoneSensors},${TRACKER_PREFIX}:${size.trackers}`, '--metrics', 'temperature,humidity',
    ]);
    log(`  ${prefill.readings.toLocaleString('en')} readings in ${Math.round(prefill.ms / 1000)} s, ${new Date(prefill.from).toISOString()} .. ${new Date(prefill.end).toISOString()}`);
    const telemetryDbBytes = await dbBytes(dir, 'telemetry.db');
    const t0 = performance.now();
    const gw = await spawnGateway({ COLDTRACE_DATA_DIR: dir });
    const startMs = Math.round(performance.now() - t0);
    try {
      await waitIdle(gw.pid);
      const rss = Math.round(rssMiB(gw.pid) * 10) / 10;
      const httpUrl = gw.ready['httpUrl']!;
      log(`timeline of ${q.timelines} random orders after ${q.timelineWarmup} of warm-up`);
      const timeline = await timelineLatency(httpUrl, orders.orderIds, q.timelineWarmup, q.timelines, 7);
      log(`  p50 ${timeline.p50} ms, p95 ${timeline.p95} ms, p99 ${timeline.p99} ms, max ${timeline.max} ms, ${timeline.eventsMean} events each, ${timeline.errors} errors`);
      // Orders whose shipment left within the pre-filled history; the latest orders when there are too few.
      let first = orders.orderTimes.findIndex((t) => t >= prefill.from);
      const evidenceInHistory = first >= 0 && orders.orderIds.length - first >= q.evidence + q.evidenceWarmup;
      if (!evidenceInHistory) first = Math.max(0, orders.orderIds.length - 4 * (q.evidence + q.evidenceWarmup));
      const candidates = orders.orderIds.slice(first);
      log(`evidence (limit ${q.evidenceLimit}) of ${q.evidence} orders among the ${evidenceInHistory ? `${candidates.length} whose shipment left within the pre-filled history` : `latest ${candidates.length}`}`);
      const evidence = await evidenceLatency(httpUrl, pick(candidates, q.evidenceWarmup + q.evidence, 11), q.evidenceWarmup, q.evidenceLimit);
      log(`  p50 ${evidence.p50} ms, p99 ${evidence.p99} ms, max ${evidence.max} ms, ${evidence.readingsMean} readings and ${evidence.segmentsMean} segments each, ${evidence.truncated} truncated, ${evidence.errors} errors`);
      return { prefill, telemetryDbBytes, startMs, rssMiB: rss, timeline, evidenceCandidates: candidates.length, evidenceInHistory, evidence };
    } finally {
      await gw.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** prefill.js to completion; its progress goes to this process's stderr, its JSON line is the answer. */
function runPrefill(args: string[]): Promise<Prefill> {
  const child = spawn(process.execPath, [join(HERE, 'prefill.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) { reject(new Error(`prefill failed (${code})`)); return; }
      resolve(JSON.parse(out.trim().split('\n').pop()!) as Prefill);
    });
  });
}
