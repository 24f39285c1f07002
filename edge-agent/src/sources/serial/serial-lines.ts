/**
 * A serial port read line by line, reopened after it fails or disappears (a USB adapter unplugged, a pty whose
 * other end closed). Shared by the line-oriented serial sources (NMEA GPS, line sensors, accelerometer).
 */
import { ReadlineParser, SerialPort } from 'serialport';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';


/** What a serial source needs besides its config. */
export interface SerialSourceDeps {
  /** Agent clock (receive time). Default: system clock. */
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Least time between two error statuses of one device, ms. Default 10 000. */
  readonly statusIntervalMs?: number;
}

export interface SerialLineOptions {
  /** Device path, e.g. `/dev/ttyUSB0` or a socat pty link. */
  readonly path: string;
  /** Line speed, baud. */
  readonly baudRate: number;
  /** Line delimiter; a trailing CR is stripped, so `\n` also reads CRLF lines. Default `\n`. */
  readonly delimiter?: string;
  /** Wait before reopening a port that failed to open or closed, ms. Default 2000. */
  readonly reopenDelayMs?: number;
  /** Longest line kept, bytes; a longer run without a delimiter is discarded and reported. Default 4096. */
  readonly maxLineBytes?: number;
}

export interface SerialLineHandlers {
  /** One line, delimiter and trailing CR removed. */
  line(text: string): void;
  /** The port opened (first time or after a reopen). */
  open?(): void;
  /** The port failed to open, errored, closed under us, or a line overflowed. The reader keeps retrying. */
  problem(code: 'E_SERIAL_OPEN' | 'E_SERIAL_CLOSED' | 'E_SERIAL_OVERFLOW', message: string): void;
}

/** ReadlineParser whose buffer is capped: serial noise without delimiters must not grow memory without bound. */
class BoundedReadlineParser extends ReadlineParser {
  constructor(
    delimiter: string,
    private readonly maxBytes: number,
    private readonly onOverflow: (bytes: number) => void,
  ) {
    super({ delimiter, encoding: 'utf8' });
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, cb: (error?: Error | null) => void): void {
    super._transform(chunk, encoding, (err?: Error | null) => {
      if (this.buffer.length > this.maxBytes) {
        const dropped = this.buffer.length;
        this.buffer = Buffer.alloc(0);
        this.onOverflow(dropped);
      }
      cb(err);
    });
  }
}

export class SerialLineReader {
  private port: SerialPort | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly reopenDelayMs: number;

  constructor(
    private readonly options: SerialLineOptions,
    private readonly handlers: SerialLineHandlers,
    private readonly log?: Logger,
  ) {
    this.reopenDelayMs = options.reopenDelayMs ?? 2000;
  }

  /** Opens the port; resolves after the first attempt whether or not it succeeded (failures are retried). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.open();
  }

  private open(): Promise<void> {
    return new Promise((resolve) => {
      const o = this.options;
      const port = new SerialPort({ path: o.path, baudRate: o.baudRate, autoOpen: false });
      const parser = new BoundedReadlineParser(o.delimiter ?? '\n', o.maxLineBytes ?? 4096, (bytes) =>
        this.handlers.problem('E_SERIAL_OVERFLOW', `${bytes} bytes without a line delimiter discarded`),
      );
      port.pipe(parser);
      parser.on('data', (chunk: string | Buffer) => {
        const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
        this.handlers.line(text.endsWith('\r') ? text.slice(0, -1) : text);
      });
      port.on('error', (err: Error) => this.log?.warn({ err, path: o.path }, 'serial port error'));
      port.on('close', () => {
        if (this.port !== port) return;
        this.port = undefined;
        if (this.stopped) return;
        this.handlers.problem('E_SERIAL_CLOSED', `${o.path} closed`);
        this.scheduleReopen();
      });
      port.open((err) => {
        if (err) {
          this.handlers.problem('E_SERIAL_OPEN', `cannot open ${o.path}: ${err.message}`);
          this.scheduleReopen();
        } else if (this.stopped) {
          port.close();
        } else {
          this.port = port;
          this.log?.info({ path: o.path, baudRate: o.baudRate }, 'serial port open');
          this.handlers.open?.();
        }
        resolve();
      });
    });
  }

  private scheduleReopen(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) void this.open();
    }, this.reopenDelayMs);
  }

  /** Writes `text` to the device (a scanner's beep command); false when the port is not open. */
  write(text: string): boolean {
    if (this.port?.isOpen !== true) return false;
    this.port.write(text);
    return true;
  }

  /** Closes the port and cancels any reopen; resolves when the port is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
