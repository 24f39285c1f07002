/**
 * Tamper evidence (issue #17, docs/security.md "Tamper evidence"): signed checkpoints of the chains' heads every
 * interval, verification on demand, and signatures of evidence exports.
 */
import type { Logger } from 'pino';
import type { Clock, Scheduler } from '../ports/clock.js';
import type { IntegrityLedger, Signer, SignedCheckpoint, VerifyReport } from '../ports/integrity.js';
import { checkpointBytes, headsMoved } from '../domain/integrity/checkpoint.js';
import { exportStatement } from '../domain/integrity/export-signature.js';

export interface IntegrityOptions {
  /** A checkpoint is signed this often when the heads moved, ms (0: none on a timer). Default 900 000 (15 min). */
  readonly checkpointIntervalMs: number;
}

export const DEFAULT_INTEGRITY_OPTIONS: IntegrityOptions = { checkpointIntervalMs: 15 * 60_000 };

/** An export's signature, as served beside it. */
export interface ExportSignature {
  /** Ed25519 signature of exportStatement(sha256), base64. */
  readonly signature: string;
  readonly keyFingerprint: string;
}

export class IntegrityService {
  private readonly options: IntegrityOptions;
  private timer: { cancel(): void } | undefined;
  private running: Promise<VerifyReport> | undefined;
  private closed = false;

  constructor(private readonly deps: {
    readonly ledger: IntegrityLedger;
    readonly signer: Signer;
    readonly clock: Clock;
    readonly scheduler: Scheduler;
    readonly log: Logger;
    readonly options?: Partial<IntegrityOptions>;
    /** Re-hashes the photos' bytes against their chained records (services/photo-verify.ts); absent: not checked. */
    readonly photos?: () => Promise<NonNullable<VerifyReport['photos']>>;
  }) {
    this.options = { ...DEFAULT_INTEGRITY_OPTIONS, ...deps.options };
  }

  get publicKey(): { readonly pem: string; readonly fingerprint: string } {
    return { pem: this.deps.signer.publicKeyPem, fingerprint: this.deps.signer.fingerprint };
  }

  /** Signs a checkpoint now and then every interval. */
  start(): void {
    this.checkpoint();
    this.schedule();
  }

  /** Signs and stores a checkpoint of the heads now, unless nothing moved since the last one. */
  checkpoint(): SignedCheckpoint | undefined {
    const heads = this.deps.ledger.heads();
    const last = this.deps.ledger.latestCheckpoint();
    if (!headsMoved(last, heads)) return undefined;
    const statement = { at: this.deps.clock.now(), ...heads };
    const cp = this.deps.ledger.appendCheckpoint({ ...statement, signature: this.deps.signer.sign(checkpointBytes(statement)), keyFingerprint: this.deps.signer.fingerprint });
    this.deps.log.info({ seq: cp.seq, readings: cp.readings.length, records: cp.records.length }, 'integrity checkpoint signed');
    return cp;
  }

  checkpoints(limit: number, before?: number): SignedCheckpoint[] {
    return this.deps.ledger.checkpoints(limit, before);
  }

  /** Verifies everything; concurrent calls share one run. */
  verify(): Promise<VerifyReport> {
    return (this.running ??= this.verifyAll().finally(() => { this.running = undefined; }));
  }

  private async verifyAll(): Promise<VerifyReport> {
    const report = await this.deps.ledger.verify(this.deps.clock.now());
    if (this.deps.photos === undefined) return report;
    const photos = await this.deps.photos();
    return { ...report, ok: report.ok && photos.broken === undefined, photos };
  }

  /** The signature of an export whose SHA-256 is `sha256Hex`. */
  signExport(sha256Hex: string): ExportSignature {
    return { signature: this.deps.signer.sign(exportStatement(sha256Hex)), keyFingerprint: this.deps.signer.fingerprint };
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
  }

  private schedule(): void {
    if (this.closed || this.options.checkpointIntervalMs <= 0) return;
    this.timer = this.deps.scheduler.after(this.options.checkpointIntervalMs, () => {
      try {
        this.checkpoint();
      } catch (e) {
        this.deps.log.error({ err: e }, 'signing an integrity checkpoint failed');
      }
      this.schedule();
    });
  }
}
