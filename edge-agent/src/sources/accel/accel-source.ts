/**
 * A raw-sample accelerometer on a serial port, reduced in the agent to shock, free-fall and vibration summaries
 * (docs/domain.md §2). Raw samples are never published. Shock and free fall go out with priority `alarm`.
 */
import {
  AccelReducer, DEFAULT_ACCEL_REDUCER_OPTIONS, accelEventReadings, parseAccelLine,
  type AccelReducerOptions, type AccelReducerStats, type AccelSample,
} from '../../decode/accel.js';
import type { Source, SourceSink } from '../source.js';
import { systemClock, type Clock } from '../../clock.js';
import { SerialLineReader, type SerialSourceDeps } from '../serial/serial-lines.js';
import { StatusReporter } from '../serial/status.js';
import type { AccelSourceConfig } from './config.js';

export interface AccelSourceStats {
  lines: number;
  malformed: number;
  /** Times the device counter was (re-)anchored to the agent clock; > 1 means resets or drift. */
  anchors: number;
  /** Events published, per kind. */
  shocks: number;
  freefalls: number;
  vibrationWindows: number;
  reducer: AccelReducerStats;
}

export class AccelSource implements Source {
  readonly name: string;
  readonly devices: readonly string[];
  readonly stats: AccelSourceStats;
  private readonly clock: Clock;
  private readonly reducer: AccelReducer;
  private reader: SerialLineReader | undefined;
  private status: StatusReporter | undefined;
  private sink: SourceSink | undefined;
  /** Agent time minus device counter, ms. */
  private anchor: number | undefined;
  private lastDeviceT = -Infinity;

  constructor(
    private readonly config: AccelSourceConfig,
    private readonly deps: SerialSourceDeps = {},
  ) {
    this.name = `accel:${config.path}`;
    this.devices = [config.device];
    this.clock = deps.clock ?? systemClock;
    const keys = Object.keys(DEFAULT_ACCEL_REDUCER_OPTIONS) as (keyof AccelReducerOptions)[];
    this.reducer = new AccelReducer(Object.fromEntries(keys.map((k) => [k, config[k]])) as unknown as AccelReducerOptions);
    this.stats = { lines: 0, malformed: 0, anchors: 0, shocks: 0, freefalls: 0, vibrationWindows: 0, reducer: this.reducer.stats };
  }

  async start(sink: SourceSink): Promise<void> {
    const c = this.config;
    this.sink = sink;
    const status = new StatusReporter(c.device, sink, this.clock, this.deps.statusIntervalMs);
    this.status = status;
    this.reader = new SerialLineReader(
      { path: c.path, baudRate: c.baudRate, reopenDelayMs: c.reopenDelayMs },
      { line: (text) => this.onLine(text), problem: (code, message) => status.error(`${code}: ${message}`) },
      this.deps.log?.child({ device: c.device, source: this.name }),
    );
    await this.reader.start();
  }

  private onLine(text: string): void {
    this.stats.lines++;
    const r = parseAccelLine(text);
    if (!r.ok) {
      this.stats.malformed++;
      this.status?.error(`E_MALFORMED_LINE: ${r.error} (${this.stats.malformed} malformed of ${this.stats.lines} lines)`);
      return;
    }
    if (r.sample) this.onSample(r.sample);
  }

  private onSample(s: AccelSample): void {
    const now = this.clock.now();
    const drift = this.anchor === undefined ? 0 : s.t + this.anchor - now;
    if (this.anchor === undefined || s.t < this.lastDeviceT || Math.abs(drift) > this.config.maxDriftMs) {
      // A new time base: events in progress cannot be measured across it.
      this.anchor = Math.round(now - s.t);
      this.stats.anchors++;
      this.reducer.reset();
    }
    this.lastDeviceT = s.t;
    for (const event of this.reducer.push({ ...s, t: s.t + this.anchor })) {
      const { readings, priority } = accelEventReadings(event);
      if (event.kind === 'shock') this.stats.shocks++;
      else if (event.kind === 'freefall') this.stats.freefalls++;
      else this.stats.vibrationWindows++;
      this.sink?.readings(this.config.device, readings, priority);
    }
    this.status?.good(s.t + this.anchor);
  }

  async stop(): Promise<void> {
    await this.reader?.stop();
    this.reader = undefined;
  }
}
