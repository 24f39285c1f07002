/**
 * The load shapes of issue #5 and their sizes per bench mode. Sizes that depend on the machine (half of peak, the
 * burst base) are fractions of the peak measured earlier in the same run.
 */
import { DEFAULT_REPLAY_OPTIONS, type LoadOptions } from '../load/index.js';

export type BenchMode = 'full' | 'quick' | 'smoke';
export type CeilingKind = 'broker' | 'store' | 'none';

export interface ShapeSpec {
  readonly name: string;
  readonly title: string;
  readonly store: 'sqlite' | 'influx-v1';
  readonly durability: 'full' | 'normal';
  readonly load: Omit<Partial<LoadOptions>, 'url'>;
  /** Rate mode at this fraction of the peak single-reading message rate measured by `single-qos1` (total over devices). */
  readonly fractionOfPeak?: number;
  /** Readings already stored before the run (retained-data shape). */
  readonly prefill?: number;
  /** Measure device + time-range queries after the run. */
  readonly query?: boolean;
  /**
   * Closed-loop window. 'sweep': short runs at each of the mode's `windows` (messages in flight per device) find the
   * window at which the gateway peaks, and the sustained run uses it; 'swept': the window `sweep` found earlier in
   * the run. Otherwise the load's own inflightPerDevice.
   */
  readonly window?: 'sweep' | 'swept';
  /** Ceiling this shape is compared with. */
  readonly ceiling: CeilingKind;
  /**
   * Also run the broker alone at the same load (broker-at-load.ts): the latency the MQTT front and this machine give
   * under that load before any ingest, reported beside the shape's own latency.
   */
  readonly latencyReference?: boolean;
  /** The target, checked against the result. */
  readonly target?: Target;
}

export type Target =
  | { readonly kind: 'ratio'; readonly min: number; readonly text: string }
  | { readonly kind: 'readingsPerS'; readonly min: number; readonly text: string }
  | { readonly kind: 'p99Ms'; readonly max: number; readonly text: string }
  /** Peak gateway RSS below `max`, MiB (2^20 bytes; a target in decimal MB is converted where it is declared). */
  | { readonly kind: 'rssMiB'; readonly max: number; readonly text: string }
  | { readonly kind: 'nothingLost'; readonly text: string };

export interface ModeSizes {
  readonly durationMs: number;
  /** Shorter runs for the repeated (normal durability, InfluxDB) variants. */
  readonly shortDurationMs: number;
  /** Length of each ceiling run and of each run of a window sweep. */
  readonly ceilingMs: number;
  /**
   * Closed-loop windows (messages in flight per device) swept for the single-reading peak and the broker ceiling.
   * Throughput is messages in flight / round trip, so a window too small for the gateway measures its round trip,
   * not its peak; the broker alone and the gateway peak at different windows (docs/performance.md).
   */
  readonly windows: readonly number[];
  readonly manyDevices: number;
  readonly replayReadings: number;
  readonly retained: number;
  readonly queries: number;
  /** Start of each run whose latency is reported apart from the sustained figure (see LoadOptions.warmupMs). */
  readonly warmupMs: number;
}

export const MODE_SIZES: Record<BenchMode, ModeSizes> = {
  full: { durationMs: 60_000, shortDurationMs: 30_000, ceilingMs: 15_000, windows: [4, 8, 16, 32], manyDevices: 10_000, replayReadings: 1_000_000, retained: 50_000_000, queries: 200, warmupMs: 5000 },
  quick: { durationMs: 10_000, shortDurationMs: 6_000, ceilingMs: 5_000, windows: [4, 8, 16, 32], manyDevices: 10_000, replayReadings: 200_000, retained: 2_000_000, queries: 50, warmupMs: 2000 },
  smoke: { durationMs: 1_000, shortDurationMs: 1_000, ceilingMs: 1_000, windows: [2, 4], manyDevices: 100, replayReadings: 5_000, retained: 20_000, queries: 5, warmupMs: 0 },
};

export function shapes(mode: BenchMode, retained?: number): ShapeSpec[] {
  const s = MODE_SIZES[mode];
  const single = { devices: mode === 'smoke' ? 20 : 200, ratePerDevice: 0, inflightPerDevice: 4, readingsPerMessage: 1 };
  // Closed loop: throughput = messages in flight / round trip. With 2 in flight per device the gateway's event loop
  // was half idle and batch-50 measured its commit latency, not its peak: after the callback ingest path, 12 s runs on
  // one gateway gave 274k readings/s at 2 in flight, 438k at 4, 448k at 8, 462k at 16 (p50 34, 43, 86, 163 ms).
  // 4 is the knee: the smallest window at which throughput stops rising (docs/performance.md).
  const batch = { devices: mode === 'smoke' ? 10 : 100, ratePerDevice: 0, inflightPerDevice: 4, readingsPerMessage: 50 };
  const list: ShapeSpec[] = [
    { name: 'single-qos1', title: '1 reading/msg, QoS 1, closed loop at the window where the gateway peaks', store: 'sqlite', durability: 'full',
      load: { ...single, durationMs: s.durationMs }, window: 'sweep', ceiling: 'broker',
      target: { kind: 'ratio', min: 0.8, text: '>= 80 % of broker ceiling' } },
    { name: 'single-qos1-normal', title: 'same, synchronous=NORMAL', store: 'sqlite', durability: 'normal', load: { ...single, durationMs: s.shortDurationMs }, window: 'swept', ceiling: 'broker',
      target: { kind: 'ratio', min: 0.8, text: '>= 80 % of broker ceiling' } },
    { name: 'batch-50', title: '50 readings/msg, closed loop', store: 'sqlite', durability: 'full', load: { ...batch, durationMs: s.durationMs }, ceiling: 'store',
      target: { kind: 'readingsPerS', min: 300_000, text: '>= 300,000 readings/s' } },
    { name: 'batch-50-normal', title: 'same, synchronous=NORMAL', store: 'sqlite', durability: 'normal', load: { ...batch, durationMs: s.shortDurationMs }, ceiling: 'store',
      target: { kind: 'readingsPerS', min: 300_000, text: '>= 300,000 readings/s' } },
    { name: 'half-peak', title: '1 reading/msg at 50 % of peak rate', store: 'sqlite', durability: 'full', fractionOfPeak: 0.5,
      load: { devices: single.devices, inflightPerDevice: 10, readingsPerMessage: 1, durationMs: s.durationMs }, ceiling: 'broker', latencyReference: true,
      target: { kind: 'p99Ms', max: 25, text: 'p99 < 25 ms' } },
    { name: 'devices-10k', title: `${s.manyDevices} devices, 4 readings every 5 s, 0.1 % malformed`, store: 'sqlite', durability: 'full',
      load: { devices: s.manyDevices, ratePerDevice: 0.2, readingsPerMessage: 4, malformedShare: 0.001, durationMs: s.durationMs }, ceiling: 'none',
      // 400 MB decimal (issue #5), judged on the sampled RSS in MiB: 400e6 / 2^20 = 381.5 MiB.
      target: { kind: 'rssMiB', max: 400e6 / 2 ** 20, text: 'RSS < 400 MB (381.5 MiB)' } },
    { name: 'burst-10x', title: '4 readings/msg, 10x burst for 1/4 of the run', store: 'sqlite', durability: 'full', fractionOfPeak: 0.1,
      load: { devices: single.devices, inflightPerDevice: 10, readingsPerMessage: 4, malformedShare: 0.001, durationMs: s.durationMs,
        burst: { atMs: s.durationMs / 4, durationMs: s.durationMs / 4, factor: 10 } }, ceiling: 'none',
      target: { kind: 'nothingLost', text: 'bounded RSS, nothing lost' } },
    { name: 'replay-1m', title: `replay ${s.replayReadings.toLocaleString('en')} buffered readings + live traffic`, store: 'sqlite', durability: 'full', fractionOfPeak: 0.1,
      load: { devices: single.devices, inflightPerDevice: 10, readingsPerMessage: 1, durationMs: s.durationMs,
        replay: { ...DEFAULT_REPLAY_OPTIONS, readings: s.replayReadings, devices: mode === 'smoke' ? 2 : 20, startAtMs: s.warmupMs + Math.min(2000, s.durationMs / 4) } },
      ceiling: 'none', target: { kind: 'p99Ms', max: 25, text: 'live p99 < 25 ms' } },
    { name: 'batch-50-retained', title: `50 readings/msg, ${(retained ?? s.retained).toLocaleString('en')} readings already stored`, store: 'sqlite', durability: 'full',
      prefill: retained ?? s.retained, query: true, load: { ...batch, durationMs: s.shortDurationMs }, ceiling: 'store',
      target: { kind: 'readingsPerS', min: 250_000, text: '>= 250,000 readings/s' } },
    { name: 'influx-batch-50', title: 'InfluxDB 1.6 store (durable spool), 50 readings/msg', store: 'influx-v1', durability: 'full',
      load: { ...batch, durationMs: s.shortDurationMs }, ceiling: 'store' },
  ];
  return list.map((x) => ({ ...x, load: { ...x.load, warmupMs: s.warmupMs } }));
}
