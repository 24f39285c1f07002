/**
 * A feature on against off in the same bench run (integrity.ts, security.ts): runs interleaved, each a fresh gateway;
 * the means, their ratio, the ratio of each pair, and the ratio of CPU per reading (off / on: the share of
 * throughput left when the gateway is CPU-bound).
 */

export interface OnOffRun {
  readonly readingsPerS: number;
  /** Gateway CPU (all threads) per acknowledged reading, µs. */
  readonly cpuUsPerReading: number;
}

export interface OnOffFigures {
  readonly onReadingsPerS: number;
  readonly offReadingsPerS: number;
  /** on / off of the means (the targets ask >= 0.9), and of each pair in run order. */
  readonly ratio: number;
  readonly pairRatios: readonly number[];
  readonly cpuRatio: number;
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
export const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export function onOffFigures(on: readonly OnOffRun[], off: readonly OnOffRun[]): OnOffFigures {
  const [onMean, offMean] = [mean(on.map((r) => r.readingsPerS)), mean(off.map((r) => r.readingsPerS))];
  return {
    onReadingsPerS: Math.round(onMean), offReadingsPerS: Math.round(offMean), ratio: r3(onMean / Math.max(1, offMean)),
    pairRatios: on.map((r, i) => r3(r.readingsPerS / Math.max(1, off[i]?.readingsPerS ?? 0))),
    cpuRatio: r3(mean(off.map((r) => r.cpuUsPerReading)) / Math.max(1e-9, mean(on.map((r) => r.cpuUsPerReading)))),
  };
}
