/**
 * Range queries over chunks: the readings of one device (optionally one metric) in [from, to), oldest first, ties in
 * time ordered by metric, at most `limit`. Hours never overlap, so the range is read in windows of whole hours,
 * oldest first, and reading stops once a window completes the limit: a query with a small limit over years of
 * history decodes only the first windows that hold data.
 */
import type Database from 'better-sqlite3';
import type { ReadingQuery } from '../../ports/telemetry-store.js';
import type { StoredReading } from '../../domain/reading.js';
import { CHUNK_HOUR_MS, CHUNK_WIDTH, decodeChunk, hourOf } from './chunk.js';
import { type HeadsSnapshot, LOG_WIDTH, LogReader } from './ingest-log.js';

interface SeriesRow { id: number; site: string; node: string; device: string; metric: string; unit: string; flushed_log: number }

/** Hours in the first window; each further window doubles, up to MAX_WINDOW_HOURS. */
const FIRST_WINDOW_HOURS = 2;
const MAX_WINDOW_HOURS = 1024;

export class ChunkQuery {
  private readonly seriesOfDevice: Database.Statement;
  private readonly seriesOfMetric: Database.Statement;
  private readonly chunks: Database.Statement;
  private readonly nextHour: Database.Statement;
  private readonly log: LogReader;

  constructor(db: Database.Database) {
    this.log = new LogReader(db);
    this.seriesOfDevice = db.prepare('SELECT id, site, node, device, metric, unit, flushed_log FROM series WHERE device = ?');
    this.seriesOfMetric = db.prepare('SELECT id, site, node, device, metric, unit, flushed_log FROM series WHERE device = ? AND metric = ?');
    this.chunks = db.prepare(`SELECT data FROM chunks
      WHERE series_id = ? AND hour BETWEEN ? AND ? AND t_end >= ? AND t_start < ?`).pluck();
    this.nextHour = db.prepare('SELECT min(hour) FROM chunks WHERE series_id = ? AND hour BETWEEN ? AND ?').pluck();
  }

  /** Ids of the series a query reads. */
  seriesIds(q: ReadingQuery): number[] {
    return this.series(q).map((s) => s.id);
  }

  /**
   * Call inside a read transaction (SqliteTelemetryStore.query). `heads`: the logged readings of the query's series
   * from the writer thread, asked for before this snapshot; the rows logged after them are read here. Without it the
   * live log rows are read here, all from the same snapshot as the chunks (a scan of the whole log: for stores
   * without a writer thread).
   */
  query(q: ReadingQuery, heads?: HeadsSnapshot): StoredReading[] {
    if (q.limit <= 0 || q.to <= q.from) return [];
    const series = this.series(q);
    // Readings still in the ingest log (recent, few), sorted by time; the windows below take them by hour. A reading
    // of the heads answer may since have been written as a chunk: it is dropped as a repeat below. The rows after
    // logRow hold none of the answer's readings.
    const logged = this.logged(series, q, heads?.logRow ?? 0);
    if (heads !== undefined) {
      fromHeads(heads.readings, series, q, logged);
      logged.sort(byTimeThenMetric);
    }
    let next = 0;
    const out: StoredReading[] = [];
    const last = hourOf(q.to - 1);
    let hour = hourOf(q.from);
    let width = FIRST_WINDOW_HOURS;
    while (hour <= last && out.length < q.limit) {
      let start = this.firstHourWithData(series, hour, last);
      const loggedHour = next < logged.length ? hourOf(logged[next]!.time) : undefined;
      if (loggedHour !== undefined && (start === undefined || loggedHour < start)) start = loggedHour;
      if (start === undefined) break;
      const end = Math.min(last, start + (width - 1) * CHUNK_HOUR_MS);
      const window: StoredReading[] = [];
      for (const s of series) {
        for (const data of this.chunks.all(s.id, start, end, q.from, q.to) as Buffer[]) collect(decodeChunk(data), s, q, window);
      }
      while (next < logged.length && logged[next]!.time < end + CHUNK_HOUR_MS) window.push(logged[next++]!);
      window.sort(byTimeThenMetric);
      // A head written as a chunk after the writer thread answered is in both: (metric, time) is stored once.
      for (const r of window) {
        const prev = out[out.length - 1];
        if (prev !== undefined && prev.time === r.time && prev.metric === r.metric) continue;
        out.push(r);
      }
      hour = end + CHUNK_HOUR_MS;
      width = Math.min(MAX_WINDOW_HOURS, width * 2);
    }
    if (out.length > q.limit) out.length = q.limit;
    return out;
  }

  private series(q: ReadingQuery): SeriesRow[] {
    return (q.metric === undefined ? this.seriesOfDevice.all(q.device) : this.seriesOfMetric.all(q.device, q.metric)) as SeriesRow[];
  }

  /** The live logged readings of `series` in rows after `after`, sorted like the result. */
  private logged(series: readonly SeriesRow[], q: ReadingQuery, after: number): StoredReading[] {
    const byId = new Map(series.map((s) => [s.id, s]));
    const out: StoredReading[] = [];
    this.log.each(new Map(series.map((s) => [s.id, s.flushed_log])), q.from, q.to, (id, v, o) => {
      if (v[o + 1]! < q.to) out.push(reading(byId.get(id)!, v, o + 1));
    }, after);
    return out.sort(byTimeThenMetric);
  }

  private firstHourWithData(series: readonly SeriesRow[], from: number, to: number): number | undefined {
    let first: number | undefined;
    for (const s of series) {
      const h = this.nextHour.get(s.id, from, to) as number | null;
      if (h !== null && (first === undefined || h < first)) first = h;
    }
    return first;
  }
}

/** Adds the readings of the writer thread's heads (log layout) for the query's series to `into`. */
function fromHeads(heads: Float64Array, series: readonly SeriesRow[], q: ReadingQuery, into: StoredReading[]): void {
  const byId = new Map(series.map((s) => [s.id, s]));
  for (let o = 0; o < heads.length; o += LOG_WIDTH) {
    const s = byId.get(heads[o]!);
    const time = heads[o + 1]!;
    if (s !== undefined && time >= q.from && time < q.to) into.push(reading(s, heads, o + 1));
  }
}

function collect(values: Float64Array, s: SeriesRow, q: ReadingQuery, into: StoredReading[]): void {
  for (let o = 0; o < values.length; o += CHUNK_WIDTH) {
    const time = values[o]!;
    if (time >= q.from && time < q.to) into.push(reading(s, values, o));
  }
}

/** The reading of series `s` at `values[o]` in chunk layout (time, value, seq, receive time, flags). */
function reading(s: SeriesRow, values: Float64Array, o: number): StoredReading {
  return {
    site: s.site, node: s.node, device: s.device, metric: s.metric, unit: s.unit, time: values[o]!, value: values[o + 1]!,
    seq: values[o + 2]!, receivedAt: values[o + 3]!, flags: values[o + 4]!,
  };
}

/** The old store's ORDER BY t, metric (SQLite BINARY collation; metric names are ASCII, so code-unit order matches). */
function byTimeThenMetric(a: StoredReading, b: StoredReading): number {
  return a.time - b.time || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0);
}
