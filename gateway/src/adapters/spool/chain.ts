/**
 * The readings chain of a remote store, kept in the spool's own file (docs/security.md "Readings in a remote store").
 * One link per spooled commit of readings, appended in the transaction that spools the commit: the link is made
 * where the gateway still holds what it acknowledged, and a restart, a store outage or a replay after one cannot
 * break it. The link covers the readings as the store will hold them (domain/integrity/remote-readings.ts); the
 * spool stores and forwards those same canonical readings.
 */
import type Database from 'better-sqlite3';
import type { StoredReading } from '../../domain/reading.js';
import { GENESIS, linkOf } from '../../domain/integrity/hash.js';
import { type CommitGroup, encodeChecks, encodeCommit, encodeManifest, ReadingChecker, seriesHeader, type SeriesName } from '../../domain/integrity/readings.js';
import { canonicalReading, groupBySeries, type ValuePrecision } from '../../domain/integrity/remote-readings.js';
import { migrate } from '../sqlite/database.js';
import { sha256 } from '../sqlite/integrity/sha.js';

export const REMOTE_CHAIN_TABLE = 'remote_commits';

const MIGRATIONS = [
  `CREATE TABLE chain_series (
     id INTEGER PRIMARY KEY,
     site TEXT NOT NULL, node TEXT NOT NULL, device TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,
     UNIQUE (site, node, device, metric, unit)
   );
   CREATE TABLE remote_commits (
     id INTEGER PRIMARY KEY,      -- link index: 1, 2, ... in spool order
     batch INTEGER NOT NULL,      -- spool_batch.id of the commit (its readings are read there until forwarded)
     precision INTEGER NOT NULL,  -- 0: values exact; 1: on the decimal grid (remote-readings.ts)
     n INTEGER NOT NULL,          -- readings in the commit
     manifest BLOB NOT NULL,      -- per group chain_series id, count, device times (domain/integrity/manifest.ts)
     checks BLOB NOT NULL,        -- u16 check per reading, in manifest order (locates a changed reading)
     digest BLOB NOT NULL,        -- SHA-256 of the commit's canonical content
     link BLOB NOT NULL           -- SHA-256 chain link over the previous link, id and digest
   );`,
];

export const PRECISION_CODE: Record<ValuePrecision, number> = { exact: 0, decimal: 1 };

/** Whether the spool file holds a readings chain. */
export function hasRemoteChain(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(REMOTE_CHAIN_TABLE) !== undefined;
}

export class SpoolChain {
  private readonly insert: Database.Statement;
  private readonly lastLink: Database.Statement;
  private readonly lastBatch: Database.Statement;
  private readonly findSeries: Database.Statement;
  private readonly addSeries: Database.Statement;
  /** Series id and header bytes by seriesKey (a header is hashed into every link of its series). */
  private readonly series = new Map<string, { readonly id: number; readonly header: Uint8Array }>();
  private readonly checker = new ReadingChecker();
  private head: { index: number; link: Uint8Array } | undefined;
  private readonly tx: Database.Transaction<(readings: readonly StoredReading[], spool: () => number) => number>;

  constructor(private readonly db: Database.Database, readonly precision: ValuePrecision) {
    migrate(db, 'spool-chain', MIGRATIONS);
    this.insert = db.prepare('INSERT INTO remote_commits (id, batch, precision, n, manifest, checks, digest, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.lastLink = db.prepare('SELECT id, link FROM remote_commits ORDER BY id DESC LIMIT 1');
    this.lastBatch = db.prepare('SELECT max(id) FROM spool_batch').pluck();
    this.findSeries = db.prepare('SELECT id FROM chain_series WHERE site = ? AND node = ? AND device = ? AND metric = ? AND unit = ?').pluck();
    this.addSeries = db.prepare('INSERT INTO chain_series (site, node, device, metric, unit) VALUES (?, ?, ?, ?, ?) RETURNING id').pluck();
    this.tx = db.transaction((readings: readonly StoredReading[], spool: () => number) => {
      const bytes = spool();
      this.append(this.lastBatch.get() as number, readings);
      return bytes;
    });
  }

  /**
   * The largest spool commit id a link names: the spool gives out ids above it, so a link never names a commit made
   * after the spool was emptied and reopened (its ids would start again from the largest one left).
   */
  highestBatch(): number {
    return this.db.prepare('SELECT coalesce(max(batch), 0) FROM remote_commits').pluck().get() as number;
  }

  /** The readings as the store will hold them (what the spool stores, forwards and the link covers). */
  canonical(readings: readonly StoredReading[]): StoredReading[] {
    return readings.map((r) => canonicalReading(r, this.precision));
  }

  /**
   * Runs `spool` (which appends the commit of `readings` to spool_batch and returns its size) and appends the
   * commit's link, in one transaction: both are durable or neither.
   */
  commit(readings: readonly StoredReading[], spool: () => number): number {
    try {
      return this.tx.immediate(readings, spool);
    } catch (e) {
      // Rolled back: the cached head may name a link never stored, and series ids may be gone.
      this.head = undefined;
      this.series.clear();
      throw e;
    }
  }

  private append(batch: number, readings: readonly StoredReading[]): void {
    const groups: CommitGroup[] = groupBySeries(readings).map((g) => {
      const s = this.seriesOf(g.key, g.series);
      return { seriesId: s.id, header: s.header, values: g.values };
    });
    const head = this.head ?? this.readHead();
    const index = head.index + 1;
    const digest = sha256(encodeCommit(groups));
    const link = linkOf(sha256, 'readings', head.link, index, digest);
    this.insert.run(index, batch, PRECISION_CODE[this.precision], readings.length, encodeManifest(groups), encodeChecks(groups, this.checker), digest, link);
    this.head = { index, link };
  }

  private readHead(): { index: number; link: Uint8Array } {
    const row = this.lastLink.get() as { id: number; link: Buffer } | undefined;
    return row === undefined ? { index: 0, link: GENESIS } : { index: row.id, link: row.link };
  }

  private seriesOf(key: string, s: SeriesName): { readonly id: number; readonly header: Uint8Array } {
    let known = this.series.get(key);
    if (known === undefined) {
      const id = (this.findSeries.get(s.site, s.node, s.device, s.metric, s.unit) as number | undefined)
        ?? (this.addSeries.get(s.site, s.node, s.device, s.metric, s.unit) as number);
      known = { id, header: seriesHeader(s) };
      this.series.set(key, known);
    }
    return known;
  }
}
