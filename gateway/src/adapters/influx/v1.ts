/**
 * InfluxDB 1.x over its native HTTP API: `POST /write?db=&rp=&precision=ms` and InfluxQL `GET /query`.
 *
 * Why not the WriteApi of influxdb-client: it only speaks `/api/v2/write` (and Flux `/api/v2/query`), which InfluxDB
 * gained in 1.8; 1.6/1.7 answer 404. We still go through the library's transport (`InfluxDB.transport.request`), so
 * timeouts, HttpError with status/body/Retry-After and line-protocol escaping (Point) are the library's.
 */
import { InfluxDB } from '@influxdata/influxdb-client';
import type { ReadingQuery } from '../../ports/telemetry-store.js';
import type { StoredReading } from '../../domain/reading.js';
import type { Clock } from '../../ports/clock.js';
import { systemClock } from '../../ports/clock.js';
import { RemoteStoreError, toRemoteStoreError } from './errors.js';
import type { ReadingReader, ReadingWriter } from './remote.js';
import { compareReadings, toLineProtocol } from './schema.js';

export interface InfluxV1Options {
  /** Base URL, e.g. `http://127.0.0.1:8086`. Required. */
  readonly url: string;
  /** Database. Required. */
  readonly database: string;
  /** Retention policy; the database's default policy when undefined. Default undefined. */
  readonly retentionPolicy: string | undefined;
  /** User name for HTTP basic auth; no auth when undefined. Default undefined. */
  readonly username: string | undefined;
  /** Password for HTTP basic auth. Default undefined. */
  readonly password: string | undefined;
  /** Socket timeout per request, ms. Default 10 000. */
  readonly timeoutMs: number;
  /** Send `CREATE DATABASE` (idempotent in 1.x) from `init()`. Default false: the operator provisions it. */
  readonly createDatabase: boolean;
  readonly clock: Clock;
}

export const DEFAULT_INFLUX_V1_OPTIONS: Omit<InfluxV1Options, 'url' | 'database'> = {
  retentionPolicy: undefined, username: undefined, password: undefined, timeoutMs: 10_000, createDatabase: false,
  clock: systemClock,
};

export type InfluxV1Init = Pick<InfluxV1Options, 'url' | 'database'> & Partial<InfluxV1Options>;

interface InfluxQLSeries { name: string; columns: string[]; values?: unknown[][] }
interface InfluxQLResponse { results?: { error?: string; series?: InfluxQLSeries[] }[]; error?: string }

const SELECT_COLUMNS = ['value', 'seq', 'received_at', 'flags', 'site', 'node', 'unit'];

export class InfluxV1Client implements ReadingWriter, ReadingReader {
  readonly options: InfluxV1Options;
  private readonly influx: InfluxDB;

  constructor(init: InfluxV1Init) {
    this.options = { ...DEFAULT_INFLUX_V1_OPTIONS, ...init };
    const o = this.options;
    const headers: Record<string, string> = {};
    if (o.username !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}`;
    }
    this.influx = new InfluxDB({ url: o.url, timeout: o.timeoutMs, headers });
  }

  /** Creates the database when `createDatabase` is set. */
  async init(): Promise<void> {
    if (!this.options.createDatabase) return;
    const q = `CREATE DATABASE ${ident(this.options.database)}`;
    await this.request('POST', `/query?${new URLSearchParams({ q })}`, '');
  }

  async write(readings: readonly StoredReading[]): Promise<void> {
    if (readings.length === 0) return;
    let body: string;
    try {
      body = toLineProtocol(readings);
    } catch (e) {
      throw new RemoteStoreError('E_REMOTE_ENCODE', (e as Error).message, false, undefined, undefined, { cause: e });
    }
    await this.post(body);
  }

  /** Line-protocol points (ms timestamps) other than readings: flag events (issue #16). */
  async writeLines(lines: readonly string[]): Promise<void> {
    if (lines.length > 0) await this.post(lines.join('\n'));
  }

  private async post(body: string): Promise<void> {
    const params = new URLSearchParams({ db: this.options.database, precision: 'ms' });
    if (this.options.retentionPolicy !== undefined) params.set('rp', this.options.retentionPolicy);
    await this.request('POST', `/write?${params}`, body, { 'content-type': 'text/plain; charset=utf-8' });
  }

  async query(q: ReadingQuery): Promise<StoredReading[]> {
    const o = this.options;
    const prefix = o.retentionPolicy === undefined ? '' : `${ident(o.database)}.${ident(o.retentionPolicy)}.`;
    const from = q.metric === undefined ? `${prefix}/.*/` : `${prefix}${ident(q.metric)}`;
    // LIMIT applies per series (per measurement here): merge, sort and cut again below.
    const sql = `SELECT ${SELECT_COLUMNS.map(ident).join(',')} FROM ${from} WHERE "device" = ${literal(q.device)}`
      + ` AND time >= ${Math.trunc(q.from)}ms AND time < ${Math.trunc(q.to)}ms ORDER BY time ASC LIMIT ${Math.trunc(q.limit)}`;
    const params = new URLSearchParams({ db: o.database, epoch: 'ms', q: sql });
    const response = await this.request('GET', `/query?${params}`, '') as InfluxQLResponse;
    const result = response.results?.[0];
    const error = response.error ?? result?.error;
    if (error !== undefined) throw new RemoteStoreError('E_REMOTE_RESPONSE', `InfluxQL: ${error}`, false);
    const rows: StoredReading[] = [];
    for (const s of result?.series ?? []) rows.push(...seriesRows(s, q.device));
    return rows.sort(compareReadings).slice(0, q.limit);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async request(method: string, path: string, body: string, headers: Record<string, string> = {}): Promise<unknown> {
    try {
      return await this.influx.transport.request(path, body, { method, headers }) as unknown;
    } catch (e) {
      throw toRemoteStoreError(e, this.options.clock.now());
    }
  }
}

function seriesRows(s: InfluxQLSeries, device: string): StoredReading[] {
  const col = (name: string): number => {
    const i = s.columns.indexOf(name);
    if (i < 0) throw new RemoteStoreError('E_REMOTE_RESPONSE', `InfluxQL series ${s.name} has no column ${name}`, false);
    return i;
  };
  const [t, value, seq, receivedAt, flags, site, node, unit] =
    ['time', ...SELECT_COLUMNS].map(col) as [number, number, number, number, number, number, number, number];
  return (s.values ?? []).map((v) => ({
    site: str(v[site]), node: str(v[node]), device, metric: s.name, unit: str(v[unit]),
    time: Number(v[t]), value: Number(v[value]), seq: Number(v[seq]), receivedAt: Number(v[receivedAt]),
    flags: Number(v[flags]),
  }));
}

/** InfluxQL double-quoted identifier. */
function ident(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** InfluxQL single-quoted string literal. */
function literal(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** An absent tag comes back as null (an empty tag value is not written at all). */
function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}
