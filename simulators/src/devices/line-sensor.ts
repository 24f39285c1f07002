/**
 * A simple serial temperature/humidity sensor printing one key/value line per interval, e.g. `T=4.2;H=61.0`.
 * Values follow a seeded random walk; deterministic given the seed, the clock and the ticker.
 */
import { realTicker, systemSimClock, SerialWriter, type SimClock, type Ticker } from './serial-writer.js';
import { seededRandom } from '../random.js';

export interface LineSensorValues {
  /** °C, one decimal as printed. */
  readonly temperature: number;
  /** %RH, one decimal as printed. */
  readonly humidity: number;
}

export interface EmittedLine extends LineSensorValues {
  /** Simulator clock when the line was written, ms. */
  readonly time: number;
  readonly line: string;
}

export interface LineSensorSimulatorOptions {
  readonly path: string;
  /** Default 9600. */
  readonly baudRate?: number;
  /** Time between lines, ms. Default 1000. */
  readonly intervalMs?: number;
  /** Starting values. Default 4.0 °C, 60.0 %RH (a cold room). */
  readonly start?: LineSensorValues;
  /** Largest random-walk step per line, °C and %RH. Default 0.2. */
  readonly step?: number;
  /** Formats the values into a line (without line end). Default `T=<t>;H=<h>` with one decimal. */
  readonly format?: (v: LineSensorValues) => string;
  /** Line end. Default CRLF. */
  readonly eol?: string;
  /** Default 1. */
  readonly seed?: number;
  readonly clock?: SimClock;
  readonly ticker?: Ticker;
}

export const defaultLineFormat = (v: LineSensorValues): string => `T=${v.temperature.toFixed(1)};H=${v.humidity.toFixed(1)}`;

const round1 = (x: number): number => Math.round(x * 10) / 10;

export class LineSensorSimulator {
  /** Every good line written, in order. */
  readonly emitted: EmittedLine[] = [];
  /** Every malformed line written, in order. */
  readonly garbage: string[] = [];
  private readonly clock: SimClock;
  private readonly ticker: Ticker;
  private readonly random: () => number;
  private readonly format: (v: LineSensorValues) => string;
  private values: LineSensorValues;
  private writer: SerialWriter | undefined;
  private task: { cancel(): void } | undefined;

  constructor(private readonly options: LineSensorSimulatorOptions) {
    this.clock = options.clock ?? systemSimClock;
    this.ticker = options.ticker ?? realTicker;
    this.random = seededRandom(options.seed ?? 1);
    this.format = options.format ?? defaultLineFormat;
    this.values = options.start ?? { temperature: 4, humidity: 60 };
  }

  async start(): Promise<void> {
    this.writer = await SerialWriter.open(this.options.path, this.options.baudRate ?? 9600);
    this.task = this.ticker.every(this.options.intervalMs ?? 1000, () => this.emit());
  }

  /** Writes one line now with the next values of the walk. */
  emit(): EmittedLine {
    const step = this.options.step ?? 0.2;
    const walk = (x: number): number => round1(x + (this.random() * 2 - 1) * step);
    this.values = { temperature: walk(this.values.temperature), humidity: Math.min(100, Math.max(0, walk(this.values.humidity))) };
    const line = this.format(this.values);
    const e: EmittedLine = { ...this.values, time: this.clock.now(), line };
    this.emitted.push(e);
    this.writer?.write(line + (this.options.eol ?? '\r\n'));
    return e;
  }

  /** Writes a malformed line now (serial noise, a truncated line ...). */
  emitGarbage(text = 'T=4.#;H'): void {
    this.garbage.push(text);
    this.writer?.write(text + (this.options.eol ?? '\r\n'));
  }

  async stop(): Promise<void> {
    this.task?.cancel();
    this.task = undefined;
    await this.writer?.drain().catch(() => undefined);
    await this.writer?.close();
    this.writer = undefined;
  }
}
