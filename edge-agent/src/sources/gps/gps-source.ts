/**
 * NMEA 0183 GPS receiver on a serial port: GGA + RMC -> gps.* readings and clock.offset (docs/domain.md §3, §4).
 * Invalid fixes are dropped and counted per reason; the counts travel in the device status.
 */
import { NMEA_DROP_REASONS, parseNmeaSentence, type NmeaDropReason } from '../../decode/nmea.js';
import type { Source, SourceSink } from '../source.js';
import { systemClock, type Clock } from '../../clock.js';
import { SerialLineReader, type SerialSourceDeps } from '../serial/serial-lines.js';
import { StatusReporter } from '../serial/status.js';
import type { GpsSourceConfig } from './config.js';
import { GpsFixAssembler, fixReadings, type GpsFix } from './fix.js';

export interface GpsSourceStats {
  /** Lines read from the port. */
  lines: number;
  /** Fixes published. */
  fixes: number;
  /** Fixes skipped by minIntervalMs. */
  thinned: number;
  /** Sentences dropped, per reason (`unsupported` counts sentence types we do not decode, e.g. GSV). */
  dropped: Record<NmeaDropReason, number>;
}

export class NmeaGpsSource implements Source {
  readonly name: string;
  readonly devices: readonly string[];
  readonly stats: GpsSourceStats;
  private readonly clock: Clock;
  private readonly assembler = new GpsFixAssembler();
  private reader: SerialLineReader | undefined;
  private status: StatusReporter | undefined;
  private sink: SourceSink | undefined;
  private lastPublished: number | undefined;

  constructor(
    private readonly config: GpsSourceConfig,
    private readonly deps: SerialSourceDeps = {},
  ) {
    this.name = `nmea-gps:${config.path}`;
    this.devices = [config.device];
    this.clock = deps.clock ?? systemClock;
    const dropped = Object.fromEntries(NMEA_DROP_REASONS.map((r) => [r, 0])) as Record<NmeaDropReason, number>;
    this.stats = { lines: 0, fixes: 0, thinned: 0, dropped };
  }

  async start(sink: SourceSink): Promise<void> {
    const c = this.config;
    const log = this.deps.log?.child({ device: c.device, source: this.name });
    this.sink = sink;
    const status = new StatusReporter(c.device, sink, this.clock, this.deps.statusIntervalMs);
    this.status = status;
    this.reader = new SerialLineReader(
      { path: c.path, baudRate: c.baudRate, reopenDelayMs: c.reopenDelayMs },
      { line: (text) => this.onLine(text), problem: (code, message) => status.error(`${code}: ${message}`) },
      log,
    );
    await this.reader.start();
  }

  private onLine(text: string): void {
    this.stats.lines++;
    const r = parseNmeaSentence(text);
    if (!r.ok) {
      this.stats.dropped[r.reason]++;
      if (r.reason !== 'unsupported') this.status?.error(`dropped ${r.reason}${r.detail ? ` (${r.detail})` : ''}; ${this.dropSummary()}`);
      return;
    }
    for (const fix of this.assembler.push(r.sentence, this.clock.now())) this.publish(fix);
  }

  private dropSummary(): string {
    const parts = NMEA_DROP_REASONS.filter((k) => k !== 'unsupported' && this.stats.dropped[k] > 0).map((k) => `${k}=${this.stats.dropped[k]}`);
    return `dropped so far: ${parts.join(' ')}`;
  }

  private publish(fix: GpsFix): void {
    const min = this.config.minIntervalMs;
    if (min > 0 && this.lastPublished !== undefined && fix.time - this.lastPublished < min && fix.time >= this.lastPublished) {
      this.stats.thinned++;
      return;
    }
    this.lastPublished = fix.time;
    this.stats.fixes++;
    this.sink?.readings(this.config.device, fixReadings(fix));
    this.status?.good(fix.time);
  }

  async stop(): Promise<void> {
    await this.reader?.stop();
    this.reader = undefined;
    const last = this.assembler.flush();
    if (last) this.publish(last);
  }
}
