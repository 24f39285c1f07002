/**
 * Writer for the InfluxDB v2 write API (`POST /api/v2/write?org=&bucket=&precision=ms`) through influxdb-client's
 * transport (its timeouts, token header, HttpError with status, body and Retry-After). Speaks to InfluxDB 2.x/3.x,
 * InfluxDB 1.8+ (org '', bucket 'db/rp', token 'user:pass') and VictoriaMetrics (which ignores org, bucket and token).
 *
 * Not the library's WriteApi: its batching, retry buffer and flush timer would sit between the durable spool and the
 * server (a retry buffer in memory loses its rows on a crash and hides failures from the spool), and the spool
 * already sends one request per batch it forwards. The body is the same line protocol as InfluxDB 1.x gets.
 */
import { InfluxDB } from '@influxdata/influxdb-client';
import type { Clock } from '../../ports/clock.js';
import { systemClock } from '../../ports/clock.js';
import type { StoredReading } from '../../domain/reading.js';
import { RemoteStoreError, toRemoteStoreError } from './errors.js';
import type { ReadingWriter } from './remote.js';
import { toLineProtocol } from './schema.js';

export interface InfluxV2WriterOptions {
  /** Base URL, e.g. `http://127.0.0.1:8086`. Required. */
  readonly url: string;
  /** API token (`user:password` for InfluxDB 1.8 compatibility). Default '' (none). */
  readonly token: string;
  /** Organization; '' for InfluxDB 1.8 and VictoriaMetrics. Default ''. */
  readonly org: string;
  /** Bucket (`database/retention-policy` for InfluxDB 1.8). Required. */
  readonly bucket: string;
  /** Socket timeout per request, ms. Default 10 000. */
  readonly timeoutMs: number;
  readonly clock: Clock;
}

export const DEFAULT_INFLUX_V2_WRITER_OPTIONS: Omit<InfluxV2WriterOptions, 'url' | 'bucket'> = {
  token: '', org: '', timeoutMs: 10_000, clock: systemClock,
};

export type InfluxV2WriterInit = Pick<InfluxV2WriterOptions, 'url' | 'bucket'> & Partial<InfluxV2WriterOptions>;

export class InfluxV2Writer implements ReadingWriter {
  readonly options: InfluxV2WriterOptions;
  private readonly influx: InfluxDB;

  constructor(init: InfluxV2WriterInit) {
    this.options = { ...DEFAULT_INFLUX_V2_WRITER_OPTIONS, ...init };
    const o = this.options;
    this.influx = new InfluxDB({ url: o.url, timeout: o.timeoutMs, ...(o.token === '' ? {} : { token: o.token }) });
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
    const params = new URLSearchParams({ org: this.options.org, bucket: this.options.bucket, precision: 'ms' });
    try {
      await this.influx.transport.request(`/api/v2/write?${params}`, body, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' } });
    } catch (e) {
      throw toRemoteStoreError(e, this.options.clock.now());
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
