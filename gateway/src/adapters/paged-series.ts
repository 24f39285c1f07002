/**
 * Downsampled series for stores that can only answer range queries of readings (the remote stores behind the spool):
 * the range is read page by page, each page folded into the buckets and dropped, so memory stays at one page. Slower
 * than the embedded store's fold over its chunks (every reading crosses the network as JSON), hence a cap: a range
 * holding more readings fails with E_SERIES_TOO_LARGE instead of answering late. InfluxQL/Flux/MetricsQL can
 * aggregate by time on the server; using that is the next step if remote stores serve charts.
 */
import { BucketFold, type SeriesBucket } from '../domain/series-buckets.js';
import type { StoredReading } from '../domain/reading.js';
import type { ReadingQuery, SeriesQuery } from '../ports/telemetry-store.js';

export interface PagedSeriesOptions {
  /** Readings per range query. Default 50,000. */
  readonly page: number;
  /** Most readings folded for one request. Default 2,000,000. */
  readonly maxReadings: number;
}

export const DEFAULT_PAGED_SERIES_OPTIONS: PagedSeriesOptions = { page: 50_000, maxReadings: 2_000_000 };

/** The range holds more readings than one request may fold; the HTTP route answers 400 with the message. */
export class SeriesTooLargeError extends Error {
  readonly code = 'E_SERIES_TOO_LARGE';
}

export async function seriesByPaging(query: (q: ReadingQuery) => Promise<StoredReading[]>, q: SeriesQuery,
  options: Partial<PagedSeriesOptions> = {}): Promise<SeriesBucket[]> {
  const { page, maxReadings } = { ...DEFAULT_PAGED_SERIES_OPTIONS, ...options };
  const fold = new BucketFold(q);
  let from = q.from;
  let seen = 0;
  for (;;) {
    const rows = await query({ device: q.device, metric: q.metric, from, to: q.to, limit: page });
    for (const r of rows) fold.add(r.time, r.value);
    seen += rows.length;
    const last = rows[rows.length - 1];
    // One metric: times are unique, so the next page starts just after the last time read.
    if (rows.length < page || last === undefined) break;
    if (seen >= maxReadings) throw new SeriesTooLargeError(`more than ${maxReadings} readings in the range: shorten it`);
    from = last.time + 1;
  }
  return fold.buckets();
}
