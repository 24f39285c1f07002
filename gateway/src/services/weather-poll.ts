/**
 * A CAP URL polled on a schedule (docs/claims.md, "Weather and disruption alerts"): every `everyMs` its document is
 * fetched and handed to the alerts service. A body the same as the last one is not read again (a refused document
 * is kept once, not once a poll); a failed fetch is logged and tried at the next poll. Timers through the injected
 * Scheduler.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Scheduler } from '../ports/clock.js';
import type { CapIngest, WeatherAlertService } from './weather-alerts.js';

export interface CapPollOptions {
  readonly url: string;
  /** Between two polls, ms. */
  readonly everyMs: number;
  /** A poll that has not answered by then is abandoned, ms. Default 30 s. */
  readonly timeoutMs?: number;
}

export class CapPoller {
  private timer: { cancel(): void } | undefined;
  private lastHash: string | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  /** Polls made and their outcomes (for tests and logs). */
  readonly counts = { polls: 0, failed: 0, unchanged: 0 };

  constructor(
    private readonly alerts: Pick<WeatherAlertService, 'ingest'>, private readonly scheduler: Scheduler, private readonly log: Logger,
    private readonly options: CapPollOptions,
  ) {}

  /** Polls now, then every `everyMs`. */
  start(): void {
    void this.poll();
  }

  /** One poll; resolves when its document is handled (the next is scheduled). */
  poll(): Promise<void> {
    this.running ??= this.fetchOnce().then(() => undefined).finally(() => {
      this.running = undefined;
      if (!this.closed) this.timer = this.scheduler.after(this.options.everyMs, () => void this.poll());
    });
    return this.running;
  }

  private async fetchOnce(): Promise<CapIngest | undefined> {
    this.counts.polls++;
    try {
      const res = await fetch(this.options.url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000), headers: { accept: 'application/cap+xml, application/xml, text/xml' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = Buffer.from(await res.arrayBuffer());
      const hash = createHash('sha256').update(body).digest('hex');
      if (hash === this.lastHash) {
        this.counts.unchanged++;
        return undefined;
      }
      const result = await this.alerts.ingest(body.toString('utf8'), body.length, `poll:${this.options.url}`);
      this.lastHash = hash;
      return result;
    } catch (err) {
      this.counts.failed++;
      this.log.warn({ err, url: this.options.url }, 'CAP poll failed; tried again at the next poll');
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    await this.running;
  }
}
