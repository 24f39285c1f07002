/**
 * Reads readings back from VictoriaMetrics, which ingests Influx line protocol but answers neither InfluxQL nor
 * Flux. Each line-protocol field becomes a series named `{measurement}{separator}{field}` with the tags as labels
 * (https://docs.victoriametrics.com/#how-to-send-data-from-influxdb-compatible-agents-such-as-telegraf), so one
 * reading is four samples (`temperature_value`, `temperature_seq`, ...) joined back here by (metric, timestamp).
 * Raw samples come from `/api/v1/export` (JSON lines), not from PromQL, which would interpolate.
 *
 * VictoriaMetrics keeps every sample written, duplicates included, unless started with
 * `-dedup.minScrapeInterval=1ms` (then one sample per series and ms: the Influx point identity). Run it so; this
 * reader also keeps the last sample per (metric, time) so a not-yet-deduplicated sample is not reported twice.
 */
import type { Clock } from '../../ports/clock.js';
import { systemClock } from '../../ports/clock.js';
import type { ReadingQuery } from '../../ports/telemetry-store.js';
import type { StoredReading } from '../../domain/reading.js';
import { RemoteStoreError, httpError, toRemoteStoreError } from './errors.js';
import type { ReadingReader } from './remote.js';
import { READING_FIELDS, compareReadings, type ReadingField } from './schema.js';

export interface VictoriaReaderOptions {
  /** Base URL, e.g. `http://127.0.0.1:8428`. Required. */
  readonly url: string;
  /** Must match the server's `-influxMeasurementFieldSeparator`. Default '_'. */
  readonly separator: string;
  /** Request timeout, ms. Default 10 000. */
  readonly timeoutMs: number;
  readonly clock: Clock;
}

export const DEFAULT_VICTORIA_READER_OPTIONS: Omit<VictoriaReaderOptions, 'url'> = {
  separator: '_', timeoutMs: 10_000, clock: systemClock,
};

interface ExportLine { metric: Record<string, string>; values: number[]; timestamps: number[] }
type Partial4 = { labels: Record<string, string>; metric: string; time: number } & Partial<Record<ReadingField, number>>;

export class VictoriaMetricsReader implements ReadingReader {
  readonly options: VictoriaReaderOptions;

  constructor(init: Pick<VictoriaReaderOptions, 'url'> & Partial<VictoriaReaderOptions>) {
    this.options = { ...DEFAULT_VICTORIA_READER_OPTIONS, ...init };
  }

  async query(q: ReadingQuery): Promise<StoredReading[]> {
    const sep = escapeRegex(this.options.separator);
    const metric = q.metric === undefined ? '.+' : escapeRegex(q.metric);
    const name = `${metric}${sep}(${READING_FIELDS.join('|')})`;
    const params = new URLSearchParams({
      'match[]': `{__name__=~${label(name)},device=${label(q.device)}}`,
      // Seconds with ms decimals; `end` is inclusive, the exact [from, to) cut is done below.
      start: (q.from / 1000).toFixed(3),
      end: ((q.to - 1) / 1000).toFixed(3),
    });
    const text = await this.get(`/api/v1/export?${params}`);
    const rows = new Map<string, Partial4>();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const s = JSON.parse(line) as ExportLine;
      const split = this.splitName(s.metric.__name__ ?? '');
      if (split === undefined) continue;
      s.timestamps.forEach((t, i) => {
        if (t < q.from || t >= q.to) return;
        const key = `${split.metric}\u0000${t}`;
        let row = rows.get(key);
        if (row === undefined) rows.set(key, row = { labels: s.metric, metric: split.metric, time: t });
        row[split.field] = s.values[i]; // later samples of the same ms win, as an Influx overwrite would
      });
    }
    const out: StoredReading[] = [];
    for (const r of rows.values()) {
      // The four fields of a line are ingested together; a row missing one is still being ingested: skip it.
      if (r.value === undefined || r.seq === undefined || r.received_at === undefined || r.flags === undefined) continue;
      out.push({
        site: r.labels.site ?? '', node: r.labels.node ?? '', device: q.device, metric: r.metric,
        unit: r.labels.unit ?? '', time: r.time, value: r.value, seq: r.seq, receivedAt: r.received_at, flags: r.flags,
      });
    }
    return out.sort(compareReadings).slice(0, q.limit);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private splitName(name: string): { metric: string; field: ReadingField } | undefined {
    // Longest field name first so `x_received_at` is never read as field `at`.
    for (const field of [...READING_FIELDS].sort((a, b) => b.length - a.length)) {
      const suffix = `${this.options.separator}${field}`;
      if (name.endsWith(suffix) && name.length > suffix.length) return { metric: name.slice(0, -suffix.length), field };
    }
    return undefined;
  }

  private async get(path: string): Promise<string> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.options.url), { signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (e) {
      throw toRemoteStoreError(e, this.options.clock.now());
    }
    const body = await res.text();
    if (!res.ok) throw httpError(res.status, body, res.headers.get('retry-after'), this.options.clock.now());
    if (body.startsWith('{"status":"error"')) throw new RemoteStoreError('E_REMOTE_RESPONSE', body.slice(0, 2000), false);
    return body;
  }
}

/** A MetricsQL label value in double quotes. */
function label(s: string): string {
  return JSON.stringify(s);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
