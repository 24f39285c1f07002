/**
 * Downsampled series of the embedded store (issue #16, GET /api/v1/series). Three sources, read in one snapshot:
 *
 * - Hourly rollups (retention.ts), where retention folded raw readings and deleted them: combined in SQL, GROUP BY
 *   bucket, min of mins, max of maxes, sum of sums and counts. A folded hour is one aggregate, so it counts wholly in
 *   the bucket of its first reading in the range: exact when `from` is a whole hour and `step` a multiple of an hour
 *   (the 24 h and 7 d charts); a finer grid puts the hour's readings in one bucket.
 * - Chunks (chunk.ts): raw readings are float64 BLOBs, which SQL cannot read value by value, so the chunks of the
 *   range are read one at a time and folded over their typed array, no object per reading; a chunk that lies in one
 *   bucket (the usual case: a chunk covers at most an hour) is folded without a per-reading bucket lookup.
 * - The ingest log's live readings (recent, few), from the writer thread's heads like ChunkQuery does; a head written
 *   as a chunk after the heads answered is in both, so the chunks of those hours skip the logged times.
 *
 * Retention deletes the chunks it folds in the same transaction, so no reading is in a rollup and a chunk at once.
 */
import type Database from 'better-sqlite3';
import { BucketFold, type SeriesBucket } from '../../domain/series-buckets.js';
import type { SeriesQuery } from '../../ports/telemetry-store.js';
import { CHUNK_WIDTH, decodeChunk, hourOf } from './chunk.js';
import { type HeadsSnapshot, LOG_WIDTH, LogReader } from './ingest-log.js';

/** The statements of a series request, exported for EXPLAIN QUERY PLAN in the benchmark (simulators/src/bench/series.ts). */
export const SERIES_SQL = {
  chunks: `SELECT t_start, t_end, data FROM chunks
      WHERE series_id = ? AND hour BETWEEN ? AND ? AND t_end >= ? AND t_start < ?`,
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

export class SeriesAggregator {
  private readonly seriesOf: Database.Statement;
  private readonly chunks: Database.Statement;
  private readonly rollups: Database.Statement;
  private readonly log: LogReader;

  /** Open after SqliteRetention, which creates rollups_1h. */
  constructor(db: Database.Database) {
    this.seriesOf = db.prepare('SELECT id, flushed_log FROM series WHERE device = ? AND metric = ?');
    this.chunks = db.prepare(SERIES_SQL.chunks).raw();
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
    for (const [tStart, tEnd, data] of this.chunks.iterate(s.id, hourOf(q.from), hourOf(q.to - 1), q.from, q.to) as IterableIterator<ChunkRow>) {
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
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let o = 1; o < values.length; o += CHUNK_WIDTH) {
    const v = values[o]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const n = values.length / CHUNK_WIDTH;
  if (n > 0) fold.merge(i, min, max, sum, n, values[0]!, values[values.length - CHUNK_WIDTH]!);
}
