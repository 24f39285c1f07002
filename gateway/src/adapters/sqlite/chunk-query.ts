/**
 * Range queries over chunks: the readings of one device (optionally one metric) in [from, to), oldest first, ties in
 * time ordered by metric, at most `limit`. Hours never overlap, so the range is read in windows of whole hours,
 * oldest first, and reading stops once a window completes the limit: a query with a small limit over years of
 * history decodes only the first windows that hold data. The answer is built as columns (domain/reading-columns.ts):
 * numbers copied from the chunks' typed arrays, no object per reading (issue #16).
 */
import type Database from 'better-sqlite3';
import type { ReadingQuery } from '../../ports/telemetry-store.js';
import { COLUMN_WIDTH, type ReadingColumns } from '../../domain/reading-columns.js';
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
  query(q: ReadingQuery, heads?: HeadsSnapshot): ReadingColumns {
    const series = this.series(q);
    const answer = series.map(({ site, node, device, metric, unit }) => ({ site, node, device, metric, unit }));
    if (q.limit <= 0 || q.to <= q.from || series.length === 0) return { series: answer, rows: new Float64Array(0) };
    const index = new Map(series.map((s, i) => [s.id, i]));
    const order = new RowOrder(series.map((s) => s.metric));
    // Readings still in the ingest log (recent, few), sorted by time; the windows below take them by hour. A reading
    // of the heads answer may since have been written as a chunk: it is dropped as a repeat below. The rows after
    // logRow hold none of the answer's readings.
    const logged = new Rows();
    this.log.each(new Map(series.map((s) => [s.id, s.flushed_log])), q.from, q.to, (id, v, o) => {
      if (v[o + 1]! < q.to) logged.push(index.get(id)!, v, o + 1);
    }, heads?.logRow ?? 0);
    if (heads !== undefined) fromHeads(heads.readings, index, q, logged);
    const loggedRows = logged.sorted(order);
    let next = 0;
    const out = new Rows();
    const last = hourOf(q.to - 1);
    let hour = hourOf(q.from);
    let width = FIRST_WINDOW_HOURS;
    while (hour <= last && out.length < q.limit) {
      let start = this.firstHourWithData(series, hour, last);
      const loggedHour = next < loggedRows.length ? hourOf(loggedRows[next * COLUMN_WIDTH + 1]!) : undefined;
      if (loggedHour !== undefined && (start === undefined || loggedHour < start)) start = loggedHour;
      if (start === undefined) break;
      const end = Math.min(last, start + (width - 1) * CHUNK_HOUR_MS);
      const window = new Rows();
      for (const [i, s] of series.entries()) {
        for (const data of this.chunks.all(s.id, start, end, q.from, q.to) as Buffer[]) collect(decodeChunk(data), i, q, window);
      }
      for (; next * COLUMN_WIDTH < loggedRows.length && loggedRows[next * COLUMN_WIDTH + 1]! < end + CHUNK_HOUR_MS; next++) {
        window.push(loggedRows[next * COLUMN_WIDTH]!, loggedRows, next * COLUMN_WIDTH + 1);
      }
      // A head written as a chunk after the writer thread answered is in both: (metric, time) is stored once.
      out.appendUnique(window.sorted(order), q.limit);
      hour = end + CHUNK_HOUR_MS;
      width = Math.min(MAX_WINDOW_HOURS, width * 2);
    }
    return { series: answer, rows: out.done() };
  }

  private series(q: ReadingQuery): SeriesRow[] {
    return (q.metric === undefined ? this.seriesOfDevice.all(q.device) : this.seriesOfMetric.all(q.device, q.metric)) as SeriesRow[];
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
function fromHeads(heads: Float64Array, index: ReadonlyMap<number, number>, q: ReadingQuery, into: Rows): void {
  for (let o = 0; o < heads.length; o += LOG_WIDTH) {
    const i = index.get(heads[o]!);
    const time = heads[o + 1]!;
    if (i !== undefined && time >= q.from && time < q.to) into.push(i, heads, o + 1);
  }
}

function collect(values: Float64Array, series: number, q: ReadingQuery, into: Rows): void {
  for (let o = 0; o < values.length; o += CHUNK_WIDTH) {
    const time = values[o]!;
    if (time >= q.from && time < q.to) into.push(series, values, o);
  }
}

/** A growing n x COLUMN_WIDTH array of rows. */
class Rows {
  private data = new Float64Array(64 * COLUMN_WIDTH);
  private n = 0;

  /** Readings held. */
  get length(): number {
    return this.n;
  }

  /** Appends series index `series` and the five numbers at `values[o]` (time, value, seq, receive time, flags). */
  push(series: number, values: Float64Array, o: number): void {
    if ((this.n + 1) * COLUMN_WIDTH > this.data.length) this.grow();
    const d = this.data;
    const p = this.n++ * COLUMN_WIDTH;
    d[p] = series; d[p + 1] = values[o]!; d[p + 2] = values[o + 1]!; d[p + 3] = values[o + 2]!; d[p + 4] = values[o + 3]!; d[p + 5] = values[o + 4]!;
  }

  /** Appends the rows of `sorted` (ordered by RowOrder) that do not repeat the last row's (time, series), up to `limit`. */
  appendUnique(sorted: Float64Array, limit: number): void {
    for (let o = 0; o < sorted.length && this.n < limit; o += COLUMN_WIDTH) {
      const p = (this.n - 1) * COLUMN_WIDTH;
      if (this.n > 0 && this.data[p + 1] === sorted[o + 1] && this.data[p] === sorted[o]) continue;
      this.push(sorted[o]!, sorted, o + 1);
    }
  }

  /** The rows, ordered by time, then metric (a copy only when out of order). */
  sorted(order: RowOrder): Float64Array {
    const d = this.done();
    const n = this.n;
    let inOrder = true;
    for (let j = 1; j < n && inOrder; j++) inOrder = order.compare(d, (j - 1) * COLUMN_WIDTH, j * COLUMN_WIDTH) < 0;
    if (inOrder) return d;
    const idx = new Uint32Array(n);
    for (let j = 0; j < n; j++) idx[j] = j;
    // TypedArray#sort is stable: equal (time, metric) keep arrival order, and the first copy wins in appendUnique.
    idx.sort((a, b) => order.compare(d, a * COLUMN_WIDTH, b * COLUMN_WIDTH));
    const out = new Float64Array(n * COLUMN_WIDTH);
    for (let j = 0; j < n; j++) out.set(d.subarray(idx[j]! * COLUMN_WIDTH, (idx[j]! + 1) * COLUMN_WIDTH), j * COLUMN_WIDTH);
    return out;
  }

  /** The rows held (a view). */
  done(): Float64Array {
    return this.data.subarray(0, this.n * COLUMN_WIDTH);
  }

  private grow(): void {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

/**
 * The old store's ORDER BY t, metric (SQLite BINARY collation; metric names are ASCII, so code-unit order matches):
 * series indexes ranked by their metric.
 */
class RowOrder {
  private readonly rank: number[] = [];

  constructor(metrics: readonly string[]) {
    const byMetric = metrics.map((_, i) => i).sort((a, b) => (metrics[a]! < metrics[b]! ? -1 : metrics[a]! > metrics[b]! ? 1 : 0));
    byMetric.forEach((i, r) => { this.rank[i] = r; });
  }

  /** Order of the rows at offsets `a` and `b` of `d`. */
  compare(d: Float64Array, a: number, b: number): number {
    return d[a + 1]! - d[b + 1]! || this.rank[d[a]!]! - this.rank[d[b]!]!;
  }
}
