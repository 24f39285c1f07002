/**
 * The integrity ledger over the gateway's SQLite files (ports/integrity.ts): the readings chain in `telemetry.db`
 * (with a remote store: in `spool.db`, verified against the store), the records chain in `registry.db`, checkpoints
 * in `gateway.db`. Used by the gateway and, on the same files offline, by coldtrace-verify.
 */
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type Database from 'better-sqlite3';
import { checkpointBytes, type ChainHead, type SignedCheckpoint } from '../../../domain/integrity/checkpoint.js';
import { GENESIS, toHex } from '../../../domain/integrity/hash.js';
import type { BrokenLink, ChainSummary, VerifyReport } from '../../../domain/integrity/report.js';
import type { IntegrityLedger, RemoteReadingsSource } from '../../../ports/integrity.js';
import { hasRemoteChain, REMOTE_CHAIN_TABLE } from '../../spool/chain.js';
import { RemoteChainVerifier } from '../../spool/chain-verifier.js';
import { CheckpointStore } from './checkpoint-store.js';
import { migrateReadingsChain } from './reading-chain.js';
import { ReadingChainVerifier } from './reading-verifier.js';
import { migrateRecordsChain } from './record-log.js';
import { verifyRecords } from './record-verifier.js';
import { fingerprintOf } from './signing-key.js';

export interface LedgerFiles {
  /** `telemetry.db`; with `remote`, `spool.db` (the remote store's chain); undefined: no readings chain. */
  readonly telemetry: Database.Database | undefined;
  /** The remote store the readings are in (the chain in `telemetry` is verified against it). */
  readonly remote?: RemoteReadingsSource;
  readonly registry: Database.Database;
  /** `gateway.db` (checkpoints). */
  readonly meta: Database.Database;
  /** The public key checkpoints are checked with, PEM. */
  readonly publicKeyPem: string;
  /** Read only (coldtrace-verify): creates no table. */
  readonly readOnly?: boolean;
}

const EMPTY: ChainHead = { length: 0, link: toHex(GENESIS) };

export class SqliteIntegrityLedger implements IntegrityLedger {
  private readonly checkpointStore: CheckpointStore | undefined;
  private readonly publicKey: KeyObject;
  private readonly fingerprint: string;
  /** The readings chain's table: the embedded store's, or the remote store's in the spool file. */
  private readonly readingsTable: string;

  constructor(private readonly files: LedgerFiles) {
    this.readingsTable = files.remote !== undefined ? REMOTE_CHAIN_TABLE : 'integrity_commits';
    if (files.readOnly !== true) {
      if (files.telemetry !== undefined && files.remote === undefined) migrateReadingsChain(files.telemetry);
      migrateRecordsChain(files.registry);
    }
    this.checkpointStore = files.readOnly !== true || CheckpointStore.present(files.meta) ? new CheckpointStore(files.meta) : undefined;
    this.publicKey = createPublicKey(files.publicKeyPem);
    this.fingerprint = fingerprintOf(this.publicKey);
  }

  heads(): { readings: ChainHead; records: ChainHead } {
    return { readings: this.head(this.files.telemetry, this.readingsTable, 'id'), records: this.head(this.files.registry, 'integrity_records', 'seq') };
  }

  latestCheckpoint(): SignedCheckpoint | undefined {
    return this.checkpointStore?.latest();
  }

  checkpoints(limit: number, before?: number): SignedCheckpoint[] {
    return this.checkpointStore?.page(limit, before) ?? [];
  }

  appendCheckpoint(cp: Omit<SignedCheckpoint, 'seq'>): SignedCheckpoint {
    if (this.checkpointStore === undefined) throw new Error('read-only ledger: no checkpoint table');
    return this.checkpointStore.append(cp);
  }

  async verify(at: number): Promise<VerifyReport> {
    const notes: string[] = [];
    let readings: ChainSummary | { unavailable: string };
    if (this.files.telemetry === undefined) {
      readings = { unavailable: 'the readings are in a remote store and the gateway keeps no chain of them (chaining is off)' };
    } else if (this.files.remote !== undefined) {
      readings = await this.verifyRemote(this.files.telemetry, this.files.remote, at, notes);
    } else if (!ReadingChainVerifier.present(this.files.telemetry)) {
      readings = { unavailable: 'telemetry.db has no readings chain (created before chaining, or chaining is off)' };
    } else {
      const db = this.files.telemetry;
      // One snapshot for the whole walk: the writer moves readings from the ingest log into chunks meanwhile, and a
      // reading must be found in one place or the other, not in neither.
      db.exec('BEGIN');
      try {
        const v = new ReadingChainVerifier(db);
        // A page of links at a time, other work between pages (the gateway keeps ingesting while it verifies).
        while (!v.step()) await new Promise((r) => setImmediate(r));
        readings = v.summary();
      } finally {
        db.exec('COMMIT');
      }
      if ((readings.pruned ?? 0) > 0) {
        notes.push(`${readings.pruned} commits hold readings that retention deleted (their hours are folded into rollups): those links are checked as a chain, their readings are not re-derived.`);
      }
    }
    const records = verifyRecords(this.files.registry);
    const checkpoints = this.verifyCheckpoints(notes);
    const broken = ('broken' in readings && readings.broken !== undefined) || records.broken !== undefined || checkpoints.broken !== undefined;
    // A remote store that could not be read verified nothing: not ok, though nothing is known to be broken.
    const unread = this.files.remote !== undefined && 'unavailable' in readings && hasRemoteChain(this.files.telemetry!);
    return { ok: !broken && !unread, at, readings, records, checkpoints, notes };
  }

  /** The remote store's chain, in one snapshot of the spool file (it keeps spooling and forwarding meanwhile). */
  private async verifyRemote(db: Database.Database, remote: RemoteReadingsSource, at: number, notes: string[]): Promise<ChainSummary | { unavailable: string }> {
    if (!hasRemoteChain(db)) return { unavailable: 'spool.db has no readings chain (written before chaining, or chaining is off)' };
    db.exec('BEGIN');
    try {
      // A read starts the snapshot: links and spooled commits are then seen as they were at this moment.
      db.prepare(`SELECT count(*) FROM ${REMOTE_CHAIN_TABLE}`).get();
      const result = await new RemoteChainVerifier(db, remote).run(at);
      notes.push(...result.notes);
      return result.summary;
    } catch (e) {
      return { unavailable: `${remote.describe} could not be read: ${(e as Error).message}` };
    } finally {
      db.exec('COMMIT');
    }
  }

  private verifyCheckpoints(notes: string[]): VerifyReport['checkpoints'] {
    const all = this.checkpointStore?.all() ?? [];
    let verified = 0;
    for (const cp of all) {
      if (cp.keyFingerprint !== this.fingerprint) {
        notes.push(`checkpoint ${cp.seq} is signed by key ${cp.keyFingerprint.slice(0, 16)}…, not the current one: its signature is not checked here.`);
        continue;
      }
      const broken = this.checkOne(cp);
      if (broken !== undefined) return { count: all.length, verified, latest: all.at(-1)?.seq, broken };
      verified++;
    }
    if (all.length === 0) notes.push('no signed checkpoint yet: nothing vouches for the chains\' heads outside the database.');
    return { count: all.length, verified, ...(all.length > 0 ? { latest: all.at(-1)!.seq } : {}) };
  }

  private checkOne(cp: SignedCheckpoint): BrokenLink | undefined {
    const sigOk = verifySignature(null, checkpointBytes(cp), this.publicKey, Buffer.from(cp.signature, 'base64'));
    if (!sigOk) return { chain: 'checkpoints', reason: 'checkpoint', link: cp.seq, expected: 'a valid Ed25519 signature', found: cp.signature, detail: `checkpoint ${cp.seq}'s signature does not verify: the checkpoint was edited` };
    for (const [chain, db, table, col] of [['readings', this.files.telemetry, this.readingsTable, 'id'], ['records', this.files.registry, 'integrity_records', 'seq']] as const) {
      const head = cp[chain];
      if (head.length === 0) continue;
      const found = this.linkAt(db, table, col, head.length);
      if (found !== head.link) {
        return {
          chain: 'checkpoints', reason: 'checkpoint', link: cp.seq, expected: head.link, found: found ?? 'none',
          detail: `checkpoint ${cp.seq} (${new Date(cp.at).toISOString()}) signed ${chain} link ${head.length}, which the chain ${found === undefined ? 'no longer has (cut back or removed)' : 'now holds with another hash (rewritten)'}`,
        };
      }
    }
    return undefined;
  }

  private head(db: Database.Database | undefined, table: string, col: string): ChainHead {
    if (db === undefined || db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) === undefined) return EMPTY;
    const row = db.prepare(`SELECT ${col} AS n, link FROM ${table} ORDER BY ${col} DESC LIMIT 1`).get() as { n: number; link: Buffer } | undefined;
    return row === undefined ? EMPTY : { length: row.n, link: toHex(row.link) };
  }

  private linkAt(db: Database.Database | undefined, table: string, col: string, index: number): string | undefined {
    if (db === undefined || db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) === undefined) return undefined;
    const link = db.prepare(`SELECT link FROM ${table} WHERE ${col} = ?`).pluck().get(index) as Buffer | undefined;
    return link === undefined ? undefined : toHex(link);
  }
}
