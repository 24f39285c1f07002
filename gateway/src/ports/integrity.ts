/**
 * Tamper evidence (issue #17, docs/security.md "Tamper evidence"): the chains' heads, signed checkpoints,
 * verification, and the gateway's Ed25519 signing key.
 */
import type { ChainHead, SignedCheckpoint } from '../domain/integrity/checkpoint.js';
import type { VerifyReport } from '../domain/integrity/report.js';

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
