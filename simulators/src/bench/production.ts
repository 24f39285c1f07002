/**
 * The production shape (issue #18): devices -> Mosquitto -> gateway (external mode, share group) -> durable spool ->
 * InfluxDB 1.x (v1 `/write`) or VictoriaMetrics (v2 write API). Measured end to end: from the first publish until the
 * store itself holds every reading the broker acknowledged, beside the same store alone in the same run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runLoad, type LoadOptions } from '../load/index.js';
import { ProcessSampler, diskWriteBytes, type ProcessUsage } from './proc.js';
import { spawnGateway, startInfluxd } from './processes.js';
import { sample } from './prom-text.js';
import { startMosquitto, startVictoriaMetrics } from './servers.js';
import { countStoredPoints, storeAlone, type RemoteKind } from './store-points.js';
import type { BenchMode } from './shapes.js';

export interface ProductionShape {
  readonly name: string;
  readonly title: string;
  readonly store: RemoteKind;
  readonly load: Omit<Partial<LoadOptions>, 'url'>;
  /** Gateway settings on top of the shape's (COLDTRACE_*). */
  readonly env?: Readonly<Record<string, string>>;
  /** Also measure the store alone with as many points as the gateway stored (capped), for the ratio. */
  readonly storeCeiling: boolean;
  readonly targets: readonly ProductionTarget[];
}

/** Issue #18's targets, judged on the result. */
export type ProductionTarget =
  | { readonly kind: 'readingsPerS'; readonly min: number }
  | { readonly kind: 'drainMs'; readonly max: number }
  | { readonly kind: 'noLate' }
  | { readonly kind: 'noConnectionLost' }
  | { readonly kind: 'ratioToStore'; readonly min: number }
  | { readonly kind: 'cpuPercent'; readonly max: number };

export function targetText(t: ProductionTarget): string {
  switch (t.kind) {
    case 'readingsPerS': return `>= ${t.min.toLocaleString('en')} readings/s end to end`;
    case 'drainMs': return `drain < ${t.max / 1000} s`;
    case 'noLate': return 'no live reading late';
    case 'noConnectionLost': return 'no connection lost';
    case 'ratioToStore': return `>= ${Math.round(t.min * 100)} % of the store alone`;
    case 'cpuPercent': return `gateway CPU < ${t.max} % of one core`;
  }
}

function judge(t: ProductionTarget, r: Omit<ProductionResult, 'targets'>): boolean {
  switch (t.kind) {
    case 'readingsPerS': return r.endToEndReadingsPerS >= t.min;
    case 'drainMs': return r.drainMs < t.max;
    case 'noLate': return r.lateReadings === 0;
    case 'noConnectionLost': return r.connectionsLost === 0;
    case 'ratioToStore': return (r.ratioToStore ?? 0) >= t.min;
    case 'cpuPercent': return r.gateway.cpuPercent < t.max;
  }
}

export interface ProductionResult {
  readonly name: string;
  readonly title: string;
  readonly store: RemoteKind;
  /** Readings the broker acknowledged to the devices. */
  readonly publishedReadings: number;
  /** Readings the store holds at the end (counted by the store). */
  readonly storedReadings: number;
  /** Stored readings per second, from the first publish until the store held them all. */
  readonly endToEndReadingsPerS: number;
  readonly offeredReadingsPerS: number;
  readonly loadMs: number;
  /** From the last PUBACK (of the broker) until the store held every reading, ms. */
  readonly drainMs: number;
  /** Readings the gateway flagged `late` (device time more than 60 s behind receive time). */
  readonly lateReadings: number;
  /** Gateway connections to the broker lost during the run. */
  readonly connectionsLost: number;
  readonly gateway: ProcessUsage;
  /** Bytes the gateway wrote to storage (the spool's SQLite file and WAL) per stored reading. */
  readonly diskBytesPerReading: number;
  readonly storeAloneReadingsPerS?: number;
  /** endToEndReadingsPerS / storeAloneReadingsPerS. */
  readonly ratioToStore?: number;
  readonly countsOk: boolean;
  readonly detail: string;
  /** Each target with whether this run met it (and nothing was lost). */
  readonly targets: readonly { readonly text: string; readonly met: boolean }[];
}

export function productionShapes(mode: BenchMode): ProductionShape[] {
  const d = mode === 'full' ? 30_000 : mode === 'quick' ? 10_000 : 1000;
  const devices = mode === 'smoke' ? 10 : 100;
  const single = { devices, ratePerDevice: 0, inflightPerDevice: 8, readingsPerMessage: 1, durationMs: d };
  // Mosquitto acknowledges 50-reading messages at ~700,000 readings/s, far faster than any store behind it absorbs
  // them: a closed loop floods the broker's queue, and the gateway then drains it. 5 s of that (~3.5 M readings) is
  // the figure; longer runs only queue more in the broker.
  const batch = { devices, ratePerDevice: 0, inflightPerDevice: 4, readingsPerMessage: 50, durationMs: Math.min(d, 5000) };
  const trickle = { devices, ratePerDevice: mode === 'smoke' ? 10 : 10, inflightPerDevice: 10, readingsPerMessage: 1, durationMs: d };
  const single1: ProductionTarget[] = [{ kind: 'readingsPerS', min: 25_000 }, { kind: 'drainMs', max: 2000 }, { kind: 'noLate' }, { kind: 'noConnectionLost' }];
  const batch1: ProductionTarget[] = [{ kind: 'readingsPerS', min: 150_000 }, { kind: 'ratioToStore', min: 0.75 }, { kind: 'noConnectionLost' }];
  return [
    { name: 'ext-influx-single', title: 'Mosquitto -> gateway -> InfluxDB 1.6 (v1), 1 reading/msg, closed loop', store: 'influx-v1', load: single, storeCeiling: false, targets: single1 },
    { name: 'ext-influx-batch-50', title: 'Mosquitto -> gateway -> InfluxDB 1.6 (v1), 50 readings/msg, closed loop', store: 'influx-v1', load: batch, storeCeiling: true, targets: batch1 },
    { name: 'ext-influx-1k', title: 'Mosquitto -> gateway -> InfluxDB 1.6 (v1), 1,000 msg/s of 1 reading', store: 'influx-v1', load: trickle, storeCeiling: false,
      targets: [{ kind: 'cpuPercent', max: 15 }] },
    { name: 'ext-victoria-single', title: 'Mosquitto -> gateway -> VictoriaMetrics (v2 API), 1 reading/msg, closed loop', store: 'victoria-metrics', load: single, storeCeiling: false, targets: single1 },
    { name: 'ext-victoria-batch-50', title: 'Mosquitto -> gateway -> VictoriaMetrics (v2 API), 50 readings/msg, closed loop', store: 'victoria-metrics', load: batch, storeCeiling: true, targets: batch1 },
  ];
}

const DB = 'coldtrace_bench';

export async function runProductionShape(shape: ProductionShape, nodeArgs: string[] = []): Promise<ProductionResult> {
  const dataDir = await mkdtemp(join(tmpdir(), `ct-bench-${shape.name}-`));
  const broker = await startMosquitto();
  const store = shape.store === 'influx-v1' ? await startInfluxd() : await startVictoriaMetrics();
  try {
    const env: Record<string, string> = {
      COLDTRACE_DATA_DIR: dataDir, COLDTRACE_MQTT_MODE: 'external', COLDTRACE_MQTT_URL: broker.url, COLDTRACE_MQTT_CLIENT_ID: 'gw-bench',
      COLDTRACE_STORE: shape.store, COLDTRACE_INFLUX_URL: store.url,
      ...(shape.store === 'influx-v1' ? { COLDTRACE_INFLUX_DB: DB } : {}), ...shape.env,
    };
    const gw = await spawnGateway(env, nodeArgs);
    const httpUrl = gw.ready['httpUrl']!;
    let usage: ProcessUsage;
    let load;
    let drainMs: number;
    let stored: number;
    let metrics = '';
    let diskBytes = 0;
    try {
      const sampler = new ProcessSampler(gw.pid);
      const disk0 = diskWriteBytes(gw.pid);
      try {
        load = await runLoad({ ...shape.load, url: broker.url });
        const published = load.acked.live.readings + load.acked.replay.readings;
        const t = performance.now();
        stored = await countStoredPoints(shape.store, store.url, DB);
        const deadline = t + 300_000;
        while (stored < published && performance.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          stored = await countStoredPoints(shape.store, store.url, DB);
        }
        drainMs = Math.round(performance.now() - t + load.drainMs);
      } catch (e) {
        sampler.dispose();
        throw e;
      }
      usage = sampler.stop();
      diskBytes = diskWriteBytes(gw.pid) - disk0;
    } finally {
      metrics = await fetch(`${httpUrl}/metrics`).then((r) => r.text(), () => '');
      await gw.stop();
    }
    const published = load.acked.live.readings + load.acked.replay.readings;
    const late = sample(metrics, 'coldtrace_ingest_flagged_readings_total', 'flag="late"');
    const lost = sample(metrics, 'coldtrace_mqtt_connections_lost_total');
    const e2eMs = load.durationMs + drainMs;
    const endToEnd = Math.round(stored / (e2eMs / 1000));
    let alone: number | undefined;
    if (shape.storeCeiling) alone = await storeAlone(shape.store, store.url, 'alone', Math.min(2_000_000, Math.max(100_000, stored)));
    const problems: string[] = [];
    if (stored !== published) problems.push(`store holds ${stored} of ${published} acknowledged readings`);
    if (load.lost.messages + load.dropped + load.unfinished > 0) problems.push(`generator: lost ${load.lost.messages}, dropped ${load.dropped}, unfinished ${load.unfinished}`);
    const result = {
      name: shape.name, title: shape.title, store: shape.store, publishedReadings: published, storedReadings: stored,
      endToEndReadingsPerS: endToEnd, offeredReadingsPerS: Math.round(load.ackedReadingsPerS), loadMs: Math.round(load.durationMs), drainMs,
      lateReadings: late, connectionsLost: lost, gateway: usage, diskBytesPerReading: Math.round(diskBytes / Math.max(1, stored)),
      ...(alone !== undefined ? { storeAloneReadingsPerS: alone, ratioToStore: Math.round((endToEnd / alone) * 1000) / 1000 } : {}),
      countsOk: problems.length === 0, detail: problems.length === 0 ? `published = stored = ${stored} readings` : problems.join('; '),
    };
    return { ...result, targets: shape.targets.map((t) => ({ text: targetText(t), met: result.countsOk && judge(t, result) })) };
  } finally {
    await store.stop();
    await broker.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
