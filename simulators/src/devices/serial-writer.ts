/**
 * What the serial device simulators share: an injectable clock and ticker (so tests run them deterministically),
 * a seeded random source, and a serial port opened for writing.
 */
import { SerialPort } from 'serialport';

/** Time is injected (docs/engineering.md 8). */
export interface SimClock {
  /** Wall-clock time, ms since the epoch. */
  now(): number;
}

export const systemSimClock: SimClock = { now: () => Date.now() };

/** Calls `fn` every `intervalMs`; a test passes a ManualTicker and calls `tick()` itself. */
export interface Ticker {
  every(intervalMs: number, fn: () => void): { cancel(): void };
}

export const realTicker: Ticker = {
  every(intervalMs, fn) {
    const h = setInterval(fn, intervalMs);
    return { cancel: () => clearInterval(h) };
  },
};

/** A ticker that fires only when told to. */
export class ManualTicker implements Ticker {
  private readonly tasks = new Set<() => void>();

  every(_intervalMs: number, fn: () => void): { cancel(): void } {
    this.tasks.add(fn);
    return { cancel: () => this.tasks.delete(fn) };
  }

  /** Runs every registered task once, `n` times. */
  tick(n = 1): void {
    for (let i = 0; i < n; i++) for (const fn of [...this.tasks]) fn();
  }
}


/** A serial port opened for writing text. Writes are queued by the stream; `drain()` waits until they are out. */
export class SerialWriter {
  private constructor(private readonly port: SerialPort) {}

  static open(path: string, baudRate: number): Promise<SerialWriter> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate, autoOpen: false });
      port.open((err) => (err ? reject(err) : resolve(new SerialWriter(port))));
    });
  }

  write(text: string): void {
    if (this.port.isOpen) this.port.write(text);
  }

  drain(): Promise<void> {
    return new Promise((resolve, reject) => this.port.drain((err) => (err ? reject(err) : resolve())));
  }

  close(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}
