/**
 * A barcode scanner or a line-mode UHF RFID reader on a serial port (issue #21). Each line is one code, decoded at
 * the edge (decode/gs1-read.ts) and handed to the sink as a scan read with the agent's clock as device time (these
 * readers have no clock of their own); a code that does not decode is handed on too, with why, so the gateway keeps
 * it. Reads of the same code within `dedupeMs` are one (an RFID portal reads a tag many times a second); reads are
 * gathered for `batchMs` into one message.
 */
import type { ScanCommand } from '@coldtrace/contract';
import { barcodeRead, rfidRead } from '../../decode/gs1-read.js';
import { systemClock, systemScheduler, type Clock, type Scheduler } from '../../clock.js';
import type { Source, SourceSink } from '../source.js';
import { SerialLineReader, type SerialSourceDeps } from '../serial/serial-lines.js';
import { StatusReporter } from '../serial/status.js';
import type { ScannerSourceConfig } from './config.js';
import { ScanBatcher } from './scan-batcher.js';

export interface ScannerSourceStats {
  /** Lines read from the port. */
  lines: number;
  /** Reads handed to the sink. */
  reads: number;
  /** Of them, codes that did not decode (sent with their reason). */
  undecoded: number;
  /** Repeats within `dedupeMs`, not sent. */
  repeats: number;
  /** Reads the gateway refused at the door (ScanCommand), and of them those the scanner was told of (`refusedReply`). */
  refused: number;
  told: number;
}

export interface ScannerSourceDeps extends SerialSourceDeps {
  /** Timers of the batch window. Default: real timers. */
  readonly scheduler?: Scheduler;
}

export class ScannerSource implements Source {
  readonly name: string;
  readonly devices: readonly string[];
  readonly stats: ScannerSourceStats = { lines: 0, reads: 0, undecoded: 0, repeats: 0, refused: 0, told: 0 };
  private readonly clock: Clock;
  private readonly batcher: ScanBatcher;
  private reader: SerialLineReader | undefined;
  private status: StatusReporter | undefined;
  private sink: SourceSink | undefined;

  constructor(private readonly config: ScannerSourceConfig, private readonly deps: ScannerSourceDeps = {}) {
    this.name = `scanner:${config.path}`;
    this.devices = [config.device];
    this.clock = deps.clock ?? systemClock;
    this.batcher = new ScanBatcher(config, deps.scheduler ?? systemScheduler, (device, reads) => this.sink?.scans?.(device, reads));
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

  /** One line from the port (also the seam the tests drive without a port). */
  onLine(text: string): void {
    if (text.trim() === '') return;
    this.stats.lines++;
    const time = Math.round(this.clock.now());
    const { read, key } = this.config.mode === 'rfid' ? (({ read: r, epc }) => ({ read: r, key: epc ?? r.raw }))(rfidRead(text, time))
      : { read: barcodeRead(text, time, this.config.fnc1), key: text };
    if (this.batcher.repeated(this.config.device, key, time)) {
      this.stats.repeats++;
      return;
    }
    this.stats.reads++;
    if (read.error !== undefined) this.stats.undecoded++;
    else this.status?.good(time);
    this.batcher.add(this.config.device, read);
    if (this.batcher.immediate) this.batcher.flush();
  }

  /** The gateway refused one of this scanner's reads at the door: the scanner beeps or shows it (`refusedReply`). */
  refused(_command: ScanCommand): void {
    this.stats.refused++;
    if (this.config.refusedReply !== undefined && this.reader?.write(this.config.refusedReply) === true) this.stats.told++;
  }

  async stop(): Promise<void> {
    this.batcher.flush();
    await this.reader?.stop();
    this.reader = undefined;
  }
}
