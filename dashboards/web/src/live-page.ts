/**
 * Controller of the "Live environment" page: polls the gateway every refresh interval, derives each device's
 * state, renders devices, edge nodes and quarantine. All state lives in the instance (no module state); timers are cleared by stop().
 * `refreshNow` reads again at once: the gateway's live stream of committed readings calls it (main.ts), so a new
 * value shows within a second of its commit, not at the next poll (issue #16).
 */
import {
  ApiError,
  type ApiClient,
  type DeviceSummary,
  type NodeSummary,
  type QuarantineResponse,
  type ReadingRow,
} from './api.js';
import { byId } from './dom.js';
import { renderDevices, type DeviceExtras } from './render-devices.js';
import { renderNodes } from './render-nodes.js';
import { trendMetric } from './model-metrics.js';
import { renderQuarantine } from './render-quarantine.js';
import { clockOffsetMs, deviceKey, formatClock, effectiveState, estimateIntervalMs, staleAfterMs } from './model.js';

export interface LivePageOptions {
  /** Poll period for devices, quarantine and health, ms. Default 2000. */
  readonly refreshMs: number;
  /** How often a device's trend (and interval estimate) is re-read, ms. Default 30000. */
  readonly trendRefreshMs: number;
  /** Trend window, ms. Default 1 h. */
  readonly trendWindowMs: number;
  /** Most readings asked for per trend request. Default 2000. */
  readonly trendLimit: number;
  /** Most trend requests started per refresh, so hundreds of devices do not flood the gateway. Default 4. */
  readonly trendRequestsPerTick: number;
  /** Quarantine entries shown. Default 50. */
  readonly quarantineLimit: number;
}

export const DEFAULT_LIVE_PAGE_OPTIONS: LivePageOptions = {
  refreshMs: 2000,
  trendRefreshMs: 30_000,
  trendWindowMs: 3_600_000,
  trendLimit: 2000,
  trendRequestsPerTick: 4,
  quarantineLimit: 50,
};

interface Trend {
  readonly fetchedAt: number;
  /** The device's lastDeviceTime when the trend was read: newer data makes an incomplete trend due again. */
  readonly seenDeviceTime: number;
  readonly metric: string;
  readonly unit: string;
  readonly points: ReadonlyArray<{ time: number; value: number }>;
  readonly intervalMs: number | undefined;
}

export class LivePage {
  private readonly options: LivePageOptions;
  private readonly trends = new Map<string, Trend>();
  private readonly trendsInFlight = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** A read is in flight; `again`: a refresh was asked for meanwhile and follows it at once. */
  private busy = false;
  private again = false;
  /** Browser clock minus gateway clock, ms. */
  private offsetMs = 0;

  constructor(
    private readonly doc: Document,
    private readonly api: ApiClient,
    options: Partial<LivePageOptions> = {},
  ) {
    this.options = { ...DEFAULT_LIVE_PAGE_OPTIONS, ...options };
  }

  start(): void {
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  /** Reads the gateway now (new readings were committed), or right after the read in flight. */
  refreshNow(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    void this.tick();
  }

  /** Gateway time as best known. */
  private now(): number {
    return Date.now() - this.offsetMs;
  }

  private async tick(): Promise<void> {
    this.busy = true;
    // Settled independently: a failing quarantine endpoint must not blank the device table, and vice versa.
    const [devices, quarantine, health] = await Promise.allSettled([
      this.api.devices(),
      this.api.quarantine(this.options.quarantineLimit),
      this.api.health(),
    ]);
    this.busy = false;
    if (this.stopped) return;

    if (devices.status === 'fulfilled') {
      const t = devices.value;
      this.offsetMs = clockOffsetMs(t.serverDate, t.sentAt, t.receivedAt);
      this.showDevices(t.body.devices);
      this.showNodes(t.body.nodes ?? []);
      this.refreshTrends(t.body.devices);
    }
    if (quarantine.status === 'fulfilled') this.showQuarantine(quarantine.value);
    this.showConnection(devices, quarantine, health);

    if (this.again) {
      this.again = false;
      this.refreshNow();
      return;
    }
    this.timer = setTimeout(() => void this.tick(), this.options.refreshMs);
  }

  private extras(d: DeviceSummary): DeviceExtras {
    const trend = this.trends.get(deviceKey(d));
    const threshold = staleAfterMs(trend?.intervalMs);
    return {
      state: effectiveState(d.state, d.lastSeen, this.now(), threshold),
      staleAfterMs: threshold,
      ...(trend !== undefined && trend.points.length > 1
        ? { trend: { metric: trend.metric, unit: trend.unit, points: trend.points } }
        : {}),
    };
  }

  private showDevices(devices: readonly DeviceSummary[]): void {
    renderDevices(
      this.doc,
      byId<HTMLTableSectionElement>(this.doc, 'devices-body'),
      byId(this.doc, 'devices-summary'),
      devices,
      (d) => this.extras(d),
      this.now(),
    );
  }

  private showNodes(nodes: readonly NodeSummary[]): void {
    renderNodes(this.doc, byId<HTMLTableSectionElement>(this.doc, 'nodes-body'), byId(this.doc, 'nodes-summary'), nodes, this.now());
  }

  private showQuarantine(q: QuarantineResponse): void {
    renderQuarantine(
      this.doc,
      byId(this.doc, 'quarantine-counts'),
      byId<HTMLTableSectionElement>(this.doc, 'quarantine-body'),
      q,
      this.now(),
    );
  }

  private showConnection(...results: Array<PromiseSettledResult<unknown>>): void {
    const el = byId(this.doc, 'connection');
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const health = results[2];
    const degraded =
      health?.status === 'fulfilled' && (health.value as { status?: string } | undefined)?.status === 'degraded';
    if (failed !== undefined) {
      const reason = failed.reason instanceof ApiError ? failed.reason.message : String(failed.reason);
      el.dataset['status'] = 'down';
      el.textContent = `Gateway unreachable (${reason}); showing last known data.`;
    } else if (degraded) {
      el.dataset['status'] = 'degraded';
      el.textContent = 'Gateway degraded: see /health.';
    } else {
      el.dataset['status'] = 'ok';
      el.textContent = 'Gateway connected.';
    }
    const now = Date.now();
    byId(this.doc, 'updated').textContent = formatClock(now, now);
  }

  /** Re-reads the trend of a few devices whose trend is oldest; each trend also yields the interval estimate. */
  private refreshTrends(devices: readonly DeviceSummary[]): void {
    const now = this.now();
    const due = devices
      .filter((d) => !this.trendsInFlight.has(deviceKey(d)))
      .filter((d) => this.trendDue(d, now))
      .slice(0, this.options.trendRequestsPerTick);
    for (const d of due) void this.loadTrend(d, now);
  }

  /**
   * A trend is re-read every trend period; sooner while it cannot give an interval yet (fewer than two points) and
   * the device has sent newer data, so a new device gets its staleness threshold within a refresh or two.
   */
  private trendDue(d: DeviceSummary, now: number): boolean {
    const t = this.trends.get(deviceKey(d));
    if (t === undefined || now - t.fetchedAt >= this.options.trendRefreshMs) return true;
    return t.intervalMs === undefined && (d.lastDeviceTime ?? 0) > t.seenDeviceTime && now - t.fetchedAt >= this.options.refreshMs;
  }

  private async loadTrend(d: DeviceSummary, now: number): Promise<void> {
    const key = deviceKey(d);
    const metric = trendMetric(Object.keys(d.metrics));
    if (metric === undefined) return;
    this.trendsInFlight.add(key);
    try {
      const ask = (from: number): Promise<ReadingRow[]> =>
        this.api.readings({ device: d.device, metric, from, to: now + 60_000, limit: this.options.trendLimit });
      let rows = await ask(now - this.options.trendWindowMs);
      // The API returns the OLDEST rows first: a full page of a fast device misses the latest part of the hour,
      // so ask again for just the span that fits in one page.
      const interval = estimateIntervalMs(rows.map((r) => r.time));
      if (rows.length >= this.options.trendLimit && interval !== undefined) {
        rows = await ask(now - Math.floor(this.options.trendLimit * interval * 0.9));
      }
      this.trends.set(key, {
        fetchedAt: now,
        seenDeviceTime: d.lastDeviceTime ?? 0,
        metric,
        unit: rows[0]?.unit ?? d.metrics[metric]?.unit ?? '',
        points: rows.map((r) => ({ time: r.time, value: r.value })),
        intervalMs: estimateIntervalMs(rows.map((r) => r.time)),
      });
    } catch {
      // No trend is not an error worth a banner: keep the old one and retry at the next trend period.
      const old = this.trends.get(key);
      this.trends.set(
        key,
        old !== undefined
          ? { ...old, fetchedAt: now }
          : { fetchedAt: now, seenDeviceTime: d.lastDeviceTime ?? 0, metric, unit: '', points: [], intervalMs: undefined },
      );
    } finally {
      this.trendsInFlight.delete(key);
    }
  }
}
