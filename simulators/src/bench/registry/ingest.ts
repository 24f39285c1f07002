/**
 * Ingest with and without custody resolution: a load shape against a gateway whose registry is loaded, once with
 * COLDTRACE_CUSTODY=on and once off, interleaved (on, off, on, off ...) so drift of the machine falls on both. The
 * load's devices are the registry's zone sensors (devicePrefix 'zs'), placed in zones up to now, so every reading
 * with custody on is a real lookup that links; /metrics shows it did. A gateway that has rules on committed
 * readings (COLDTRACE_RULES) runs them off in both, so the ratio is custody resolution alone; a third variant,
 * custody and rules on (the gateway's defaults), is reported beside it.
 */
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_ENV_KEYS } from '@coldtrace/gateway';
import { runLoad } from '../../load/index.js';
import { ProcessSampler, cpuSeconds } from '../proc.js';
import { spawnGateway } from '../processes.js';
import { sample } from '../prom-text.js';
import type { ShapeSpec } from '../shapes.js';
import { SENSOR_PREFIX } from './generate.js';
import { waitIdle } from './import-phase.js';

/** on: custody resolution alone; off: neither; rules: custody and the rules on committed readings (the defaults). */
export type CustodyVariant = 'on' | 'off' | 'rules';

/** The gateway has rules on committed readings that COLDTRACE_RULES turns off (read from the built gateway). */
export const GATEWAY_HAS_RULES = Object.hasOwn(GATEWAY_ENV_KEYS as object, 'COLDTRACE_RULES');

const VARIANT_ENV: Record<CustodyVariant, Record<string, string>> = {
  on: { COLDTRACE_CUSTODY: 'on', ...(GATEWAY_HAS_RULES ? { COLDTRACE_RULES: 'off' } : {}) },
  off: { COLDTRACE_CUSTODY: 'off', ...(GATEWAY_HAS_RULES ? { COLDTRACE_RULES: 'off' } : {}) },
  rules: { COLDTRACE_CUSTODY: 'on', COLDTRACE_RULES: 'on' },
};

export interface CustodyRun {
  readonly custody: CustodyVariant;
  readonly readingsPerS: number;
  readonly messagesPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly gatewayCpuPercent: number;
  /** Gateway CPU (all threads) per acknowledged reading, µs, and main-thread GC pauses over the run, s. */
  readonly cpuUsPerReading: number;
  readonly gcSeconds: number;
  readonly rssPeakMiB: number;
  /** coldtrace_custody_readings_total over the run. */
  readonly linked: number;
  readonly unlinked: number;
  /** Acknowledged = stored (+ duplicates); linked + unlinked = stored with custody on, both 0 with it off. */
  readonly countsOk: boolean;
  readonly detail: string;
}

export interface CustodyComparison {
  readonly shape: string;
  readonly title: string;
  readonly devices: number;
  readonly readingsPerMessage: number;
  readonly inflightPerDevice: number;
  readonly durationS: number;
  /** Mean readings/s of the runs with custody on, off, and on / off. */
  readonly onReadingsPerS: number;
  readonly offReadingsPerS: number;
  readonly ratio: number;
  /** on / off of each repetition (the runs next to each other): the spread the machine gives. */
  readonly pairRatios: readonly number[];
  /** Custody and rules on (only when the gateway has rules): mean readings/s and its ratio to off. */
  readonly rulesReadingsPerS?: number;
  readonly rulesRatio?: number;
  /** Every run with custody on linked all its readings, and its counts agree. */
  readonly linkedOk: boolean;
  readonly runs: readonly CustodyRun[];
}

/** A fresh data directory holding a copy of the registry database of `template` (and its WAL, if any). */
export async function dataDirWithRegistry(template: string, label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `ct-bench-registry-${label}-`));
  // Not the -shm file: it is rebuilt from the WAL by the first connection.
  for (const f of await readdir(template)) if (f === 'registry.db' || f === 'registry.db-wal') await copyFile(join(template, f), join(dir, f));
  return dir;
}

export async function compareCustody(shape: ShapeSpec, template: string, repetitions: number, log: (s: string) => void): Promise<CustodyComparison> {
  const runs: CustodyRun[] = [];
  const variants: CustodyVariant[] = GATEWAY_HAS_RULES ? ['on', 'off', 'rules'] : ['on', 'off'];
  for (let rep = 0; rep < repetitions; rep++) {
    for (const custody of variants) {
      const r = await runOnce(shape, template, custody);
      runs.push(r);
      log(`  ${shape.name} ${custody === 'rules' ? 'custody and rules on' : `custody ${custody}`} (${rep + 1}/${repetitions}): ${Math.round(r.readingsPerS).toLocaleString('en')} readings/s, linked ${r.linked.toLocaleString('en')}, unlinked ${r.unlinked.toLocaleString('en')}, counts ${r.countsOk ? 'ok' : r.detail}`);
    }
  }
  const mean = (c: CustodyVariant): number => {
    const xs = runs.filter((r) => r.custody === c).map((r) => r.readingsPerS);
    return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  };
  const [on, off] = [mean('on'), mean('off')];
  const of = (c: CustodyVariant): CustodyRun[] => runs.filter((r) => r.custody === c);
  const pairRatios = of('on').map((r, i) => Math.round((r.readingsPerS / Math.max(1, of('off')[i]?.readingsPerS ?? 0)) * 1000) / 1000);
  const rules = GATEWAY_HAS_RULES ? { rulesReadingsPerS: Math.round(mean('rules')), rulesRatio: Math.round((mean('rules') / Math.max(1, off)) * 1000) / 1000 } : {};
  const l = shape.load;
  return {
    shape: shape.name, title: shape.title, devices: l.devices ?? 100, readingsPerMessage: l.readingsPerMessage ?? 1, inflightPerDevice: l.inflightPerDevice ?? 10,
    durationS: (l.durationMs ?? 10_000) / 1000, onReadingsPerS: Math.round(on), offReadingsPerS: Math.round(off), ratio: Math.round((on / Math.max(1, off)) * 1000) / 1000, pairRatios, ...rules,
    linkedOk: runs.every((r) => r.countsOk && (r.custody === 'off' || (r.linked > 0 && r.unlinked === 0))), runs,
  };
}

async function runOnce(shape: ShapeSpec, template: string, custody: CustodyVariant): Promise<CustodyRun> {
  const dir = await dataDirWithRegistry(template, `${shape.name}-${custody}`);
  try {
    const gw = await spawnGateway({ COLDTRACE_DATA_DIR: dir, COLDTRACE_DURABILITY: shape.durability, ...VARIANT_ENV[custody] });
    try {
      await waitIdle(gw.pid);
      const httpUrl = gw.ready['httpUrl']!;
      const before = await (await fetch(`${httpUrl}/metrics`)).text();
      const sampler = new ProcessSampler(gw.pid);
      const cpu0 = cpuSeconds(gw.pid);
      const result = await runLoad({ ...shape.load, devicePrefix: SENSOR_PREFIX, url: gw.ready['mqttUrl']! });
      const cpu = cpuSeconds(gw.pid) - cpu0;
      const usage = sampler.stop();
      const after = await (await fetch(`${httpUrl}/metrics`)).text();
      const d = (name: string, ...labels: string[]): number => sample(after, name, ...labels) - sample(before, name, ...labels);
      const stored = d('coldtrace_ingest_readings_total');
      const duplicates = d('coldtrace_ingest_duplicate_readings_total');
      const linked = d('coldtrace_custody_readings_total', 'custody="linked"');
      const unlinked = d('coldtrace_custody_readings_total', 'custody="unlinked"');
      const acked = result.acked.live.readings;
      const problems: string[] = [];
      if (stored + duplicates !== acked) problems.push(`stored ${stored} + duplicates ${duplicates} != acked ${acked}`);
      if (result.published.live.readings !== acked) problems.push(`acked ${acked} != published ${result.published.live.readings}`);
      if (custody !== 'off' && linked + unlinked !== stored) problems.push(`linked ${linked} + unlinked ${unlinked} != stored ${stored}`);
      if (custody === 'off' && linked + unlinked !== 0) problems.push(`custody off but ${linked + unlinked} readings resolved`);
      return {
        custody, readingsPerS: result.ackedReadingsPerS, messagesPerS: result.ackedMessagesPerS, p50Ms: result.latencySteady.p50, p99Ms: result.latencySteady.p99,
        gatewayCpuPercent: usage.cpuPercent, cpuUsPerReading: Math.round((cpu / Math.max(1, acked)) * 1e8) / 100,
        gcSeconds: Math.round(d('coldtrace_nodejs_gc_duration_seconds_sum') * 100) / 100, rssPeakMiB: usage.rssPeakMiB, linked, unlinked,
        countsOk: problems.length === 0, detail: problems.length === 0 ? `acked = stored = ${acked}` : problems.join('; '),
      };
    } finally {
      await gw.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
