/**
 * Moves readings of the first store layout (`readings`, one row per reading, telemetry migration #1) into chunks and
 * drops the old table. Runs when the store opens, after migration #2 created `chunks`; chunks need JavaScript to
 * encode (little-endian float64 BLOBs), which a SQL migration cannot do. The move is one transaction: interrupted,
 * it leaves `readings` whole and runs again on the next open.
 */
import type Database from 'better-sqlite3';
import { CHUNK_WIDTH, encodeChunk, hourOf, valueAggregates } from './chunk.js';

/** Rows read per page (keyset pagination: memory stays bounded whatever the table size). */
const PAGE = 50_000;

interface LegacyRow { series_id: number; t: number; value: number; seq: number; received_at: number; flags: number }

/** Returns the number of readings moved; 0 (and nothing done) when no `readings` table exists. */
export function moveLegacyReadings(db: Database.Database): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'readings'").get() !== undefined;
  if (!exists) return 0;
  return db.transaction(() => {
    const first = db.prepare(`SELECT series_id, t, value, seq, received_at, flags FROM readings
      ORDER BY series_id, t LIMIT ${PAGE}`);
    const next = db.prepare(`SELECT series_id, t, value, seq, received_at, flags FROM readings
      WHERE (series_id, t) > (?, ?) ORDER BY series_id, t LIMIT ${PAGE}`);
    const insert = db.prepare('INSERT INTO chunks (series_id, hour, t_start, t_end, n, data, v_min, v_max, v_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    let moved = 0;
    let page = first.all() as LegacyRow[];
    while (page.length > 0) {
      // Rows come ordered by (series, time) and are unique per (series, time): split at series and hour changes.
      let a = 0;
      for (let b = 1; b <= page.length; b++) {
        const ra = page[a]!;
        const rb = page[b];
        if (rb !== undefined && rb.series_id === ra.series_id && hourOf(rb.t) === hourOf(ra.t)) continue;
        const values = new Float64Array((b - a) * CHUNK_WIDTH);
        for (let i = a, v = 0; i < b; i++, v += CHUNK_WIDTH) {
          const r = page[i]!;
          values[v] = r.t; values[v + 1] = r.value; values[v + 2] = r.seq; values[v + 3] = r.received_at; values[v + 4] = r.flags;
        }
        const agg = valueAggregates(values);
        insert.run(ra.series_id, hourOf(ra.t), ra.t, page[b - 1]!.t, b - a, encodeChunk(values), agg.min, agg.max, agg.sum);
        a = b;
      }
      moved += page.length;
      const last = page[page.length - 1]!;
      page = next.all(last.series_id, last.t) as LegacyRow[];
    }
    db.exec('DROP TABLE readings');
    return moved;
  }).immediate();
}
