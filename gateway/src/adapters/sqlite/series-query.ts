/**
 * Downsampled series of the embedded store (issue #16, GET /api/v1/series). Four sources, read in one snapshot:
 *
 * - Hourly rollups (retention.ts), where retention folded raw readings and deleted them: combined in SQL, GROUP BY
 *   bucket, min of mins, max of maxes, sum of sums and counts. A folded hour is one aggregate, so it counts wholly in
 *   the bucket of its first reading in the range: exact when `from` is a whole hour and `step` a multiple of an hour
 *   (the 24 h and 7 d charts); a finer grid puts the hour's readings in one bucket.
 * - Whole chunks (the usual case: a chunk covers at most an hour): a chunk lying in one bucket, with the min, max and
 *   sum its writer stored beside it (telemetry migration #4), is folded in SQL, GROUP BY bucket, from the covering
 *   index `chunks_aggregates` alone: no BLOB is read.
 * - Other chunks (straddling a bucket or the range's ends, written before migration #4, or in an hour the ingest log
 *   also holds readings of): raw readings are float64 BLOBs, which SQL cannot read value by value, so these are read
 *   one at a time and folded over their typed array, no object per reading.
 * - The ingest log's live readings (recent, few), from the writer thread's heads like ChunkQuery does; a head written
 *   as a chunk after the heads answered is in both, so the chunks of those hours skip the logged times.
 *
 * Retention deletes the chunks it folds in the same transaction, so no reading is in a rollup and a chunk at once.
 */
import type Database from 'better-sqlite3';
import { BucketFold, type SeriesBucket } from '../../domain/series-buckets.js';
import type { SeriesQuery } from '../../ports/telemetry-store.js';
import { CHUNK_WIDTH, decodeChunk, hourOf, valueAggregates } from './chunk.js';
import { type HeadsSnapshot, LOG_WIDTH, LogReader } from './ingest-log.js';

/**
 * A chunk folded whole in SQL: inside [from, to), in one bucket, with aggregates, in no hour of the ingest log's
 * readings ($logged: a JSON array of hours). JavaScript numbers bind as REAL, so `/` divides in floating point as
 * BucketFold.indexOf does, and CAST truncates (the operands are >= 0).
 */
const WHOLE = `t_start >= $from AND t_end < $to AND v_min IS NOT NULL
      AND CAST((t_start - $from) / $step AS INTEGER) = CAST((t_end - $from) / $step AS INTEGER)
      AND hour NOT IN (SELECT value FROM json_each($logged))`;

/** The statements of a series request, exported for EXPLAIN QUERY PLAN in the benchmark (simulators/src/bench/series.ts). */
export const SERIES_SQL = {
  whole: `SELECT CAST((t_start - $from) / $step AS INTEGER) AS b, min(v_min) AS min, max(v_max) AS max, sum(v_sum) AS sum,
        sum(n) AS count, min(t_start) AS first, max(t_end) AS last
      FROM chunks INDEXED BY chunks_aggregates
      WHERE series_id = $id AND hour BETWEEN $h0 AND $h1 AND ${WHOLE}
      GROUP BY b`,
  chunks: `SELECT t_start, t_end, data FROM chunks
      WHERE series_id = $id AND hour BETWEEN $h0 AND $h1 AND t_end >= $from AND t_start < $to AND NOT (${WHOLE})`,
  // JavaScript numbers bind as REAL, so `/` divides in floating point: CAST truncates to the bucket index (the
  // operands are >= 0). Uses the primary key (series, hour).
  rollups: `SELECT CAST((max(first_t, $from) - $from) / $step AS INTEGER) AS b, min(min) AS min, max(max) AS max,
        sum(sum) AS sum, sum(count) AS count, min(first_t) AS first, max(last_t) AS last
      FROM rollups_1h WHERE series_id = $id AND hour > $from - 3600000 AND hour < $to AND last_t >= $from AND first_t < $to
      GROUP BY b`,
} as const;

interface SeriesRow { id: number; flushed_log: number }
interface RollupBucket { b: number; min: number; max: number; sum: number; count: number; first: number; last: number }
type ChunkRow = [t_start: number, t_end: number, data: Buffer];
type AggRow = [b: number, min: number, max: number, sum: number, count: number, first: number, last: number];

export class SeriesAggregator {
  private readonly seriesOf: Database.Statement;
  private readonly chunks: Database.Statement;
  private readonly whole: Database.Statement;
  private readonly rollups: Database.Statement;
  private readonly log: LogReader;

  /** Open after SqliteRetention, which creates rollups_1h. */
  constructor(db: Database.Database) {
    this.seriesOf = db.prepare('SELECT id, flushed_log FROM series WHERE device = ? AND metric = ?');
    this.chunks = db.prepare(SERIES_SQL.chunks).raw();
    this.whole = db.prepare(SERIES_SQL.whole).raw();
    this.rollups = db.prepare(SERIES_SQL.rollups);
    this.log = new LogReader(db);
  }

  /** Id of the series a query reads, if stored. */
  seriesId(q: SeriesQuery): number | undefined {
    return (this.seriesOf.get(q.device, q.metric) as SeriesRow | undefined)?.id;
  }

  /** Call inside a read transaction; `heads` as for ChunkQuery.query. */
  run(q: SeriesQuery, heads?: HeadsSnapshot): SeriesBucket[] {
    const s = this.seriesOf.get(q.device, q.metric) as SeriesRow | undefined;
    const fold = new BucketFold(q);
    if (s === undefined) return [];
    for (const r of this.rollups.all({ id: s.id, from: q.from, to: q.to, step: q.step }) as RollupBucket[]) {
      fold.merge(r.b, r.min, r.max, r.sum, r.count, r.first, r.last);
    }
    const logged = this.logged(s, q, heads);
    const loggedHours = new Set<number>();
    for (const t of logged.keys()) loggedHours.add(hourOf(t));
    const skip = new Set(logged.keys());
    const params = { id: s.id, h0: hourOf(q.from), h1: hourOf(q.to - 1), from: q.from, to: q.to, step: q.step, logged: JSON.stringify([...loggedHours]) };
    for (const [b, min, max, sum, count, first, last] of this.whole.all(params) as AggRow[]) fold.merge(b, min, max, sum, count, first, last);
    for (const [tStart, tEnd, data] of this.chunks.iterate(params) as IterableIterator<ChunkRow>) {
      const values = decodeChunk(data);
      const i = fold.indexOf(tStart);
      if (i >= 0 && i === fold.indexOf(tEnd) && !loggedHours.has(hourOf(tStart))) foldWhole(fold, i, values);
      else fold.addRows(values, CHUNK_WIDTH, 0, skip);
    }
    for (const [t, v] of logged) fold.add(t, v);
    return fold.buckets();
  }

  /** The live logged readings of the series in [from, to): time -> value (a reading in heads and rows counts once). */
  private logged(s: SeriesRow, q: SeriesQuery, heads?: HeadsSnapshot): Map<number, number> {
    const out = new Map<number, number>();
    if (heads !== undefined) {
      const h = heads.readings;
      for (let o = 0; o < h.length; o += LOG_WIDTH) {
        const t = h[o + 1]!;
        if (h[o] === s.id && t >= q.from && t < q.to) out.set(t, h[o + 2]!);
      }
    }
    this.log.each(new Map([[s.id, s.flushed_log]]), q.from, q.to, (_id, v, o) => {
      if (v[o + 1]! < q.to) out.set(v[o + 1]!, v[o + 2]!);
    }, heads?.logRow ?? 0);
    return out;
  }
}

/** Folds every reading of a chunk into bucket `i` (the caller checked they all fall in it). */
function foldWhole(fold: BucketFold, i: number, values: Float64Array): void {
  const n = values.length / CHUNK_WIDTH;
  const a = valueAggregates(values);
  if (n > 0) fold.merge(i, a.min, a.max, a.sum, n, values[0]!, values[values.length - CHUNK_WIDTH]!);
}
