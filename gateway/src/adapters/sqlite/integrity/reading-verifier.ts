/**
 * Verification of the readings chain (docs/security.md "Tamper evidence"): walks the links in order, re-derives
 * each link from the link before and the digest stored with it, then the digest from the readings stored now. The
 * first difference is the broken link, named with its device, metric and reading. Runs in steps (`step`), so the
 * gateway can verify between other work; the CLI runs it to the end.
 */
import type Database from 'better-sqlite3';
import { GENESIS, linkOf, sameBytes, toHex } from '../../../domain/integrity/hash.js';
import { type CommitGroup, decodeManifest, READING_WIDTH, ReadingChecker, seriesHeader, type SeriesName } from '../../../domain/integrity/readings.js';
import type { BrokenLink, ChainSummary } from '../../../domain/integrity/report.js';
import { iso, judgeCommit, label, where } from './locate.js';
import { sha256 } from './sha.js';
import { StoredReadings } from './stored-readings.js';
import { storedPerSeries } from './reading-chain.js';
import { CHUNK_WIDTH, decodeChunk } from '../chunk.js';
import { LogReader } from '../ingest-log.js';

interface CommitRow { id: number; n: number; manifest: Buffer; checks: Buffer; digest: Buffer; link: Buffer }

/** Links read per step. */
const PAGE = 500;

export class ReadingChainVerifier {
  private readonly page: Database.Statement;
  private readonly seriesName: Database.Statement;
  private readonly readings: StoredReadings;
  private readonly checker = new ReadingChecker();
  private readonly names = new Map<number, SeriesName | undefined>();
  private prev = { index: 0, link: GENESIS };
  private verified = 0;
  private pruned = 0;
  private broken: BrokenLink | undefined;
  private done = false;
  /** Readings each series' links cover. */
  private readonly covered = new Map<number, number>();

  constructor(private readonly db: Database.Database) {
    this.page = db.prepare('SELECT id, n, manifest, checks, digest, link FROM integrity_commits WHERE id > ? ORDER BY id LIMIT ?');
    this.seriesName = db.prepare('SELECT site, node, device, metric, unit FROM series WHERE id = ?');
    this.readings = new StoredReadings(db);
  }

  /** Whether the chain's table exists in `db` (a store created before chaining, or with it off, has none). */
  static present(db: Database.Database): boolean {
    return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'integrity_commits'").get() !== undefined;
  }

  /** Verifies up to one page of links; true when the chain is done (its end reached, or a broken link found). */
  step(): boolean {
    if (this.done) return true;
    const rows = this.page.all(this.prev.index, PAGE) as CommitRow[];
    for (const row of rows) {
      this.broken = this.verifyOne(row);
      if (this.broken !== undefined) return (this.done = true);
      this.prev = { index: row.id, link: row.link };
    }
    if (rows.length < PAGE) {
      this.done = true;
      this.broken = this.unrecorded();
    }
    return this.done;
  }

  /** Runs to the end. */
  run(): ChainSummary {
    while (!this.step()) { /* next page */ }
    return this.summary();
  }

  summary(): ChainSummary {
    return {
      length: this.broken?.link ?? this.prev.index, head: toHex(this.prev.link), verified: this.verified, pruned: this.pruned,
      ...(this.broken !== undefined ? { broken: this.broken } : {}),
    };
  }

  private verifyOne(row: CommitRow): BrokenLink | undefined {
    if (row.id !== this.prev.index + 1) {
      return { chain: 'readings', reason: 'link', link: this.prev.index + 1, expected: `link ${this.prev.index + 1}`, found: `link ${row.id}`, detail: `links ${this.prev.index + 1}-${row.id - 1} are gone from the chain` };
    }
    const link = linkOf(sha256, 'readings', this.prev.link, row.id, row.digest);
    if (!sameBytes(link, row.link)) {
      return { chain: 'readings', reason: 'link', link: row.id, expected: toHex(link), found: toHex(row.link), detail: `link ${row.id} is not the hash of link ${this.prev.index} and its stored digest: the chain was edited` };
    }
    let manifest: ReturnType<typeof decodeManifest>;
    try {
      manifest = decodeManifest(row.manifest);
    } catch (e) {
      return { chain: 'readings', reason: 'content', link: row.id, expected: 'a readable manifest', found: `${row.manifest.length} bytes`, detail: `link ${row.id}'s manifest was edited: ${(e as Error).message}` };
    }
    for (const m of manifest) this.covered.set(m.seriesId, (this.covered.get(m.seriesId) ?? 0) + m.times.length);
    const groups: CommitGroup[] = [];
    let prunedHere = false;
    for (const m of manifest) {
      const name = this.name(m.seriesId);
      const values = new Float64Array(m.times.length * READING_WIDTH);
      for (let k = 0; k < m.times.length; k++) {
        const t = m.times[k]!;
        const r = this.readings.at(m.seriesId, t);
        if (r !== undefined) { values.set(r, k * READING_WIDTH); continue; }
        if (this.readings.pruned(m.seriesId, t)) { prunedHere = true; continue; }
        return {
          chain: 'readings', reason: 'missing', link: row.id, ...where(name, t), expected: 'a stored reading', found: 'none',
          detail: `link ${row.id} covers a reading of ${label(name, m.seriesId)} at ${iso(t)} that is no longer stored (and retention did not fold its hour)`,
        };
      }
      groups.push({ seriesId: m.seriesId, header: name !== undefined ? seriesHeader(name) : new Uint8Array(0), values });
    }
    const verdict = judgeCommit(row, groups, prunedHere, (id) => this.names.get(id), this.checker);
    if (verdict === 'pruned') this.pruned++;
    else if (verdict === 'verified') this.verified++;
    else return verdict;
    return undefined;
  }

  /**
   * A series with more readings stored than its links cover (and than it held before the chain existed): readings
   * written around the gateway, or while chaining was off. Names the first such reading.
   */
  private unrecorded(): BrokenLink | undefined {
    const before = new Map((this.db.prepare('SELECT series_id AS id, n FROM integrity_unchained').all() as { id: number; n: number }[]).map((r) => [r.id, r.n]));
    for (const [id, n] of storedPerSeries(this.db)) {
      const allowed = (this.covered.get(id) ?? 0) + (before.get(id) ?? 0);
      if (n <= allowed) continue;
      const name = this.name(id);
      const t = this.firstUncovered(id);
      return {
        chain: 'readings', reason: 'unrecorded', link: 0, ...where(name, t), expected: `${allowed} readings`, found: `${n} readings`,
        detail: `${label(name, id)} has ${n - allowed} readings stored that no link covers${t !== undefined ? `, the first at ${iso(t)}` : ''}: written around the gateway, or while chaining was off`,
      };
    }
    return undefined;
  }

  /** The earliest stored device time of the series that no link's manifest names. */
  private firstUncovered(id: number): number | undefined {
    const covered = new Set<number>();
    for (const m of this.db.prepare('SELECT manifest FROM integrity_commits ORDER BY id').pluck().iterate() as IterableIterator<Buffer>) {
      for (const g of decodeManifest(m)) if (g.seriesId === id) for (const t of g.times) covered.add(t);
    }
    let first: number | undefined;
    const see = (t: number): void => { if (!covered.has(t) && (first === undefined || t < first)) first = t; };
    for (const data of this.db.prepare('SELECT data FROM chunks WHERE series_id = ?').pluck().iterate(id) as IterableIterator<Buffer>) {
      const v = decodeChunk(data);
      for (let o = 0; o < v.length; o += CHUNK_WIDTH) see(v[o]!);
    }
    new LogReader(this.db).all((_row, v, o) => { if (v[o] === id) see(v[o + 1]!); });
    return first;
  }

  private name(id: number): SeriesName | undefined {
    if (!this.names.has(id)) this.names.set(id, this.seriesName.get(id) as SeriesName | undefined);
    return this.names.get(id);
  }
}
