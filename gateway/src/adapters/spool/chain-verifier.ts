/**
 * Verification of a remote store's readings chain (docs/security.md "Readings in a remote store"): walks the links
 * kept in the spool file in order, re-derives each link from the link before and its digest, then the digest from
 * the readings the remote store answers now (its own range query, in pages per series), or from the spool's copy
 * while a commit is not yet forwarded. The first difference is named as the embedded store's verifier names it
 * (device, metric, time, link). A reading the store no longer has is `missing`, unless the store refused it
 * (dead-lettered: checked against the spool's dead-letter copy) or its own retention has passed it (`pruned`).
 */
import type Database from 'better-sqlite3';
import { GENESIS, linkOf, sameBytes, toHex } from '../../domain/integrity/hash.js';
import { type CommitGroup, decodeManifest, READING_WIDTH, ReadingChecker, seriesHeader, type ManifestGroup, type SeriesName } from '../../domain/integrity/readings.js';
import { canonicalValue, putReading } from '../../domain/integrity/remote-readings.js';
import type { BrokenLink, ChainSummary } from '../../domain/integrity/report.js';
import type { StoredReading } from '../../domain/reading.js';
import type { RemoteReadingsSource } from '../../ports/integrity.js';
import { iso, judgeCommit, label, where } from '../sqlite/integrity/locate.js';
import { sha256 } from '../sqlite/integrity/sha.js';
import { PRECISION_CODE } from './chain.js';
import { decodeReadings } from './spool-codec.js';

interface LinkRow { id: number; batch: number; precision: number; manifest: Buffer; checks: Buffer; digest: Buffer; link: Buffer }

/** Links verified per page (one range query per series of the page). */
const PAGE = 200;
/** Readings per range query of the store. */
const QUERY_LIMIT = 10_000;
/** Range queries in flight at once. */
const PARALLEL_QUERIES = 4;

type Fields = Pick<StoredReading, 'time' | 'value' | 'seq' | 'receivedAt' | 'flags'>;

export interface RemoteChainResult {
  readonly summary: ChainSummary;
  readonly notes: string[];
}

export class RemoteChainVerifier {
  private readonly names = new Map<number, SeriesName | undefined>();
  private readonly checker = new ReadingChecker();
  private prev = { index: 0, link: GENESIS };
  private verified = 0;
  private pruned = 0;
  private fromSpool = 0;
  private deadLettered = 0;
  private broken: BrokenLink | undefined;

  /** `db`: the spool file, in a read transaction for the whole walk (the spool keeps forwarding meanwhile). */
  constructor(private readonly db: Database.Database, private readonly source: RemoteReadingsSource) {}

  async run(now: number): Promise<RemoteChainResult> {
    const horizon = await this.source.retainedFrom(now);
    const page = this.db.prepare('SELECT id, batch, precision, manifest, checks, digest, link FROM remote_commits WHERE id > ? ORDER BY id LIMIT ?');
    for (;;) {
      const rows = page.all(this.prev.index, PAGE) as LinkRow[];
      if (rows.length === 0 || await this.verifyPage(rows, horizon) || rows.length < PAGE) break;
    }
    return { summary: this.summary(), notes: this.notes(horizon) };
  }

  private summary(): ChainSummary {
    return {
      length: this.broken?.link ?? this.prev.index, head: toHex(this.prev.link), verified: this.verified, pruned: this.pruned,
      ...(this.broken !== undefined ? { broken: this.broken } : {}),
    };
  }

  private notes(horizon: number | undefined): string[] {
    const notes = [`the readings are in ${this.source.describe}: each link was re-derived from what the store answers now; readings written into the store around the gateway are not looked for (the store is not read whole).`];
    if (this.fromSpool > 0) notes.push(`${this.fromSpool} commits were still in the spool, not yet forwarded: checked against the spool's copy.`);
    if (this.deadLettered > 0) notes.push(`${this.deadLettered} readings were refused by the store (dead-lettered): checked against the spool's dead-letter copy.`);
    if (this.pruned > 0) notes.push(`${this.pruned} commits hold readings older than the store's retention (before ${horizon !== undefined ? iso(horizon) : '?'}) that it no longer has: those links are checked as a chain, their readings are not re-derived.`);
    return notes;
  }

  /** Verifies a page of links; true when a broken link was found. */
  private async verifyPage(rows: readonly LinkRow[], horizon: number | undefined): Promise<boolean> {
    // The chain first (cheap, no store): readings are fetched only for the links before a broken one.
    const manifests: ManifestGroup[][] = [];
    let chainBreak: BrokenLink | undefined;
    let prev = this.prev;
    for (const row of rows) {
      chainBreak = this.linkBreak(row, prev);
      if (chainBreak !== undefined) break;
      try {
        manifests.push(decodeManifest(row.manifest));
      } catch (e) {
        chainBreak = { chain: 'readings', reason: 'content', link: row.id, expected: 'a readable manifest', found: `${row.manifest.length} bytes`, detail: `link ${row.id}'s manifest was edited: ${(e as Error).message}` };
        break;
      }
      prev = { index: row.id, link: row.link };
    }
    const checked = rows.slice(0, manifests.length);
    const spooled = this.spooledReadings(checked);
    const stored = await this.storedReadings(checked, manifests, spooled);
    for (let i = 0; i < checked.length; i++) {
      const row = checked[i]!;
      const own = spooled.get(row.batch);
      // Not yet forwarded: the spool's copy. Forwarded: the store's, or the spool's while it keeps the commit (a
      // store such as VictoriaMetrics makes a point searchable a second after it took it).
      const at = own?.pending === true ? (id: number, t: number) => own.readings.get(`${id}:${t}`) : (id: number, t: number) => stored.get(`${id}:${t}`) ?? own?.readings.get(`${id}:${t}`);
      const broken = this.verifyContent(row, manifests[i]!, at, horizon);
      if (broken !== undefined) {
        this.broken = broken;
        return true;
      }
      if (own?.pending === true) this.fromSpool++;
      this.prev = { index: row.id, link: row.link };
    }
    this.broken = chainBreak;
    return chainBreak !== undefined;
  }

  private linkBreak(row: LinkRow, prev: { index: number; link: Uint8Array }): BrokenLink | undefined {
    if (row.id !== prev.index + 1) {
      return { chain: 'readings', reason: 'link', link: prev.index + 1, expected: `link ${prev.index + 1}`, found: `link ${row.id}`, detail: `links ${prev.index + 1}-${row.id - 1} are gone from the chain` };
    }
    const link = linkOf(sha256, 'readings', prev.link, row.id, row.digest);
    if (sameBytes(link, row.link)) return undefined;
    return { chain: 'readings', reason: 'link', link: row.id, expected: toHex(link), found: toHex(row.link), detail: `link ${row.id} is not the hash of link ${prev.index} and its stored digest: the chain was edited` };
  }

  /**
   * The readings of the links whose commit is still in the spool file, by batch, keyed `seriesId:time`; `pending`:
   * not yet forwarded (a forwarded commit stays a few seconds, for queries).
   */
  private spooledReadings(rows: readonly LinkRow[]): Map<number, { readonly pending: boolean; readonly readings: Map<string, Fields> }> {
    const body = this.db.prepare('SELECT body, id NOT IN (SELECT id FROM spool_sent) AS pending FROM spool_batch WHERE id = ?');
    const ids = this.db.prepare('SELECT id FROM chain_series WHERE site = ? AND node = ? AND device = ? AND metric = ? AND unit = ?').pluck();
    const out = new Map<number, { pending: boolean; readings: Map<string, Fields> }>();
    for (const row of rows) {
      const b = body.get(row.batch) as { body: Buffer; pending: number } | undefined;
      if (b === undefined) continue;
      const m = new Map<string, Fields>();
      for (const r of decodeReadings(b.body)) m.set(`${ids.get(r.site, r.node, r.device, r.metric, r.unit) as number | undefined}:${r.time}`, r);
      out.set(row.batch, { pending: b.pending === 1, readings: m });
    }
    return out;
  }

  /** What the store holds at the times the forwarded links name: one paged range query per series. */
  private async storedReadings(rows: readonly LinkRow[], manifests: readonly ManifestGroup[][], spooled: ReadonlyMap<number, { readonly pending: boolean }>): Promise<Map<string, Fields>> {
    const ranges = new Map<number, { from: number; to: number; precision: number }>();
    rows.forEach((row, i) => {
      if (spooled.get(row.batch)?.pending === true) return;
      for (const g of manifests[i]!) {
        for (const t of g.times) {
          const r = ranges.get(g.seriesId);
          if (r === undefined) ranges.set(g.seriesId, { from: t, to: t + 1, precision: row.precision });
          else { r.from = Math.min(r.from, t); r.to = Math.max(r.to, t + 1); }
        }
      }
    });
    const out = new Map<string, Fields>();
    const work = [...ranges];
    for (let i = 0; i < work.length; i += PARALLEL_QUERIES) {
      await Promise.all(work.slice(i, i + PARALLEL_QUERIES).map(async ([id, range]) => {
        const name = this.name(id);
        if (name !== undefined) for (const r of await this.readRange(name, range.from, range.to)) out.set(`${id}:${r.time}`, snap(r, range.precision));
      }));
    }
    return out;
  }

  /** Every reading of the series in [from, to), page after page; other series of the device and metric left out. */
  private async readRange(s: SeriesName, from: number, to: number): Promise<StoredReading[]> {
    const out: StoredReading[] = [];
    for (let start = from; start < to;) {
      const page = await this.source.query({ device: s.device, metric: s.metric, from: start, to, limit: QUERY_LIMIT });
      for (const r of page) if (r.site === s.site && r.node === s.node && r.unit === s.unit) out.push(r);
      if (page.length < QUERY_LIMIT) break;
      // The next page from the last time again (a cut may fall inside one time's points of several series).
      const last = page[page.length - 1]!.time;
      start = last > start ? last : start + 1;
    }
    return out;
  }

  private verifyContent(row: LinkRow, manifest: readonly ManifestGroup[], at: (seriesId: number, t: number) => Fields | undefined, horizon: number | undefined): BrokenLink | undefined {
    const groups: CommitGroup[] = [];
    let prunedHere = false;
    const deadLetter = this.db.prepare('SELECT t AS time, value, seq, received_at AS receivedAt, flags FROM dead_letter WHERE device = ? AND metric = ? AND t = ? AND site = ? AND node = ? AND unit = ? LIMIT 1');
    for (const m of manifest) {
      const name = this.name(m.seriesId);
      const values = new Float64Array(m.times.length * READING_WIDTH);
      for (let k = 0; k < m.times.length; k++) {
        const t = m.times[k]!;
        let r = at(m.seriesId, t);
        if (r === undefined && name !== undefined) {
          r = deadLetter.get(name.device, name.metric, t, name.site, name.node, name.unit) as Fields | undefined;
          if (r !== undefined) this.deadLettered++;
        }
        if (r !== undefined) { putReading(values, k * READING_WIDTH, r); continue; }
        if (horizon !== undefined && t < horizon) { prunedHere = true; continue; }
        return {
          chain: 'readings', reason: 'missing', link: row.id, ...where(name, t), expected: 'a stored reading', found: 'none',
          detail: `link ${row.id} covers a reading of ${label(name, m.seriesId)} at ${iso(t)} that ${this.source.describe} no longer has (and its retention has not passed it)`,
        };
      }
      groups.push({ seriesId: m.seriesId, header: name !== undefined ? seriesHeader(name) : new Uint8Array(0), values });
    }
    const verdict = judgeCommit(row, groups, prunedHere, (id) => this.name(id), this.checker);
    if (verdict === 'pruned') this.pruned++;
    else if (verdict === 'verified') this.verified++;
    else return verdict;
    return undefined;
  }

  private name(id: number): SeriesName | undefined {
    if (!this.names.has(id)) this.names.set(id, this.db.prepare('SELECT site, node, device, metric, unit FROM chain_series WHERE id = ?').get(id) as SeriesName | undefined);
    return this.names.get(id);
  }
}

/** A reading the store answered, as the chain covers it: on the decimal grid when the link was made so. */
function snap(r: StoredReading, precision: number): Fields {
  return precision === PRECISION_CODE.decimal ? { ...r, value: canonicalValue(r.value, 'decimal') } : r;
}
