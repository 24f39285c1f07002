/**
 * A key/value line sensor on a serial port. Malformed lines are counted and reported through `sink.status`,
 * never turned into readings. Readings are stamped with the agent clock when the line arrived: these sensors
 * have no clock of their own.
 */
import { parseLine, type LineFormat } from '../../decode/line.js';
import type { Source, SourceSink } from '../source.js';
import type { LineSourceConfig } from './config.js';
import { systemClock, type Clock } from '../../clock.js';
import { SerialLineReader, type SerialSourceDeps } from '../serial/serial-lines.js';
import { StatusReporter } from '../serial/status.js';

export interface LineSourceStats {
  /** Lines read from the port. */
  lines: number;
  /** Lines turned into readings. */
  good: number;
  /** Lines rejected as malformed. */
  malformed: number;
}

export class LineSource implements Source {
  readonly name: string;
  readonly devices: readonly string[];
  readonly stats: LineSourceStats = { lines: 0, good: 0, malformed: 0 };
  private readonly clock: Clock;
  private readonly format: LineFormat;
  private reader: SerialLineReader | undefined;
  private status: StatusReporter | undefined;
  private sink: SourceSink | undefined;

  constructor(
    private readonly config: LineSourceConfig,
    private readonly deps: SerialSourceDeps = {},
  ) {
    this.name = `line:${config.path}`;
    this.devices = [config.device];
    this.clock = deps.clock ?? systemClock;
    this.format = { pairSeparator: config.pairSeparator, keyValueSeparator: config.keyValueSeparator, fields: config.fields };
  }

  async start(sink: SourceSink): Promise<void> {
    const c = this.config;
    this.sink = sink;
    const status = new StatusReporter(c.device, sink, this.clock, this.deps.statusIntervalMs);
    this.status = status;
    this.reader = new SerialLineReader(
      { path: c.path, baudRate: c.baudRate, reopenDelayMs: c.reopenDelayMs, delimiter: c.delimiter },
      { line: (text) => this.onLine(text), problem: (code, message) => status.error(`${code}: ${message}`) },
      this.deps.log?.child({ device: c.device, source: this.name }),
    );
    await this.reader.start();
  }

  private onLine(text: string): void {
    // Blank lines (CRLF split on CR, keep-alives) are not data and not errors.
    if (text.trim() === '') return;
    this.stats.lines++;
    const time = Math.round(this.clock.now());
    const r = parseLine(text, this.format, time);
    if (!r.ok) {
      this.stats.malformed++;
      this.status?.error(`E_MALFORMED_LINE: ${r.error} (${this.stats.malformed} malformed of ${this.stats.lines} lines)`);
      return;
    }
    this.stats.good++;
    this.sink?.readings(this.config.device, r.readings);
    this.status?.good(time);
  }

  async stop(): Promise<void> {
    await this.reader?.stop();
    this.reader = undefined;
  }
}
