/**
 * Range queries over chunks: the readings of one device (optionally one metric) in [from, to), oldest first, ties in
 * time ordered by metric, at most `limit`. Hours never overlap, so the range is read in windows of whole hours,
 * oldest first, and reading stops once a window completes the limit: a query with a small limit over years of
 * history decodes only the first windows that hold data.
 */
import type Database from 'better-sqlite3';
import type { ReadingQuery, StoredReading } from '../../ports/telemetry-store.js';
import { CHUNK_HOUR_MS, CHUNK_WIDTH, decodeChunk, hourOf } from './chunk.js';
import { LogReader } from './ingest-log.js';

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

  /** Call inside a read transaction (SqliteTelemetryStore.query): chunks and log must come from one snapshot. */
  query(q: ReadingQuery): StoredReading[] {
    if (q.limit <= 0 || q.to <= q.from) return [];
    const series = (q.metric === undefined ? this.seriesOfDevice.all(q.device) : this.seriesOfMetric.all(q.device, q.metric)) as SeriesRow[];
    // Readings still in the ingest log (recent, few), sorted by time; the windows below take them by hour.
    const logged = this.logged(series, q);
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
      for (const r of window) out.push(r);
      hour = end + CHUNK_HOUR_MS;
      width = Math.min(MAX_WINDOW_HOURS, width * 2);
    }
    if (out.length > q.limit) out.length = q.limit;
    return out;
  }

  private logged(series: readonly SeriesRow[], q: ReadingQuery): StoredReading[] {
    const byId = new Map(series.map((s) => [s.id, s]));
    const out: StoredReading[] = [];
    this.log.each(new Map(series.map((s) => [s.id, s.flushed_log])), q.from, q.to, (id, v, o) => {
      if (v[o + 1]! >= q.to) return;
      const s = byId.get(id)!;
      out.push({
        site: s.site, node: s.node, device: s.device, metric: s.metric, unit: s.unit, time: v[o + 1]!, value: v[o + 2]!,
        seq: v[o + 3]!, receivedAt: v[o + 4]!, flags: v[o + 5]!,
      });
    });
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

function collect(values: Float64Array, s: SeriesRow, q: ReadingQuery, into: StoredReading[]): void {
  for (let o = 0; o < values.length; o += CHUNK_WIDTH) {
    const time = values[o]!;
    if (time < q.from || time >= q.to) continue;
    into.push({
      site: s.site, node: s.node, device: s.device, metric: s.metric, unit: s.unit, time, value: values[o + 1]!,
      seq: values[o + 2]!, receivedAt: values[o + 3]!, flags: values[o + 4]!,
    });
  }
}

/** The old store's ORDER BY t, metric (SQLite BINARY collation; metric names are ASCII, so code-unit order matches). */
function byTimeThenMetric(a: StoredReading, b: StoredReading): number {
  return a.time - b.time || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0);
}
