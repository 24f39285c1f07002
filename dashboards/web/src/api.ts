/**
 * The gateway HTTP API as the dashboard sees it (GET /api/v1/devices (devices and edge nodes), /api/v1/quarantine, /api/v1/readings,
 * /health). Types mirror the gateway's responses; every fetch has a timeout so a hung gateway shows as an error
 * instead of freezing the refresh loop.
 */

/** `refused`: the gateway refused (quarantined) the device's last data message and has stored none since. */
export type ServerDeviceState = 'ok' | 'stale' | 'error' | 'unknown' | 'refused';

export interface MetricValue {
  readonly value: number;
  /** UCUM unit from the metric catalogue, e.g. `Cel`, `%RH`. */
  readonly unit: string;
  /** Device time of this value, ms since the epoch. */
  readonly time: number;
}

export interface DeviceSummary {
  readonly site: string;
  readonly node: string;
  readonly device: string;
  /** Gateway receive time of the last message, ms since the epoch. */
  readonly lastSeen: number;
  /** Device time of the last stored reading, ms since the epoch; null: none stored since the gateway started. */
  readonly lastDeviceTime: number | null;
  readonly state: ServerDeviceState;
  readonly error?: string;
  /** Messages refused since the last stored one: the latest code and detail, when, how many. */
  readonly refused?: { readonly code: string; readonly detail: string; readonly at: number; readonly count: number };
  readonly metrics: Readonly<Record<string, MetricValue>>;
}

/** The store-and-forward outbox of an edge node, as the node last reported it; drop counts are since its boot. */
export interface OutboxSummary {
  /** Messages waiting for a PUBACK. */
  readonly depth: number;
  /** Size of the waiting messages, bytes. */
  readonly bytes: number;
  /** Oldest messages dropped because the outbox was full. */
  readonly droppedFull: number;
  /** Messages dropped because they were older than the outbox max age. */
  readonly droppedExpired: number;
}

/** An edge agent (one per site/node), from its retained status messages (contract NodeStatusSchema). */
export interface NodeSummary {
  readonly site: string;
  readonly node: string;
  /** `online` or `offline` (a string on the wire: anything else is treated as offline). */
  readonly state: string;
  /** Changes every time the agent process starts. */
  readonly boot: string;
  /** Gateway receive time of the last status message, ms since the epoch. */
  readonly lastSeen: number;
  /** True when the last status was the broker-published last will: the node vanished without a clean stop. */
  readonly will: boolean;
  readonly outbox?: OutboxSummary;
  /** Gateway receive time of the status that reported `outbox`: before `lastSeen` when the last status (a will) had none. */
  readonly outboxReportedAt?: number;
}

/** Body of GET /api/v1/devices. `nodes` is optional so an older gateway without it still shows its devices. */
export interface DevicesResponse {
  readonly devices: DeviceSummary[];
  readonly nodes?: NodeSummary[];
}

export interface QuarantineItem {
  readonly id: number;
  /** Gateway receive time, ms since the epoch. */
  readonly receivedAt: number;
  readonly topic: string;
  readonly clientId: string;
  readonly device: string | null;
  readonly code: string;
  readonly detail: string;
  /** Original size, bytes. */
  readonly size: number;
  /** UTF-8 payload, possibly truncated by the gateway. Untrusted: only ever rendered as text. */
  readonly payload: string;
}

export interface QuarantineResponse {
  readonly entries: readonly QuarantineItem[];
  readonly counts: Readonly<Record<string, number>>;
}

export interface ReadingRow {
  readonly device: string;
  readonly metric: string;
  readonly time: number;
  readonly value: number;
  readonly unit: string;
  readonly seq: number;
  readonly receivedAt: number;
  readonly flags: number;
}

/** One bucket of GET /api/v1/series: readings with device time in [start, start + step). */
export interface SeriesBucket {
  readonly start: number;
  readonly firstTime: number;
  readonly lastTime: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  /** Arithmetic mean. */
  readonly mean: number;
}

export interface SeriesResponse {
  readonly from: number;
  readonly to: number;
  readonly step: number;
  /** Non-empty buckets, oldest first. */
  readonly buckets: readonly SeriesBucket[];
}

export interface HealthResponse {
  readonly status: 'ok' | 'degraded';
}

export interface ApiOptions {
  /** Base URL of the gateway; default: the page's origin. */
  readonly baseUrl: string;
  /** Abort a request after this long, ms. Default 5000. */
  readonly timeoutMs: number;
  /** Called on a 401 (no session, or its key revoked): the page shows the sign-in form (sign-in.ts). */
  readonly onUnauthorized?: () => void;
}

export const DEFAULT_API_OPTIONS: ApiOptions = { baseUrl: '', timeoutMs: 5000 };

/** A response plus the gateway's `Date` header, used to estimate the offset between browser and gateway clocks. */
export interface Timed<T> {
  readonly body: T;
  readonly serverDate: string | null;
  /** Browser time (ms) when the request was sent and when the response arrived. */
  readonly sentAt: number;
  readonly receivedAt: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: 'E_HTTP' | 'E_NETWORK' | 'E_TIMEOUT',
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class ApiClient {
  private readonly options: ApiOptions;

  constructor(options: Partial<ApiOptions> = {}) {
    this.options = { ...DEFAULT_API_OPTIONS, ...options };
  }

  /** The full address of an API path, for what fetch does not do (EventSource, live-follow.ts). */
  url(path: string): string {
    return this.options.baseUrl + path;
  }

  devices(): Promise<Timed<DevicesResponse>> {
    return this.get('/api/v1/devices');
  }

  async quarantine(limit: number): Promise<QuarantineResponse> {
    return (await this.get<QuarantineResponse>(`/api/v1/quarantine?limit=${limit}`)).body;
  }

  async readings(q: { device: string; metric: string; from: number; to: number; limit: number }): Promise<ReadingRow[]> {
    const params = new URLSearchParams({
      device: q.device,
      metric: q.metric,
      from: String(q.from),
      to: String(q.to),
      limit: String(q.limit),
    });
    return (await this.get<{ readings: ReadingRow[] }>(`/api/v1/readings?${params.toString()}`)).body.readings;
  }

  /** A metric of a device downsampled into buckets (GET /api/v1/series): min/max band and mean per bucket. */
  async series(q: { device: string; metric: string; from: number; to: number; step: number }): Promise<SeriesResponse> {
    const params = new URLSearchParams({ device: q.device, metric: q.metric, from: String(q.from), to: String(q.to), step: String(q.step) });
    return (await this.get<SeriesResponse>(`/api/v1/series?${params.toString()}`)).body;
  }

  async health(): Promise<HealthResponse> {
    // /health answers 503 with a body when degraded: read the body whatever the status.
    return (await this.get<HealthResponse>('/health', true)).body;
  }

  /** GET a JSON body; a non-2xx answer is an `ApiError` with its status (404: no such order). */
  async getJson<T>(path: string): Promise<T> {
    return (await this.get<T>(path)).body;
  }

  /**
   * POST a JSON body with extra headers; answers the status and the parsed body whatever the status, so a caller
   * can tell a refusal (409: the lifecycle does not allow the move) from a failure.
   */
  async postJson<T>(path: string, body: unknown, headers: Readonly<Record<string, string>> = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(this.options.baseUrl + path, {
      method: 'POST',
      signal: AbortSignal.timeout(this.options.timeoutMs),
      // The session cookie's calls that change something carry this header (gateway/src/http/auth.ts CSRF_HEADER).
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-coldtrace-csrf': '1', ...headers },
      body: JSON.stringify(body),
    }).catch((err: unknown) => {
      throw new ApiError('E_NETWORK', `${path}: ${err instanceof Error ? err.message : String(err)}`);
    });
    if (res.status === 401) this.options.onUnauthorized?.();
    return { status: res.status, body: (await res.json()) as T };
  }

  private async get<T>(path: string, anyStatus = false): Promise<Timed<T>> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    const sentAt = Date.now();
    try {
      const res = await fetch(this.options.baseUrl + path, {
        signal: controller.signal,
        headers: { accept: 'application/json' },
        cache: 'no-store',
      });
      if (res.status === 401) this.options.onUnauthorized?.();
      if (!res.ok && !anyStatus) throw new ApiError('E_HTTP', `${path}: HTTP ${res.status}`, res.status);
      const body = (await res.json()) as T;
      return { body, serverDate: res.headers.get('date'), sentAt, receivedAt: Date.now() };
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (controller.signal.aborted) throw new ApiError('E_TIMEOUT', `${path}: no answer in ${this.options.timeoutMs} ms`);
      throw new ApiError('E_NETWORK', `${path}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
