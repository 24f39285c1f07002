/**
 * Part 2: ingest with custody and rules on against both off, in the same run, through the registry bench's
 * comparison (registry/ingest.ts compareCustody: fresh data directory with the registry each run, variants
 * interleaved, gateway CPU per reading from /proc). The figure of the rules issue is custody and rules on / off; the
 * custody-alone variant comes with it.
 */
import { shapes, type BenchMode, type ShapeSpec } from '../shapes.js';
import { compareCustody, type CustodyComparison, type CustodyRun } from '../registry/ingest.js';
import { mean, r3 } from '../on-off.js';

/** Per mode: seconds per run (undefined: the shape's own) and on/off/rules triples. */
export const INGEST_SIZES: Record<BenchMode, { durationMs?: number; repetitions: number }> = {
  smoke: { repetitions: 1 },
  quick: { repetitions: 2 },
  full: { durationMs: 20_000, repetitions: 2 },
};

const SHAPES = ['single-qos1', 'batch-50'];

export interface RulesIngest {
  readonly shape: string;
  readonly title: string;
  readonly durationS: number;
  readonly repetitions: number;
  /** Mean readings/s with custody and rules on, with both off, and their ratio (target >= 0.85). */
  readonly rulesReadingsPerS: number;
  readonly offReadingsPerS: number;
  readonly ratio: number;
  /** rules / off of each repetition (runs next to each other). */
  readonly pairRatios: readonly number[];
  /** Mean gateway CPU (all threads) per acknowledged reading, µs, and off / rules: the share of throughput left when CPU-bound. */
  readonly rulesCpuUsPerReading: number;
  readonly offCpuUsPerReading: number;
  readonly cpuRatio: number;
  /** Mean acknowledged messages/s with custody and rules on (the single-reading shape's is the latency part's peak). */
  readonly rulesMessagesPerS: number;
  /** Custody alone (rules off): mean readings/s and its ratio to off. */
  readonly custodyReadingsPerS: number;
  readonly custodyRatio: number;
  readonly countsOk: boolean;
  readonly comparison: CustodyComparison;
}


export async function compareRules(mode: BenchMode, template: string, log: (s: string) => void): Promise<RulesIngest[]> {
  const size = INGEST_SIZES[mode];
  const out: RulesIngest[] = [];
  for (const spec of shapes(mode).filter((s) => SHAPES.includes(s.name))) {
    const shape: ShapeSpec = size.durationMs === undefined ? spec : { ...spec, load: { ...spec.load, durationMs: size.durationMs } };
    log(`${shape.name}: custody and rules on / custody on / both off, ${size.repetitions} of each, ${(shape.load.durationMs ?? 10_000) / 1000} s per run`);
    const c = await compareCustody(shape, template, size.repetitions, log);
    const of = (v: CustodyRun['custody']): CustodyRun[] => c.runs.filter((r) => r.custody === v);
    const [rules, off] = [of('rules'), of('off')];
    const rulesCpu = mean(rules.map((r) => r.cpuUsPerReading));
    const offCpu = mean(off.map((r) => r.cpuUsPerReading));
    const r: RulesIngest = {
      shape: c.shape, title: c.title, durationS: c.durationS, repetitions: size.repetitions,
      rulesReadingsPerS: c.rulesReadingsPerS ?? 0, offReadingsPerS: c.offReadingsPerS, ratio: c.rulesRatio ?? 0,
      pairRatios: rules.map((x, i) => r3(x.readingsPerS / Math.max(1, off[i]?.readingsPerS ?? 0))),
      rulesCpuUsPerReading: Math.round(rulesCpu * 100) / 100, offCpuUsPerReading: Math.round(offCpu * 100) / 100, cpuRatio: r3(offCpu / Math.max(1e-9, rulesCpu)),
      rulesMessagesPerS: Math.round(mean(rules.map((x) => x.messagesPerS))), custodyReadingsPerS: c.onReadingsPerS, custodyRatio: c.ratio,
      countsOk: c.linkedOk, comparison: c,
    };
    out.push(r);
    log(`  custody and rules on / off: ${r.rulesReadingsPerS.toLocaleString('en')} / ${r.offReadingsPerS.toLocaleString('en')} readings/s = ${Math.round(r.ratio * 1000) / 10} % ` +
      `(per repetition ${r.pairRatios.map((x) => `${Math.round(x * 1000) / 10} %`).join(', ')}); CPU ${r.rulesCpuUsPerReading} / ${r.offCpuUsPerReading} µs/reading = ${Math.round(r.cpuRatio * 1000) / 10} %`);
  }
  return out;
}
