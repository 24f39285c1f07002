/**
 * Device health for a streaming serial source, reported through the sink without flooding it: a status goes out on
 * every change of state, and while errors keep coming at most once per `minIntervalMs` (a sensor at the wrong baud
 * rate produces garbage on every line).
 */
import type { SourceSink } from '../source.js';
import type { Clock } from '../../clock.js';

/** Longest `error` text the contract accepts (DeviceStatusSchema). */
const MAX_ERROR_CHARS = 512;

export class StatusReporter {
  private state: 'ok' | 'error' | undefined;
  private lastSentAt = -Infinity;
  private lastErrorAt = -Infinity;
  private lastGoodTime: number | undefined;
  private errors = 0;

  constructor(
    private readonly device: string,
    private readonly sink: SourceSink,
    private readonly clock: Clock,
    /** Least time between two error statuses of the same state, ms. */
    private readonly minIntervalMs = 10_000,
  ) {}

  /** Total errors reported since start. */
  get errorCount(): number {
    return this.errors;
  }

  /**
   * A good reading arrived at `time` (device time, ms). The state goes back to ok only once no error came for
   * `minIntervalMs`, so a source alternating good and bad lines stays in error instead of flapping.
   */
  good(time: number): void {
    this.lastGoodTime = Math.round(time);
    if (this.state === 'ok') return;
    if (this.clock.now() - this.lastErrorAt < this.minIntervalMs) return;
    this.state = 'ok';
    this.send({ state: 'ok' });
  }

  /** Something failed: a malformed line, a port that will not open. `message` should say what and where. */
  error(message: string): void {
    this.errors++;
    const now = this.clock.now();
    this.lastErrorAt = now;
    if (this.state === 'error' && now - this.lastSentAt < this.minIntervalMs) return;
    this.state = 'error';
    this.send({ state: 'error', error: message.slice(0, MAX_ERROR_CHARS) });
  }

  private send(s: { state: 'ok' | 'error'; error?: string }): void {
    const now = this.clock.now();
    this.lastSentAt = now;
    this.sink.status(this.device, {
      time: Math.round(now),
      state: s.state,
      ...(s.error === undefined ? {} : { error: s.error }),
      errorCount: this.errors,
      ...(this.lastGoodTime === undefined ? {} : { lastGoodTime: this.lastGoodTime }),
    });
  }
}
