/**
 * Prometheus metrics for the per-message hot path. prom-client's `observe` and `inc` convert, validate and hash the
 * label set on every call, even through a child bound with `labels()`: at 39,000 messages/s the two histograms and
 * one counter per message were 8.7 % of the gateway's main thread. These keep plain numbers per label value and
 * build the samples only when /metrics is scraped. They register in a prom-client Registry like its own metrics
 * (name, help, type, get) and print the same lines (hot-metrics.test.ts compares them with prom-client's).
 *
 * At most one label, with its values fixed up front (a hot path has a small, known set: lanes, outcomes, flags).
 */
import type { Registry } from 'prom-client';

interface Sample {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

interface MetricData {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram' | 'counter';
  readonly values: Sample[];
  readonly aggregator: 'sum';
}

export interface HotHistogramChild {
  observe(value: number): void;
}

class HistogramCell implements HotHistogramChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  /** A non-finite value is ignored (prom-client throws): one NaN would make the sum NaN for good. */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

abstract class HotMetric<Cell> {
  readonly aggregator = 'sum';
  protected readonly cells = new Map<string, Cell>();

  constructor(
    readonly name: string,
    readonly help: string,
    protected readonly label: string | undefined,
    values: readonly string[],
    registry: Registry,
    make: () => Cell,
  ) {
    for (const v of label === undefined ? [''] : values) this.cells.set(v, make());
    registry.registerMetric(this as never);
  }

  /** The cell of one label value (bind it once, outside the hot path). */
  labels(value: string): Cell {
    const c = this.cells.get(value);
    if (c === undefined) throw new Error(`${this.name}: unknown ${this.label ?? 'label'} value '${value}'`);
    return c;
  }

  /** Zeroes every cell in place: children bound before a reset keep counting into the exported series. */
  reset(): void {
    for (const c of this.cells.values()) this.zero(c);
  }

  protected abstract zero(cell: Cell): void;

  protected labelsOf(value: string, extra: Record<string, string | number> = {}): Record<string, string | number> {
    return this.label === undefined ? extra : { ...extra, [this.label]: value };
  }
}

export class HotHistogram extends HotMetric<HistogramCell> {
  readonly type = 'histogram';
  private readonly bounds: readonly number[];

  constructor(opts: { name: string; help: string; buckets: readonly number[]; label?: string; values?: readonly string[]; registry: Registry }) {
    const bounds = [...opts.buckets].sort((a, b) => a - b);
    super(opts.name, opts.help, opts.label, opts.values ?? [], opts.registry, () => new HistogramCell(bounds));
    this.bounds = bounds;
  }

  /** Observation without a label (for a histogram declared without one). */
  observe(value: number): void {
    this.labels('').observe(value);
  }

  protected zero(cell: HistogramCell): void {
    cell.counts.fill(0);
    cell.sum = 0;
    cell.count = 0;
  }

  get(): Promise<MetricData> {
    const values: Sample[] = [];
    for (const [v, c] of this.cells) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += c.counts[i]!;
        values.push({ labels: this.labelsOf(v, { le }), value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: this.labelsOf(v, { le: '+Inf' }), value: c.count, metricName: `${this.name}_bucket` });
      values.push({ labels: this.labelsOf(v), value: c.sum, metricName: `${this.name}_sum` });
      values.push({ labels: this.labelsOf(v), value: c.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}

export interface HotCounterChild {
  inc(n?: number): void;
}

class CounterCell implements HotCounterChild {
  value = 0;
  /** A negative or non-finite increment is ignored (prom-client throws): a counter only goes up. */
  inc(n = 1): void {
    if (n >= 0 && Number.isFinite(n)) this.value += n;
  }
}

export class HotCounter extends HotMetric<CounterCell> {
  readonly type = 'counter';

  constructor(opts: { name: string; help: string; label?: string; values?: readonly string[]; registry: Registry }) {
    super(opts.name, opts.help, opts.label, opts.values ?? [], opts.registry, () => new CounterCell());
  }

  /** Increment without a label (for a counter declared without one). */
  inc(n = 1): void {
    this.labels('').inc(n);
  }

  protected zero(cell: CounterCell): void {
    cell.value = 0;
  }

  get(): Promise<MetricData> {
    const values = [...this.cells].map(([v, c]) => ({ labels: this.labelsOf(v), value: c.value }));
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}
