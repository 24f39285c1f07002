/**
 * The latency reference of a rate-mode shape: the embedded broker alone (do-nothing handler, own process) driven by
 * the same generator with the same load (devices, rate, window, duration, seed) that the gateway just got. On this
 * machine the generator shares the cores, so part of a p99 is the MQTT front and the machine under that load, before
 * any ingest: this measures that part, the way the broker ceiling measures the throughput part.
 */
import { runLoad, type LatencySummary, type LoadResult } from '../load/index.js';
import { ownCpuMeter, ProcessSampler } from './proc.js';
import { GATEWAY_NODE_FLAGS } from '@coldtrace/gateway';
import { spawnBrokerCeiling } from './processes.js';

export interface BrokerAtLoad {
  readonly messagesPerS: number;
  /** Latency of the messages created after the warm-up, ms (same window as the shape's `latency`). */
  readonly latency: LatencySummary;
  /** Broker process CPU, percent of one core. */
  readonly cpuPercent: number;
  /** Load generator CPU during this run, percent of one core. */
  readonly generatorCpuPercent: number;
  /** Every published message acknowledged, none lost, dropped or unfinished. */
  readonly countsOk: boolean;
  /** The load this run got, as the generator resolved it: the same as the shape's (the smoke test checks it). */
  readonly options: LoadResult['options'];
}

export async function brokerAtLoad(options: LoadResult['options']): Promise<BrokerAtLoad> {
  // With the gateway's node flags: a p99 comparison is sensitive to how often the young generation is collected.
  const broker = await spawnBrokerCeiling(GATEWAY_NODE_FLAGS);
  const sampler = new ProcessSampler(broker.pid);
  try {
    const generatorCpu = ownCpuMeter();
    // The do-nothing broker admits anyone: the same load without credentials.
    const { credentials: _credentials, ...load } = options;
    const r = await runLoad({ ...load, url: broker.ready['mqttUrl']! });
    const generatorCpuPercent = generatorCpu();
    const usage = sampler.stop();
    const published = r.published.live.messages + r.published.replay.messages;
    const acked = r.acked.live.messages + r.acked.replay.messages;
    return {
      messagesPerS: Math.round(r.ackedMessagesPerS), latency: r.latencySteady, cpuPercent: usage.cpuPercent, generatorCpuPercent,
      countsOk: published === acked && r.lost.messages + r.dropped + r.unfinished === 0,
      options: r.options,
    };
  } finally {
    sampler.dispose();
    await broker.stop();
  }
}
