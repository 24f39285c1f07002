/**
 * Metrics whose value is read from a component's own counters at scrape time. The components (outbox, publisher,
 * sources) keep the one true count; the registry only mirrors it, so the two can never drift apart.
 */
import { Counter, Gauge, type LabelValues, type Registry } from 'prom-client';

/** One labelled value of a scrape. */
export type Sample<L extends string> = readonly [LabelValues<L>, number];

export interface MirrorSpec<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
  /** Current values; called once per scrape. */
  read(): Iterable<Sample<L>>;
}

/** A counter mirroring a monotonic count kept elsewhere (resets only when the agent restarts). */
export function mirrorCounter<L extends string>(registry: Registry, spec: MirrorSpec<L>): Counter<L> {
  return new Counter<L>({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames ?? [],
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of spec.read()) this.inc(labels, value);
    },
  });
}

/** A gauge mirroring a current value kept elsewhere. */
export function mirrorGauge<L extends string>(registry: Registry, spec: MirrorSpec<L>): Gauge<L> {
  return new Gauge<L>({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames ?? [],
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of spec.read()) this.set(labels, value);
    },
  });
}

/** A single unlabelled value. */
export function one(value: number): Iterable<Sample<never>> {
  return [[{}, value]];
}
