/**
 * The stored readings of a series at given device times, wherever the store keeps them: chunks or the ingest log
 * (for verification of the readings chain). Decoded hours are cached, a bounded number of them; the ingest log's
 * live readings (bounded by the writer, 250,000 by default) are read once.
 */
import type Database from 'better-sqlite3';
import { CHUNK_WIDTH, decodeChunk, hourOf } from '../chunk.js';
import { LogReader } from '../ingest-log.js';

/**
 * Hours kept decoded at once, least recently used dropped first: links are verified in commit order, so the hours in
 * use are about one per live series (16,384 series' current hours at ~60 readings each: ~40 MB).
 */
const MAX_CACHED_HOURS = 16_384;

/** One series' readings of one hour: time -> the reading's 5 numbers (chunk layout). */
type Hour = Map<number, Float64Array>;

export class StoredReadings {
  private readonly chunksOf: Database.Statement;
  private readonly rolledUp: Database.Statement | undefined;
  private readonly hours = new Map<string, Hour>();
  private logged: Map<string, Hour> | undefined;

  constructor(private readonly db: Database.Database) {
    this.chunksOf = db.prepare('SELECT data FROM chunks WHERE series_id = ? AND hour = ?').pluck();
    const hasRollups = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rollups_1h'").get() !== undefined;
    this.rolledUp = hasRollups ? db.prepare('SELECT 1 FROM rollups_1h WHERE series_id = ? AND hour = ?').pluck() : undefined;
  }

  /** The reading of the series at device time `t` (5 numbers), or undefined when none is stored. */
  at(seriesId: number, t: number): Float64Array | undefined {
    return this.hour(seriesId, hourOf(t)).get(t);
  }

  /** Whether retention folded the hour of `t` into rollups (its raw readings were deleted by retention, not by hand). */
  pruned(seriesId: number, t: number): boolean {
    return this.rolledUp?.get(seriesId, hourOf(t)) !== undefined;
  }

  private hour(seriesId: number, hour: number): Hour {
    const key = `${seriesId}:${hour}`;
    let h = this.hours.get(key);
    if (h !== undefined) {
      this.hours.delete(key);
      this.hours.set(key, h);
      return h;
    }
    h = new Map();
    for (const data of this.chunksOf.all(seriesId, hour) as Buffer[]) {
      const v = decodeChunk(data);
      for (let o = 0; o < v.length; o += CHUNK_WIDTH) h.set(v[o]!, v.slice(o, o + CHUNK_WIDTH));
    }
    for (const [t, r] of this.log().get(key) ?? []) h.set(t, r);
    if (this.hours.size >= MAX_CACHED_HOURS) this.hours.delete(this.hours.keys().next().value!);
    this.hours.set(key, h);
    return h;
  }

  private log(): Map<string, Hour> {
    if (this.logged !== undefined) return this.logged;
    const out = new Map<string, Hour>();
    new LogReader(this.db).all((_row, values, o) => {
      const t = values[o + 1]!;
      const key = `${values[o]!}:${hourOf(t)}`;
      let h = out.get(key);
      if (h === undefined) out.set(key, h = new Map());
      h.set(t, values.slice(o + 1, o + 1 + CHUNK_WIDTH));
    });
    this.logged = out;
    return out;
  }
}

