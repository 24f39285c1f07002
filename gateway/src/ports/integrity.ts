/**
 * Tamper evidence (issue #17, docs/security.md "Tamper evidence"): the chains' heads, signed checkpoints,
 * verification, and the gateway's Ed25519 signing key.
 */
import type { ChainHead, SignedCheckpoint } from '../domain/integrity/checkpoint.js';
import type { VerifyReport } from '../domain/integrity/report.js';
import type { StoredReading } from '../domain/reading.js';
import type { ReadingQuery } from './telemetry-store.js';

export type { ChainHead, SignedCheckpoint, CheckpointStatement } from '../domain/integrity/checkpoint.js';
export type { VerifyReport, BrokenLink } from '../domain/integrity/report.js';

export interface IntegrityLedger {
  /** The heads of both chains now (a readings chain of length 0 when the store keeps none). */
  heads(): { readonly readings: ChainHead; readonly records: ChainHead };
  latestCheckpoint(): SignedCheckpoint | undefined;
  /** The newest checkpoints first, at most `limit`, with seq below `before` when given. */
  checkpoints(limit: number, before?: number): SignedCheckpoint[];
  appendCheckpoint(cp: Omit<SignedCheckpoint, 'seq'>): SignedCheckpoint;
  /** Verifies every chain and checkpoint (in steps: it yields to other work between pages of links). */
  verify(at: number): Promise<VerifyReport>;
}

export interface Signer {
  /** The public key, PEM (SPKI). */
  readonly publicKeyPem: string;
  /** SHA-256 of the public key's DER (SPKI), hex. */
  readonly fingerprint: string;
  /** Ed25519 signature of `data`, base64. */
  sign(data: Uint8Array): string;
}

/**
 * The remote store a readings chain kept by the spool is verified against (docs/security.md "Readings in a remote
 * store"): the store itself, read directly (never through the spool, whose copy would hide an edit).
 */
export interface RemoteReadingsSource {
  /** What the store is, for the report: kind and URL. */
  readonly describe: string;
  /** The store's own range query: readings of one device (and metric) in [from, to), oldest first, at most `limit`. */
  query(q: ReadingQuery): Promise<StoredReading[]>;
  /**
   * The device time, ms, before which the store's own retention may have deleted readings, at `now`; undefined when
   * it keeps everything or does not say. Rejects when the store cannot be asked.
   */
  retainedFrom(now: number): Promise<number | undefined>;
}
