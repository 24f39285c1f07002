/**
 * A CAP URL polled on a schedule (docs/claims.md, "Weather and disruption alerts"): every `everyMs` its document is
 * fetched and handed to the alerts service. A body the same as the last one is not read again (a refused document
 * is kept once, not once a poll); a failed fetch is logged and tried at the next poll. Timers through the injected
 * Scheduler.
 *
 * The URL may instead serve a feed of CAP messages (Atom or RSS, domain/alerts/cap-feed.ts): then each entry new or
 * updated since the last poll has its CAP document fetched and handed over, one after the other (at most
 * `MAX_FEED_ENTRIES` a poll); an entry whose fetch fails is tried again at the next poll, so the feed is read again
 * even if unchanged.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { readCapFeed, type CapFeedEntry } from '../domain/alerts/cap-feed.js';
import type { Scheduler } from '../ports/clock.js';
import type { CapIngest, WeatherAlertService } from './weather-alerts.js';

export interface CapPollOptions {
  readonly url: string;
  /** Between two polls, ms. */
  readonly everyMs: number;
  /** A poll that has not answered by then is abandoned, ms. Default 30 s. */
  readonly timeoutMs?: number;
}

/** Entries of a feed fetched in one poll at most; the rest wait for the next. */
export const MAX_FEED_ENTRIES = 500;

export class CapPoller {
  private timer: { cancel(): void } | undefined;
  private lastHash: string | undefined;
  /** A feed's entries fetched, by id: the `updated` they were fetched at. Entries gone from the feed are forgotten. */
  private readonly fetched = new Map<string, string>();
  private running: Promise<void> | undefined;
  private closed = false;
  /** Polls made and their outcomes (for tests and logs). */
  readonly counts = { polls: 0, failed: 0, unchanged: 0, entries: 0, entriesFailed: 0 };

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
      const text = body.toString('utf8');
      const feed = readCapFeed(text, this.options.url, body.length);
      if (feed.kind === 'feed') {
        if (feed.problems.length > 0) this.log.warn({ url: this.options.url, problems: feed.problems }, 'CAP feed entries not followed');
        if (await this.follow(feed.entries)) this.lastHash = hash;
        return undefined;
      }
      // A CAP document, or anything else: the CAP reader stores it or refuses it with its reason (kept).
      const result = await this.alerts.ingest(text, body.length, `poll:${this.options.url}`);
      this.lastHash = hash;
      return result;
    } catch (err) {
      this.counts.failed++;
      this.log.warn({ err, url: this.options.url }, 'CAP poll failed; tried again at the next poll');
      return undefined;
    }
  }

  /** Fetches the new and updated entries; true when none failed (else the feed is read again at the next poll). */
  private async follow(entries: readonly CapFeedEntry[]): Promise<boolean> {
    let allFetched = true;
    let fetchedNow = 0;
    for (const e of entries) {
      if (this.fetched.get(e.id) === e.updated) continue;
      if (this.closed || fetchedNow >= MAX_FEED_ENTRIES) {
        allFetched = false;
        break;
      }
      fetchedNow++;
      try {
        const res = await fetch(e.url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000), headers: { accept: 'application/cap+xml, application/xml, text/xml' } });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const doc = Buffer.from(await res.arrayBuffer());
        await this.alerts.ingest(doc.toString('utf8'), doc.length, `poll:${e.url}`);
        this.fetched.set(e.id, e.updated);
        this.counts.entries++;
      } catch (err) {
        allFetched = false;
        this.counts.entriesFailed++;
        this.log.warn({ err, feed: this.options.url, entry: e.id, url: e.url }, 'CAP feed entry not fetched; tried again at the next poll');
      }
    }
    const ids = new Set(entries.map((e) => e.id));
    for (const id of this.fetched.keys()) if (!ids.has(id)) this.fetched.delete(id);
    return allFetched;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    await this.running;
  }
}
