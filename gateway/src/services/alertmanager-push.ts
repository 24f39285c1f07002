/**
 * Flags as Alertmanager alerts (issue #22, docs/notifications.md): every flag change is pushed at once through
 * `POST /api/v2/alerts` to each configured Alertmanager, and the firing ones are sent again every `resendMs` from a
 * query of the flag store, never from memory, since Alertmanager forgets alerts that are not re-sent (and keeps
 * none across its own restart): a restarted gateway or Alertmanager is told what is open within one interval.
 *
 * Each Alertmanager has its own queue, the latest state of each flag waiting (a newer state replaces an older one);
 * a failed POST puts its flags back and is retried after a capped exponential backoff, without end. Nothing here
 * runs on the ingest path: the listener only puts flags into the queues.
 */
import type { Logger } from 'pino';
import { alertOf, fingerprint, isFiring, resolvedAlert, zonesOf, type AlertmanagerAlert } from '../domain/alerts/alertmanager.js';
import { DEFAULT_RETRY_BACKOFF, retryDelayMs, unitOf, verdictOf, type RetryBackoffOptions } from '../domain/events/delivery.js';
import type { Flag } from '../domain/flags/types.js';
import type { Clock, Scheduler } from '../ports/clock.js';
import type { FlagChange, FlagStore } from '../ports/flags.js';
import type { WebhookPost } from './event-delivery.js';
import { newer, target, type Target } from './alertmanager-target.js';

export interface AlertmanagerPushOptions {
  /** Firing alerts are sent again from the flag store every this, ms. Default 60 000 (Alertmanager's `resolve_timeout` defaults to 5 min). */
  readonly resendMs: number;
  /** A firing alert's `endsAt` lies this many re-send intervals ahead (Prometheus: 4). Default 4. */
  readonly validForResends: number;
  /** Most alerts in one POST. Default 500. */
  readonly batchSize: number;
  /** Most flags waiting per Alertmanager; past it the oldest are dropped, logged and counted (the next re-send brings back the firing ones). Default 50 000. */
  readonly maxPending: number;
  /** Most firing flags read per state (open, acknowledged) at each re-send. Default 100 000. */
  readonly maxResend: number;
  /** Retries of a failed POST. Default 1 s doubling, capped at 5 min, up to 20 % less by a deterministic jitter. */
  readonly backoff: RetryBackoffOptions;
  /** The gateway's public base URL for the evidence links; default none (alerts carry no links). */
  readonly publicUrl?: string;
}

export const DEFAULT_ALERTMANAGER_PUSH_OPTIONS: AlertmanagerPushOptions = {
  resendMs: 60_000, validForResends: 4, batchSize: 500, maxPending: 50_000, maxResend: 100_000, backoff: DEFAULT_RETRY_BACKOFF,
};

export interface AlertmanagerPushDeps {
  /** Base URLs (`http://alertmanager:9093`, with a route prefix if it has one); user:password in one becomes basic auth. */
  readonly urls: readonly string[];
  readonly flags: Pick<FlagStore, 'list' | 'get'>;
  /** Sites of zones, sorted, each once (unknown zones have none). */
  readonly sitesOf: (zones: readonly string[]) => Promise<string[]>;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  readonly post: WebhookPost;
  readonly options?: Partial<AlertmanagerPushOptions>;
}

/** Figures of one Alertmanager since start, for /metrics and the logs. */
export interface AlertmanagerStats {
  /** The base URL without its credentials. */
  readonly url: string;
  readonly pending: number;
  readonly inFlight: boolean;
  /** Alerts (firing and resolved) the Alertmanager accepted. */
  readonly sent: number;
  /** POSTs that failed (no answer, 408, 429, 5xx); their alerts were put back and retried. */
  readonly failures: number;
  /** Alerts the Alertmanager refused as invalid (another 4xx): logged, not retried. */
  readonly rejected: number;
  /** Flags dropped from a full queue. */
  readonly dropped: number;
  readonly lastError?: string;
  /** Gateway time of the last POST it answered, ms. */
  readonly lastSuccessAt?: number;
}

/** Most recently changed flags read at start for those that ended just before it. */
const RECENT_AT_START = 10_000;

export class AlertmanagerPush {
  private readonly o: AlertmanagerPushOptions;
  private readonly targets: Target[];
  private timer: { cancel(): void } | undefined;
  private timerAt = Infinity;
  private resendAt = 0;
  private resending: Promise<void> | undefined;
  private closed = false;
  /** The flags that ended shortly before the start were sent resolved. */
  private started = false;

  constructor(private readonly deps: AlertmanagerPushDeps) {
    this.o = { ...DEFAULT_ALERTMANAGER_PUSH_OPTIONS, ...deps.options };
    this.targets = deps.urls.map(target);
    // A (re)started gateway asserts what is firing at once.
    if (this.targets.length > 0) this.schedule(0);
  }

  /** The flag listener: the changed flags join every queue. Synchronous and cheap; never throws. */
  readonly accept = (changes: readonly FlagChange[]): void => {
    if (this.closed || this.targets.length === 0 || changes.length === 0) return;
    for (const t of this.targets) {
      for (const c of changes) this.put(t, c.flag);
    }
    this.schedule(0);
  };

  stats(): AlertmanagerStats[] {
    return this.targets.map((t) => ({
      url: t.url, pending: t.pending.size, inFlight: t.inFlight !== undefined, ...t.counts,
      ...(t.lastError !== undefined ? { lastError: t.lastError } : {}), ...(t.lastSuccessAt !== undefined ? { lastSuccessAt: t.lastSuccessAt } : {}),
    }));
  }

  /** Resolves once no re-send query and no POST is under way (tests, shutdown); what is due later stays due. */
  async idle(): Promise<void> {
    const busy = (): Promise<void>[] => [this.resending, ...this.targets.map((t) => t.inFlight)].filter((p): p is Promise<void> => p !== undefined);
    for (let b = busy(); b.length > 0; b = busy()) await Promise.all(b);
  }

  /** Stops the timers and waits for the POSTs under way (each ends by the poster's timeout). */
  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.idle();
  }

  /** The latest state of a flag waits for a target; the queue is bounded. */
  private put(t: Target, flag: Flag): void {
    const prev = t.pending.get(flag.id);
    if (prev !== undefined && newer(prev, flag)) return;
    // An alert needs no episodes (the bulk of a flag): the queue keeps the flag without them.
    t.pending.set(flag.id, flag.episodes.length === 0 ? flag : { ...flag, episodes: [] });
    if (t.pending.size <= this.o.maxPending) return;
    // docs/engineering.md 6: bounded, and what it did is counted. The oldest goes; a firing one comes back at the next re-send.
    const oldest = t.pending.keys().next().value as string;
    t.pending.delete(oldest);
    t.counts.dropped++;
    if (t.counts.dropped === 1 || t.counts.dropped % 1000 === 0) {
      this.deps.log.error({ url: t.url, dropped: t.counts.dropped, cap: this.o.maxPending }, 'alertmanager: queue full; oldest flags dropped (firing ones are sent again at the next re-send)');
    }
  }

  /** One timer at a time: the earliest asked for wins. */
  private schedule(ms: number): void {
    if (this.closed) return;
    const at = this.deps.clock.now() + Math.max(0, ms);
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.deps.scheduler.after(Math.max(0, ms), () => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.tick();
    });
  }

  private tick(): void {
    if (this.closed) return;
    const now = this.deps.clock.now();
    if (now >= this.resendAt && this.resending === undefined) {
      this.resendAt = now + this.o.resendMs;
      this.resending = this.resend()
        .catch((err: unknown) => {
          // Tried again soon, not after a whole interval: the store may be busy for a moment.
          this.resendAt = Math.min(this.resendAt, this.deps.clock.now() + retryDelayMs(1, 0, this.o.backoff));
          this.deps.log.error({ err }, 'alertmanager: the flag store could not be read for the re-send');
        })
        .finally(() => {
          this.resending = undefined;
          this.tick();
        });
    }
    // The re-send's flags join the queues first (its end ticks again): one POST carries both.
    if (this.resending !== undefined) return;
    let next = this.resendAt;
    for (const t of this.targets) {
      if (t.inFlight !== undefined || t.pending.size === 0) continue;
      if (t.retryAt > now) {
        next = Math.min(next, t.retryAt);
        continue;
      }
      t.inFlight = this.push(t).finally(() => {
        t.inFlight = undefined;
        this.tick();
      });
    }
    this.schedule(next - now);
  }

  /** The firing flags from the store join every queue, and so does each flag last sent firing that no longer is. */
  private async resend(): Promise<void> {
    if (!this.started) {
      await this.endedRecently();
      this.started = true;
    }
    const limit = this.o.maxResend;
    const [open, acknowledged] = [await this.deps.flags.list({ active: true, state: 'open', limit }), await this.deps.flags.list({ active: true, state: 'acknowledged', limit })];
    if (open.length >= limit || acknowledged.length >= limit) this.deps.log.warn({ limit }, 'alertmanager: more firing flags than one re-send reads; some are not re-sent');
    const firing = [...open, ...acknowledged];
    const ids = new Set(firing.map((f) => f.id));
    const ended = new Set<string>();
    for (const t of this.targets) {
      for (const f of firing) this.put(t, f);
      for (const id of t.sent.keys()) if (!ids.has(id) && !t.pending.has(id)) ended.add(id);
    }
    // Their end was not pushed (a change lost in a crash, a listener that failed): the store says how they ended.
    for (const id of ended) {
      const f = await this.deps.flags.get(id);
      if (f === undefined || isFiring(f)) continue;
      for (const t of this.targets) if (t.sent.has(id)) this.put(t, f);
    }
  }

  /**
   * At start: the flags that ended within one alert's validity before now, resolved. This gateway may have sent them
   * firing before it stopped, and the end may not have gone out; an alert Alertmanager never had stays silent.
   */
  private async endedRecently(): Promise<void> {
    const since = this.deps.clock.now() - this.o.validForResends * this.o.resendMs;
    // Most recently changed first (withdrawn ones included): read until one changed before the window.
    for (const f of await this.deps.flags.list({ withdrawn: true, limit: RECENT_AT_START })) {
      if (f.updatedAt < since) break;
      if (!isFiring(f)) for (const t of this.targets) this.put(t, f);
    }
  }

  private async push(t: Target): Promise<void> {
    const batch: Flag[] = [];
    for (const [id, f] of t.pending) {
      if (batch.length >= this.o.batchSize) break;
      batch.push(f);
      t.pending.delete(id);
    }
    const { log } = this.deps;
    let alerts: { flag: Flag; alert: AlertmanagerAlert; stale?: AlertmanagerAlert }[];
    let answer: Awaited<ReturnType<WebhookPost>>;
    try {
      alerts = await this.alertsOf(t, batch);
      const body = alerts.flatMap((a) => (a.stale !== undefined ? [a.stale, a.alert] : [a.alert]));
      answer = await this.deps.post(t.endpoint, JSON.stringify(body), t.headers);
    } catch (err) {
      return this.failed(t, batch, `no answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    switch (verdictOf(answer.status)) {
      case 'retry':
        return this.failed(t, batch, `HTTP ${answer.status}: ${answer.body.slice(0, 200)}`, answer.retryAfterMs);
      case 'dead':
        // Alertmanager refuses an invalid alert with 400 and takes the valid ones of the same POST.
        t.counts.rejected += batch.length;
        t.lastError = `HTTP ${answer.status}: ${answer.body.slice(0, 200)}`;
        log.error({ url: t.url, status: answer.status, answer: answer.body.slice(0, 1000), flags: batch.length }, 'alertmanager: alerts refused; not retried');
        break;
      case 'delivered':
        t.counts.sent += alerts.reduce((n, a) => n + (a.stale !== undefined ? 2 : 1), 0);
        break;
    }
    t.failedInARow = 0;
    t.retryAt = 0;
    t.lastSuccessAt = this.deps.clock.now();
    for (const { flag, alert } of alerts) {
      if (isFiring(flag)) t.sent.set(flag.id, { labels: alert.labels, fingerprint: fingerprint(alert.labels), startsAt: alert.startsAt });
      else t.sent.delete(flag.id);
    }
    // The hint is bounded like the queue: forgetting one costs, at worst, an alert that ends by its own endsAt.
    for (const id of t.sent.keys()) {
      if (t.sent.size <= this.o.maxPending) break;
      t.sent.delete(id);
    }
  }

  private async alertsOf(t: Target, batch: readonly Flag[]): Promise<{ flag: Flag; alert: AlertmanagerAlert; stale?: AlertmanagerAlert }[]> {
    const now = this.deps.clock.now();
    const sites = new Map<string, string[]>();
    const out: { flag: Flag; alert: AlertmanagerAlert; stale?: AlertmanagerAlert }[] = [];
    for (const flag of batch) {
      const zones = zonesOf(flag);
      const key = zones.join('\n');
      let s = sites.get(key);
      if (s === undefined) sites.set(key, (s = zones.length === 0 ? [] : await this.deps.sitesOf(zones)));
      const alert = alertOf(flag, { now, validForMs: this.o.validForResends * this.o.resendMs, sites: s, ...(this.o.publicUrl !== undefined ? { publicUrl: this.o.publicUrl } : {}) });
      const prev = t.sent.get(flag.id);
      // Alertmanager knows an alert by its labels: one whose labels changed (a new zone, a higher severity) is a new
      // alert, and the old one is ended now rather than left firing until its endsAt.
      const stale = prev !== undefined && prev.fingerprint !== fingerprint(alert.labels) ? resolvedAlert(prev.labels, prev.startsAt, now) : undefined;
      out.push({ flag, alert, ...(stale !== undefined ? { stale } : {}) });
    }
    return out;
  }

  private failed(t: Target, batch: readonly Flag[], error: string, retryAfterMs?: number): void {
    for (const f of batch) this.put(t, f);
    t.failedInARow++;
    t.counts.failures++;
    t.lastError = error;
    const delay = retryDelayMs(t.failedInARow, unitOf(`${t.url}|${t.failedInARow}`), this.o.backoff, retryAfterMs);
    t.retryAt = this.deps.clock.now() + delay;
    // First failure at warn, the rest at debug: an Alertmanager down for an hour must not flood the log.
    const fields = { url: t.url, attempt: t.failedInARow, retryInMs: delay, pending: t.pending.size, error };
    if (t.failedInARow === 1) this.deps.log.warn(fields, 'alertmanager: push failed; retrying with backoff');
    else this.deps.log.debug(fields, 'alertmanager: push failed again');
  }
}
