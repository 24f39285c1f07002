/**
 * The readings chain's writer side (docs/security.md "Tamper evidence"): one link per commit of the embedded store,
 * appended by the writer (batch-writer.ts) in the commit's own transaction, so a commit and its link are durable
 * together or not at all (no crash between them to heal). Runs on the writer thread with the commit: the hashing
 * never touches the event loop.
 */
import type Database from 'better-sqlite3';
import { GENESIS, linkOf } from '../../../domain/integrity/hash.js';
import { type CommitGroup, encodeChecks, encodeCommit, encodeManifest, ReadingChecker, seriesHeader, type SeriesName } from '../../../domain/integrity/readings.js';
import { migrate } from '../database.js';
import { LogReader } from '../ingest-log.js';
import { sha256 } from './sha.js';

export const READINGS_CHAIN_MIGRATIONS = [
  `CREATE TABLE integrity_commits (
     id INTEGER PRIMARY KEY,      -- link index: 1, 2, ... in commit order
     n INTEGER NOT NULL,          -- readings the commit stored
     manifest BLOB NOT NULL,      -- where they are: per group series id, count, device times (domain/integrity/readings.ts)
     checks BLOB NOT NULL,        -- u32 check per reading, in manifest order (locates a changed reading)
     digest BLOB NOT NULL,        -- SHA-256 of the commit's canonical content
     link BLOB NOT NULL           -- SHA-256 chain link over the previous link, id and digest
   );
   -- Readings stored before the chain existed (an older gateway's file), per series: verification counts them as
   -- stored without a link, and says so, instead of calling them unrecorded.
   CREATE TABLE integrity_unchained (series_id INTEGER PRIMARY KEY, n INTEGER NOT NULL);`,
];

/** Creates the chain's table on a telemetry database (idempotent). */
export function migrateReadingsChain(db: Database.Database): void {
  const before = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'integrity_commits'").get() !== undefined;
  migrate(db, 'integrity-readings', READINGS_CHAIN_MIGRATIONS);
  if (before) return;
  db.transaction(() => {
    const add = db.prepare('INSERT INTO integrity_unchained (series_id, n) VALUES (?, ?) ON CONFLICT (series_id) DO UPDATE SET n = n + excluded.n');
    for (const [id, n] of storedPerSeries(db)) add.run(id, n);
  }).immediate();
}

/** Readings stored per series id: in chunks and live in the ingest log. */
export function storedPerSeries(db: Database.Database): Map<number, number> {
  const out = new Map<number, number>();
  const has = (t: string): boolean => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined;
  if (has('chunks')) for (const r of db.prepare('SELECT series_id AS id, sum(n) AS n FROM chunks GROUP BY series_id').all() as { id: number; n: number }[]) out.set(r.id, r.n);
  if (has('ingest_log')) new LogReader(db).all((_row, v, o) => { out.set(v[o]!, (out.get(v[o]!) ?? 0) + 1); });
  return out;
}

/** A group of a commit before its series header is known: the series id and its readings in chunk layout. */
export interface StoredGroup {
  readonly seriesId: number;
  readonly values: Float64Array;
}

export class ReadingChainWriter {
  private readonly insert: Database.Statement;
  private readonly lastLink: Database.Statement;
  private readonly seriesName: Database.Statement;
  private readonly headers = new Map<number, Uint8Array>();
  private readonly checker = new ReadingChecker();
  private head: { index: number; link: Uint8Array } | undefined;

  constructor(db: Database.Database) {
    migrateReadingsChain(db);
    this.insert = db.prepare('INSERT INTO integrity_commits (id, n, manifest, checks, digest, link) VALUES (?, ?, ?, ?, ?, ?)');
    this.lastLink = db.prepare('SELECT id, link FROM integrity_commits ORDER BY id DESC LIMIT 1');
    this.seriesName = db.prepare('SELECT site, node, device, metric, unit FROM series WHERE id = ?');
  }

  /**
   * Forgets the cached head: after another connection committed (it may have appended links) or after a rolled-back
   * transaction (the head may be a link that was never stored).
   */
  reload(): void {
    this.head = undefined;
  }

  /** After a rolled-back transaction: series created in it may not exist, so their headers are read again too. */
  forget(): void {
    this.head = undefined;
    this.headers.clear();
  }

  /** Appends the link of a commit that stored these groups. Call inside the commit's transaction. */
  append(stored: readonly StoredGroup[]): void {
    if (stored.length === 0) return;
    const groups: CommitGroup[] = stored.map((g) => ({ seriesId: g.seriesId, header: this.header(g.seriesId), values: g.values }));
    const head = this.head ?? this.readHead();
    const index = head.index + 1;
    const digest = sha256(encodeCommit(groups));
    const link = linkOf(sha256, 'readings', head.link, index, digest);
    let n = 0;
    for (const g of stored) n += g.values.length / 5;
    this.insert.run(index, n, encodeManifest(groups), encodeChecks(groups, this.checker), digest, link);
    this.head = { index, link };
  }

  private readHead(): { index: number; link: Uint8Array } {
    const row = this.lastLink.get() as { id: number; link: Buffer } | undefined;
    return row === undefined ? { index: 0, link: GENESIS } : { index: row.id, link: row.link };
  }

  private header(seriesId: number): Uint8Array {
    let h = this.headers.get(seriesId);
    if (h === undefined) {
      const s = this.seriesName.get(seriesId) as SeriesName | undefined;
      if (s === undefined) throw new Error(`series ${seriesId} is not in the series table`);
      h = seriesHeader(s);
      this.headers.set(seriesId, h);
    }
    return h;
  }
}
